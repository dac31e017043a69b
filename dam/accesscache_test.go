package dam_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/storage"
)

// TestAccessRulesApplyAtOnceAcrossProcesses: two Libraries on one
// database and bucket stand for two processes. B keeps the access rules in
// memory (it has decided downloads before); a folder protected, a licence
// set or the downloads switched off through A apply to B's very next
// decision, with no delay (on SQLite, and on PostgreSQL when
// DAMKIT_POSTGRES_URL is set).
func TestAccessRulesApplyAtOnceAcrossProcesses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, a *dam.Library, owner dam.User, folder dam.Folder)
		want   dam.Kind
	}{
		{"folder protected", func(t *testing.T, a *dam.Library, owner dam.User, folder dam.Folder) {
			_, err := a.SetFolderProtection(dam.WithActor(t.Context(), owner.Actor()), folder.ID, dam.Protected)
			require.NoError(t, err)
		}, dam.NeedsRequest},
		{"licence set on the folder", func(t *testing.T, a *dam.Library, owner dam.User, folder dam.Folder) {
			ctx := dam.WithActor(t.Context(), owner.Actor())
			lic, err := a.CreateLicence(ctx, "Press", "Use in press only.")
			require.NoError(t, err)
			_, err = a.SetFolderLicence(ctx, folder.ID, lic.ID)
			require.NoError(t, err)
		}, dam.LicenceRequired},
		{"downloads switched off", func(t *testing.T, a *dam.Library, owner dam.User, _ dam.Folder) {
			ctx := dam.WithActor(t.Context(), owner.Actor())
			s, err := a.Settings(ctx)
			require.NoError(t, err)
			s.DownloadsOff = true
			_, err = a.UpdateSettings(ctx, s)
			require.NoError(t, err)
		}, dam.PermissionDenied},
	} {
		t.Run(tc.name, func(t *testing.T) {
			onEachEngine(t, func(t *testing.T, storeURL string) {
				ctx := t.Context()
				dir := t.TempDir()
				open := func() *dam.Library {
					st, err := sqlstore.Open(ctx, storeURL, nil)
					require.NoError(t, err)
					t.Cleanup(func() { _ = st.Close() })
					b, err := storage.Open(ctx, "file://"+filepath.ToSlash(filepath.Join(dir, "blobs")))
					require.NoError(t, err)
					t.Cleanup(func() { _ = b.Close() })
					return dam.New(st, b, func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }, nil, nil)
				}
				a, b := open(), open()
				owner, _, err := a.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
				require.NoError(t, err)
				ownerCtx := dam.WithActor(ctx, owner.Actor())
				viewer, _, err := a.CreateUser(ownerCtx, dam.NewUser{Email: "viewer@example.com", Role: dam.RoleViewer})
				require.NoError(t, err)
				folder, err := a.CreateFolder(ownerCtx, "Press", "", "")
				require.NoError(t, err)
				asset, err := a.Upload(ownerCtx, strings.NewReader("the bytes"), dam.UploadOptions{Name: "logo.txt", FolderID: folder.ID})
				require.NoError(t, err)

				viewerCtx := dam.WithActor(ctx, viewer.Actor())
				for range 3 {
					d, err := b.Open(viewerCtx, asset.ID, 0)
					require.NoError(t, err, "B lets the viewer download before the change")
					require.NoError(t, d.Close())
				}
				tc.change(t, a, owner, folder)
				_, err = b.Open(viewerCtx, asset.ID, 0)
				require.Error(t, err, "B applies A's change on its next decision")
				assert.Equal(t, tc.want.String(), dam.KindOf(err).String(), "%v", err)
			})
		})
	}
}
