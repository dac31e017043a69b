package damhttp

import (
	"errors"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/damkit/damkit/dam"
)

// Portal pages for people: a visitor opening /p/{slug} or the signed link
// of their email in a browser gets the same kind of strict, script-free
// page as a share, with a plain HTML form to ask for access.

// portalFormCSP is the page policy with the one change a form needs:
// posting to this origin.
var portalFormCSP = strings.Replace(pageCSP, "form-action 'none'", "form-action 'self'", 1)

// maxRequestForm bounds a request form's body: an email address and a
// message of at most a few thousand characters, percent-encoded.
const maxRequestForm = 64 << 10

// formPolicy lets the page it writes post forms back to this origin.
type formPolicy struct{ http.ResponseWriter }

func (w formPolicy) WriteHeader(code int) {
	w.Header().Set("Content-Security-Policy", portalFormCSP)
	w.ResponseWriter.WriteHeader(code)
}

type portalHTML struct {
	pageBase
	Title, Description, Email string
	Disabled                  bool
	RequestURL, AutoApprove   string // RequestURL is "" when the form is not shown
	Assets                    []pageAsset
	Licences                  []pageLicence
	FormEmail, FormMessage    string
	FormError                 string
	// DownloadAll is the ZIP of everything a signed link may download now,
	// when that is more than one file and no licence waits.
	DownloadAll string
	// Background asks for that ZIP as a background download; Downloads is
	// the visitor's download inbox.
	Background, Downloads string
	Ready                 int
}

type portalSentHTML struct {
	pageBase
	Heading, Email, Back string
	Access               string // an auto-approved visitor's way in, at once
	AutoApprove, Nothing bool
}

