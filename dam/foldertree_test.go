package dam_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// A folder download keeps the folder tree: five a.txt in five folders are
// five paths, not a.txt … a (5).txt; folder per asset nests inside it.
func TestFolderDownloadKeepsTheTree(t *testing.T) {
	f := newFixture(t, nil)
	ctx := f.owner
	root, err := f.lib.CreateFolder(ctx, "Press", "", "")
	require.NoError(t, err)
	shoots, err := f.lib.CreateFolder(ctx, "Shoots", root.ID, "")
	require.NoError(t, err)
	y2026, err := f.lib.CreateFolder(ctx, "2026", shoots.ID, "")
	require.NoError(t, err)
	logos, err := f.lib.CreateFolder(ctx, "Logos", root.ID, "")
	require.NoError(t, err)
	_, err = f.lib.CreateFolder(ctx, "Elsewhere", "", "")
	require.NoError(t, err)
	for _, fo := range []dam.Folder{root, shoots, y2026, logos} {
		_, err := f.lib.Upload(ctx, strings.NewReader("in "+fo.Name), dam.UploadOptions{Name: "a.txt", FolderID: fo.ID})
		require.NoError(t, err)
	}
	for _, tc := range []struct {
		name           string
		folderPerAsset bool
		want           map[string]string
	}{
		{"tree", false, map[string]string{"a.txt": "in Press", "Shoots/a.txt": "in Shoots", "Shoots/2026/a.txt": "in 2026", "Logos/a.txt": "in Logos"}},
		{"folder per asset", true, map[string]string{"a.txt/a.txt": "in Press", "Shoots/a.txt/a.txt": "in Shoots",
			"Shoots/2026/a.txt/a.txt": "in 2026", "Logos/a.txt/a.txt": "in Logos"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, err := f.lib.CreateDownload(ctx, dam.DownloadRequest{FolderID: root.ID, FolderPerAsset: tc.folderPerAsset})
			require.NoError(t, err)
			_, b := readPart(t, ctx, f.lib, j.ID, 1)
			got := map[string]string{}
			for name, data := range zipFiles(t, b) {
				if !strings.HasSuffix(name, "/") {
					got[name] = string(data)
				}
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
