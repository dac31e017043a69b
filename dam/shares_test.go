package dam_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/rendition"
	"github.com/damkit/damkit/share"
)

// shareLinks adds guest links to testLinks.
type shareLinks struct{ testLinks }

func (shareLinks) ShareLink(token string) string { return "https://dam.example.com/s/" + token }

// shareFixture is a library with shares enabled, an editor, two assets and
// an email sink.
type shareFixture struct {
	*fixture
	editor context.Context
	a, b   dam.Asset
	sink   *smtpSink
}

func newShareFixture(t *testing.T) *shareFixture {
	t.Helper()
	sink := startSMTP(t, nil)
	mailer, err := dam.NewEmailNotifier(sink.URL+"?from=assets@example.com", nil)
	require.NoError(t, err)
	f := newFixture(t, &dam.Options{Links: shareLinks{}, Notifiers: []dam.Notifier{mailer}})
	s, err := f.lib.Settings(f.owner)
	require.NoError(t, err)
	s.SharesEnabled = true
	_, err = f.lib.UpdateSettings(f.owner, s)
	require.NoError(t, err)
	sf := &shareFixture{fixture: f, sink: sink}
	sf.editor = f.user(t, "ed@example.com", dam.RoleEditor, dam.DefaultDomain)
	sf.a = f.upload(t, sf.editor, "brief.txt", "the brief")
	sf.b = f.upload(t, sf.editor, "notes.txt", "some notes")
	return sf
}

func (f *shareFixture) create(t *testing.T, ns dam.NewShare) dam.ShareView {
	t.Helper()
	if ns.Title == "" {
		ns.Title = "Campaign"
	}
	if ns.Days == 0 {
		ns.Days = 7
	}
	if ns.AssetIDs == nil {
		ns.AssetIDs = []string{f.a.ID, f.b.ID}
	}
	v, err := f.lib.CreateShare(f.editor, ns)
	require.NoError(t, err)
	return v
}

func (f *shareFixture) guest(t *testing.T, token string) context.Context {
	t.Helper()
	ctx, _, err := f.lib.GuestActor(t.Context(), token)
	require.NoError(t, err)
	return ctx
}

func TestCreateShareRefusesBadInput(t *testing.T) {
	f := newShareFixture(t)
	many := make([]string, 1000)
	for i := range many {
		many[i] = "g" + string(rune('a'+i%26)) + strings.Repeat("x", i%7) + "@example.com"
	}
	viewer := f.user(t, "vi@example.com", dam.RoleViewer, dam.DefaultDomain)
	tests := []struct {
		name string
		ctx  context.Context
		ns   dam.NewShare
		kind dam.Kind
		msg  string
	}{
		{"empty title", f.editor, dam.NewShare{Title: "  ", Days: 7, AssetIDs: []string{f.a.ID}}, dam.Invalid, "needs a title"},
		{"4 days", f.editor, dam.NewShare{Title: "x", Days: 4, AssetIDs: []string{f.a.ID}}, dam.Invalid, "4 days is not one of"},
		{"no duration", f.editor, dam.NewShare{Title: "x", AssetIDs: []string{f.a.ID}}, dam.Invalid, "days must be one of 1 day, 2 days"},
		{"1000 guests", f.editor, dam.NewShare{Title: "x", Days: 7, AssetIDs: []string{f.a.ID}, Guests: strings.Join(many, ",")}, dam.Invalid, "1000 addresses given, at most 50"},
		{"malformed address", f.editor, dam.NewShare{Title: "x", Days: 7, AssetIDs: []string{f.a.ID}, Guests: "ana@example.com, not-an-address"}, dam.Invalid, "address 2"},
		{"header injection", f.editor, dam.NewShare{Title: "x", Days: 7, AssetIDs: []string{f.a.ID}, Guests: "a@x.com\r\nBcc: e@x.com"}, dam.Invalid, "line breaks"},
		{"unknown user", f.editor, dam.NewShare{Title: "x", Days: 7, AssetIDs: []string{f.a.ID}, UserIDs: []string{"nope"}}, dam.Invalid, "not found"},
		{"unknown profile", f.editor, dam.NewShare{Title: "x", Days: 7, AssetIDs: []string{f.a.ID}, Profile: "nope"}, dam.Invalid, "profile"},
		{"no assets", f.editor, dam.NewShare{Title: "x", Days: 7}, dam.Invalid, "select the assets"},
		{"viewer", viewer, dam.NewShare{Title: "x", Days: 7, AssetIDs: []string{f.a.ID}}, dam.PermissionDenied, "owners and editors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.lib.CreateShare(tt.ctx, tt.ns)
			require.Equal(t, tt.kind, kindOf(t, err), "%v", err)
			assert.Contains(t, dam.ErrorMessage(err), tt.msg)
		})
	}
	shares, err := f.lib.Shares(f.editor)
	require.NoError(t, err)
	assert.Empty(t, shares, "nothing was created")
}

