package damweb

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Handler).profileRoutes) }

// profileRoutes are the owners' export profiles: the list with a form to
// add one, a profile's page with its form and a preview on a sample asset,
// and deletion. Owners read them; administrators change them (dam says
// who). The {id} of a profile is its name.
func (h *Handler) profileRoutes() []route {
	return []route{
		{"GET", "/profiles", true, h.profilesPage},
		{"POST", "/profiles", true, h.createProfile},
		{"GET", "/profiles/{id}", true, h.profilePage},
		{"POST", "/profiles/{id}", true, h.saveProfile},
		{"POST", "/profiles/{id}/delete", true, h.deleteProfile},
	}
}

// maxProfileForm bounds a profile form post: the fields and a watermark
// image of at most dam.MaxWatermarkImage bytes.
const maxProfileForm = dam.MaxWatermarkImage + 64<<10

// The choices are the values of package rendition's Fit, Format and
// Position (this package reaches rendition only through dam; the tests
// check the lists against it).
var (
	fitChoices = []choice{
		{"contain", "Contain: the whole image inside the box"},
		{"cover", "Cover: fill the box, cropping the overflow"},
		{"smart", "Smart crop: fill the box, keeping the subject (by content)"},
		{"fill", "Fill: stretch to the box exactly"},
		{"none", "None: no scaling, the centre cut to the box"},
	}
	formatChoices = []choice{
		{"src", "Same as the original"},
		{"jpeg", "JPEG"},
		{"png", "PNG"},
		{"gif", "GIF"},
		{"webp", "WebP"},
		{"tiff", "TIFF (lossless)"},
		{"mp4", "MP4 video (H.264; videos only)"},
		{"webm", "WebM video (VP9; videos only)"},
	}
	positionChoices = []choice{
		{"br", "Bottom right"},
		{"bl", "Bottom left"},
		{"tr", "Top right"},
		{"tl", "Top left"},
		{"c", "Centre"},
		{"tile", "Tiled over the whole image"},
	}
)

// profileForm is the profile form as the owner filled it in: the values
// are kept as typed, so a refused form comes back as it was sent, with
// each error beside its field.
type profileForm struct {
	Action                                    string // where the form posts
	New                                       bool   // the name is asked for
	Name, Width, Height, Fit, Format, Quality string
	Enlarge, Grayscale, Invert, KeepMetadata  bool
	KeepGPS, StripMetadata                    bool
	SmartCrop                                 bool   // one of the smart crops
	Page, PosterAt                            string // a PDF's page; a video's poster time in ms
	DPI                                       string // the resolution written into the file
	WMKind                                    string // "", "text" or "image"
	WMText, WMPosition, WMOpacity             string
	HasImage                                  bool   // the stored profile has a watermark image
	Sample                                    string // the sample asset the preview shows, kept across a save
	Errors                                    map[string]string
	Error                                     string // an error no field explains
	Focus                                     string // the first field in error: it takes the focus
	Fits, Formats, Positions                  []choice
}

func newProfileForm(action string, isNew bool) profileForm {
	return profileForm{Action: action, New: isNew, Fit: "contain", Format: "src",
		WMPosition: "br", Fits: fitChoices, Formats: formatChoices, Positions: positionChoices}
}

