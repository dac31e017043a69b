package dam_test

import (
	"context"
	"encoding/base64"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// portalLinks adds visitors' signed links to testLinks.
type portalLinks struct{ testLinks }

func (portalLinks) PortalAccess(slug, token string) string {
	return "https://dam.example.com/p/" + slug + "/access/" + token
}

// portalFixture is a library with two assets, a portal of both and an
// email sink.
type portalFixture struct {
	*fixture
	sink   *smtpSink
	a, b   dam.Asset
	portal dam.Portal
}

func newPortalFixture(t *testing.T, mode dam.PortalMode) *portalFixture {
	t.Helper()
	sink := startSMTP(t, nil)
	mailer, err := dam.NewEmailNotifier(sink.URL+"?from=assets@example.com", nil)
	require.NoError(t, err)
	f := newFixture(t, &dam.Options{Links: portalLinks{}, Notifiers: []dam.Notifier{mailer}})
	pf := &portalFixture{fixture: f, sink: sink}
	pf.a = f.upload(t, f.owner, "logo.txt", "the logo")
	pf.b = f.upload(t, f.owner, "photo.txt", "the photo")
	pf.portal, err = f.lib.CreatePortal(f.owner, dam.NewPortal{Slug: "press-kit", Title: "Press kit", Description: "For journalists",
		AssetIDs: []string{pf.a.ID, pf.b.ID}, Mode: mode})
	require.NoError(t, err)
	return pf
}

// mailTo returns the emails received for addr.
func (pf *portalFixture) mailTo(t *testing.T, addr string) []parsedEmail {
	t.Helper()
	var out []parsedEmail
	for _, m := range pf.sink.Received() {
		for _, to := range m.To {
			if to == addr {
				out = append(out, parseEmail(t, m.Data))
			}
		}
	}
	return out
}

var accessLink = regexp.MustCompile(`https://dam\.example\.com/p/([a-z0-9-]+)/access/([A-Za-z0-9_.-]+)`)

// linkToken finds the signed link in an email.
func linkToken(t *testing.T, m parsedEmail) string {
	t.Helper()
	got := accessLink.FindStringSubmatch(m.Text)
	require.NotNil(t, got, "no portal link in %q", m.Text)
	assert.Equal(t, "press-kit", got[1])
	return got[2]
}

func (pf *portalFixture) read(t *testing.T, token, assetID string) (string, error) {
	t.Helper()
	d, err := pf.lib.PortalOpen(t.Context(), "press-kit", token, assetID)
	if err != nil {
		return "", err
	}
	defer d.Close()
	b, err := io.ReadAll(d)
	require.NoError(t, err)
	return string(b), nil
}

func TestPortalAutoApprove(t *testing.T) {
	pf := newPortalFixture(t, dam.PortalAutoApprove)
	res, err := pf.lib.RequestPortalDownload(t.Context(), "press-kit", dam.VisitorRequest{Email: "vi@example.org", Message: "for an article"})
	require.NoError(t, err)
	require.Len(t, res.Requests, 2, "asset_ids empty: every asset of the portal")
	for _, r := range res.Requests {
		assert.Equal(t, dam.RequestApproved, r.Status)
		assert.True(t, r.AutoApproved)
		assert.Empty(t, r.RequesterID)
		assert.Equal(t, "vi@example.org", r.RequesterEmail)
	}
	mails := pf.mailTo(t, "vi@example.org")
	require.Len(t, mails, 1)
	assert.Equal(t, "Your download request was approved", decodeHeader(t, mails[0].Header.Get("Subject")))
	token := linkToken(t, mails[0])

	v, err := pf.lib.PortalAccess(t.Context(), "press-kit", token)
	require.NoError(t, err)
	assert.Equal(t, "vi@example.org", v.Email)
	require.Len(t, v.Assets, 2)
	assert.True(t, v.Assets[0].Downloadable && v.Assets[1].Downloadable)
	got, err := pf.read(t, token, pf.a.ID)
	require.NoError(t, err)
	assert.Equal(t, "the logo", got)

	dash, _, err := pf.lib.Requests(pf.owner, dam.RequestQuery{Status: dam.RequestApproved})
	require.NoError(t, err)
	require.Len(t, dash, 2, "auto-approved requests show on the dashboard")
	assert.Equal(t, "vi@example.org", dash[0].RequesterEmail)

	es, _, err := pf.lib.Events(pf.owner, dam.EventQuery{ActorID: "vi@example.org"})
	require.NoError(t, err)
	actions := map[dam.EventAction]int{}
	for _, e := range es {
		assert.Contains(t, e.Detail, "portal "+pf.portal.ID)
		actions[e.Action]++
	}
	assert.Equal(t, map[dam.EventAction]int{dam.EventPortalRequest: 2, dam.EventDownload: 1}, actions)

	u, err := pf.lib.PortalUsage(pf.owner, pf.portal.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, u.Requests)
	assert.Equal(t, 1, u.Downloads)
	assert.ElementsMatch(t, []dam.AssetUsage{{AssetID: pf.a.ID, Downloads: 1, Requests: 1}, {AssetID: pf.b.ID, Requests: 1}}, u.Assets)
	require.Len(t, u.People, 1)
	assert.Equal(t, dam.PersonUsage{Actor: "vi@example.org", Downloads: 1, Requests: 2, Last: u.People[0].Last}, u.People[0])
}

func TestPortalRequestApproveRevoke(t *testing.T) {
	pf := newPortalFixture(t, dam.PortalRequest)
	res, err := pf.lib.RequestPortalDownload(t.Context(), "press-kit", dam.VisitorRequest{Email: "vi@example.org", AssetIDs: []string{pf.a.ID}})
	require.NoError(t, err)
	require.Len(t, res.Requests, 1)
	assert.Equal(t, dam.RequestPending, res.Requests[0].Status)
	require.Len(t, pf.mailTo(t, "owner@example.com"), 1, "the owner is notified")
	assert.Empty(t, pf.mailTo(t, "vi@example.org"))
	_, err = pf.read(t, "", pf.a.ID)
	assert.Equal(t, dam.NeedsRequest, kindOf(t, err))

	out, err := pf.lib.Decide(pf.owner, []dam.Decision{{RequestID: res.Requests[0].ID, Approve: true, Message: "enjoy"}})
	require.NoError(t, err)
	require.Equal(t, "approved", out[0].Status)
	mails := pf.mailTo(t, "vi@example.org")
	require.Len(t, mails, 1)
	assert.Contains(t, mails[0].Text, "enjoy")
	token := linkToken(t, mails[0])
	got, err := pf.read(t, token, pf.a.ID)
	require.NoError(t, err)
	assert.Equal(t, "the logo", got)
	_, err = pf.read(t, token, pf.b.ID)
	assert.Equal(t, dam.NeedsRequest, kindOf(t, err), "only the approved asset")

	_, err = pf.lib.RevokeGrant(pf.owner, out[0].Grant.ID)
	require.NoError(t, err)
	_, err = pf.read(t, token, pf.a.ID)
	require.Error(t, err, "a revoked grant stops the download at once")
	v, err := pf.lib.PortalAccess(t.Context(), "press-kit", token)
	require.NoError(t, err)
	for _, a := range v.Assets {
		assert.False(t, a.Downloadable)
	}
}

func TestPortalDenyThenAskAgain(t *testing.T) {
	pf := newPortalFixture(t, dam.PortalRequest)
	res, err := pf.lib.RequestPortalDownload(t.Context(), "press-kit", dam.VisitorRequest{Email: "vi@example.org", AssetIDs: []string{pf.b.ID}})
	require.NoError(t, err)
	_, err = pf.lib.Decide(pf.owner, []dam.Decision{{RequestID: res.Requests[0].ID, Message: "not for print use"}})
	require.NoError(t, err)
	mails := pf.mailTo(t, "vi@example.org")
	require.Len(t, mails, 1)
	assert.Equal(t, "Your download request was denied", decodeHeader(t, mails[0].Header.Get("Subject")))
	assert.Contains(t, mails[0].Text, "not for print use")
	assert.NotRegexp(t, accessLink, mails[0].Text)

	again, err := pf.lib.RequestPortalDownload(t.Context(), "press-kit", dam.VisitorRequest{Email: "vi@example.org", AssetIDs: []string{pf.b.ID}})
	require.NoError(t, err, "after a denial the visitor may ask again")
	assert.Equal(t, dam.RequestPending, again.Requests[0].Status)
}

func TestPortalModes(t *testing.T) {
	t.Run("disabled", func(t *testing.T) {
		pf := newPortalFixture(t, dam.PortalDisabled)
		_, err := pf.lib.RequestPortalDownload(t.Context(), "press-kit", dam.VisitorRequest{Email: "vi@example.org"})
		assert.Equal(t, dam.FailedPrecondition, kindOf(t, err))
		_, err = pf.read(t, "", pf.a.ID)
		require.Error(t, err)
		v, err := pf.lib.PortalPage(t.Context(), "press-kit")
		require.NoError(t, err)
		assert.Len(t, v.Assets, 2, "visitors still see the page")
	})
	t.Run("open", func(t *testing.T) {
		pf := newPortalFixture(t, dam.PortalOpen)
		got, err := pf.read(t, "", pf.b.ID)
		require.NoError(t, err)
		assert.Equal(t, "the photo", got)
		v, err := pf.lib.PortalPage(t.Context(), "press-kit")
		require.NoError(t, err)
		assert.True(t, v.Assets[0].Downloadable)
		_, err = pf.lib.RequestPortalDownload(t.Context(), "press-kit", dam.VisitorRequest{Email: "vi@example.org"})
		assert.Equal(t, dam.FailedPrecondition, kindOf(t, err), "no request needed")
	})
	t.Run("turned off", func(t *testing.T) {
		pf := newPortalFixture(t, dam.PortalOpen)
		off := false
		_, err := pf.lib.UpdatePortal(pf.owner, pf.portal.ID, dam.NewPortal{Slug: "press-kit", Title: "Press kit", Mode: dam.PortalOpen,
			AssetIDs: pf.portal.AssetIDs, Enabled: &off})
		require.NoError(t, err)
		_, err = pf.lib.PortalPage(t.Context(), "press-kit")
		assert.Equal(t, dam.NotFound, kindOf(t, err))
		_, err = pf.read(t, "", pf.a.ID)
		assert.Equal(t, dam.NotFound, kindOf(t, err))
	})
}

func TestPortalLinkTampering(t *testing.T) {
	pf := newPortalFixture(t, dam.PortalAutoApprove)
	_, err := pf.lib.CreatePortal(pf.owner, dam.NewPortal{Slug: "other-kit", Title: "Other", AssetIDs: []string{pf.a.ID}, Mode: dam.PortalAutoApprove})
	require.NoError(t, err)
	_, err = pf.lib.RequestPortalDownload(t.Context(), "other-kit", dam.VisitorRequest{Email: "vi@example.org"})
	require.NoError(t, err)
	_, err = pf.lib.RequestPortalDownload(t.Context(), "press-kit", dam.VisitorRequest{Email: "vi@example.org"})
	require.NoError(t, err)
	var other, mine string
	for _, m := range pf.mailTo(t, "vi@example.org") {
		got := accessLink.FindStringSubmatch(m.Text)
		require.NotNil(t, got)
		if got[1] == "other-kit" {
			other = got[2]
		} else {
			mine = got[2]
		}
	}
	require.NotEmpty(t, other)
	require.NotEmpty(t, mine)
	payload, sig, _ := strings.Cut(mine, ".")
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	require.NoError(t, err)
	forged := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), "vi@example.org", "eve@example.org", 1))) + "." + sig
	flipped := []byte(mine)
	flipped[len(flipped)-2] ^= 1
	for name, tok := range map[string]string{
		"other portal's link": other, "other email": forged, "tampered signature": string(flipped),
		"garbage": "not-a-token", "empty payload": "." + sig,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := pf.lib.PortalAccess(t.Context(), "press-kit", tok)
			assert.Equal(t, dam.NotFound, kindOf(t, err))
			_, err = pf.read(t, tok, pf.a.ID)
			assert.Equal(t, dam.NotFound, kindOf(t, err))
		})
	}
	_, err = pf.read(t, mine, pf.a.ID)
	require.NoError(t, err, "the genuine link works")
}