func TestSharesNeedTheSetting(t *testing.T) {
	f := newFixture(t, nil)
	a := f.upload(t, f.owner, "a.txt", "a")
	_, err := f.lib.CreateShare(f.owner, dam.NewShare{Title: "x", Days: 7, AssetIDs: []string{a.ID}})
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, err))
	assert.Contains(t, dam.ErrorMessage(err), "shares_enabled")
}

func TestCustomDurations(t *testing.T) {
	f := newFixture(t, &dam.Options{ShareDurations: share.Durations{4 * share.Day}})
	s, err := f.lib.Settings(f.owner)
	require.NoError(t, err)
	s.SharesEnabled = true
	_, err = f.lib.UpdateSettings(f.owner, s)
	require.NoError(t, err)
	a := f.upload(t, f.owner, "a.txt", "a")
	v, err := f.lib.CreateShare(f.owner, dam.NewShare{Title: "x", Days: 4, AssetIDs: []string{a.ID}})
	require.NoError(t, err)
	assert.Equal(t, 4*share.Day, v.ExpiresAt.Sub(v.CreatedAt))
	_, err = f.lib.CreateShare(f.owner, dam.NewShare{Title: "x", Days: 7, AssetIDs: []string{a.ID}})
	assert.Equal(t, dam.Invalid, kindOf(t, err))
	assert.Equal(t, share.Durations{4 * share.Day}, f.lib.Options().ShareDurations)
	assert.Equal(t, share.DefaultDurations, newFixture(t, nil).lib.Options().ShareDurations,
		"the defaults are listed for pages that offer the choice")
}

func TestShareSkipsWhatCannotBeShared(t *testing.T) {
	f := newShareFixture(t)
	un := dam.Unavailable
	_, err := f.lib.EditAsset(f.owner, f.b.ID, dam.AssetPatch{Availability: &un})
	require.NoError(t, err)
	other := f.upload(t, f.owner, "elsewhere.txt", "x")
	_, err = f.lib.EditAsset(f.owner, other.ID, dam.AssetPatch{ExpiresAt: ptrTime(f.clock.t.Add(-time.Hour))})
	require.NoError(t, err)
	v := f.create(t, dam.NewShare{AssetIDs: []string{f.a.ID, f.b.ID, other.ID, "01JUNKJUNKJUNKJUNKJUNKJUNK"}})
	assert.Equal(t, []string{f.a.ID}, v.AssetIDs)
	reasons := map[string]string{}
	for _, s := range v.Skipped {
		reasons[s.AssetID] = s.Reason
		assert.NotEmpty(t, s.Message)
	}
	assert.Equal(t, map[string]string{f.b.ID: "unavailable", other.ID: "expired", "01JUNKJUNKJUNKJUNKJUNKJUNK": "not_found"}, reasons)

	_, err = f.lib.CreateShare(f.editor, dam.NewShare{Title: "x", Days: 7, AssetIDs: []string{f.b.ID}})
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, err), "a share of nothing is refused")
	assert.Contains(t, dam.ErrorMessage(err), f.b.ID)
}

