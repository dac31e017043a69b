package damweb

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/httpdam"
)

func init() { routeSets = append(routeSets, (*Handler).categoryRoutes) }

// categoryRoutes are the owners' page of the category tree: each category
// with its counts, and forms to add, rename, move and delete. dam decides
// what may change (a category holding another domain's assets is an
// administrator's).
func (h *Handler) categoryRoutes() []route {
	return []route{
		{"GET", "/categories", true, h.categoriesPage},
		{"POST", "/categories", true, h.createCategory},
		{"POST", "/categories/{id}", true, h.changeCategory},
		{"POST", "/categories/{id}/delete", true, h.deleteCategory},
	}
}

// categoryRow is one category of the tree with its counts and the places
// it may move to.
type categoryRow struct {
	treeNode
	Total    int        // assets in it and in its subcategories (each counted once per category)
	Children int        // direct subcategories
	Parent   string     // its parent's ID, "" at the top
	Targets  []treeNode // where it may move: not into itself or its subtree
	Counts   string     // the counts in words
	Error    string     // a refused change of this category
	Typed    string     // the name as typed in a refused rename
}

// categoriesData is the page's.
type categoriesData struct {
	Rows     []categoryRow
	All      []treeNode // every category, for the new category's parent
	NewError string
	NewName  string
	NewIn    string
}

// categoryProblem is a refused form of the page, shown beside it.
type categoryProblem struct {
	target  string // "new" or a category ID
	message string
	typed   string // the name as typed
	parent  string
}

func (h *Handler) categoriesPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderCategories(w, r, http.StatusOK, nil)
}

func (h *Handler) renderCategories(w http.ResponseWriter, r *http.Request, status int, prob *categoryProblem) error {
	ctx := r.Context()
	if !actorOf(ctx).IsOwner() {
		return h.noPage(w, r)
	}
	cs, err := h.lib.Categories(ctx)
	if err != nil {
		return err
	}
	d := categoriesData{All: categoryTree(cs, "", categoryLink)}
	children := map[string][]string{}
	for _, c := range cs {
		children[c.ParentID] = append(children[c.ParentID], c.ID)
	}
	byID := map[string]dam.Category{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	// subtree lists a category and everything under it (the tree is
	// bounded in depth and count by dam, and cycles cannot be stored; the
	// seen set guards the walk all the same).
	subtree := func(id string) map[string]bool {
		seen := map[string]bool{}
		stack := []string{id}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[n] {
				continue
			}
			seen[n] = true
			stack = append(stack, children[n]...)
		}
		return seen
	}
	for _, n := range d.All {
		under := subtree(n.ID)
		row := categoryRow{treeNode: n, Children: len(children[n.ID]), Parent: byID[n.ID].ParentID}
		for id := range under {
			row.Total += byID[id].AssetCount
		}
		for _, t := range d.All {
			if !under[t.ID] {
				row.Targets = append(row.Targets, t)
			}
		}
		row.Counts = count(row.Count, "asset") + " directly"
		if row.Children > 0 {
			row.Counts += " · " + count(row.Total, "asset") + " with its " + plural(row.Children, "subcategory", "subcategories")
		}
		if prob != nil && prob.target == n.ID {
			row.Error, row.Typed = prob.message, prob.typed
		}
		d.Rows = append(d.Rows, row)
	}
	if prob != nil && prob.target == "new" {
		d.NewError, d.NewName, d.NewIn = prob.message, prob.typed, prob.parent
	}
	return h.render(w, r, status, "categories", "Categories", "manage", d)
}

func categoryLink(id string) string { return "/?category=" + url.QueryEscape(id) }

// refusable reports whether a dam error is one the owner corrects in the
// form (shown beside it) rather than a page of its own.
func refusable(err error) bool {
	switch dam.KindOf(err) {
	case dam.Invalid, dam.AlreadyExists, dam.FailedPrecondition, dam.TooLarge, dam.ResourceExhausted:
		return true
	}
	return false
}

func (h *Handler) createCategory(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	if !actorOf(ctx).IsOwner() {
		return h.noPage(w, r)
	}
	name, parent := r.PostForm.Get("name"), r.PostForm.Get("parent")
	c, err := h.lib.CreateCategory(ctx, name, parent)
	if refusable(err) {
		return h.renderCategories(w, r, httpdam.StatusOf(dam.KindOf(err)), &categoryProblem{target: "new", message: dam.ErrorMessage(err), typed: name, parent: parent})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/categories#cat-"+c.ID, "Category “"+c.Name+"” created.")
}

// changeCategory renames a category (a "name" field) or moves it (a
// "parent" field: "" is the top level).
func (h *Handler) changeCategory(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	if !actorOf(ctx).IsOwner() {
		return h.noPage(w, r)
	}
	var name, parent *string
	if _, ok := r.PostForm["name"]; ok {
		name = ptr(r.PostForm.Get("name"))
	}
	if _, ok := r.PostForm["parent"]; ok {
		parent = ptr(r.PostForm.Get("parent"))
	}
	id := r.PathValue("id")
	if name == nil && parent == nil {
		return dam.E("damweb.changeCategory", dam.Invalid, "give a new name or a new place")
	}
	c, err := h.lib.UpdateCategory(ctx, id, name, parent)
	if refusable(err) {
		typed := ""
		if name != nil {
			typed = *name
		}
		return h.renderCategories(w, r, httpdam.StatusOf(dam.KindOf(err)), &categoryProblem{target: id, message: dam.ErrorMessage(err), typed: typed})
	}
	if err != nil {
		return err
	}
	msg := "Category renamed to “" + c.Name + "”."
	if parent != nil {
		msg = "“" + c.Name + "” moved."
	}
	return redirect(w, r, "/categories#cat-"+c.ID, msg)
}

func (h *Handler) deleteCategory(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !actorOf(ctx).IsOwner() {
		return h.noPage(w, r)
	}
	id := r.PathValue("id")
	c, err := h.lib.Category(ctx, id)
	if err != nil {
		return err
	}
	err = h.lib.DeleteCategory(ctx, id)
	if refusable(err) {
		return h.renderCategories(w, r, httpdam.StatusOf(dam.KindOf(err)), &categoryProblem{target: id, message: dam.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	msg := "Category “" + c.Name + "” deleted."
	if c.AssetCount > 0 {
		msg += " Its " + count(c.AssetCount, "asset") + " stay in the library."
	}
	return redirect(w, r, "/categories", strings.TrimSpace(msg))
}