// formOf fills a form with a stored profile.
func formOf(p dam.Profile, action string) profileForm {
	f := newProfileForm(action, false)
	f.Name, f.Fit, f.Format = p.Name, string(p.Fit), string(p.Format)
	if p.Width > 0 {
		f.Width = strconv.Itoa(p.Width)
	}
	if p.Height > 0 {
		f.Height = strconv.Itoa(p.Height)
	}
	if p.Quality > 0 {
		f.Quality = strconv.Itoa(p.Quality)
	}
	f.Enlarge, f.Grayscale, f.Invert, f.KeepMetadata = p.Enlarge, p.Grayscale, p.Invert, p.KeepMetadata
	f.KeepGPS, f.StripMetadata, f.SmartCrop = p.KeepGPS, p.StripMetadata, p.SmartCrop
	if p.Page > 0 {
		f.Page = strconv.Itoa(p.Page)
	}
	if p.PosterAtMS > 0 {
		f.PosterAt = strconv.FormatInt(p.PosterAtMS, 10)
	}
	if p.DPI > 0 {
		f.DPI = strconv.Itoa(p.DPI)
	}
	if w := p.Watermark; w != nil {
		f.WMKind, f.WMText, f.WMPosition = "text", w.Text, string(w.Position)
		if w.Text == "" && len(w.Image) > 0 {
			f.WMKind, f.HasImage = "image", true
		}
		if w.Opacity > 0 {
			f.WMOpacity = strconv.Itoa(w.Opacity)
		}
	}
	return f
}

// focusOrder is the order of the form's fields: the first one in error
// takes the focus when the form comes back.
var focusOrder = []string{"name", "size", "fit", "format", "quality", "dpi", "wm_kind", "wm_text", "wm_image", "wm_position", "wm_opacity"}

// focus picks the first field in error.
func (f *profileForm) focus() {
	for _, field := range focusOrder {
		if _, ok := f.Errors[field]; ok {
			f.Focus = field
			return
		}
	}
}

// fieldError puts an error beside field and returns false.
func (f *profileForm) fieldError(field, msg string) bool {
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	if _, ok := f.Errors[field]; !ok {
		f.Errors[field] = msg
	}
	return false
}

// whole reads a whole number field; blank is 0.
func (f *profileForm) whole(field, v, what string) (int, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || len(v) > 9 {
		return 0, f.fieldError(field, what+" must be a whole number")
	}
	return n, true
}

// readProfileForm parses a posted profile form into the form as typed
// and the profile it asks for; ok is false when a field could not even be
// read (a number that is not one), with the error beside it. cur is the
// stored profile being changed (nil for a new one): its watermark image
// stays unless another is sent.
func readProfileForm(r *http.Request, f *profileForm, cur *dam.Profile) (dam.Profile, bool, error) {
	if err := r.ParseMultipartForm(64 << 10); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return dam.Profile{}, false, dam.E("damweb", dam.TooLarge, "the form is larger than %d bytes: a watermark image is at most %d bytes",
				mbe.Limit, dam.MaxWatermarkImage)
		}
		return dam.Profile{}, false, dam.E("damweb", dam.Invalid, "the form could not be read")
	}
	v := r.PostForm
	if f.New {
		f.Name = strings.TrimSpace(v.Get("name"))
	}
	f.Width, f.Height, f.Quality = v.Get("width"), v.Get("height"), v.Get("quality")
	f.Fit, f.Format = v.Get("fit"), v.Get("format")
	f.Enlarge, f.Grayscale, f.Invert, f.KeepMetadata = v.Get("enlarge") != "", v.Get("grayscale") != "", v.Get("invert") != "", v.Get("keep_metadata") != ""
	f.WMKind, f.WMText, f.WMPosition, f.WMOpacity = v.Get("wm_kind"), v.Get("wm_text"), v.Get("wm_position"), v.Get("wm_opacity")
	f.KeepGPS, f.StripMetadata = v.Get("keep_gps") != "", v.Get("strip_metadata") != ""
	f.SmartCrop = v.Get("smart_crop") != ""
	f.Page, f.PosterAt, f.DPI = v.Get("page"), v.Get("poster_at_ms"), v.Get("dpi")
	p := dam.Profile{Name: f.Name, Enlarge: f.Enlarge, Grayscale: f.Grayscale, Invert: f.Invert, KeepMetadata: f.KeepMetadata,
		KeepGPS: f.KeepGPS, StripMetadata: f.StripMetadata, SmartCrop: f.SmartCrop}
	setString(&p.Fit, f.Fit)
	setString(&p.Format, f.Format)
	ok := true
	var good bool
	if p.Width, good = f.whole("size", f.Width, "the width"); !good {
		ok = false
	}
	if p.Height, good = f.whole("size", f.Height, "the height"); !good {
		ok = false
	}
	if p.Quality, good = f.whole("quality", f.Quality, "the quality"); !good {
		ok = false
	}
	if p.Page, good = f.whole("page", f.Page, "the page"); !good {
		ok = false
	}
	if p.DPI, good = f.whole("dpi", f.DPI, "the resolution"); !good {
		ok = false
	}
	at, good := f.whole("poster_at", f.PosterAt, "the poster time")
	if !good {
		ok = false
	}
	p.PosterAtMS = int64(at)
	switch f.WMKind {
	case "":
	case "text", "image":
		w := &dam.ProfileWatermark{}
		setString(&w.Position, f.WMPosition)
		if w.Opacity, good = f.whole("wm_opacity", f.WMOpacity, "the opacity"); !good {
			ok = false
		}
		if f.WMKind == "text" {
			w.Text = f.WMText
			if strings.TrimSpace(w.Text) == "" {
				ok = f.fieldError("wm_text", "write the watermark’s text, or choose no watermark")
			}
		} else {
			img, err := formFile(r, "wm_image")
			switch {
			case err != nil:
				return dam.Profile{}, false, err
			case img != nil:
				w.Image = img
			case cur != nil && cur.Watermark != nil && cur.Watermark.Text == "" && len(cur.Watermark.Image) > 0:
				w.Image = cur.Watermark.Image
			default:
				ok = f.fieldError("wm_image", "choose a PNG, JPEG or GIF image, or choose no watermark")
			}
			f.HasImage = len(w.Image) > 0
		}
		p.Watermark = w
	default:
		ok = f.fieldError("wm_kind", "choose no watermark, a text or an image")
	}
	return p, ok, nil
}