func ptrTime(t time.Time) *time.Time { return &t }

func TestInvitationEmail(t *testing.T) {
	f := newShareFixture(t)
	v := f.create(t, dam.NewShare{Title: "Spring\r\nBcc: evil@example.com", Guests: "ana@example.com, ANA@example.com, bo@example.org",
		Comment: "Have a look\r\nX-Injected: yes", Days: 3})
	assert.Equal(t, "Spring Bcc: evil@example.com", v.Title, "line breaks never reach a title")
	require.Len(t, v.Links, 2, "duplicates folded")
	require.Len(t, v.ActiveGuests, 2)
	got := f.sink.Received()
	require.Len(t, got, 2)
	var anas []received
	for _, m := range got {
		if m.To[0] == "ana@example.com" {
			anas = append(anas, m)
		}
		assert.NotContains(t, m.To, "evil@example.com")
	}
	require.Len(t, anas, 1)
	e := parseEmail(t, anas[0].Data)
	assert.Empty(t, e.Header.Get("Bcc"))
	assert.Empty(t, e.Header.Get("X-Injected"))
	subject := decodeHeader(t, e.Header.Get("Subject"))
	assert.Contains(t, subject, "shared")
	assert.NotContains(t, subject, "\n")
	link := v.Links[0].URL
	if v.Links[0].Email != "ana@example.com" {
		link = v.Links[1].URL
	}
	assert.True(t, strings.HasPrefix(link, "https://dam.example.com/s/"))
	assert.Contains(t, e.Text, link, "the link")
	assert.Contains(t, e.Text, "ed@example.com", "who shared")
	assert.Contains(t, e.Text, "Have a look", "the comment")
	assert.Contains(t, e.Text, "Expires", "when it expires")
}

func TestGuestDownloadsAndNothingElse(t *testing.T) {
	f := newShareFixture(t)
	hidden := f.upload(t, f.editor, "secret.txt", "secret")
	v := f.create(t, dam.NewShare{Guests: "ana@example.com"})
	g := f.guest(t, v.Links[0].Token)

	gv, err := f.lib.GuestShare(g)
	require.NoError(t, err)
	assert.Equal(t, "Campaign", gv.Title)
	require.Len(t, gv.Assets, 2)
	assert.Equal(t, "brief.txt", gv.Assets[0].Name)

	dl, err := f.lib.GuestOpen(g, f.a.ID, "")
	require.NoError(t, err)
	data, err := io.ReadAll(dl)
	require.NoError(t, err)
	require.NoError(t, dl.Close())
	assert.Equal(t, "the brief", string(data))

	_, err = f.lib.GuestOpen(g, hidden.ID, "")
	assert.Equal(t, dam.NotFound, kindOf(t, err), "assets outside the share do not exist for the guest")
	_, err = f.lib.Open(g, f.a.ID, 0)
	assert.Equal(t, dam.Unauthenticated, kindOf(t, err), "guests reach nothing but the share")
	_, _, err = f.lib.Assets(g, dam.AssetQuery{})
	assert.Equal(t, dam.Unauthenticated, kindOf(t, err))

	evs, _, err := f.lib.Events(f.owner, dam.EventQuery{Action: dam.EventDownload})
	require.NoError(t, err)
	require.NotEmpty(t, evs)
	assert.Equal(t, "ana@example.com", evs[0].ActorID)
	assert.Equal(t, "share "+v.ID+" original", evs[0].Detail)
}