// viewOrPage answers /p/{slug}: the portal's page for browsers, its JSON
// for API clients.
func (p *portalRoutes) viewOrPage(w http.ResponseWriter, r *http.Request) error {
	w.Header().Add("Vary", "Accept")
	if !acceptsHTML(r) {
		return p.view(w, r)
	}
	v, err := p.s.lib.PortalPage(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	p.page(w, http.StatusOK, v, "/p/"+url.PathEscape(v.Slug), portalHTML{})
	return nil
}

// accessOrPage answers /p/{slug}/access/{token} like viewOrPage.
func (p *portalRoutes) accessOrPage(w http.ResponseWriter, r *http.Request) error {
	w.Header().Add("Vary", "Accept")
	if !acceptsHTML(r) {
		return p.access(w, r)
	}
	v, err := p.s.lib.PortalAccess(r.Context(), r.PathValue("slug"), r.PathValue("token"))
	if err != nil {
		return err
	}
	base := "/p/" + url.PathEscape(v.Slug) + "/access/" + url.PathEscape(r.PathValue("token"))
	p.page(w, http.StatusOK, v, base, portalHTML{FormEmail: v.Email})
	return nil
}

// page renders a portal view; form carries what the visitor typed and
// what was wrong with it.
func (p *portalRoutes) page(w http.ResponseWriter, status int, v dam.PortalView, base string, form portalHTML) {
	form.pageBase = pageBase{PageTitle: v.Title, CSS: template.CSS(pageCSS)}
	form.Title, form.Description, form.Email = v.Title, v.Description, v.Email
	form.Disabled = v.Mode == dam.PortalDisabled
	waiting := false
	anonymous := v.Email == ""
	shared := make([]dam.SharedAsset, len(v.Assets))
	for i, a := range v.Assets {
		shared[i] = a.SharedAsset
		pa := pageAsset{Name: a.Name, Kind: string(a.Kind), Size: humanSize(a.Size), Licence: licenceTitle(v.Licences, a.SharedAsset)}
		if p.s.lib.Previewable(a.MediaType) {
			pa.Preview = base + "/assets/" + url.PathEscape(a.ID) + "/preview"
		}
		if p.s.lib.PlaysVideo(a.MediaType) && !a.Watermarked {
			pa.Video = base + "/assets/" + url.PathEscape(a.ID) + "/preview?as=video"
		}
		switch {
		case a.Downloadable || pa.Licence != "":
			pa.Download = base + "/assets/" + url.PathEscape(a.ID)
			if pa.Licence != "" && anonymous {
				// No identity to remember an acceptance by: the download
				// form accepts the licence for this download.
				pa.AcceptLicence, pa.LicenceVersion = a.Licence, licenceVersionOf(v.Licences, a.Licence)
			}
		default:
			waiting = true
		}
		form.Assets = append(form.Assets, pa)
	}
	acceptBase := base
	if anonymous {
		acceptBase = ""
	}
	form.Licences = pageLicences(v.Licences, shared, acceptBase)
	if !anonymous {
		for _, a := range v.Assets {
			if a.Downloadable && !a.LicencePending {
				form.Ready++
			}
		}
		if form.Ready > 1 {
			form.DownloadAll, form.Background = base+"/download", base+"/downloads"
			if p.s.lib.TooLargeToStream(shared) {
				form.DownloadAll = ""
			}
		}
		form.Downloads = base + "/downloads"
	}
	if (v.Mode == dam.PortalRequest || v.Mode == dam.PortalAutoApprove) && (waiting || len(v.Assets) == 0) {
		form.RequestURL = "/p/" + url.PathEscape(v.Slug) + "/requests"
		if v.Mode == dam.PortalAutoApprove {
			form.AutoApprove = "yes"
		}
	}
	p.s.writePage(formPolicy{w}, status, "portal", form)
}

// isForm reports whether a request's body is an HTML form post.
func isForm(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// requestOrForm takes a visitor's request as JSON (the API) or as the
// portal page's form; browsers get a page saying what happens next.
func (p *portalRoutes) requestOrForm(w http.ResponseWriter, r *http.Request) error {
	if !isForm(r) {
		return p.request(w, r)
	}
	if ok, wait := p.requests.Take(clientAddress(r), p.s.lib.Now()); !ok {
		return tooMany(wait, "requests from your address")
	}
	if err := readForm(w, r); err != nil {
		return err
	}
	vr := dam.VisitorRequest{Email: r.PostForm.Get("email"), Message: r.PostForm.Get("message"), AssetIDs: r.PostForm["asset_ids"]}
	if ok, wait := p.emails.Take(strings.ToLower(strings.TrimSpace(vr.Email)), p.s.lib.Now()); !ok {
		return tooMany(wait, "requests for this email address")
	}
	slug := r.PathValue("slug")
	res, err := p.s.lib.RequestPortalDownload(r.Context(), slug, vr)
	status := http.StatusCreated
	if err != nil && acceptsHTML(r) && res.VisitorToken != "" {
		// Already let in: the page says so and opens their files.
		err, status = nil, http.StatusOK
	}
	if err != nil {
		if acceptsHTML(r) && dam.KindOf(err) == dam.Invalid {
			// Show the form again with the visitor's input and the reason.
			v, verr := p.s.lib.PortalPage(r.Context(), slug)
			if verr != nil {
				return verr
			}
			p.page(w, http.StatusBadRequest, v, "/p/"+url.PathEscape(v.Slug),
				portalHTML{FormEmail: vr.Email, FormMessage: vr.Message, FormError: dam.ErrorMessage(err)})
			return nil
		}
		return err
	}
	if !acceptsHTML(r) {
		writeJSON(w, http.StatusCreated, requestResult(res))
		return nil
	}
	sent := portalSentHTML{Email: strings.TrimSpace(vr.Email), Back: "/p/" + url.PathEscape(slug), Nothing: len(res.Requests) == 0}
	for _, rq := range res.Requests {
		if rq.Status == dam.RequestApproved {
			sent.AutoApprove = true
		}
	}
	if res.VisitorToken != "" {
		sent.Access = "/p/" + url.PathEscape(slug) + "/access/" + url.PathEscape(res.VisitorToken)
	}
	switch {
	case sent.Nothing && sent.Access != "":
		sent.Heading = "You already have access"
	case sent.Nothing:
		sent.Heading = "Nothing new to request"
	case sent.Access != "":
		sent.Heading = "Your files are ready"
	case sent.AutoApprove:
		sent.Heading = "Check your email"
	default:
		sent.Heading = "Your request was sent"
	}
	sent.pageBase = pageBase{PageTitle: sent.Heading, CSS: template.CSS(pageCSS)}
	p.s.writePage(w, status, "portal-sent", sent)
	return nil
}

func licenceVersionOf(ls []dam.Licence, id string) int {
	for _, l := range ls {
		if l.ID == id {
			return l.Version
		}
	}
	return 0
}

// readForm parses a page's small form post, bounded by maxRequestForm.
func readForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestForm)
	if err := r.ParseForm(); err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			return dam.E("damhttp.form", dam.TooLarge, "the form is too large")
		}
		return dam.E("damhttp.form", dam.Invalid, "bad form: %v", err)
	}
	return nil
}
