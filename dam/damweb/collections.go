package damweb

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Handler).collectionRoutes) }

func (h *Handler) collectionRoutes() []route {
	return []route{
		{"GET", "/collections", true, h.collectionsPage},
		{"POST", "/collections", true, h.createCollection},
		{"GET", "/collections/{id}", true, h.collectionPage},
		{"POST", "/collections/{id}", true, h.updateCollection},
		{"POST", "/collections/{id}/items/remove", true, h.removeCollectionItems},
		{"POST", "/collections/{id}/items/profile", true, h.setItemProfiles},
		{"POST", "/collections/{id}/delete", true, h.deleteCollection},
		{"POST", "/collections/{id}/download", true, h.downloadCollection},
	}
}

// collectionsData is the collections page's.
type collectionsData struct {
	Collections []dam.Collection
	Profiles    []dam.Profile
}

func (h *Handler) collectionsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var d collectionsData
	var err error
	if d.Collections, err = h.lib.Collections(ctx); err != nil {
		return err
	}
	slices.SortFunc(d.Collections, func(a, b dam.Collection) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	if d.Profiles, err = h.lib.Profiles(ctx); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "collections", "Collections", "collections", d)
}

// profileField reads an export profile from a form: "" and "original"
// both mean the untouched file where a collection's default is concerned.
func profileField(v string) string {
	v = strings.TrimSpace(v)
	if v == dam.ProfileOriginal {
		return ""
	}
	return v
}

func (h *Handler) createCollection(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	c, err := h.lib.CreateCollection(r.Context(), strings.TrimSpace(r.PostForm.Get("name")), profileField(r.PostForm.Get("default_profile")))
	if err != nil {
		return err
	}
	return redirect(w, r, collectionURL(c.ID), "Collection “"+c.Name+"” created. Add assets from the library: select them, then “Add” under Collection.")
}

func collectionURL(id string) string { return "/collections/" + url.PathEscape(id) }

// collectionPageSize is how many items the collection page shows at once.
const collectionPageSize = 60

// itemCard is an asset of a collection with the profile chosen for it.
type itemCard struct {
	card
	Profile string // "" follows the collection's default
}

// collectionData is the collection page's.
type collectionData struct {
	Collection  dam.Collection
	URL         string
	Items       []itemCard
	Profiles    []dam.Profile
	Next, First string
	Hidden      int    // items on this page the user can no longer see
	Here        string // this page's URL, to come back to after a form
}

// collectionPage shows a collection's assets a page at a time, in the
// order they came into the library (asset ID order, which pages fast
// however large the collection).
func (h *Handler) collectionPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	cursor := r.URL.Query().Get("cursor")
	c, next, err := h.lib.CollectionPage(ctx, r.PathValue("id"), cursor, collectionPageSize)
	if err != nil {
		return err
	}
	d := collectionData{Collection: c, URL: collectionURL(c.ID), Here: r.URL.RequestURI()}
	if next != "" {
		d.Next = d.URL + "?cursor=" + url.QueryEscape(next)
	}
	if cursor != "" {
		d.First = d.URL
	}
	if len(c.Items) > 0 {
		ids := make([]string, len(c.Items))
		for i, it := range c.Items {
			ids[i] = it.AssetID
		}
		assets, _, err := h.lib.Assets(ctx, dam.AssetQuery{IDs: ids, Limit: len(ids)})
		if err != nil {
			return err
		}
		access, err := h.lib.AccessAll(ctx, assets)
		if err != nil {
			return err
		}
		byID := make(map[string]dam.Asset, len(assets))
		for _, a := range assets {
			byID[a.ID] = a
		}
		for _, it := range c.Items {
			a, ok := byID[it.AssetID]
			if !ok {
				d.Hidden++ // out of the user's reach now (a domain taken away)
				continue
			}
			ic := itemCard{card: card{Asset: a, KindLabel: kindLabel(a), Locked: !access[a.ID].CanDownload}, Profile: it.Profile}
			if h.lib.Previewable(a.Current.MediaType) {
				ic.Preview = previewURL(a, "", access[a.ID].Watermark)
			}
			d.Items = append(d.Items, ic)
		}
	}
	if d.Profiles, err = h.lib.Profiles(ctx); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "collection", c.Name, "collections", d)
}