func TestDeadLinksAnswerNotFound(t *testing.T) {
	f := newShareFixture(t)
	v := f.create(t, dam.NewShare{Guests: "ana@example.com, bo@example.org"})
	_, _, err := f.lib.GuestActor(t.Context(), "garbage")
	want := dam.ErrorMessage(err)
	require.Equal(t, dam.NotFound, kindOf(t, err))
	tok, _ := share.NewToken()
	fails := func(t *testing.T, token, why string) {
		t.Helper()
		_, _, err := f.lib.GuestActor(t.Context(), token)
		require.Equal(t, dam.NotFound, kindOf(t, err), why)
		assert.Equal(t, want, dam.ErrorMessage(err), "same message: %s", why)
	}
	fails(t, tok, "unknown token")
	mutated := []byte(v.Links[0].Token)
	mutated[5] ^= 1
	fails(t, string(mutated), "one character off")

	ana, bo := v.Links[0], v.Links[1]
	if ana.Email != "ana@example.com" {
		ana, bo = bo, ana
	}
	live := f.guest(t, bo.Token)
	_, err = f.lib.RemoveGuest(f.editor, v.ID, ana.GuestID)
	require.NoError(t, err)
	fails(t, ana.Token, "removed guest")
	sv, err := f.lib.Share(f.editor, v.ID)
	require.NoError(t, err)
	require.Len(t, sv.ExpiredGuests, 1)
	assert.Equal(t, "ana@example.com", sv.ExpiredGuests[0].Email, "removed guests are listed apart with their address")

	off := false
	_, err = f.lib.EditShare(f.editor, v.ID, dam.SharePatch{Enabled: &off})
	require.NoError(t, err)
	fails(t, bo.Token, "disabled share")
	_, err = f.lib.GuestOpen(live, f.a.ID, "")
	assert.Equal(t, dam.NotFound, kindOf(t, err), "a guest context made before disabling stops at once")
	_, err = f.lib.GuestShare(live)
	assert.Equal(t, dam.NotFound, kindOf(t, err))
	on := true
	_, err = f.lib.EditShare(f.editor, v.ID, dam.SharePatch{Enabled: &on})
	require.NoError(t, err)
	f.guest(t, bo.Token)

	f.clock.t = v.ExpiresAt
	fails(t, bo.Token, "expired share")
	sv, err = f.lib.Share(f.editor, v.ID)
	require.NoError(t, err)
	assert.Len(t, sv.ExpiredGuests, 2, "every guest's access expired with the share")
	assert.Empty(t, sv.ActiveGuests)

	f.clock.t = v.CreatedAt
	require.NoError(t, f.lib.DeleteShare(f.editor, v.ID))
	fails(t, bo.Token, "deleted share")
}

func TestProfileShareRefusesOriginal(t *testing.T) {
	f := newShareFixture(t)
	f.profile(t, dam.Profile{Name: "web", Width: 64, Height: 64, Format: rendition.FormatPNG})
	photo := f.photo(t, f.editor, "beach.jpg")
	v := f.create(t, dam.NewShare{AssetIDs: []string{photo.ID}, Profile: "web", Guests: "ana@example.com"})
	g := f.guest(t, v.Links[0].Token)
	for _, p := range []string{"original", "thumb"} {
		_, err := f.lib.GuestOpen(g, photo.ID, p)
		assert.Equal(t, dam.PermissionDenied, kindOf(t, err))
		assert.Equal(t, "profile_not_shared", refusalReason(t, err))
	}
	dl, err := f.lib.GuestOpen(g, photo.ID, "")
	require.NoError(t, err)
	defer dl.Close()
	assert.Equal(t, "image/png", dl.Version.MediaType, "the share's profile by default")
	assert.True(t, dl.IsRendition())

	p, err := f.lib.GuestArchive(g)
	require.NoError(t, err)
	defer p.Close()
	data, err := io.ReadAll(p)
	require.NoError(t, err)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	require.Len(t, zr.File, 1)
	assert.Equal(t, "beach.png", zr.File[0].Name, "the ZIP holds the profile's rendition")
}

