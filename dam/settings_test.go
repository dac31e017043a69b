package dam_test

import (
	"context"
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
