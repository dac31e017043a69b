package damweb

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Handler).downloadRoutes) }

func (h *Handler) downloadRoutes() []route {
	return []route{
		{"GET", "/downloads", true, h.downloadsPage},
		{"GET", "/downloads/{id}", true, h.downloadJob},
		{"POST", "/downloads/{id}/cancel", true, h.cancelDownload},
		{"GET", "/downloads/{id}/parts/{n}", true, h.downloadPart},
	}
}

// downloadsPageSize is how many jobs the inbox shows at once.
const downloadsPageSize = 30

// jobView is a download job as the inbox shows it, in plain words.
type jobView struct {
	ID, Name   string
	URL        string // /downloads/{id}
	Status     dam.JobStatus
	Word       string // Queued, Building, Ready, Failed, Expired
	State      string // the line under the name
	Active     bool   // queued or running: jobs.js follows it
	Done       int    // assets built
	Total      int
	Assets     int
	Parts      []partView
	Skipped    []skippedView
	Error      string
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	SentBy     *dam.Sender
	Sent       []dam.Sent
	CanCancel  bool
	CancelWord string
}

type partView struct {
	Number int
	Size   int64
	URL    string
	Label  string
	Assets int // the assets in the part, all finished (the part is ready)
}

type skippedView struct {
	AssetID, Name, Message string
	Requestable            bool // a download request could lift it
}

// viewJob says where a job stands. now decides whether a finished job has
// expired (the sweep marks it later).
func viewJob(j dam.Job, now time.Time) jobView {
	v := jobView{ID: j.ID, Name: j.Name, URL: "/downloads/" + url.PathEscape(j.ID), Status: j.Status,
		Done: j.EntriesDone, Total: j.EntriesTotal, Assets: j.AssetCount(), Error: j.Error, CreatedAt: j.CreatedAt,
		ExpiresAt: j.ExpiresAt, SentBy: j.SentBy, Sent: j.Sent, CanCancel: true, CancelWord: "Remove"}
	if v.Name == "" {
		v.Name = "Download"
	}
	expired := j.Status == dam.JobExpired || j.ExpiresAt != nil && !now.Before(*j.ExpiresAt)
	switch {
	case expired:
		v.Word, v.State = "Expired", "It has expired; select the assets again to download them."
	case j.Status == dam.JobQueued:
		v.Word, v.State, v.Active = "Queued", "Waiting to start: "+count(j.EntriesTotal, "asset")+".", true
	case j.Status == dam.JobRunning:
		v.Word, v.State, v.Active = "Building", "Building: "+strconv.Itoa(j.EntriesDone)+" of "+count(j.EntriesTotal, "asset")+".", true
	case j.Status == dam.JobFailed:
		v.Word, v.State = "Failed", "It could not be built."
	default: // ready (built on the fly) or done (built by the worker)
		v.Word, v.State = "Ready", "Ready: "+count(j.AssetCount(), "asset")+"."
	}
	if v.Active {
		v.CancelWord = "Cancel"
	}
	if !expired && j.Status != dam.JobFailed {
		for _, p := range j.Parts {
			if !p.Ready {
				continue
			}
			pv := partView{Number: p.Number, Size: p.Size, URL: v.URL + "/parts/" + strconv.Itoa(p.Number), Label: "Download", Assets: p.Assets}
			switch {
			case j.Single:
				pv.Label = "Download the file"
			case len(j.Parts) == 1:
				pv.Label = "Download ZIP"
			default:
				pv.Label = "Download part " + strconv.Itoa(p.Number) + " of " + strconv.Itoa(len(j.Parts))
			}
			v.Parts = append(v.Parts, pv)
		}
	}
	for _, s := range j.Skipped {
		sv := skippedView{AssetID: s.AssetID, Name: s.Name, Message: s.Message, Requestable: dam.Requestable(s.Reason)}
		if sv.Name == "" {
			sv.Name = "An asset"
		}
		if s.Crop != "" {
			sv.Name += " (smart crop " + s.Crop + ")"
		}
		if sv.Message == "" {
			sv.Message = s.Reason
		}
		v.Skipped = append(v.Skipped, sv)
	}
	return v
}

// downloadsData is the inbox page's.
type downloadsData struct {
	Mine     []jobView
	Received []jobView // archives other users sent me
	Next     string
	First    bool // this is not the first page
}

// downloadsPage is the downloads inbox: my download jobs, newest first,
// and the archives others sent me, each with where it stands, its files,
// what was left out and why, and until when it can be fetched.
func (h *Handler) downloadsPage(w http.ResponseWriter, r *http.Request) error {
	cursor := r.URL.Query().Get("cursor")
	js, next, err := h.lib.Jobs(r.Context(), cursor, downloadsPageSize)
	if err != nil {
		return err
	}
	d := downloadsData{First: cursor != ""}
	now := h.lib.Now()
	for _, j := range js {
		if j.SentBy != nil {
			d.Received = append(d.Received, viewJob(j, now))
		} else {
			d.Mine = append(d.Mine, viewJob(j, now))
		}
	}
	if next != "" {
		d.Next = "/downloads?cursor=" + url.QueryEscape(next)
	}
	return h.render(w, r, http.StatusOK, "downloads", "Downloads", "downloads", d)
}

// jobAnswer is what jobs.js polls: where the job stands and, rendered as
// the page renders it, its entry in the inbox.
type jobAnswer struct {
	ID     string        `json:"id"`
	Status dam.JobStatus `json:"status"`
	Active bool          `json:"active"`
	Done   int           `json:"done"`
	Total  int           `json:"total"`
	State  string        `json:"state"`
	HTML   string        `json:"html"`
}

// downloadJob answers jobs.js with a small JSON of the job's progress; a
// person who opens the address is sent to the job in the inbox.
func (h *Handler) downloadJob(w http.ResponseWriter, r *http.Request) error {
	j, err := h.lib.Job(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !wantsJSON(r) {
		http.Redirect(w, r, "/downloads#job-"+url.PathEscape(j.ID), http.StatusSeeOther)
		return nil
	}
	v := viewJob(j, h.lib.Now())
	var buf bytes.Buffer
	if err := h.pages.pages["downloads"].ExecuteTemplate(&buf, "job", v); err != nil {
		return dam.E("damweb.downloadJob", dam.Internal, "job template: %v", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(jobAnswer{ID: j.ID, Status: j.Status, Active: v.Active, Done: v.Done, Total: v.Total,
		State: v.State, HTML: buf.String()})
}

// cancelDownload stops a job being built, or removes a finished one, with
// its stored files.
func (h *Handler) cancelDownload(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	j, err := h.lib.Job(r.Context(), id)
	if err != nil {
		return err
	}
	if err := h.lib.CancelJob(r.Context(), id); err != nil {
		return err
	}
	msg := "Download removed."
	if j.Active() {
		msg = "Download canceled."
	}
	return redirect(w, r, "/downloads", msg)
}

// downloadPart serves one file of a download: a ZIP part, or the single
// original, with ranges so a broken download resumes.
func (h *Handler) downloadPart(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return dam.E("damweb.downloadPart", dam.NotFound, "no such part")
	}
	return h.servePart(w, r, r.PathValue("id"), n)
}
