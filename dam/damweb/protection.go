package damweb

import (
	"net/http"
	"net/url"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Handler).protectionRoutes) }

// protectionRoutes are the owners' protection settings of folders and
// assets, and the folder settings page.
func (h *Handler) protectionRoutes() []route {
	return []route{
		{"GET", "/folders/{id}", true, h.folderPage},
		{"POST", "/folders/{id}/protection", true, h.setFolderProtection},
		{"POST", "/assets/{id}/protection", true, h.setAssetProtection},
	}
}

// protectionChoice is one of the three settings with what it means.
type protectionChoice struct {
	Value   dam.Protection
	Label   string
	Help    string
	Current bool
}

// protectionView is the protection form of a folder or an asset: its own
// setting, what that resolves to and why.
type protectionView struct {
	Action    string // where the form posts
	Subject   string // "asset" or "folder"
	Choices   []protectionChoice
	Protected bool
	Why       string
}

// newProtectionView builds the form for a subject whose own setting is
// own; the resolution says where the protection in force comes from.
func newProtectionView(action, subject string, own dam.Protection, protected bool, why string) protectionView {
	if own == "" {
		own = dam.Inherit
	}
	parent := "its folder"
	if subject == "folder" {
		parent = "the folder above it"
	}
	v := protectionView{Action: action, Subject: subject, Protected: protected, Why: why, Choices: []protectionChoice{
		{dam.Inherit, "Inherit", "Follow " + parent + ", or the library’s default when no folder decides.", false},
		{dam.Protected, "Protected", "Viewers and portal visitors must request a download and an owner decides.", false},
		{dam.Unprotected, "Unprotected", "Everyone who can see it may download it, whatever the folders or the library say.", false},
	}}
	for i := range v.Choices {
		v.Choices[i].Current = v.Choices[i].Value == own
	}
	return v
}

// protectionWhy says where the protection in force was set: on the
// subject itself, on a folder (named), or by the library's default.
func protectionWhy(subject, by string, onSelf bool, folderName string) string {
	switch {
	case onSelf:
		return "set on this " + subject + "."
	case by == "folder":
		return "inherited from the folder “" + folderName + "”."
	}
	return "no folder decides, so the library’s default applies (Usage settings)."
}

// folderData is the folder settings page's.
type folderData struct {
	Folder     dam.Folder
	FolderPath []dam.Folder
	Library    string // the folder's view in the library
	Protection protectionView
}

// folderPage shows an owner a folder's settings: its protection, what it
// resolves to and why. Others are answered as for an absent page.
func (h *Handler) folderPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !actorOf(ctx).IsOwner() {
		return h.noPage(w, r)
	}
	id := r.PathValue("id")
	info, err := h.lib.FolderProtection(ctx, id)
	if err != nil {
		return err
	}
	folders, err := h.lib.Folders(ctx)
	if err != nil {
		return err
	}
	d := folderData{FolderPath: folderPath(folders, id), Library: "/?folder=" + url.QueryEscape(id)}
	if len(d.FolderPath) > 0 {
		d.Folder = d.FolderPath[len(d.FolderPath)-1]
	} else if d.Folder, err = h.lib.Folder(ctx, id); err != nil {
		return err
	}
	setBy := ""
	for _, f := range folders {
		if f.ID == info.SetBy {
			setBy = f.Name
		}
	}
	d.Protection = newProtectionView("/folders/"+url.PathEscape(id)+"/protection", "folder", info.Setting, info.Protected,
		protectionWhy("folder", info.ProtectedBy, info.ProtectedBy == "folder" && info.SetBy == id, setBy))
	return h.render(w, r, http.StatusOK, "folder", d.Folder.Name+": settings", "library", d)
}

// protectionText is the flash after a change.
func protectionText(p dam.Protection) string {
	switch p {
	case dam.Protected:
		return "Now protected."
	case dam.Unprotected:
		return "Now unprotected."
	}
	return "Now inherits its protection."
}

func (h *Handler) setFolderProtection(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p := dam.Protection(r.PostForm.Get("protection"))
	f, err := h.lib.SetFolderProtection(r.Context(), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	return redirect(w, r, "/folders/"+url.PathEscape(f.ID), "“"+f.Name+"”: "+protectionText(p))
}

func (h *Handler) setAssetProtection(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p := dam.Protection(r.PostForm.Get("protection"))
	a, err := h.lib.SetAssetProtection(r.Context(), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	return redirect(w, r, "/assets/"+url.PathEscape(a.ID)+"#protect-h", protectionText(p))
}
