package damhttp

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/httpdam"
)

func init() { routeSets = append(routeSets, (*Server).guestJobRoutes) }

// GuestDownloads is a guest's download inbox: /s/{token}/downloads.
func (b links) GuestDownloads(token string) string {
	return string(b) + "/s/" + url.PathEscape(token) + "/downloads"
}

// VisitorDownloads is a portal visitor's download inbox.
func (b links) VisitorDownloads(slug, token string) string {
	return string(b) + "/p/" + url.PathEscape(slug) + "/access/" + url.PathEscape(token) + "/downloads"
}

// guestJobRoutes are the background archives of share guests and portal
// visitors (dam/guestjobs.go), through their own link: ask for one, the
// inbox (a page for browsers, JSON for the API), one job, its parts, and
// cancelling it.
func (s *Server) guestJobRoutes() []route {
	g, p := &guestRoutes{s: s}, &portalRoutes{s: s}
	return []route{
		{"POST", "/s/{token}/downloads", false, s.forPeople(g.limited(g.createJob))},
		{"GET", "/s/{token}/downloads", false, s.forPeople(g.limited(g.jobs))},
		{"GET", "/s/{token}/downloads/{job}", false, g.limited(g.job)},
		{"DELETE", "/s/{token}/downloads/{job}", false, g.limited(g.cancelJob)},
		{"GET", "/s/{token}/downloads/{job}/parts/{n}", false, s.forPeople(g.limited(g.part))},
		{"POST", "/p/{slug}/access/{token}/downloads", false, s.forPeople(p.limited(p.createJob))},
		{"GET", "/p/{slug}/access/{token}/downloads", false, s.forPeople(p.limited(p.jobs))},
		{"GET", "/p/{slug}/access/{token}/downloads/{job}", false, p.limited(p.job)},
		{"DELETE", "/p/{slug}/access/{token}/downloads/{job}", false, p.limited(p.cancelJob)},
		{"GET", "/p/{slug}/access/{token}/downloads/{job}/parts/{n}", false, s.forPeople(p.limited(p.part))},
	}
}

// guestBase and visitorBase are the link a request came through.
func guestBase(r *http.Request) string { return "/s/" + url.PathEscape(r.PathValue("token")) }

func visitorBase(r *http.Request) string {
	return "/p/" + url.PathEscape(r.PathValue("slug")) + "/access/" + url.PathEscape(r.PathValue("token"))
}

// linkJobJSON is a guest's or visitor's job as their link shows it: part
// URLs under the link, and nothing about the sharer.
func linkJobJSON(j dam.Job, base string) jobBody {
	j.Guest, j.RequesterID = nil, ""
	b := jobJSON(j)
	b.Request = nil // guests and visitors do not file download requests
	for i := range b.Parts {
		if b.Parts[i].URL != "" {
			b.Parts[i].URL = base + "/downloads/" + url.PathEscape(j.ID) + "/parts/" + strconv.Itoa(b.Parts[i].Number)
		}
	}
	return b
}

// answerJob answers a new job: 202 with it, or for a browser's form a
// redirect to the inbox (303).
func answerJob(w http.ResponseWriter, r *http.Request, j dam.Job, base string) {
	if acceptsHTML(r) {
		http.Redirect(w, r, base+"/downloads", http.StatusSeeOther)
		return
	}
	w.Header().Set("Location", base+"/downloads/"+url.PathEscape(j.ID))
	writeJSON(w, http.StatusAccepted, linkJobJSON(j, base))
}

func (g *guestRoutes) createJob(w http.ResponseWriter, r *http.Request) error {
	j, err := g.s.lib.GuestDownloadJob(r.Context())
	if err != nil {
		return err
	}
	answerJob(w, r, j, guestBase(r))
	return nil
}

func (p *portalRoutes) createJob(w http.ResponseWriter, r *http.Request) error {
	j, err := p.s.lib.VisitorDownloadJob(r.Context(), r.PathValue("slug"), r.PathValue("token"))
	if err != nil {
		return visitorRefusal(r, err)
	}
	answerJob(w, r, j, visitorBase(r))
	return nil
}

