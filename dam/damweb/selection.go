package damweb

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Handler).selectionRoutes) }

func (h *Handler) selectionRoutes() []route {
	return []route{
		{"POST", "/selection", true, h.selection},
	}
}

// selection acts on the assets selected on the library page (the bulk
// form): download them as a ZIP, add them to a collection, move them to a
// folder, change their details, or delete them to the trash, each in one
// call to the library, or
// open the share form with them. It goes back to the page it came from
// with a line saying what happened.
func (h *Handler) selection(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	back := localPath(f.Get("back"), "/")
	ids := distinct(f["id"])
	if len(ids) == 0 {
		return redirect(w, r, back, "Select at least one asset first.")
	}
	ctx := r.Context()
	switch f.Get("action") {
	case "download":
		return h.downloadSelection(w, r, ids)
	case "collect":
		id, name := f.Get("collection"), strings.TrimSpace(f.Get("new_collection"))
		if name != "" {
			c, err := h.lib.CreateCollection(ctx, name, "")
			if err != nil {
				return err
			}
			id = c.ID
		} else if id == "" {
			return dam.E("damweb.selection", dam.Invalid, "choose a collection, or name a new one")
		}
		items := make([]dam.CollectionItem, len(ids))
		for i, a := range ids {
			items[i] = dam.CollectionItem{AssetID: a}
		}
		c, err := h.lib.AddToCollection(ctx, id, items)
		if err != nil {
			return err
		}
		return redirect(w, r, back, count(len(ids), "asset")+" added to “"+c.Name+"”.")
	case "move":
		folder, where := f.Get("folder"), "the library root"
		if folder != "" {
			fo, err := h.lib.Folder(ctx, folder)
			if err != nil {
				return err
			}
			where = "“" + fo.Name + "”"
		}
		if _, err := h.lib.EditAssets(ctx, ids, dam.AssetPatch{FolderID: &folder}); err != nil {
			return err
		}
		return redirect(w, r, back, count(len(ids), "asset")+" moved to "+where+".")
	case "edit":
		p := bulkPatch(f)
		if p.Title == nil && p.Description == nil && p.Keywords == nil && p.Fields == nil {
			return dam.E("damweb.selection", dam.Invalid, "fill in at least one detail to change (title, description, keywords or a field)")
		}
		if _, err := h.lib.EditAssets(ctx, ids, p); err != nil {
			return err
		}
		return redirect(w, r, back, "Details of "+count(len(ids), "asset")+" changed.")
	case "delete":
		if err := h.lib.DeleteAssets(ctx, ids); err != nil {
			return err
		}
		return redirect(w, r, back, count(len(ids), "asset")+" moved to the trash. You can restore them from the trash.")
	case "share":
		if len(ids) > maxFormAssets {
			return dam.E("damweb.selection", dam.Invalid, "at most %d assets per share", maxFormAssets)
		}
		return redirect(w, r, "/shares/new?"+url.Values{"asset": ids}.Encode(), "")
	}
	return dam.E("damweb.selection", dam.Invalid, "action must be download, collect, move, edit, delete or share")
}

// bulkPatch reads the selection's "edit details" fields: each one filled in
// replaces that detail on every selected asset; blank ones change nothing.
func bulkPatch(f url.Values) dam.AssetPatch {
	var p dam.AssetPatch
	if v := strings.TrimSpace(f.Get("bulk_title")); v != "" {
		p.Title = &v
	}
	if v := strings.TrimSpace(f.Get("bulk_description")); v != "" {
		p.Description = &v
	}
	if v := splitList(f.Get("bulk_keywords")); len(v) > 0 {
		p.Keywords = &v
	}
	if name := strings.TrimSpace(f.Get("bulk_field_name")); name != "" {
		v := strings.TrimSpace(f.Get("bulk_field_value"))
		p.Fields = map[string]*string{name: &v}
		if v == "" {
			p.Fields[name] = nil // an empty value removes the field
		}
	}
	return p
}

// downloadSelection makes a download of the selected assets (startDownload).
// Its "crops" field adds each asset's smart crops ("with") or downloads
// only them ("only").
func (h *Handler) downloadSelection(w http.ResponseWriter, r *http.Request, ids []string) error {
	req := dam.DownloadRequest{AssetIDs: ids, Profile: r.PostForm.Get("profile")}
	switch r.PostForm.Get("crops") {
	case "":
	case "with":
		req.Crops = true
	case "only":
		req.CropsOnly = true
	default:
		return dam.E("damweb.selection", dam.Invalid, "smart crops must be none, with each file, or only the crops")
	}
	return h.startDownload(w, r, req)
}

// distinct returns ids without repeats or empty values, in order.
func distinct(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
