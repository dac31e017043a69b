package policy

import (
	"errors"
	"fmt"
)

// Errors returned while building or changing a Tree.
var (
	ErrInvalidFolder   = errors.New("policy: folder without an ID")
	ErrDuplicateFolder = errors.New("policy: folder listed twice")
	ErrUnknownParent   = errors.New("policy: parent folder not in the tree")
	ErrCycle           = errors.New("policy: folder is its own ancestor")
)

// Folder is one row of a folder tree: its ID, its parent's ID ("" for a
// top-level folder), its own protection setting and its own licence
// setting ("" inherits, NoLicence stops an inherited one, else a licence ID).
type Folder struct {
	ID         string
	ParentID   string
	Protection Setting
	Licence    string
}

// Tree is a folder tree with every folder's effective protection resolved
// once, so a decision costs one map lookup instead of a walk to the root.
//
// A Tree is immutable: Update returns a new Tree and leaves the receiver as
// it was, so decisions running on the old one need no lock. The nil *Tree
// is an empty tree.
type Tree struct {
	ids    []string
	index  map[string]int32
	parent []int32    // -1 for top-level folders
	own    []Setting  // the folder's own setting
	res    []resolved // what each folder passes on to its assets
	links  []links    // child lists
	ownLic []string   // the folder's own licence setting
	licBy  []int32    // the folder whose licence setting applies, -1 for none
}

// links chain the children of a folder: first is its first child, next
// its next sibling, -1 for none. A move relinks one folder instead of
// rebuilding the lists.
type links struct {
	first, next int32
}

// resolved is a folder's effective protection: the nearest explicit setting
// at or above it and the index of the folder that holds it, -1 when no
// folder decides. Eight bytes a folder keep a lookup to one cache line and
// a copy of the whole array cheap.
type resolved struct {
	from int32
	eff  Setting
}

// NewTree builds a tree from rows in any order. It fails when an ID is
// empty or repeated, a parent is missing, or the parents form a cycle.
func NewTree(rows []Folder) (*Tree, error) {
	n := len(rows)
	t := &Tree{
		ids:    make([]string, n),
		index:  make(map[string]int32, n),
		parent: make([]int32, n),
		own:    make([]Setting, n),
		ownLic: make([]string, n),
	}
	for i, r := range rows {
		if r.ID == "" {
			return nil, ErrInvalidFolder
		}
		if _, dup := t.index[r.ID]; dup {
			return nil, fmt.Errorf("%w: %q", ErrDuplicateFolder, r.ID)
		}
		t.index[r.ID] = int32(i)
		t.ids[i] = r.ID
		t.own[i] = r.Protection
		t.ownLic[i] = r.Licence
	}
	for i, r := range rows {
		if r.ParentID == "" {
			t.parent[i] = -1
			continue
		}
		p, ok := t.index[r.ParentID]
		if !ok {
			return nil, fmt.Errorf("%w: %q (parent of %q)", ErrUnknownParent, r.ParentID, r.ID)
		}
		t.parent[i] = p
	}
	if err := t.link(); err != nil {
		return nil, err
	}
	return t, nil
}

// link builds the child lists from parent and resolves every folder,
// parents first. Folders not reachable from a top-level folder sit on a
// cycle.
func (t *Tree) link() error {
	n := len(t.ids)
	t.links = make([]links, n)
	for i := range t.links {
		t.links[i] = links{first: -1, next: -1}
	}
	order := make([]int32, 0, n)
	for i := n - 1; i >= 0; i-- {
		if p := t.parent[i]; p >= 0 {
			t.links[i].next, t.links[p].first = t.links[p].first, int32(i)
		}
	}
	for i, p := range t.parent {
		if p < 0 {
			order = append(order, int32(i))
		}
	}
	t.res = make([]resolved, n)
	t.licBy = make([]int32, n)
	for k := 0; k < len(order); k++ {
		i := order[k]
		t.resolveOne(i)
		for c := t.links[i].first; c >= 0; c = t.links[c].next {
			order = append(order, c)
		}
	}
	if len(order) != n {
		seen := make([]bool, n)
		for _, i := range order {
			seen[i] = true
		}
		for i := range n {
			if !seen[i] {
				return fmt.Errorf("%w: %q", ErrCycle, t.ids[i])
			}
		}
	}
	return nil
}

// resolveOne resolves folder i from its own settings or, for each that is
// inherited, from its parent's (already resolved) one.
func (t *Tree) resolveOne(i int32) {
	switch p := t.parent[i]; {
	case t.own[i].explicit():
		t.res[i] = resolved{from: i, eff: t.own[i]}
	case p < 0:
		t.res[i] = resolved{from: -1}
	default:
		t.res[i] = t.res[p]
	}
	switch p := t.parent[i]; {
	case t.ownLic[i] != "":
		t.licBy[i] = i
	case p < 0:
		t.licBy[i] = -1
	default:
		t.licBy[i] = t.licBy[p]
	}
}

