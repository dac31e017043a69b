package dam_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestLastRecipientCannotBeDeselected: owners choose who receives download
// requests, but never so that a domain's requests reach nobody.
func TestLastRecipientCannotBeDeselected(t *testing.T) {
	f := newFixture(t, nil)
	first, ok := dam.ActorFrom(f.owner)
	require.True(t, ok)
	second := f.user(t, "second@example.com", dam.RoleOwner)
	secondID := actorID(t, second)
	other := f.user(t, "other@example.com", dam.RoleOwner, "b") // the only owner of domain b
	otherID := actorID(t, other)
	f.user(t, "editor@example.com", dam.RoleEditor) // editors never receive requests
	disabled := f.user(t, "gone@example.com", dam.RoleOwner)
	_, err := f.lib.UpdateUser(f.owner, actorID(t, disabled), dam.UserPatch{Disabled: new(true)})
	require.NoError(t, err)

	for _, tc := range []struct {
		name       string
		deselected []string
		refused    string // "" when accepted
	}{
		{"nobody deselected", nil, ""},
		{"one of two owners", []string{first.UserID}, ""},
		{"the other of two", []string{secondID}, ""},
		{"a disabled owner does not count as a recipient", []string{first.UserID, secondID}, "domain default"},
		{"both owners of the default domain", []string{first.UserID, secondID, actorID(t, disabled)}, "domain default"},
		{"the only owner of domain b", []string{otherID}, "domain b"},
		{"every owner", []string{first.UserID, secondID, otherID}, "domain b, default"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := dam.DefaultSettings()
			st.Deselected = tc.deselected
			got, err := f.lib.UpdateSettings(f.owner, st)
			if tc.refused == "" {
				require.NoError(t, err)
				assert.ElementsMatch(t, tc.deselected, got.Deselected)
				return
			}
			require.Error(t, err)
			assert.Equal(t, dam.FailedPrecondition, dam.KindOf(err))
			assert.Contains(t, dam.ErrorMessage(err), "keep at least one owner of "+tc.refused)
		})
	}
	// A refused change stores nothing.
	_, err = f.lib.UpdateSettings(f.owner, dam.Settings{Deselected: []string{first.UserID}})
	require.NoError(t, err)
	_, err = f.lib.UpdateSettings(f.owner, dam.Settings{Deselected: []string{first.UserID, secondID}, AutoApprove: true})
	require.Error(t, err)
	st, err := f.lib.Settings(f.owner)
	require.NoError(t, err)
	assert.Equal(t, []string{first.UserID}, st.Deselected)
	assert.False(t, st.AutoApprove)
}

func actorID(t *testing.T, ctx context.Context) string {
	t.Helper()
	a, ok := dam.ActorFrom(ctx)
	require.True(t, ok)
	return a.UserID
}

// TestRequestRecipients: requests reach the chosen owners, never a
// disabled one, and never nobody: when every chosen owner of a domain is
// gone, all its enabled owners receive them.
func TestRequestRecipients(t *testing.T) {
	f := newFixture(t, nil)
	first, _ := dam.ActorFrom(f.owner)
	second := f.user(t, "second@example.com", dam.RoleOwner)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	folder, err := f.lib.CreateFolder(f.owner, "Embargo", "", "")
	require.NoError(t, err)
	_, err = f.lib.SetFolderProtection(f.owner, folder.ID, dam.Protected)
	require.NoError(t, err)
	ask := func(name string) {
		t.Helper()
		a, err := f.lib.Upload(f.owner, strings.NewReader(name), dam.UploadOptions{Name: name, FolderID: folder.ID})
		require.NoError(t, err)
		_, err = f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{a.ID}})
		require.NoError(t, err)
	}
	received := func(ctx context.Context) int {
		t.Helper()
		ns, _, err := f.lib.Inbox(ctx, false, "", 0)
		require.NoError(t, err)
		n := 0
		for _, x := range ns {
			if x.Kind == dam.NotifyRequestReceived {
				n++
			}
		}
		return n
	}

	_, err = f.lib.UpdateSettings(f.owner, dam.Settings{Deselected: []string{first.UserID}})
	require.NoError(t, err)
	ask("a.png")
	assert.Equal(t, 0, received(f.owner), "deselected")
	assert.Equal(t, 1, received(second))

	// The only recipient is disabled since: the deselected owner receives.
	_, err = f.lib.UpdateUser(f.owner, actorID(t, second), dam.UserPatch{Disabled: new(true)})
	require.NoError(t, err)
	ask("b.png")
	assert.Equal(t, 1, received(f.owner), "nobody chosen is left: every enabled owner receives")
	assert.Equal(t, 1, received(second), "a disabled owner receives nothing")
}
