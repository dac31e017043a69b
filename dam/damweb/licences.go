package damweb

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/httpdam"
)

func init() { routeSets = append(routeSets, (*Handler).licenceRoutes) }

// licenceRoutes are the owners' licences: the list with a form to publish
// one, a licence's page with its text, where it applies and a form to
// change it, and deletion (dam refuses it while the licence is set
// somewhere: the page says where).
func (h *Handler) licenceRoutes() []route {
	return []route{
		{"GET", "/licences", true, h.licencesPage},
		{"POST", "/licences", true, h.createLicence},
		{"GET", "/licences/{id}", true, h.licencePage},
		{"POST", "/licences/{id}", true, h.saveLicence},
		{"POST", "/licences/{id}/delete", true, h.deleteLicence},
	}
}

// licenceForm is the licence form as typed, with dam's refusal beside the
// field it concerns.
type licenceForm struct {
	Action, Title, Text string
	New                 bool
	Version             int // the version the form was read at
	Errors              map[string]string
	Error               string
}

// refuse puts a dam error on the form and reports whether the owner can
// correct it there.
func (f *licenceForm) refuse(err error) bool {
	switch dam.KindOf(err) {
	case dam.Invalid, dam.TooLarge, dam.AlreadyExists, dam.Conflict:
	default:
		return false
	}
	msg := dam.ErrorMessage(err)
	low := strings.ToLower(msg)
	f.Errors = map[string]string{}
	switch {
	case dam.KindOf(err) == dam.AlreadyExists || strings.Contains(low, "title"):
		f.Errors["title"] = msg
	case dam.KindOf(err) == dam.Conflict:
		f.Error = msg
	case strings.Contains(low, "text"):
		f.Errors["text"] = msg
	default:
		f.Error = msg
	}
	return true
}

// licenceRow is one licence of the list.
type licenceRow struct {
	dam.Licence
	URL     string
	Default bool
}

type licencesData struct {
	Rows      []licenceRow
	CanChange bool
	Form      licenceForm
}

func (h *Handler) licencesPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderLicences(w, r, http.StatusOK, licenceForm{Action: "/licences", New: true})
}

func (h *Handler) renderLicences(w http.ResponseWriter, r *http.Request, status int, form licenceForm) error {
	ctx := r.Context()
	me := actorOf(ctx)
	if !me.IsOwner() {
		return h.noPage(w, r)
	}
	ls, err := h.lib.Licences(ctx)
	if err != nil {
		return err
	}
	st, err := h.lib.Settings(ctx)
	if err != nil {
		return err
	}
	d := licencesData{CanChange: me.IsAdmin(), Form: form}
	for _, l := range ls {
		d.Rows = append(d.Rows, licenceRow{Licence: l, URL: "/licences/" + url.PathEscape(l.ID), Default: st.Licence == l.ID})
	}
	return h.render(w, r, status, "licences", "Licences", "manage", d)
}

func (h *Handler) createLicence(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	if !actorOf(ctx).IsOwner() {
		return h.noPage(w, r)
	}
	form := licenceForm{Action: "/licences", New: true, Title: r.PostForm.Get("title"), Text: r.PostForm.Get("text")}
	l, err := h.lib.CreateLicence(ctx, form.Title, form.Text)
	if err == nil {
		return redirect(w, r, "/licences/"+url.PathEscape(l.ID), "Licence “"+l.Title+"” published. Set it on the library, a folder or an asset for it to apply.")
	}
	if !form.refuse(err) {
		return err
	}
	return h.renderLicences(w, r, httpdam.StatusOf(dam.KindOf(err)), form)
}

// licenceData is a licence's page.
type licenceData struct {
	Licence   dam.Licence
	URL       string
	CanChange bool
	Form      licenceForm
	Use       dam.LicenceUse
	More      int    // assets set to it beyond those listed
	Deletable bool   // set nowhere the owner can see
	DeleteErr string // why dam refused to delete it
}

func (h *Handler) licencePage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !actorOf(ctx).IsOwner() {
		return h.noPage(w, r)
	}
	l, err := h.lib.Licence(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.renderLicence(w, r, http.StatusOK, l, licenceForm{Action: "/licences/" + url.PathEscape(l.ID), Title: l.Title, Text: l.Text,
		Version: l.Version}, "")
}

func (h *Handler) renderLicence(w http.ResponseWriter, r *http.Request, status int, l dam.Licence, form licenceForm, deleteErr string) error {
	ctx := r.Context()
	use, err := h.lib.LicenceUse(ctx, l.ID)
	if err != nil {
		return err
	}
	d := licenceData{Licence: l, URL: "/licences/" + url.PathEscape(l.ID), CanChange: actorOf(ctx).IsAdmin(), Form: form,
		Use: use, More: use.AssetCount - len(use.Assets), DeleteErr: deleteErr}
	d.Deletable = !use.LibraryDefault && len(use.Folders) == 0 && use.AssetCount == 0
	return h.render(w, r, status, "licence", "Licence “"+l.Title+"”", "manage", d)
}

// saveLicence changes a licence: a new text publishes its next version,
// which everyone who accepted an earlier one is asked to accept again.
func (h *Handler) saveLicence(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	if !actorOf(ctx).IsOwner() {
		return h.noPage(w, r)
	}
	cur, err := h.lib.Licence(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	form := licenceForm{Action: "/licences/" + url.PathEscape(cur.ID), Title: r.PostForm.Get("title"), Text: r.PostForm.Get("text"),
		Version: cur.Version}
	// The version the form was read at: a change made meanwhile is not
	// overwritten unseen.
	if v := r.PostForm.Get("version"); v != "" && v != strconv.Itoa(cur.Version) {
		form.Error = "Someone published version " + strconv.Itoa(cur.Version) + " meanwhile: read it below, then make your change again."
		return h.renderLicence(w, r, http.StatusConflict, cur, form, "")
	}
	l, err := h.lib.UpdateLicence(ctx, cur.ID, dam.LicencePatch{Title: &form.Title, Text: &form.Text})
	if err == nil {
		msg := "Saved."
		if l.Version != cur.Version {
			msg = "Version " + strconv.Itoa(l.Version) + " published: people who accepted an earlier one are asked again before their next download."
		}
		return redirect(w, r, "/licences/"+url.PathEscape(l.ID), msg)
	}
	if !form.refuse(err) {
		return err
	}
	return h.renderLicence(w, r, httpdam.StatusOf(dam.KindOf(err)), cur, form, "")
}

func (h *Handler) deleteLicence(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !actorOf(ctx).IsOwner() {
		return h.noPage(w, r)
	}
	l, err := h.lib.Licence(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	err = h.lib.DeleteLicence(ctx, l.ID)
	if dam.KindOf(err) == dam.FailedPrecondition {
		form := licenceForm{Action: "/licences/" + url.PathEscape(l.ID), Title: l.Title, Text: l.Text, Version: l.Version}
		return h.renderLicence(w, r, http.StatusPreconditionFailed, l, form, dam.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/licences", "Licence “"+l.Title+"” deleted; what people accepted stays on record.")
}