// settled reports whether folder i sets both protection and licence itself,
// so that nothing above it changes what it passes on.
func (t *Tree) settled(i int32) bool { return t.own[i].explicit() && t.ownLic[i] != "" }

// ResolveLicence returns the licence setting folder id passes on to its
// assets and the folder that set it: "" with an empty setter when no folder
// sets one (the library default applies). ok is false when id is not in the
// tree.
func (t *Tree) ResolveLicence(id string) (licence, setBy string, ok bool) {
	i, ok := t.lookup(id)
	if !ok {
		return "", "", false
	}
	if j := t.licBy[i]; j >= 0 {
		return t.ownLic[j], t.ids[j], true
	}
	return "", "", true
}

// Len returns the number of folders.
func (t *Tree) Len() int {
	if t == nil {
		return 0
	}
	return len(t.ids)
}

// Resolve returns the protection that folder id passes on to its assets:
// the nearest explicit setting at or above it and the folder that set it.
// Inherit with an empty setter means no folder decides and the library
// default applies. ok is false when id is not in the tree.
func (t *Tree) Resolve(id string) (s Setting, setBy string, ok bool) {
	i, ok := t.lookup(id)
	if !ok {
		return Inherit, "", false
	}
	if r := t.res[i]; r.from >= 0 {
		return r.eff, t.ids[r.from], true
	}
	return Inherit, "", true
}

func (t *Tree) lookup(id string) (int32, bool) {
	if t == nil {
		return 0, false
	}
	i, ok := t.index[id]
	return i, ok
}

// Folders returns the rows the tree holds, in index order.
func (t *Tree) Folders() []Folder {
	out := make([]Folder, t.Len())
	for i := range out {
		f := Folder{ID: t.ids[i], Protection: t.own[i], Licence: t.ownLic[i]}
		if p := t.parent[i]; p >= 0 {
			f.ParentID = t.ids[p]
		}
		out[i] = f
	}
	return out
}

// Update returns a tree in which row f replaces the folder with the same ID,
// or is added when there is none. A change of setting only re-resolves the
// folder's subtree (stopping at folders with their own explicit setting); a
// move also relinks the one folder; an addition rebuilds the tree.
func (t *Tree) Update(f Folder) (*Tree, error) {
	i, ok := t.lookup(f.ID)
	if !ok {
		var rows []Folder
		if t != nil {
			rows = t.Folders()
		}
		return NewTree(append(rows, f))
	}
	newParent := int32(-1)
	if f.ParentID != "" {
		p, ok := t.index[f.ParentID]
		if !ok {
			return nil, fmt.Errorf("%w: %q (parent of %q)", ErrUnknownParent, f.ParentID, f.ID)
		}
		newParent = p
	}
	if newParent != t.parent[i] {
		return t.moved(i, newParent, f)
	}
	u := *t
	u.own, u.ownLic = clone(t.own), clone(t.ownLic)
	u.res, u.licBy = clone(t.res), clone(t.licBy)
	u.own[i], u.ownLic[i] = f.Protection, f.Licence
	u.resolveSubtree(i)
	return &u, nil
}

// moved returns a copy of t with folder i under parent p and the settings
// of f: i is unlinked from its old parent's children, linked under p, and
// its subtree re-resolved.
func (t *Tree) moved(i, p int32, f Folder) (*Tree, error) {
	for a := p; a >= 0; a = t.parent[a] {
		if a == i {
			return nil, fmt.Errorf("%w: %q under %q", ErrCycle, t.ids[i], t.ids[p])
		}
	}
	u := *t
	u.parent, u.own, u.res, u.links = clone(t.parent), clone(t.own), clone(t.res), clone(t.links)
	u.ownLic, u.licBy = clone(t.ownLic), clone(t.licBy)
	if old := t.parent[i]; old >= 0 {
		if u.links[old].first == i {
			u.links[old].first = u.links[i].next
		} else {
			c := u.links[old].first
			for u.links[c].next != i {
				c = u.links[c].next
			}
			u.links[c].next = u.links[i].next
		}
	}
	u.links[i].next = -1
	if p >= 0 {
		u.links[i].next, u.links[p].first = u.links[p].first, i
	}
	u.parent[i], u.own[i], u.ownLic[i] = p, f.Protection, f.Licence
	u.resolveSubtree(i)
	return &u, nil
}

// resolveSubtree re-resolves folder i and the descendants that inherit
// from it, stopping at folders that set both protection and licence.
func (t *Tree) resolveSubtree(i int32) {
	t.resolveOne(i)
	var buf [64]int32
	stack := append(buf[:0], i)
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for c := t.links[x].first; c >= 0; c = t.links[c].next {
			if t.settled(c) {
				continue
			}
			t.resolveOne(c)
			stack = append(stack, c)
		}
	}
}

func clone[T any](s []T) []T { return append([]T(nil), s...) }