func TestPortalBadInput(t *testing.T) {
	pf := newPortalFixture(t, dam.PortalRequest)
	for _, email := range []string{"", "not-an-address", "vi@example.org\r\nBcc: eve@example.org", strings.Repeat("a", 400) + "@example.org"} {
		_, err := pf.lib.RequestPortalDownload(t.Context(), "press-kit", dam.VisitorRequest{Email: email})
		assert.Equal(t, dam.Invalid, kindOf(t, err), "%q", email)
	}
	_, err := pf.lib.RequestPortalDownload(t.Context(), "press-kit", dam.VisitorRequest{Email: "vi@example.org", AssetIDs: []string{"nope"}})
	assert.Equal(t, dam.NotFound, kindOf(t, err))
	_, err = pf.lib.RequestPortalDownload(t.Context(), "no-such-kit", dam.VisitorRequest{Email: "vi@example.org"})
	assert.Equal(t, dam.NotFound, kindOf(t, err))

	for _, slug := range []string{"ab", "Press", "press kit", "press/kit", strings.Repeat("a", 65)} {
		_, err := pf.lib.CreatePortal(pf.owner, dam.NewPortal{Slug: slug, Title: "x"})
		assert.Equal(t, dam.Invalid, kindOf(t, err), "%q", slug)
	}
	_, err = pf.lib.CreatePortal(pf.owner, dam.NewPortal{Slug: "press-kit", Title: "again"})
	assert.Equal(t, dam.AlreadyExists, kindOf(t, err))
	_, err = pf.lib.CreatePortal(pf.owner, dam.NewPortal{Slug: "fine-slug", Title: "x", Mode: "sometimes"})
	assert.Equal(t, dam.Invalid, kindOf(t, err))
	editor := pf.user(t, "ed@example.com", dam.RoleEditor)
	_, err = pf.lib.CreatePortal(editor, dam.NewPortal{Slug: "fine-slug", Title: "x"})
	assert.Equal(t, dam.PermissionDenied, kindOf(t, err))
}