// setString sets a string-typed field of a dam type from a form value.
func setString[T ~string](dst *T, v string) { *dst = T(v) }

// formFile reads the file of a multipart field, nil when none was sent.
func formFile(r *http.Request, name string) ([]byte, error) {
	if r.MultipartForm == nil || len(r.MultipartForm.File[name]) == 0 {
		return nil, nil
	}
	fh := r.MultipartForm.File[name][0]
	if fh.Size == 0 {
		return nil, nil
	}
	file, err := fh.Open()
	if err != nil {
		return nil, dam.E("damweb", dam.Invalid, "the watermark image could not be read")
	}
	defer file.Close()
	b, err := io.ReadAll(io.LimitReader(file, maxProfileForm))
	if err != nil {
		return nil, dam.E("damweb", dam.Invalid, "the watermark image could not be read")
	}
	return b, nil
}

// profileErrorField says which field of the form a dam error about a
// profile concerns, "" when none does: dam's message is shown beside it.
func profileErrorField(err error) string {
	if dam.KindOf(err) == dam.AlreadyExists {
		return "name"
	}
	msg := strings.ToLower(dam.ErrorMessage(err))
	for _, m := range []struct{ word, field string }{
		{"watermark image", "wm_image"},
		{"watermark position", "wm_position"},
		{"watermark opacity", "wm_opacity"},
		{"watermark", "wm_text"},
		{"width", "size"},
		{"height", "size"},
		{"quality", "quality"},
		{"dpi", "dpi"},
		{"resolution field", "dpi"},
		{"format", "format"},
		{"fit", "fit"},
		{"name", "name"},
	} {
		if strings.Contains(msg, m.word) {
			return m.field
		}
	}
	return ""
}

