package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// request builds a pending request for assetID by user u1.
func (f *fixture) request(assetID string) dam.Request {
	return dam.Request{ID: f.id(), Batch: "b1", AssetID: assetID, Domain: f.domain, RequesterID: "u1",
		RequesterEmail: "u1@example.com", Reason: "for the brochure", Status: dam.RequestPending,
		Validity: 48 * time.Hour, CreatedAt: f.tick()}
}

// grant builds a grant of assetID for user u1 from request requestID.
func (f *fixture) grant(requestID, assetID string) dam.Grant {
	from := f.tick()
	return dam.Grant{ID: f.id(), RequestID: requestID, AssetID: assetID, UserID: "u1", Email: "U1@example.com",
		From: from, Until: ptr(from.Add(48 * time.Hour)), CreatedBy: "owner"}
}

var settingsTests = []test{
	{"DefaultsThenRoundTrip", func(t *testing.T, f *fixture) {
		got, err := f.s.Settings(f.ctx)
		require.NoError(t, err)
		assert.Equal(t, dam.DefaultSettings(), got, "a fresh store has the defaults")
		want := dam.Settings{ProtectByDefault: true, ShowWatermarks: true, AutoApprove: true, GrantValidity: time.Hour,
			Deselected: []string{"o2"}, ReasonRequiredToRequest: true, ReasonRequiredToDeny: true,
			NotDownloadable: []dam.MediaKind{dam.MediaVideo}, UpdatedBy: "o1", UpdatedAt: f.tick(),
			CustomRenditions: dam.CustomRenditionSettings{Enabled: true, MaxPixels: 1000, Formats: dam.DefaultCustomFormats[1:2]}}
		require.NoError(t, f.s.PutSettings(f.ctx, want))
		want.GrantValidity = 2 * time.Hour
		require.NoError(t, f.s.PutSettings(f.ctx, want), "putting again replaces")
		got, err = f.s.Settings(f.ctx)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}},
}

