package dam_test

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func eventsOf(t *testing.T, f *shareFixture, a dam.EventAction) []dam.Event {
	t.Helper()
	evs, _, err := f.lib.Events(f.owner, dam.EventQuery{Action: a})
	require.NoError(t, err)
	return evs
}

func TestExtendShortenRestoreShare(t *testing.T) {
	f := newShareFixture(t)
	v := f.create(t, dam.NewShare{Guests: "ana@example.com", Days: 7})
	token := v.Links[0].Token
	start := f.clock.t

	got, err := f.lib.ExtendShare(f.editor, v.ID, dam.ShareEnd{Days: 14})
	require.NoError(t, err)
	assert.Equal(t, start.Add(14*24*time.Hour), got.ExpiresAt)
	require.Len(t, eventsOf(t, f, dam.EventShareExtend), 1)

	until := start.Add(2 * 24 * time.Hour)
	got, err = f.lib.ExtendShare(f.editor, v.ID, dam.ShareEnd{Until: &until})
	require.NoError(t, err)
	assert.Equal(t, until, got.ExpiresAt)
	require.Len(t, eventsOf(t, f, dam.EventShareShorten), 1)

	f.clock.t = until.Add(time.Minute)
	_, _, err = f.lib.GuestActor(t.Context(), token)
	require.Equal(t, dam.NotFound, kindOf(t, err), "expired")
	got, err = f.lib.ExtendShare(f.editor, v.ID, dam.ShareEnd{Days: 3})
	require.NoError(t, err)
	assert.True(t, got.Active, "restored")
	require.Len(t, got.ActiveGuests, 1)
	require.Len(t, eventsOf(t, f, dam.EventShareRestore), 1)
	f.guest(t, token) // the same link answers again

	var subjects []string
	for _, m := range f.sink.Received() {
		subjects = append(subjects, decodeHeader(t, parseEmail(t, m.Data).Header.Get("Subject")))
	}
	assert.Contains(t, subjects, "Your access to \u201cCampaign\u201d changed", "the guest is told")

	for name, e := range map[string]dam.ShareEnd{
		"not an allowed duration": {Days: 9},
		"none":                    {},
		"both":                    {Days: 7, Until: &until},
		"in the past":             {Until: ptrTime(f.clock.t.Add(-time.Hour))},
		"past the longest":        {Until: ptrTime(f.clock.t.Add(29 * 24 * time.Hour))},
	} {
		_, err := f.lib.ExtendShare(f.editor, v.ID, e)
		assert.Equal(t, dam.Invalid, kindOf(t, err), name)
	}
	other := f.user(t, "other@example.com", dam.RoleEditor, dam.DefaultDomain)
	_, err = f.lib.ExtendShare(other, v.ID, dam.ShareEnd{Days: 7})
	assert.Equal(t, dam.NotFound, kindOf(t, err), "another editor's share")
}

