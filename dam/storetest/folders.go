package storetest

import (
	"sync"
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var folderTests = []test{
	{"RoundTrip", func(t *testing.T, f *fixture) {
		parent := f.folder("", "Parent")
		child := f.folder(parent.ID, "Child")
		for _, want := range []dam.Folder{parent, child} {
			got, err := f.s.Folder(f.ctx, want.ID)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		}
		_, err := f.s.Folder(f.ctx, f.id())
		requireKind(t, dam.NotFound, err)
	}},
	{"SiblingNames", func(t *testing.T, f *fixture) {
		a := f.folder("", "A")
		f.folder(a.ID, "Same")
		f.folder("", "Same") // same name, other parent
		dup := dam.Folder{ID: f.id(), Name: "Same", ParentID: a.ID, Domain: f.domain, CreatedAt: f.tick(), UpdatedAt: f.now}
		requireKind(t, dam.AlreadyExists, f.s.CreateFolder(f.ctx, dup))
		dup.ParentID = ""
		requireKind(t, dam.AlreadyExists, f.s.CreateFolder(f.ctx, dup), "the root has unique names too")
		dup.Domain = "other"
		require.NoError(t, f.s.CreateFolder(f.ctx, dup), "another domain has its own root")
		again := f.folder("", "Again")
		again.Name = "Other"
		requireKind(t, dam.AlreadyExists, f.s.CreateFolder(f.ctx, again), "ids are unique")
	}},
	{"CreateRefusals", func(t *testing.T, f *fixture) {
		missingParent := dam.Folder{ID: f.id(), Name: "X", ParentID: f.id(), Domain: f.domain, CreatedAt: f.tick(), UpdatedAt: f.now}
		requireKind(t, dam.NotFound, f.s.CreateFolder(f.ctx, missingParent))
		elsewhere := dam.Folder{ID: f.id(), Name: "Elsewhere", Domain: "other", CreatedAt: f.tick(), UpdatedAt: f.now}
		require.NoError(t, f.s.CreateFolder(f.ctx, elsewhere))
		crossDomain := dam.Folder{ID: f.id(), Name: "X", ParentID: elsewhere.ID, Domain: f.domain, CreatedAt: f.tick(), UpdatedAt: f.now}
		requireKind(t, dam.FailedPrecondition, f.s.CreateFolder(f.ctx, crossDomain))
		requireKind(t, dam.Invalid, f.s.CreateFolder(f.ctx, dam.Folder{ID: f.id(), Domain: f.domain}))
		requireKind(t, dam.Invalid, f.s.CreateFolder(f.ctx, dam.Folder{ID: f.id(), Name: "P", Protection: "bogus"}))
	}},
	{"ListByDomain", func(t *testing.T, f *fixture) {
		a := f.folder("", "A")
		b := f.folder(a.ID, "B")
		f.domain = "other"
		c := f.folder("", "C")
		for _, tc := range []struct {
			name    string
			domains []string
			want    []dam.Folder
		}{
			{"all", nil, []dam.Folder{a, b, c}},
			{"one", []string{dam.DefaultDomain}, []dam.Folder{a, b}},
			{"both", []string{dam.DefaultDomain, "other"}, []dam.Folder{a, b, c}},
			{"none", []string{}, nil},
			{"unknown", []string{"nobody"}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := f.s.Folders(f.ctx, tc.domains)
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
			})
		}
	}},
	{"Rename", func(t *testing.T, f *fixture) {
		a := f.folder("", "A")
		f.folder("", "Taken")
		at := f.tick()
		require.NoError(t, f.s.RenameFolder(f.ctx, a.ID, "Renamed", at))
		got, err := f.s.Folder(f.ctx, a.ID)
		require.NoError(t, err)
		a.Name, a.UpdatedAt = "Renamed", at
		assert.Equal(t, a, got)
		requireKind(t, dam.AlreadyExists, f.s.RenameFolder(f.ctx, a.ID, "Taken", f.tick()))
		requireKind(t, dam.NotFound, f.s.RenameFolder(f.ctx, f.id(), "X", f.tick()))
		requireKind(t, dam.Invalid, f.s.RenameFolder(f.ctx, a.ID, "", f.tick()))
	}},
	{"Move", func(t *testing.T, f *fixture) {
		a := f.folder("", "A")
		b := f.folder(a.ID, "B")
		c := f.folder(b.ID, "C")
		d := f.folder("", "D")
		f.folder(d.ID, "C")
		at := f.tick()
		require.NoError(t, f.s.MoveFolder(f.ctx, b.ID, d.ID, at))
		got, err := f.s.Folder(f.ctx, b.ID)
		require.NoError(t, err)
		b.ParentID, b.UpdatedAt = d.ID, at
		assert.Equal(t, b, got)
		require.NoError(t, f.s.MoveFolder(f.ctx, b.ID, "", f.tick()), "to the root")

		for _, tc := range []struct {
			name         string
			id, parentID string
			kind         dam.Kind
		}{
			{"into itself", b.ID, b.ID, dam.FailedPrecondition},
			{"into its child", b.ID, c.ID, dam.FailedPrecondition},
			{"into a grandchild", d.ID, f.grandchild(d.ID), dam.FailedPrecondition},
			{"missing folder", f.id(), a.ID, dam.NotFound},
			{"missing parent", b.ID, f.id(), dam.NotFound},
			{"name taken", c.ID, d.ID, dam.AlreadyExists},
		} {
			t.Run(tc.name, func(t *testing.T) {
				requireKind(t, tc.kind, f.s.MoveFolder(f.ctx, tc.id, tc.parentID, f.tick()))
			})
		}
		got, err = f.s.Folder(f.ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, b.ID, got.ParentID, "refused moves change nothing")
	}},
	{"ConcurrentCrossingMoves", func(t *testing.T, f *fixture) {
		for range 8 {
			a, b := f.folder("", "A"+f.id()), f.folder("", "B"+f.id())
			errs := make([]error, 2)
			var wg sync.WaitGroup
			wg.Go(func() { errs[0] = f.s.MoveFolder(f.ctx, a.ID, b.ID, baseTime) })
			wg.Go(func() { errs[1] = f.s.MoveFolder(f.ctx, b.ID, a.ID, baseTime) })
			wg.Wait()
			require.Equal(t, 1, winners(t, errs, dam.FailedPrecondition), "exactly one of two crossing moves wins: %v", errs)
		}
	}},
	{"Protection", func(t *testing.T, f *fixture) {
		a := f.folder("", "A")
		at := f.tick()
		require.NoError(t, f.s.SetFolderProtection(f.ctx, a.ID, dam.Protected, at))
		got, err := f.s.Folder(f.ctx, a.ID)
		require.NoError(t, err)
		a.Protection, a.UpdatedAt = dam.Protected, at
		assert.Equal(t, a, got)
		requireKind(t, dam.NotFound, f.s.SetFolderProtection(f.ctx, f.id(), dam.Protected, at))
		requireKind(t, dam.Invalid, f.s.SetFolderProtection(f.ctx, a.ID, "sometimes", at))
	}},
	{"Delete", func(t *testing.T, f *fixture) {
		parent := f.folder("", "Parent")
		child := f.folder(parent.ID, "Child")
		withAsset := f.folder("", "WithAsset")
		f.asset(withAsset.ID, "a.jpg")
		withTrash := f.folder("", "WithTrash")
		f.trash(f.asset(withTrash.ID, "t.jpg").ID)
		for _, tc := range []struct {
			name string
			id   string
			kind dam.Kind
		}{
			{"has a subfolder", parent.ID, dam.FailedPrecondition},
			{"has an asset", withAsset.ID, dam.FailedPrecondition},
			{"has a trashed asset", withTrash.ID, dam.FailedPrecondition},
			{"missing", f.id(), dam.NotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				requireKind(t, tc.kind, f.s.DeleteFolder(f.ctx, tc.id))
			})
		}
		require.NoError(t, f.s.DeleteFolder(f.ctx, child.ID))
		require.NoError(t, f.s.DeleteFolder(f.ctx, parent.ID))
		_, err := f.s.Folder(f.ctx, parent.ID)
		requireKind(t, dam.NotFound, err)
		requireKind(t, dam.NotFound, f.s.DeleteFolder(f.ctx, parent.ID))
	}},
}

// grandchild makes a folder two levels under parentID and returns its ID.
func (f *fixture) grandchild(parentID string) string {
	mid := f.folder(parentID, "Mid"+f.id())
	return f.folder(mid.ID, "Leaf").ID
}