var requestTests = []test{
	{"CreateAndGet", func(t *testing.T, f *fixture) {
		r := f.request("a1")
		auto := f.request("a2")
		auto.Status, auto.AutoApproved, auto.DecidedBy, auto.DecidedAt = dam.RequestApproved, true, "system", ptr(f.tick())
		g := f.grant(auto.ID, "a2")
		require.NoError(t, f.s.CreateRequests(f.ctx, []dam.Request{r, auto}, []dam.Grant{g}))
		for _, want := range []dam.Request{r, auto} {
			got, err := f.s.Request(f.ctx, want.ID)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		}
		got, err := f.s.Grant(f.ctx, g.ID)
		require.NoError(t, err)
		assert.Equal(t, g, got)
		_, err = f.s.Request(f.ctx, f.id())
		requireKind(t, dam.NotFound, err)
		requireKind(t, dam.AlreadyExists, f.s.CreateRequests(f.ctx, []dam.Request{f.request("a3"), r}, nil))
		list, _, err := f.s.Requests(f.ctx, dam.RequestQuery{AssetID: "a3"})
		require.NoError(t, err)
		assert.Empty(t, list, "a refused batch adds nothing")
	}},
	{"ListFiltersAndPaging", func(t *testing.T, f *fixture) {
		var rs []dam.Request
		for i, asset := range []string{"a1", "a2", "a1", "a3"} {
			r := f.request(asset)
			if i == 1 {
				r.Domain = "other"
			}
			if i == 2 {
				r.RequesterID, r.Status = "u2", dam.RequestDenied
			}
			rs = append(rs, r)
		}
		require.NoError(t, f.s.CreateRequests(f.ctx, rs, nil))
		pick := func(is ...int) []dam.Request {
			var out []dam.Request
			for _, i := range is {
				out = append(out, rs[i])
			}
			return out
		}
		for _, tc := range []struct {
			name string
			q    dam.RequestQuery
			want []dam.Request
		}{
			{"all newest first", dam.RequestQuery{}, pick(3, 2, 1, 0)},
			{"domains", dam.RequestQuery{Domains: []string{"other"}}, pick(1)},
			{"status", dam.RequestQuery{Status: dam.RequestPending}, pick(3, 1, 0)},
			{"requester", dam.RequestQuery{RequesterID: "u2"}, pick(2)},
			{"asset", dam.RequestQuery{AssetID: "a1"}, pick(2, 0)},
			{"cursor", dam.RequestQuery{Cursor: rs[2].ID}, pick(1, 0)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, next, err := f.s.Requests(f.ctx, tc.q)
				require.NoError(t, err)
				assert.Empty(t, next)
				assert.Equal(t, tc.want, got)
			})
		}
		page, next, err := f.s.Requests(f.ctx, dam.RequestQuery{Limit: 3})
		require.NoError(t, err)
		assert.Equal(t, pick(3, 2, 1), page)
		page, next, err = f.s.Requests(f.ctx, dam.RequestQuery{Limit: 3, Cursor: next})
		require.NoError(t, err)
		assert.Equal(t, pick(0), page)
		assert.Empty(t, next)
	}},
	{"DashboardFiltersSortsAndPages", func(t *testing.T, f *fixture) {
		top := f.folder("", "Top")
		sub := f.folder(top.ID, "Sub")
		deep := f.folder(sub.ID, "Deep")
		other := f.folder("", "Other")
		aTop, aDeep := f.asset(top.ID, "banana.png"), f.asset(deep.ID, "Apple.png")
		aOther, aRoot := f.asset(other.ID, "cherry.png"), f.asset("", "date.png")
		p := f.portal("press", aOther.ID)
		require.NoError(t, f.s.CreatePortal(f.ctx, p))
		// r0..r5, asked 10 hours apart from 2026-03-14 15:09 UTC.
		mk := func(a dam.Asset, email string) dam.Request {
			r := f.request(a.ID)
			r.RequesterID, r.RequesterEmail = "u-"+email, email
			return r
		}
		rs := []dam.Request{mk(aTop, "carol@example.com"), mk(aDeep, "Alice@example.com"), mk(aOther, "bob@agency.org"),
			mk(aRoot, "dave@example.com"), mk(aDeep, "bob@agency.org"), mk(aOther, "erin@example.com")}
		for i := range rs {
			rs[i].CreatedAt = baseTime.Add(time.Duration(i) * 10 * time.Hour)
		}
		visitor := rs[5]
		visitor.RequesterID = ""
		rs[5] = visitor
		require.NoError(t, f.s.CreateRequests(f.ctx, rs[:5], nil))
		require.NoError(t, f.s.CreatePortalRequests(f.ctx, p.ID, rs[5:], nil))
		rs[5].PortalID = p.ID
		pick := func(is ...int) []string {
			var out []string
			for _, i := range is {
				out = append(out, rs[i].ID)
			}
			return out
		}
		day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
		for _, tc := range []struct {
			name string
			q    dam.RequestQuery
			want []string
		}{
			{"folder and every folder below it", dam.RequestQuery{FolderID: top.ID}, pick(4, 1, 0)},
			{"a subfolder alone", dam.RequestQuery{FolderID: sub.ID}, pick(4, 1)},
			{"an empty-handed folder", dam.RequestQuery{FolderID: f.folder("", "Empty").ID}, nil},
			{"portal", dam.RequestQuery{PortalID: p.ID}, pick(5)},
			{"requester email, any case, part of it", dam.RequestQuery{RequesterEmail: "AGENCY"}, pick(4, 2)},
			{"requester email with LIKE characters", dam.RequestQuery{RequesterEmail: "%"}, nil},
			// r0 15:09 14th, r1 01:09 15th, r2 11:09 15th, r3 21:09 15th, r4 07:09 16th, r5 17:09 16th
			{"from a day", dam.RequestQuery{From: day(16)}, pick(5, 4)},
			{"before a day", dam.RequestQuery{Before: day(15)}, pick(0)},
			{"one day", dam.RequestQuery{From: day(15), Before: day(16)}, pick(3, 2, 1)},
			{"combined", dam.RequestQuery{FolderID: top.ID, RequesterEmail: "bob", From: day(15)}, pick(4)},
			{"oldest first", dam.RequestQuery{Sort: "created"}, pick(0, 1, 2, 3, 4, 5)},
			{"by requester, ties by ID", dam.RequestQuery{Sort: "requester"}, pick(1, 2, 4, 0, 3, 5)},
			{"by requester descending", dam.RequestQuery{Sort: "-requester"}, pick(5, 3, 0, 4, 2, 1)},
			{"by asset name, any case", dam.RequestQuery{Sort: "asset"}, pick(1, 4, 0, 2, 5, 3)},
			{"by asset descending", dam.RequestQuery{Sort: "-asset"}, pick(3, 5, 2, 0, 4, 1)},
			{"sorted and filtered", dam.RequestQuery{Sort: "asset", Domains: []string{f.domain}, RequesterEmail: "example.com"}, pick(1, 0, 5, 3)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, next, err := f.s.Requests(f.ctx, tc.q)
				require.NoError(t, err)
				assert.Empty(t, next)
				var gotIDs []string
				for _, r := range got {
					gotIDs = append(gotIDs, r.ID)
				}
				assert.Equal(t, tc.want, gotIDs)
				// Every page size walks the same rows once, in order.
				for limit := 1; limit <= 3 && len(tc.want) > 1; limit++ {
					q := tc.q
					q.Limit = limit
					var walked []string
					for range 20 {
						page, next, err := f.s.Requests(f.ctx, q)
						require.NoError(t, err)
						require.LessOrEqual(t, len(page), limit)
						for _, r := range page {
							walked = append(walked, r.ID)
						}
						if next == "" {
							break
						}
						q.Cursor = next
					}
					assert.Equal(t, tc.want, walked, "paged by %d", limit)
				}
			})
		}
		got, err := f.s.Request(f.ctx, rs[5].ID)
		require.NoError(t, err)
		assert.Equal(t, rs[5], got, "a visitor's request names its portal")
		_, _, err = f.s.Requests(f.ctx, dam.RequestQuery{Sort: "asset", Cursor: "not-a-cursor"})
		requireKind(t, dam.Invalid, err)
		_, _, err = f.s.Requests(f.ctx, dam.RequestQuery{Sort: "name"})
		requireKind(t, dam.Invalid, err)
	}},
	{"DecideIsCompareAndSet", func(t *testing.T, f *fixture) {
		r := f.request("a1")
		require.NoError(t, f.s.CreateRequests(f.ctx, []dam.Request{r}, nil))
		approved := r
		approved.Status, approved.DecidedBy, approved.DecidedAt, approved.Message = dam.RequestApproved, "o1", ptr(f.tick()), "enjoy"
		g := f.grant(r.ID, "a1")
		require.NoError(t, f.s.DecideRequest(f.ctx, approved, &g))
		got, err := f.s.Request(f.ctx, r.ID)
		require.NoError(t, err)
		assert.Equal(t, approved, got)
		gs, err := f.s.Grants(f.ctx, dam.GrantQuery{UserID: "u1"})
		require.NoError(t, err)
		assert.Equal(t, []dam.Grant{g}, gs)

		denied := r
		denied.Status, denied.DecidedBy = dam.RequestDenied, "o2"
		requireKind(t, dam.Conflict, f.s.DecideRequest(f.ctx, denied, nil))
		denied.ID = f.id()
		requireKind(t, dam.NotFound, f.s.DecideRequest(f.ctx, denied, nil))
	}},
	{"ConcurrentDecisions", func(t *testing.T, f *fixture) {
		r := f.request("a1")
		require.NoError(t, f.s.CreateRequests(f.ctx, []dam.Request{r}, nil))
		const owners = 8
		errs := make([]error, owners)
		decisions := make([]dam.Request, owners)
		grants := make([]dam.Grant, owners)
		for i := range decisions {
			decisions[i] = r
			decisions[i].Status, decisions[i].DecidedBy, decisions[i].DecidedAt = dam.RequestApproved, "o", ptr(f.tick())
			grants[i] = f.grant(r.ID, "a1")
		}
		var wg sync.WaitGroup
		for i := range owners {
			wg.Go(func() { errs[i] = f.s.DecideRequest(f.ctx, decisions[i], &grants[i]) })
		}
		wg.Wait()
		assert.Equal(t, 1, winners(t, errs, dam.Conflict), "exactly one owner's decision wins")
		gs, err := f.s.Grants(f.ctx, dam.GrantQuery{AssetIDs: []string{"a1"}})
		require.NoError(t, err)
		assert.Len(t, gs, 1, "and only its grant is stored")
	}},
	{"DeleteRevokesGrants", func(t *testing.T, f *fixture) {
		r := f.request("a1")
		r.Status = dam.RequestApproved
		g := f.grant(r.ID, "a1")
		require.NoError(t, f.s.CreateRequests(f.ctx, []dam.Request{r}, []dam.Grant{g}))
		at := f.tick()
		require.NoError(t, f.s.DeleteRequest(f.ctx, r.ID, "o1", at))
		_, err := f.s.Request(f.ctx, r.ID)
		requireKind(t, dam.NotFound, err)
		got, err := f.s.Grant(f.ctx, g.ID)
		require.NoError(t, err)
		require.NotNil(t, got.RevokedAt)
		assert.Equal(t, at, *got.RevokedAt)
		assert.Equal(t, "o1", got.RevokedBy)
		requireKind(t, dam.NotFound, f.s.DeleteRequest(f.ctx, r.ID, "o1", at))
	}},
}

