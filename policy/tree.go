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
// top-level folder) and its own protection setting.
type Folder struct {
	ID         string
	ParentID   string
	Protection Setting
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
	parent []int32   // -1 for top-level folders
	own    []Setting // the folder's own setting
	eff    []Setting // nearest explicit setting at or above; Inherit: none
	from   []int32   // the folder that set eff, -1 when eff is Inherit
	// children of folder i are kids[start[i]:start[i+1]]
	start []int32
	kids  []int32
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
	t.start = make([]int32, n+1)
	t.kids = make([]int32, 0, n)
	var roots int
	for _, p := range t.parent {
		if p < 0 {
			roots++
		} else {
			t.start[p+1]++
		}
	}
	for i := 1; i <= n; i++ {
		t.start[i] += t.start[i-1]
	}
	t.kids = t.kids[:t.start[n]]
	fill := make([]int32, n)
	copy(fill, t.start[:n])
	order := make([]int32, 0, n)
	for i, p := range t.parent {
		if p < 0 {
			order = append(order, int32(i))
		} else {
			t.kids[fill[p]] = int32(i)
			fill[p]++
		}
	}
	t.eff = make([]Setting, n)
	t.from = make([]int32, n)
	for k := 0; k < len(order); k++ {
		i := order[k]
		t.resolveOne(i)
		order = append(order, t.kids[t.start[i]:t.start[i+1]]...)
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

// resolveOne sets eff and from of folder i from its own setting or, when
// that is Inherit, from its parent's (already resolved) ones.
func (t *Tree) resolveOne(i int32) {
	switch p := t.parent[i]; {
	case t.own[i].explicit():
		t.eff[i], t.from[i] = t.own[i], i
	case p < 0:
		t.eff[i], t.from[i] = Inherit, -1
	default:
		t.eff[i], t.from[i] = t.eff[p], t.from[p]
	}
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
	if f := t.from[i]; f >= 0 {
		return t.eff[i], t.ids[f], true
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
		f := Folder{ID: t.ids[i], Protection: t.own[i]}
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
// move re-links the tree; an addition rebuilds it.
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
		return t.moved(i, newParent, f.Protection)
	}
	u := *t
	u.own = clone(t.own)
	u.eff = clone(t.eff)
	u.from = clone(t.from)
	u.own[i] = f.Protection
	u.resolveSubtree(i)
	return &u, nil
}

// moved returns a copy of t with folder i under parent p and setting s.
func (t *Tree) moved(i, p int32, s Setting) (*Tree, error) {
	for a := p; a >= 0; a = t.parent[a] {
		if a == i {
			return nil, fmt.Errorf("%w: %q under %q", ErrCycle, t.ids[i], t.ids[p])
		}
	}
	u := &Tree{ids: t.ids, index: t.index, parent: clone(t.parent), own: clone(t.own)}
	u.parent[i] = p
	u.own[i] = s
	if err := u.link(); err != nil {
		return nil, err
	}
	return u, nil
}

// resolveSubtree re-resolves folder i and the descendants that inherit
// from it.
func (t *Tree) resolveSubtree(i int32) {
	t.resolveOne(i)
	var buf [64]int32
	stack := append(buf[:0], i)
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, c := range t.kids[t.start[x]:t.start[x+1]] {
			if t.own[c].explicit() {
				continue
			}
			t.eff[c], t.from[c] = t.eff[x], t.from[x]
			stack = append(stack, c)
		}
	}
}

func clone[T any](s []T) []T { return append([]T(nil), s...) }
