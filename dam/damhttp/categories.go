package damhttp

import (
	"net/http"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Server).categoryRoutes) }

// categoryRoutes serve the category tree and its memberships.
func (s *Server) categoryRoutes() []route {
	return []route{
		{"GET", "/api/v1/categories", true, s.listCategories},
		{"POST", "/api/v1/categories", true, s.createCategory},
		{"GET", "/api/v1/categories/{id}", true, s.getCategory},
		{"PATCH", "/api/v1/categories/{id}", true, s.editCategory},
		{"DELETE", "/api/v1/categories/{id}", true, s.deleteCategory},
		{"GET", "/api/v1/categories/{id}/assets", true, s.listCategoryAssets},
		{"POST", "/api/v1/categories/{id}/assets", true, s.addCategoryAssets},
		{"DELETE", "/api/v1/categories/{id}/assets", true, s.removeCategoryAssets},
	}
}

// categoryBody creates or edits a category; in an edit, an absent field
// stays as it is and "parent_id": "" moves the category to the top level.
type categoryBody struct {
	Name     *string `json:"name"`
	ParentID *string `json:"parent_id"`
}

func (s *Server) listCategories(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.lib.Categories(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(cs, ""))
	return nil
}

func (s *Server) createCategory(w http.ResponseWriter, r *http.Request) error {
	var b categoryBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	var name, parent string
	if b.Name != nil {
		name = *b.Name
	}
	if b.ParentID != nil {
		parent = *b.ParentID
	}
	c, err := s.lib.CreateCategory(r.Context(), name, parent)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) getCategory(w http.ResponseWriter, r *http.Request) error {
	c, err := s.lib.Category(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// editCategory renames and/or moves a category, both in one transaction.
func (s *Server) editCategory(w http.ResponseWriter, r *http.Request) error {
	var b categoryBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	c, err := s.lib.UpdateCategory(r.Context(), r.PathValue("id"), b.Name, b.ParentID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) deleteCategory(w http.ResponseWriter, r *http.Request) error {
	if err := s.lib.DeleteCategory(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listCategoryAssets(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	as, next, err := s.lib.CategoryAssets(r.Context(), r.PathValue("id"), r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(as, next))
	return nil
}

type categoryAssetsBody struct {
	AssetIDs []string `json:"asset_ids"`
}

func (s *Server) addCategoryAssets(w http.ResponseWriter, r *http.Request) error {
	var b categoryAssetsBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	c, err := s.lib.AddToCategory(r.Context(), r.PathValue("id"), b.AssetIDs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// removeCategoryAssets takes the assets of a {"asset_ids": [...]} body, or
// of repeated ?asset= parameters for clients that send no body with a
// DELETE, out of the category. The assets stay.
func (s *Server) removeCategoryAssets(w http.ResponseWriter, r *http.Request) error {
	ids := r.URL.Query()["asset"]
	if len(ids) == 0 {
		var b categoryAssetsBody
		if err := s.readJSON(r, w, &b); err != nil {
			return err
		}
		ids = b.AssetIDs
	}
	c, err := s.lib.RemoveFromCategory(r.Context(), r.PathValue("id"), ids)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// categoryFilter reads the ?category= and ?subcategories= parameters of an
// asset listing into q: the category and its subcategories, or only the
// category itself with subcategories=false.
func categoryFilter(r *http.Request, q *dam.AssetQuery) error {
	v := r.URL.Query()
	q.CategoryID = v.Get("category")
	if v.Get("subcategories") != "" {
		sub, err := queryBool(v, "subcategories")
		if err != nil {
			return err
		}
		q.CategoryOnly = !sub
	}
	return nil
}
