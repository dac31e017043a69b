package dam_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestMakeFolders(t *testing.T) {
	f := newFixture(t, nil)
	top, err := f.lib.CreateFolder(f.owner, "Campaign", "", "")
	require.NoError(t, err)

	leaf, err := f.lib.MakeFolders(f.owner, "", []string{"Campaign", " Shots ", "Day 1"})
	require.NoError(t, err)
	assert.Equal(t, "Day 1", leaf.Name)
	fs, err := f.lib.Folders(f.owner)
	require.NoError(t, err)
	require.Len(t, fs, 3, "the existing folder is reused, the missing two made")
	shots := fs[1]
	for _, x := range fs {
		if x.Name == "Shots" {
			shots = x
		}
	}
	assert.Equal(t, top.ID, shots.ParentID, "names are cleaned as every folder name")
	assert.Equal(t, shots.ID, leaf.ParentID)

	again, err := f.lib.MakeFolders(f.owner, top.ID, []string{"Shots", "Day 1"})
	require.NoError(t, err)
	assert.Equal(t, leaf.ID, again.ID, "a second time finds them")

	// Several uploads of one dropped folder make it once.
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Go(func() {
			nf, err := f.lib.MakeFolders(f.owner, top.ID, []string{"Raw", "Day 2"})
			assert.NoError(t, err)
			got[i] = nf.ID
		})
	}
	wg.Wait()
	for _, id := range got {
		assert.Equal(t, got[0], id)
	}
	fs, err = f.lib.Folders(f.owner)
	require.NoError(t, err)
	assert.Len(t, fs, 5)
}

func TestMakeFoldersRefusals(t *testing.T) {
	f := newFixture(t, nil)
	viewer := f.user(t, "v@example.com", dam.RoleViewer)
	stranger := f.user(t, "s@example.com", dam.RoleOwner, "elsewhere")
	theirs, err := f.lib.CreateFolder(stranger, "Theirs", "", "")
	require.NoError(t, err)
	deep := make([]string, dam.MaxFolderPath+1)
	for i := range deep {
		deep[i] = "d"
	}
	for _, tc := range []struct {
		name   string
		viewer bool
		parent string
		path   []string
		want   dam.Kind
	}{
		{"viewer", true, "", []string{"a"}, dam.PermissionDenied},
		{"nothing", false, "", nil, dam.Invalid},
		{"dot dot", false, "", []string{"a", ".."}, dam.Invalid},
		{"slash", false, "", []string{"a/b"}, dam.Invalid},
		{"empty name", false, "", []string{"a", " "}, dam.Invalid},
		{"too deep", false, "", deep, dam.Invalid},
		{"parent out of reach", false, theirs.ID, []string{"a"}, dam.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := f.owner
			if tc.viewer {
				ctx = viewer
			}
			_, err := f.lib.MakeFolders(ctx, tc.parent, tc.path)
			assert.Equal(t, tc.want, kindOf(t, err))
		})
	}
	fs, err := f.lib.Folders(f.owner)
	require.NoError(t, err)
	assert.Empty(t, fs, "nothing made, not even the first level of a refused path")
}