// refuse puts a dam error on the form: beside its field when it names
// one, above the form otherwise. It reports whether the error is one the
// owner can correct in the form.
func (f *profileForm) refuse(err error) bool {
	switch dam.KindOf(err) {
	case dam.Invalid, dam.AlreadyExists, dam.TooLarge:
	default:
		return false
	}
	msg := dam.ErrorMessage(err)
	if field := profileErrorField(err); field != "" {
		f.fieldError(field, msg)
	} else {
		f.Error = msg
	}
	return true
}

// profileRow is one profile in the list.
type profileRow struct {
	dam.Profile
	URL, Spec, Size, Watermark string
}

// profilesData is the list page's.
type profilesData struct {
	Rows      []profileRow
	CanChange bool
	Form      profileForm
}

// describeSize says a profile's box as people read it.
func describeSize(p dam.Profile) string {
	switch {
	case p.Width > 0 && p.Height > 0:
		return strconv.Itoa(p.Width) + " × " + strconv.Itoa(p.Height) + " px"
	case p.Width > 0:
		return strconv.Itoa(p.Width) + " px wide"
	case p.Height > 0:
		return strconv.Itoa(p.Height) + " px high"
	}
	return "original size"
}

func describeWatermark(w *dam.ProfileWatermark) string {
	switch {
	case w == nil:
		return "none"
	case w.Text != "":
		return "“" + w.Text + "”"
	}
	return "image"
}

func (h *Handler) profilesPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderProfiles(w, r, http.StatusOK, newProfileForm("/profiles", true))
}

func (h *Handler) renderProfiles(w http.ResponseWriter, r *http.Request, status int, form profileForm) error {
	ctx := r.Context()
	me := actorOf(ctx)
	if !me.IsOwner() {
		return h.noPage(w, r)
	}
	ps, err := h.lib.Profiles(ctx)
	if err != nil {
		return err
	}
	d := profilesData{CanChange: me.IsAdmin(), Form: form}
	for _, p := range ps {
		d.Rows = append(d.Rows, profileRow{Profile: p, URL: "/profiles/" + url.PathEscape(p.Name), Spec: p.Spec(),
			Size: describeSize(p), Watermark: describeWatermark(p.Watermark)})
	}
	return h.render(w, r, status, "profiles", "Export profiles", "manage", d)
}

// createProfile adds a profile from the list page's form; a refused form
// comes back with its errors beside the fields.
func (h *Handler) createProfile(w http.ResponseWriter, r *http.Request) error {
	if !actorOf(r.Context()).IsOwner() {
		return h.noPage(w, r)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxProfileForm)
	form := newProfileForm("/profiles", true)
	p, ok, err := readProfileForm(r, &form, nil)
	if err != nil {
		return err
	}
	if ok {
		if p, err = h.lib.CreateProfile(r.Context(), p); err == nil {
			return redirect(w, r, "/profiles/"+url.PathEscape(p.Name), "Export profile “"+p.Name+"” created.")
		}
		if !form.refuse(err) {
			return err
		}
	}
	form.focus()
	return h.renderProfiles(w, r, http.StatusBadRequest, form)
}

// sample is a sample asset's preview in the profile.
type sample struct {
	Asset            dam.Asset
	Image            string // the preview's URL
	Width, Height    int
	Size             int64
	MediaType        string
	Watermarked      bool
	Error            string // why there is no preview
	SourceW, SourceH int
	SourceSize       int64
	SourceType       string
}

// profileData is a profile's page.
type profileData struct {
	Profile   dam.Profile
	URL       string
	CanChange bool
	Form      profileForm
	Samples   []dam.Asset // images to pick a sample from
	SampleID  string
	Sample    *sample
}

// maxSamples bounds the images offered as samples.
const maxSamples = 50

func (h *Handler) profilePage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !actorOf(ctx).IsOwner() {
		return h.noPage(w, r)
	}
	p, err := h.lib.Profile(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.renderProfile(w, r, http.StatusOK, p, formOf(p, "/profiles/"+url.PathEscape(p.Name)))
}