func TestGuestOwnExpiryAndLimit(t *testing.T) {
	f := newShareFixture(t)
	v := f.create(t, dam.NewShare{Guests: "ana@example.com", Days: 14})
	later, err := f.lib.InviteGuests(f.editor, v.ID, dam.Invitees{Guests: "bo@example.org", ExpiresAt: &dam.ShareEnd{Days: 2}, DownloadLimit: 1})
	require.NoError(t, err)
	require.Len(t, later.Links, 1)
	bo := later.Links[0]
	g := f.guest(t, bo.Token)
	gv, err := f.lib.GuestShare(g)
	require.NoError(t, err)
	assert.Equal(t, f.clock.t.Add(48*time.Hour), gv.ExpiresAt, "the guest sees their own end")
	require.NotNil(t, gv.DownloadsLeft)
	assert.Equal(t, 1, *gv.DownloadsLeft)

	dl, err := f.lib.GuestOpen(g, f.a.ID, "")
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, dl)
	require.NoError(t, dl.Close())
	_, err = f.lib.GuestOpen(g, f.a.ID, "")
	require.Equal(t, dam.Gone, kindOf(t, err), "bo's one download is used")
	ana := f.guest(t, v.Links[0].Token)
	dl, err = f.lib.GuestOpen(ana, f.a.ID, "")
	require.NoError(t, err, "ana has no limit")
	require.NoError(t, dl.Close())

	_, err = f.lib.InviteGuests(f.editor, v.ID, dam.Invitees{Guests: "cy@example.org", ExpiresAt: &dam.ShareEnd{Days: 28}})
	assert.Equal(t, dam.Invalid, kindOf(t, err), "no later than the share")

	f.clock.t = f.clock.t.Add(49 * time.Hour)
	_, _, err = f.lib.GuestActor(t.Context(), bo.Token)
	require.Equal(t, dam.NotFound, kindOf(t, err), "bo's access ended, the share goes on")
	f.guest(t, v.Links[0].Token)
	sv, err := f.lib.Share(f.editor, v.ID)
	require.NoError(t, err)
	assert.Len(t, sv.ExpiredGuests, 1)

	sv, err = f.lib.SetGuestAccess(f.editor, v.ID, bo.GuestID, dam.GuestAccess{ExpiresAt: &dam.ShareEnd{}, DownloadLimit: ptrInt(3)})
	require.NoError(t, err)
	assert.Len(t, sv.ActiveGuests, 2, "bo gets the share's end again")
	gv, err = f.lib.GuestShare(f.guest(t, bo.Token))
	require.NoError(t, err)
	assert.Equal(t, 2, *gv.DownloadsLeft, "one of three used")
	require.Len(t, eventsOf(t, f, dam.EventShareGuestEdit), 1)

	_, err = f.lib.SetGuestAccess(f.editor, v.ID, bo.GuestID, dam.GuestAccess{})
	assert.Equal(t, dam.Invalid, kindOf(t, err))
	_, err = f.lib.SetGuestAccess(f.editor, v.ID, bo.GuestID, dam.GuestAccess{DownloadLimit: ptrInt(-1)})
	assert.Equal(t, dam.Invalid, kindOf(t, err))
	_, err = f.lib.SetGuestAccess(f.editor, v.ID, "nope", dam.GuestAccess{DownloadLimit: ptrInt(1)})
	assert.Equal(t, dam.NotFound, kindOf(t, err))
}

func ptrInt(n int) *int { return &n }

func TestShareDownloadLimitCountsZips(t *testing.T) {
	f := newShareFixture(t)
	v := f.create(t, dam.NewShare{Guests: "ana@example.com, bo@example.org", DownloadLimit: 2})
	ana, bo := f.guest(t, v.Links[0].Token), f.guest(t, v.Links[1].Token)
	p, err := f.lib.GuestArchive(ana)
	require.NoError(t, err)
	require.NoError(t, p.Close())
	dl, err := f.lib.GuestOpen(bo, f.b.ID, "")
	require.NoError(t, err)
	require.NoError(t, dl.Close())
	_, err = f.lib.GuestArchive(bo)
	require.Equal(t, dam.Gone, kindOf(t, err), "the share's two downloads are used, whoever took them")
	assert.ErrorIs(t, err, dam.ErrDownloadsUsedUp)
	sv, err := f.lib.Share(f.editor, v.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, sv.Downloads)
	limit := 3
	_, err = f.lib.EditShare(f.editor, v.ID, dam.SharePatch{DownloadLimit: &limit})
	require.NoError(t, err)
	dl, err = f.lib.GuestOpen(bo, f.b.ID, "")
	require.NoError(t, err, "raised limit")
	require.NoError(t, dl.Close())
	require.Len(t, eventsOf(t, f, dam.EventShareSettings), 1)
}

func TestViewOnlyShare(t *testing.T) {
	f := newShareFixture(t)
	v := f.create(t, dam.NewShare{Guests: "ana@example.com", ViewOnly: true})
	g := f.guest(t, v.Links[0].Token)
	gv, err := f.lib.GuestShare(g)
	require.NoError(t, err)
	assert.True(t, gv.ViewOnly)
	assert.Len(t, gv.Assets, 2, "listed to be viewed")
	_, err = f.lib.GuestOpen(g, f.a.ID, "")
	require.Equal(t, dam.PermissionDenied, kindOf(t, err))
	var re *dam.RefusalError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "view_only", re.Reason)
	_, err = f.lib.GuestOpen(g, f.a.ID, "original")
	require.Equal(t, dam.PermissionDenied, kindOf(t, err))
	_, err = f.lib.GuestArchive(g)
	require.Equal(t, dam.PermissionDenied, kindOf(t, err))

	off := false
	_, err = f.lib.EditShare(f.editor, v.ID, dam.SharePatch{ViewOnly: &off})
	require.NoError(t, err)
	dl, err := f.lib.GuestOpen(g, f.a.ID, "")
	require.NoError(t, err, "downloads once the share is no longer view-only")
	require.NoError(t, dl.Close())
}