func TestGuestArchive(t *testing.T) {
	f := newShareFixture(t)
	v := f.create(t, dam.NewShare{Guests: "ana@example.com"})
	g := f.guest(t, v.Links[0].Token)
	p, err := f.lib.GuestArchive(g)
	require.NoError(t, err)
	data, err := io.ReadAll(p)
	require.NoError(t, err)
	require.NoError(t, p.Close())
	assert.Equal(t, p.Size, int64(len(data)))
	assert.Equal(t, "Campaign.zip", p.Name)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	names := map[string]string{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		names[zf.Name] = string(b)
	}
	assert.Equal(t, map[string]string{"brief.txt": "the brief", "notes.txt": "some notes"}, names)

	p, err = f.lib.GuestArchive(g)
	require.NoError(t, err)
	defer p.Close()
	off := false
	_, err = f.lib.EditShare(f.editor, v.ID, dam.SharePatch{Enabled: &off})
	require.NoError(t, err)
	_, err = io.ReadAll(p)
	assert.Error(t, err, "a ZIP under way stops when the share is disabled")
}

func TestManageShare(t *testing.T) {
	f := newShareFixture(t)
	v := f.create(t, dam.NewShare{AssetIDs: []string{f.a.ID}})
	assert.Empty(t, v.Links, "a share may start without guests")
	v2, err := f.lib.AddShareAssets(f.editor, v.ID, []string{f.b.ID, f.a.ID})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{f.a.ID, f.b.ID}, v2.AssetIDs)
	_, err = f.lib.RemoveShareAssets(f.editor, v.ID, []string{f.a.ID})
	require.NoError(t, err)
	inv, err := f.lib.InviteGuests(f.editor, v.ID, dam.Invitees{Guests: "cy@example.com"})
	require.NoError(t, err)
	require.Len(t, inv.Links, 1)
	g := f.guest(t, inv.Links[0].Token)
	_, err = f.lib.GuestOpen(g, f.a.ID, "")
	assert.Equal(t, dam.NotFound, kindOf(t, err), "a removed asset is out of reach at once")
	_, err = f.lib.GuestOpen(g, f.b.ID, "")
	require.NoError(t, err)
	again, err := f.lib.InviteGuests(f.editor, v.ID, dam.Invitees{Guests: "CY@example.com"})
	require.NoError(t, err)
	assert.Empty(t, again.Links, "a guest already invited is not invited twice")

	title := "Renamed"
	got, err := f.lib.EditShare(f.editor, v.ID, dam.SharePatch{Title: &title})
	require.NoError(t, err)
	assert.Equal(t, "Renamed", got.Title)
	empty := ""
	_, err = f.lib.EditShare(f.editor, v.ID, dam.SharePatch{Title: &empty})
	assert.Equal(t, dam.Invalid, kindOf(t, err))

	other := f.user(t, "ed2@example.com", dam.RoleEditor, dam.DefaultDomain)
	_, err = f.lib.Share(other, v.ID)
	assert.Equal(t, dam.NotFound, kindOf(t, err), "another editor's share does not exist for them")
	_, err = f.lib.Share(f.owner, v.ID)
	require.NoError(t, err, "owners see every share")
	list, err := f.lib.Shares(f.editor)
	require.NoError(t, err)
	require.Len(t, list, 1)
}

func TestSweepSharesNotifiesOnce(t *testing.T) {
	f := newShareFixture(t)
	v := f.create(t, dam.NewShare{Days: 7})
	n, err := f.lib.SweepShares(t.Context())
	require.NoError(t, err)
	assert.Zero(t, n, "nothing due yet")
	f.clock.t = v.ExpiresAt.Add(-time.Hour)
	n, err = f.lib.SweepShares(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, n, "told a day ahead")
	n, err = f.lib.SweepShares(t.Context())
	require.NoError(t, err)
	assert.Zero(t, n, "once")
	f.clock.t = v.ExpiresAt
	n, err = f.lib.SweepShares(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, n, "told it has expired")
	n, err = f.lib.SweepShares(t.Context())
	require.NoError(t, err)
	assert.Zero(t, n)
	inbox, _, err := f.lib.Inbox(f.editor, false, "", 0)
	require.NoError(t, err)
	var kinds []string
	for _, m := range inbox {
		kinds = append(kinds, m.Kind)
	}
	assert.ElementsMatch(t, []string{dam.NotifyShareExpiring, dam.NotifyShareExpired}, kinds)
	var subjects []string
	for _, m := range f.sink.Received() {
		subjects = append(subjects, decodeHeader(t, parseEmail(t, m.Data).Header.Get("Subject")))
	}
	assert.Len(t, subjects, 2)
}