func TestPortalMessageStaysOutOfHeaders(t *testing.T) {
	pf := newPortalFixture(t, dam.PortalRequest)
	_, err := pf.lib.RequestPortalDownload(t.Context(), "press-kit", dam.VisitorRequest{Email: "vi@example.org",
		Message: "hello\r\nBcc: eve@example.org\r\nSubject: pwned"})
	require.NoError(t, err)
	for _, m := range pf.sink.Received() {
		assert.NotContains(t, m.To, "eve@example.org")
		e := parseEmail(t, m.Data)
		assert.Empty(t, e.Header.Get("Bcc"))
		assert.NotContains(t, decodeHeader(t, e.Header.Get("Subject")), "pwned")
	}
	require.Len(t, pf.mailTo(t, "owner@example.com"), 1)
	assert.Contains(t, pf.mailTo(t, "owner@example.com")[0].Text, "hello")
}

func TestPortalCRUD(t *testing.T) {
	pf := newPortalFixture(t, dam.PortalRequest)
	ps, err := pf.lib.Portals(pf.owner)
	require.NoError(t, err)
	require.Len(t, ps, 1)
	got, err := pf.lib.Portal(pf.owner, pf.portal.ID)
	require.NoError(t, err)
	assert.Equal(t, pf.portal, got)
	require.NoError(t, pf.lib.DeletePortal(pf.owner, pf.portal.ID))
	_, err = pf.lib.PortalPage(t.Context(), "press-kit")
	assert.Equal(t, dam.NotFound, kindOf(t, err))
	assert.Equal(t, dam.NotFound, kindOf(t, pf.lib.DeletePortal(pf.owner, pf.portal.ID)))
}