var grantTests = []test{
	{"QueryAndRevoke", func(t *testing.T, f *fixture) {
		g1 := f.grant("r1", "a1")
		g2 := f.grant("r2", "a2")
		g2.UserID, g2.Email = "", "visitor@example.com"
		g3 := f.grant("", "a3")
		g3.Until = nil // until revoked
		require.NoError(t, f.s.CreateRequests(f.ctx, nil, []dam.Grant{g1, g2, g3}))
		at := f.tick()
		require.NoError(t, f.s.RevokeGrant(f.ctx, g3.ID, "o1", at))
		g3.RevokedAt, g3.RevokedBy = &at, "o1"
		for _, tc := range []struct {
			name string
			q    dam.GrantQuery
			want []dam.Grant
		}{
			{"all oldest first", dam.GrantQuery{}, []dam.Grant{g1, g2, g3}},
			{"user", dam.GrantQuery{UserID: "u1"}, []dam.Grant{g1, g3}},
			{"email any case", dam.GrantQuery{Email: "VISITOR@example.com"}, []dam.Grant{g2}},
			{"user or email", dam.GrantQuery{UserID: "u1", Email: "visitor@example.com"}, []dam.Grant{g1, g2, g3}},
			{"assets", dam.GrantQuery{AssetIDs: []string{"a2", "a3"}}, []dam.Grant{g2, g3}},
			{"request", dam.GrantQuery{RequestID: "r2"}, []dam.Grant{g2}},
			{"live", dam.GrantQuery{Live: true}, []dam.Grant{g1, g2}},
			{"nobody", dam.GrantQuery{UserID: "nobody"}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := f.s.Grants(f.ctx, tc.q)
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
			})
		}
		requireKind(t, dam.Conflict, f.s.RevokeGrant(f.ctx, g3.ID, "o2", f.tick()))
		requireKind(t, dam.NotFound, f.s.RevokeGrant(f.ctx, f.id(), "o2", f.tick()))
		_, err := f.s.Grant(f.ctx, f.id())
		requireKind(t, dam.NotFound, err)
	}},
}