func TestSweepSkipsDisabledShares(t *testing.T) {
	f := newShareFixture(t)
	v := f.create(t, dam.NewShare{Days: 7})
	off := false
	_, err := f.lib.EditShare(f.editor, v.ID, dam.SharePatch{Enabled: &off})
	require.NoError(t, err)
	f.clock.t = v.ExpiresAt
	n, err := f.lib.SweepShares(t.Context())
	require.NoError(t, err)
	assert.Zero(t, n, "a share turned off tells its sharer nothing")
	n, err = f.lib.SweepShares(t.Context())
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestShareACollection(t *testing.T) {
	f := newShareFixture(t)
	c, err := f.lib.CreateCollection(f.editor, "Picks", "")
	require.NoError(t, err)
	_, err = f.lib.AddToCollection(f.editor, c.ID, []dam.CollectionItem{{AssetID: f.a.ID}, {AssetID: f.b.ID}})
	require.NoError(t, err)
	v := f.create(t, dam.NewShare{AssetIDs: []string{}, CollectionID: c.ID, Guests: "ana@example.com"})
	assert.ElementsMatch(t, []string{f.a.ID, f.b.ID}, v.AssetIDs)
	gv, err := f.lib.GuestShare(f.guest(t, v.Links[0].Token))
	require.NoError(t, err)
	assert.Len(t, gv.Assets, 2)
}

func TestShareUsageSummary(t *testing.T) {
	f := newShareFixture(t)
	v := f.create(t, dam.NewShare{Guests: "ana@example.com, bo@example.org"})
	ana, bo := f.guest(t, v.Links[0].Token), f.guest(t, v.Links[1].Token)
	other := f.create(t, dam.NewShare{Title: "Other", Guests: "cy@example.com"})
	cy := f.guest(t, other.Links[0].Token)
	for _, dl := range []struct {
		ctx context.Context
		id  string
	}{{ana, f.a.ID}, {ana, f.a.ID}, {ana, f.b.ID}, {bo, f.a.ID}, {cy, f.b.ID}} {
		d, err := f.lib.GuestOpen(dl.ctx, dl.id, "")
		require.NoError(t, err)
		require.NoError(t, d.Close())
	}
	_, err := f.lib.GuestShare(bo)
	require.NoError(t, err)

	u, err := f.lib.ShareUsage(f.editor, v.ID)
	require.NoError(t, err)
	assert.Equal(t, 4, u.Downloads, "the other share's download is not counted")
	assert.Equal(t, 1, u.Opens)
	assert.Equal(t, []dam.AssetUsage{{AssetID: f.a.ID, Downloads: 3}, {AssetID: f.b.ID, Downloads: 1}}, u.Assets)
	require.Len(t, u.People, 2)
	assert.Equal(t, "ana@example.com", u.People[0].Actor)
	assert.Equal(t, 3, u.People[0].Downloads)
	assert.Equal(t, "bo@example.org", u.People[1].Actor)
	assert.Equal(t, 1, u.People[1].Downloads)
	assert.Equal(t, []int{0, 1}, []int{u.People[0].Opens, u.People[1].Opens}, "opens per guest")

	viewer := f.user(t, "v@example.com", dam.RoleViewer)
	_, err = f.lib.ShareUsage(viewer, v.ID)
	assert.Equal(t, dam.NotFound, kindOf(t, err), "only the sharer and owners see a share's usage")
}