// FuzzPortalAccess feeds arbitrary signed links: none but the genuine one
// opens the portal, and none panics.
func FuzzPortalAccess(f *testing.F) {
	pf := newFuzzPortal(f)
	f.Add("")
	f.Add("a.b")
	f.Add(pf.token)
	f.Add(pf.token + "x")
	f.Add(strings.Repeat("A", 2000) + "." + strings.Repeat("B", 43))
	f.Fuzz(func(t *testing.T, tok string) {
		_, err := pf.lib.PortalAccess(t.Context(), "press-kit", tok)
		if tok == pf.token {
			require.NoError(t, err)
			return
		}
		if err != nil {
			assert.Equal(t, dam.NotFound, dam.KindOf(err))
		}
	})
}

type fuzzPortal struct {
	*fixture
	token string
}

// newFuzzPortal makes an auto-approve portal and the signed link its
// visitor was sent.
func newFuzzPortal(t testing.TB) fuzzPortal {
	box := &recordingNotifier{}
	fx := newFixture(t, &dam.Options{Links: portalLinks{}, Notifiers: []dam.Notifier{box}})
	a, err := fx.lib.Upload(fx.owner, strings.NewReader("x"), dam.UploadOptions{Name: "x.txt"})
	require.NoError(t, err)
	_, err = fx.lib.CreatePortal(fx.owner, dam.NewPortal{Slug: "press-kit", Title: "Kit", AssetIDs: []string{a.ID}, Mode: dam.PortalAutoApprove})
	require.NoError(t, err)
	_, err = fx.lib.RequestPortalDownload(t.Context(), "press-kit", dam.VisitorRequest{Email: "vi@example.org"})
	require.NoError(t, err)
	got := accessLink.FindStringSubmatch(box.last().Link)
	require.NotNil(t, got)
	return fuzzPortal{fixture: fx, token: got[2]}
}

// recordingNotifier keeps the messages sent.
type recordingNotifier struct {
	mu sync.Mutex
	ms []dam.Message
}

func (r *recordingNotifier) Notify(_ context.Context, m dam.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ms = append(r.ms, m)
	return nil
}

func (r *recordingNotifier) last() dam.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.ms) == 0 {
		return dam.Message{}
	}
	return r.ms[len(r.ms)-1]
}