var notificationTests = []test{
	{"InboxAndMarkRead", func(t *testing.T, f *fixture) {
		var ns []dam.Notification
		for i, kind := range []string{"request_received", "request_approved", "request_denied", "request_received"} {
			n := dam.Notification{ID: f.id(), UserID: "u1", Kind: kind, Subject: "s", Body: "b", Link: "/l",
				RequestID: "r", AssetID: "a", CreatedAt: f.tick()}
			if i == 3 {
				n.UserID = "u2"
			}
			ns = append(ns, n)
		}
		require.NoError(t, f.s.AddNotifications(f.ctx, ns...))
		got, next, err := f.s.Notifications(f.ctx, "u1", false, "", 2)
		require.NoError(t, err)
		assert.Equal(t, []dam.Notification{ns[2], ns[1]}, got, "newest first")
		got, next, err = f.s.Notifications(f.ctx, "u1", false, next, 2)
		require.NoError(t, err)
		assert.Equal(t, []dam.Notification{ns[0]}, got)
		assert.Empty(t, next)

		at := f.tick()
		n, err := f.s.MarkRead(f.ctx, "u1", []string{ns[1].ID, ns[3].ID}, at)
		require.NoError(t, err)
		assert.Equal(t, 1, n, "another user's notification is not marked")
		got, _, err = f.s.Notifications(f.ctx, "u1", true, "", 0)
		require.NoError(t, err)
		assert.Equal(t, []dam.Notification{ns[2], ns[0]}, got, "unread only")
		n, err = f.s.MarkRead(f.ctx, "u1", nil, at)
		require.NoError(t, err)
		assert.Equal(t, 2, n, "all the unread ones")
		got, _, err = f.s.Notifications(f.ctx, "u1", false, "", 0)
		require.NoError(t, err)
		for _, n := range got {
			require.NotNil(t, n.ReadAt)
			assert.Equal(t, at, *n.ReadAt)
		}
		n, err = f.s.MarkRead(f.ctx, "u1", nil, at)
		require.NoError(t, err)
		assert.Zero(t, n)
	}},
}