func TestSharePassword(t *testing.T) {
	f := newShareFixture(t)
	v := f.create(t, dam.NewShare{Guests: "ana@example.com, bo@example.org", Password: "correct horse"})
	assert.True(t, v.Password)
	ana, bo := v.Links[0].Token, v.Links[1].Token
	_, _, err := f.lib.GuestActor(t.Context(), ana)
	require.Equal(t, dam.Unauthenticated, kindOf(t, err))
	require.ErrorIs(t, err, dam.ErrPasswordRequired)

	_, err = f.lib.UnlockShare(t.Context(), ana, "wrong horse")
	require.Equal(t, dam.Unauthenticated, kindOf(t, err))
	key, err := f.lib.UnlockShare(t.Context(), ana, "correct horse")
	require.NoError(t, err)
	g, _, err := f.lib.GuestActor(dam.WithShareKey(t.Context(), key), ana)
	require.NoError(t, err)
	dl, err := f.lib.GuestOpen(g, f.a.ID, "")
	require.NoError(t, err)
	require.NoError(t, dl.Close())
	_, _, err = f.lib.GuestActor(dam.WithShareKey(t.Context(), key), bo)
	require.ErrorIs(t, err, dam.ErrPasswordRequired, "a key is one guest's")

	pw := "another password"
	_, err = f.lib.EditShare(f.editor, v.ID, dam.SharePatch{Password: &pw})
	require.NoError(t, err)
	_, err = f.lib.GuestOpen(g, f.a.ID, "")
	require.ErrorIs(t, err, dam.ErrPasswordRequired, "a new password locks out old keys at once")

	short := "short"
	_, err = f.lib.EditShare(f.editor, v.ID, dam.SharePatch{Password: &short})
	assert.Equal(t, dam.Invalid, kindOf(t, err))

	// Wrong passwords are counted per share, whichever guest sends them:
	// ten (one above, nine here), then a wait, even for the right one.
	for range 9 {
		_, err = f.lib.UnlockShare(t.Context(), bo, "guess guess")
		require.Equal(t, dam.Unauthenticated, kindOf(t, err))
	}
	_, err = f.lib.UnlockShare(t.Context(), bo, pw)
	require.Equal(t, dam.ResourceExhausted, kindOf(t, err))
	assert.Positive(t, dam.RetryAfter(err))
	f.clock.t = f.clock.t.Add(time.Minute)
	_, err = f.lib.UnlockShare(t.Context(), bo, pw)
	require.NoError(t, err)

	none := ""
	_, err = f.lib.EditShare(f.editor, v.ID, dam.SharePatch{Password: &none})
	require.NoError(t, err)
	f.guest(t, ana)
	_, err = f.lib.UnlockShare(t.Context(), ana, pw)
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, err))
	_, err = f.lib.UnlockShare(t.Context(), "garbage", pw)
	assert.Equal(t, dam.NotFound, kindOf(t, err))
}

func TestDownloadsCountedOnlyUnderALimit(t *testing.T) {
	f := newShareFixture(t)
	v := f.create(t, dam.NewShare{Guests: "ana@example.com"})
	g := f.guest(t, v.Links[0].Token)
	for range 3 {
		dl, err := f.lib.GuestOpen(g, f.a.ID, "")
		require.NoError(t, err)
		require.NoError(t, dl.Close())
	}
	sv, err := f.lib.Share(f.editor, v.ID)
	require.NoError(t, err)
	assert.Zero(t, sv.Downloads, "no limit: nothing written per download")
	assert.Len(t, eventsOf(t, f, dam.EventDownload), 3, "the usage log has every download")
	limit := 4
	_, err = f.lib.EditShare(f.editor, v.ID, dam.SharePatch{DownloadLimit: &limit})
	require.NoError(t, err)
	for range 4 {
		dl, err := f.lib.GuestOpen(g, f.a.ID, "")
		require.NoError(t, err, "a limit set later counts from then")
		require.NoError(t, dl.Close())
	}
	_, err = f.lib.GuestOpen(g, f.a.ID, "")
	assert.Equal(t, dam.Gone, kindOf(t, err))
}
