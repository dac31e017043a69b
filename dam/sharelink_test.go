package dam_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestShareWithoutGuestsHasOnePublicLink: a share created without guests
// gives one link to copy, which works for anyone while the share is
// active, is shown again on every read, and is mailed to its sharer on
// request.
func TestShareWithoutGuestsHasOnePublicLink(t *testing.T) {
	f := newShareFixture(t)
	v := f.create(t, dam.NewShare{})
	require.True(t, strings.HasPrefix(v.PublicLink, "https://dam.example.com/s/"), v.PublicLink)
	assert.Empty(t, v.Links, "nobody was invited")
	require.Len(t, v.ActiveGuests, 1)
	assert.True(t, v.ActiveGuests[0].Public())
	assert.Empty(t, f.sink.Received(), "no invitation goes anywhere")

	token := strings.TrimPrefix(v.PublicLink, "https://dam.example.com/s/")
	guest := f.guest(t, token)
	gv, err := f.lib.GuestShare(guest)
	require.NoError(t, err)
	assert.Len(t, gv.Assets, 2)
	d, err := f.lib.GuestOpen(guest, f.a.ID, "")
	require.NoError(t, err)
	require.NoError(t, d.Close())

	again, err := f.lib.Share(f.editor, v.ID)
	require.NoError(t, err)
	assert.Equal(t, v.PublicLink, again.PublicLink, "the sharer sees the same link on every read")
	other := f.create(t, dam.NewShare{Title: "Other"})
	assert.NotEqual(t, v.PublicLink, other.PublicLink, "each share has its own link")

	require.NoError(t, f.lib.SendShareLink(f.editor, v.ID))
	got := f.sink.Received()
	require.Len(t, got, 1)
	assert.Equal(t, []string{"ed@example.com"}, got[0].To)
	e := parseEmail(t, got[0].Data)
	assert.Contains(t, e.Text, v.PublicLink)
	inbox, _, err := f.lib.Inbox(f.editor, false, "", 10)
	require.NoError(t, err)
	require.NotEmpty(t, inbox)
	assert.Equal(t, dam.NotifyShareLink, inbox[0].Kind)
	assert.Equal(t, v.PublicLink, inbox[0].Link)

	viewer := f.user(t, "v@example.com", dam.RoleViewer)
	assert.Equal(t, dam.NotFound, kindOf(t, f.lib.SendShareLink(viewer, v.ID)), "another user's share is absent")

	off := false
	_, err = f.lib.EditShare(f.editor, v.ID, dam.SharePatch{Enabled: &off})
	require.NoError(t, err)
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, f.lib.SendShareLink(f.editor, v.ID)), "a disabled share's link does not work")
	_, _, err = f.lib.GuestActor(t.Context(), token)
	assert.Equal(t, dam.NotFound, kindOf(t, err))
	on := true
	_, err = f.lib.EditShare(f.editor, v.ID, dam.SharePatch{Enabled: &on})
	require.NoError(t, err)

	rv, err := f.lib.RemoveGuest(f.editor, v.ID, v.ActiveGuests[0].ID)
	require.NoError(t, err)
	assert.Empty(t, rv.PublicLink, "a removed link is not shown again")
	_, _, err = f.lib.GuestActor(t.Context(), token)
	assert.Equal(t, dam.NotFound, kindOf(t, err), "and no longer works")
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, f.lib.SendShareLink(f.editor, v.ID)))

	named := f.create(t, dam.NewShare{Guests: "ana@example.com"})
	assert.Empty(t, named.PublicLink, "a share given to guests has their links only")
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, f.lib.SendShareLink(f.editor, named.ID)))
}