func (g *guestRoutes) jobs(w http.ResponseWriter, r *http.Request) error {
	js, err := g.s.lib.GuestJobs(r.Context())
	if err != nil {
		return err
	}
	v, err := g.s.lib.GuestShare(r.Context())
	if err != nil {
		return err
	}
	g.s.answerJobs(w, r, js, guestBase(r), v.Title, guestBase(r))
	return nil
}

func (p *portalRoutes) jobs(w http.ResponseWriter, r *http.Request) error {
	js, err := p.s.lib.VisitorJobs(r.Context(), r.PathValue("slug"), r.PathValue("token"))
	if err != nil {
		return err
	}
	v, err := p.s.lib.PortalAccess(r.Context(), r.PathValue("slug"), r.PathValue("token"))
	if err != nil {
		return err
	}
	p.s.answerJobs(w, r, js, visitorBase(r), v.Title, visitorBase(r))
	return nil
}

func (g *guestRoutes) job(w http.ResponseWriter, r *http.Request) error {
	j, err := g.s.lib.GuestJob(r.Context(), r.PathValue("job"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, linkJobJSON(j, guestBase(r)))
	return nil
}

func (p *portalRoutes) job(w http.ResponseWriter, r *http.Request) error {
	j, err := p.s.lib.VisitorJob(r.Context(), r.PathValue("slug"), r.PathValue("token"), r.PathValue("job"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, linkJobJSON(j, visitorBase(r)))
	return nil
}

func (g *guestRoutes) cancelJob(w http.ResponseWriter, r *http.Request) error {
	if err := g.s.lib.CancelGuestJob(r.Context(), r.PathValue("job")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (p *portalRoutes) cancelJob(w http.ResponseWriter, r *http.Request) error {
	if err := p.s.lib.CancelVisitorJob(r.Context(), r.PathValue("slug"), r.PathValue("token"), r.PathValue("job")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (g *guestRoutes) part(w http.ResponseWriter, r *http.Request) error {
	n, err := partNumber(r)
	if err != nil {
		return err
	}
	p, err := g.s.lib.GuestPart(r.Context(), r.PathValue("job"), n)
	if err != nil {
		return err
	}
	defer p.Close()
	return httpdam.ServePart(w, r, p, g.s.opts.WriteTimeout)
}

func (p *portalRoutes) part(w http.ResponseWriter, r *http.Request) error {
	n, err := partNumber(r)
	if err != nil {
		return err
	}
	pt, err := p.s.lib.VisitorPart(r.Context(), r.PathValue("slug"), r.PathValue("token"), r.PathValue("job"), n)
	if err != nil {
		return visitorRefusal(r, err)
	}
	defer pt.Close()
	return httpdam.ServePart(w, r, pt, p.s.opts.WriteTimeout)
}

// partNumber reads {n} of a part route.
func partNumber(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return 0, dam.E("damhttp.part", dam.Invalid, "part number %.20q is not a number from 1", r.PathValue("n"))
	}
	return n, nil
}

// downloadsScript is the one script of the inbox page: it asks the JSON
// form of the page every two seconds while a download is being prepared,
// moves the progress bars, and reloads the page when one finishes (so its
// part links appear). Without it the page refreshes itself (noscript).
const downloadsScript = `(function(){
var list=document.getElementById('jobs');if(!list||!list.dataset.active)return;
function tick(){fetch(location.pathname,{headers:{Accept:'application/json'},credentials:'same-origin'}).then(function(r){return r.json()}).then(function(d){
var again=false;(d.items||[]).forEach(function(j){var li=document.getElementById('job-'+j.id);if(!li)return;
var bar=li.querySelector('progress'),st=li.querySelector('.status');
if(bar&&j.bytes_total>0){bar.max=j.bytes_total;bar.value=j.bytes_done;bar.textContent=Math.round(100*j.bytes_done/j.bytes_total)+'%'}
if(st&&st.dataset.status!==j.status){location.reload();return}
if(j.status==='queued'||j.status==='running')again=true});
if(again)setTimeout(tick,2000)}).catch(function(){setTimeout(tick,5000)})}
setTimeout(tick,2000)})();`

// downloadsCSP is the page policy with the inbox script allowed by its
// hash, fetches to this origin, and forms posting here (ask, cancel).
var downloadsCSP = func() string {
	sum := sha256.Sum256([]byte(downloadsScript))
	csp := strings.Replace(pageCSP, "form-action 'none'", "form-action 'self'", 1)
	return csp + "; script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; connect-src 'self'"
}()

type downloadsPolicy struct{ http.ResponseWriter }

func (w downloadsPolicy) WriteHeader(code int) {
	w.Header().Set("Content-Security-Policy", downloadsCSP)
	w.ResponseWriter.WriteHeader(code)
}

type downloadsPage struct {
	pageBase
	Title, Back, Ask string
	Active           bool
	Jobs             []pageJob
	Script           template.JS
}

type pageJob struct {
	ID, Name, Status, StatusText, Size, Expires, Error string
	Active                                             bool
	BytesDone, BytesTotal                              int64
	Percent                                            int
	Assets, Skipped                                    int
	Parts                                              []pagePart
}

type pagePart struct {
	URL, Name, Size string
	Number          int
	Ready           bool
	// Assets is how many assets the part holds, when known (finished parts).
	Assets int
}

var jobStatusText = map[dam.JobStatus]string{
	dam.JobQueued: "Waiting to be prepared", dam.JobRunning: "Being prepared", dam.JobDone: "Ready",
	dam.JobFailed: "Failed", dam.JobExpired: "Expired", dam.JobReady: "Ready",
}

// answerJobs answers an inbox: JSON for the API, a page for browsers.
func (s *Server) answerJobs(w http.ResponseWriter, r *http.Request, js []dam.Job, base, title, back string) {
	w.Header().Add("Vary", "Accept")
	w.Header().Set("Cache-Control", "no-store")
	if !acceptsHTML(r) {
		out := make([]jobBody, len(js))
		for i, j := range js {
			out[i] = linkJobJSON(j, base)
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": out})
		return
	}
	p := downloadsPage{pageBase: pageBase{PageTitle: "Your downloads \u2013 " + title, CSS: template.CSS(pageCSS)},
		Title: title, Back: back, Ask: base + "/downloads", Script: template.JS(downloadsScript)}
	for _, j := range js {
		b := linkJobJSON(j, base)
		pj := pageJob{ID: j.ID, Name: j.Name, Status: string(j.Status), StatusText: jobStatusText[j.Status], Active: j.Active(),
			BytesDone: j.BytesDone, BytesTotal: j.BytesTotal, Size: humanSize(j.BytesTotal), Assets: j.EntriesTotal,
			Skipped: len(j.Skipped), Error: j.Error}
		if j.BytesTotal > 0 {
			pj.Percent = int(j.BytesDone * 100 / j.BytesTotal)
		}
		if j.ExpiresAt != nil {
			pj.Expires = j.ExpiresAt.UTC().Format("Monday 2 January 2006, 15:04 MST")
		}
		for i, part := range b.Parts {
			pj.Parts = append(pj.Parts, pagePart{URL: part.URL, Number: part.Number, Ready: part.URL != "",
				Size: humanSize(part.Size), Name: partLabel(j, i+1), Assets: part.Assets})
		}
		p.Active = p.Active || pj.Active
		p.Jobs = append(p.Jobs, pj)
	}
	if p.Active {
		p.Refresh = 5
	}
	s.writePage(downloadsPolicy{w}, http.StatusOK, "downloads", p)
}

// partLabel names part n of j for people: "Part 2 of 3".
func partLabel(j dam.Job, n int) string {
	if len(j.Parts) == 1 {
		return "ZIP"
	}
	return "Part " + strconv.Itoa(n) + " of " + strconv.Itoa(len(j.Parts))
}