func (h *Handler) renderProfile(w http.ResponseWriter, r *http.Request, status int, p dam.Profile, form profileForm) error {
	ctx := r.Context()
	me := actorOf(ctx)
	d := profileData{Profile: p, URL: "/profiles/" + url.PathEscape(p.Name), CanChange: me.IsAdmin(), Form: form,
		SampleID: strings.TrimSpace(r.URL.Query().Get("sample"))}
	var err error
	if d.Samples, _, err = h.lib.Assets(ctx, dam.AssetQuery{Kind: dam.MediaImage, Sort: "-created", Limit: maxSamples}); err != nil {
		return err
	}
	if d.SampleID == "" && len(d.Samples) > 0 {
		d.SampleID = d.Samples[0].ID
	}
	if d.SampleID != "" {
		d.Form.Sample = d.SampleID
		d.Sample = h.previewSample(r, p, d.SampleID)
		if d.Sample.Asset.ID != "" && !slices.ContainsFunc(d.Samples, func(a dam.Asset) bool { return a.ID == d.SampleID }) {
			d.Samples = append([]dam.Asset{d.Sample.Asset}, d.Samples...)
		}
	}
	return h.render(w, r, status, "profile", "Export profile “"+p.Name+"”", "manage", d)
}

// previewSample renders profile p on the sample asset through the
// library's preview path (cached like any rendition) and says what came
// out. An asset out of reach reads as an absent one: dam answers both
// alike.
func (h *Handler) previewSample(r *http.Request, p dam.Profile, id string) *sample {
	ctx := r.Context()
	s := &sample{}
	a, err := h.lib.Asset(ctx, id)
	if err != nil {
		s.Error = dam.ErrorMessage(err)
		return s
	}
	s.Asset = a
	s.SourceW, s.SourceH, s.SourceSize, s.SourceType = a.Current.Width, a.Current.Height, a.Current.Size, a.Current.MediaType
	d, err := h.lib.OpenPreview(ctx, a.ID, p.Name)
	if err != nil {
		s.Error = dam.ErrorMessage(err)
		return s
	}
	_ = d.Close()
	v := d.Version
	s.Width, s.Height, s.Size, s.MediaType = v.Width, v.Height, v.Size, v.MediaType
	s.Watermarked = strings.HasSuffix(d.ETag, `-wm"`)
	// The URL names the profile's last change, so an edited profile is
	// never shown from the browser's cache.
	s.Image = previewURL(a, p.Name, s.Watermarked) + "&at=" + strconv.FormatInt(p.UpdatedAt.UnixNano(), 36)
	return s
}

// saveProfile changes a profile's settings; its name stays.
func (h *Handler) saveProfile(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !actorOf(ctx).IsOwner() {
		return h.noPage(w, r)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxProfileForm)
	cur, err := h.lib.Profile(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	form := formOf(cur, "/profiles/"+url.PathEscape(cur.Name))
	p, ok, err := readProfileForm(r, &form, &cur)
	if err != nil {
		return err
	}
	if ok {
		p.Name = cur.Name
		if p, err = h.lib.UpdateProfile(ctx, p); err == nil {
			next := "/profiles/" + url.PathEscape(p.Name)
			if s := r.PostForm.Get("sample"); s != "" {
				next += "?sample=" + url.QueryEscape(s)
			}
			return redirect(w, r, next, "Saved: the preview shows the new settings.")
		}
		if !form.refuse(err) {
			return err
		}
	}
	form.focus()
	return h.renderProfile(w, r, http.StatusBadRequest, cur, form)
}

// deleteProfile removes a profile. Collections and shares that name it
// stop offering it (dam says what follows).
func (h *Handler) deleteProfile(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !actorOf(ctx).IsOwner() {
		return h.noPage(w, r)
	}
	name := r.PathValue("id")
	if err := h.lib.DeleteProfile(ctx, name); err != nil {
		return err
	}
	return redirect(w, r, "/profiles", "Export profile “"+name+"” deleted.")
}