// updateCollection renames a collection and sets its default profile; a
// field the form does not carry stays as it is.
func (h *Handler) updateCollection(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var name, profile *string
	if _, ok := r.PostForm["name"]; ok {
		name = ptr(strings.TrimSpace(r.PostForm.Get("name")))
	}
	if _, ok := r.PostForm["default_profile"]; ok {
		profile = ptr(profileField(r.PostForm.Get("default_profile")))
	}
	c, err := h.lib.UpdateCollection(r.Context(), r.PathValue("id"), name, profile)
	if err != nil {
		return err
	}
	return redirect(w, r, collectionURL(c.ID), "Saved.")
}

// formBack is where a form posted from a list page returns: the "back"
// field when it is home or one of home's pages (home?cursor=...), else
// home; never another site or another page.
func formBack(r *http.Request, home string) string {
	if b := localPath(r.PostForm.Get("back"), home); b == home || strings.HasPrefix(b, home+"?") {
		return b
	}
	return home
}

func (h *Handler) removeCollectionItems(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := r.PathValue("id")
	ids := r.PostForm["item"]
	if len(ids) == 0 {
		// Checked nothing: say so on the page rather than fail, after
		// making sure the collection is the user's (else it is absent).
		if _, _, err := h.lib.CollectionPage(r.Context(), id, "", 1); err != nil {
			return err
		}
		return redirect(w, r, formBack(r, collectionURL(id)), "Select the assets to remove first.")
	}
	c, err := h.lib.RemoveFromCollection(r.Context(), id, ids)
	if err != nil {
		return err
	}
	return redirect(w, r, collectionURL(c.ID), plural(len(ids), "asset", "assets")+" removed from the collection; they stay in the library.")
}

// setItemProfiles saves the format chosen for each item shown: the form
// carries "profile:<asset id>" for every item of the page.
func (h *Handler) setItemProfiles(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := r.PathValue("id")
	var items []dam.CollectionItem
	for k, vs := range r.PostForm {
		if assetID, ok := strings.CutPrefix(k, "profile:"); ok && len(vs) > 0 {
			items = append(items, dam.CollectionItem{AssetID: assetID, Profile: strings.TrimSpace(vs[0])})
		}
	}
	slices.SortFunc(items, func(a, b dam.CollectionItem) int { return strings.Compare(a.AssetID, b.AssetID) })
	if len(items) == 0 {
		if _, _, err := h.lib.CollectionPage(r.Context(), id, "", 1); err != nil {
			return err
		}
		return redirect(w, r, formBack(r, collectionURL(id)), "Nothing to save.")
	}
	if _, err := h.lib.AddToCollection(r.Context(), id, items); err != nil {
		return err
	}
	return redirect(w, r, formBack(r, collectionURL(id)), "Formats saved.")
}

func (h *Handler) deleteCollection(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := r.PathValue("id")
	c, _, err := h.lib.CollectionPage(ctx, id, "", 1) // its name, for the message
	if err != nil {
		return err
	}
	if err := h.lib.DeleteCollection(ctx, id); err != nil {
		return err
	}
	return redirect(w, r, "/collections", "Collection “"+c.Name+"” deleted. Its assets stay in the library.")
}

// downloadCollection downloads every asset of the collection, each in the
// format chosen for it (else the collection's default).
func (h *Handler) downloadCollection(w http.ResponseWriter, r *http.Request) error {
	return h.startDownload(w, r, dam.DownloadRequest{CollectionID: r.PathValue("id")})
}
