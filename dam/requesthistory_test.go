package dam_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestRequestsDashboardFilters: the dashboard's folder filter takes the
// folders below, the portal filter a visitor's portal, the day range both
// days; filters out of reach answer as missing ones; bad input is Invalid.
func TestRequestsDashboardFilters(t *testing.T) {
	f := newFixture(t, nil)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	top, err := f.lib.CreateFolder(f.owner, "Top", "", "")
	require.NoError(t, err)
	sub, err := f.lib.CreateFolder(f.owner, "Sub", top.ID, "")
	require.NoError(t, err)
	_, err = f.lib.SetFolderProtection(f.owner, top.ID, dam.Protected)
	require.NoError(t, err)
	inSub, err := f.lib.Upload(f.owner, strings.NewReader("in sub"), dam.UploadOptions{Name: "sub.txt", FolderID: sub.ID})
	require.NoError(t, err)
	atRoot := f.upload(t, f.owner, "root.txt", "at root")
	_, err = f.lib.SetAssetProtection(f.owner, atRoot.ID, dam.Protected)
	require.NoError(t, err)

	_, err = f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{inSub.ID}, Reason: "one"})
	require.NoError(t, err)
	f.clock.t = f.clock.t.Add(24 * time.Hour) // 2 March
	_, err = f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{atRoot.ID}, Reason: "two"})
	require.NoError(t, err)
	p, err := f.lib.CreatePortal(f.owner, dam.NewPortal{Slug: "press", Title: "Press kit", AssetIDs: []string{atRoot.ID}, Mode: dam.PortalRequest})
	require.NoError(t, err)
	_, err = f.lib.RequestPortalDownload(t.Context(), "press", dam.VisitorRequest{Email: "visitor@agency.org", Message: "print"})
	require.NoError(t, err)

	names := func(q dam.RequestQuery) []string {
		t.Helper()
		rs, _, err := f.lib.Requests(f.owner, q)
		require.NoError(t, err)
		var out []string
		for _, r := range rs {
			out = append(out, r.AssetName+" "+r.Reason)
		}
		return out
	}
	from1, before1, err := dam.RequestDays("2026-03-01", "2026-03-01")
	require.NoError(t, err)
	from2, _, err := dam.RequestDays("2026-03-02", "")
	require.NoError(t, err)
	assert.Equal(t, []string{"sub.txt one"}, names(dam.RequestQuery{FolderID: top.ID}), "the folder and the folders below it")
	assert.Equal(t, []string{"root.txt print"}, names(dam.RequestQuery{PortalID: p.ID}))
	assert.Equal(t, []string{"sub.txt one"}, names(dam.RequestQuery{From: from1, Before: before1}), "one day, both ends included")
	assert.Equal(t, []string{"root.txt print", "root.txt two"}, names(dam.RequestQuery{From: from2}))
	assert.Equal(t, []string{"root.txt print"}, names(dam.RequestQuery{RequesterEmail: "AGENCY"}))
	assert.Equal(t, []string{"root.txt two", "root.txt print", "sub.txt one"}, names(dam.RequestQuery{Sort: "asset"}), "ties in asking order")

	rs, _, err := f.lib.Requests(f.owner, dam.RequestQuery{PortalID: p.ID})
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, "Press kit", rs[0].PortalTitle, "the portal it came through")
	assert.Equal(t, "press", rs[0].PortalSlug)

	// Paging sorted by requester walks every request once.
	var walked []string
	q := dam.RequestQuery{Sort: "-requester", Limit: 1}
	for range 10 {
		page, next, err := f.lib.Requests(f.owner, q)
		require.NoError(t, err)
		for _, r := range page {
			walked = append(walked, r.RequesterEmail)
		}
		if next == "" {
			break
		}
		q.Cursor = next
	}
	assert.Equal(t, []string{"visitor@agency.org", "viewer@example.com", "viewer@example.com"}, walked)

	// Out of reach is missing; a viewer sees only their own requests and no portal.
	stranger := f.user(t, "stranger@example.com", dam.RoleOwner, "elsewhere")
	other, err := f.lib.CreateFolder(stranger, "Theirs", "", "elsewhere")
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		q    dam.RequestQuery
		kind dam.Kind
	}{
		{"another domain's folder", dam.RequestQuery{FolderID: other.ID}, dam.NotFound},
		{"a malformed folder", dam.RequestQuery{FolderID: "../x"}, dam.NotFound},
		{"an unknown portal", dam.RequestQuery{PortalID: dam.NewID(time.Now())}, dam.NotFound},
		{"an unknown sort", dam.RequestQuery{Sort: "reason"}, dam.Invalid},
		{"a cursor of another sort", dam.RequestQuery{Sort: "asset", Cursor: dam.NewID(time.Now())}, dam.Invalid},
		{"a range the wrong way round", dam.RequestQuery{From: from2, Before: before1}, dam.Invalid},
		{"a huge requester filter", dam.RequestQuery{RequesterEmail: strings.Repeat("a", 400)}, dam.Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := f.lib.Requests(f.owner, tc.q)
			assert.Equal(t, tc.kind, kindOf(t, err))
		})
	}
	_, _, err = f.lib.Requests(viewer, dam.RequestQuery{PortalID: p.ID})
	assert.Equal(t, dam.NotFound, kindOf(t, err), "portals are the owners'")
	mine, _, err := f.lib.Requests(viewer, dam.RequestQuery{})
	require.NoError(t, err)
	assert.Len(t, mine, 2, "the viewer's own, not the visitor's")
}

func TestRequestDays(t *testing.T) {
	for _, tc := range []struct {
		from, to      string
		start, before time.Time
		invalid       bool
	}{
		{"2026-03-01", "2026-03-01", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), false},
		{"", "2026-12-31", time.Time{}, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"2026-02-28", "", time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC), time.Time{}, false},
		{"", "9999-12-31", time.Time{}, time.Time{}, false},
		{"", "", time.Time{}, time.Time{}, false},
		{"2026-03-02", "2026-03-01", time.Time{}, time.Time{}, true},
		{"2026-02-30", "", time.Time{}, time.Time{}, true},
		{"01/03/2026", "", time.Time{}, time.Time{}, true},
		{"", "0001-01-01", time.Time{}, time.Time{}, true},
		{"2026-3-1", "", time.Time{}, time.Time{}, true},
	} {
		t.Run(tc.from+"_"+tc.to, func(t *testing.T) {
			start, before, err := dam.RequestDays(tc.from, tc.to)
			if tc.invalid {
				assert.Equal(t, dam.Invalid, kindOf(t, err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.start, start)
			assert.Equal(t, tc.before, before)
		})
	}
}

// TestRequestHistory: asked (by whom, why, through which portal),
// decided (by whom, message, validity given), revoked (by whom), seen by
// the owners and the requester, and by nobody else.
func TestRequestHistory(t *testing.T) {
	f := newFixture(t, nil)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	other := f.user(t, "other@example.com", dam.RoleViewer)
	a := f.upload(t, f.owner, "a.txt", "secret a")
	_, err := f.lib.SetAssetProtection(f.owner, a.ID, dam.Protected)
	require.NoError(t, err)
	asked, err := f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{a.ID}, Reason: "the deck"})
	require.NoError(t, err)
	id := asked.Requests[0].ID

	h, err := f.lib.RequestHistory(f.owner, id)
	require.NoError(t, err)
	assert.Equal(t, "viewer@example.com", h.Requester)
	assert.Equal(t, "a.txt", h.AssetName)
	require.Len(t, h.Steps, 1)
	assert.Equal(t, dam.RequestStep{What: dam.StepAsked, At: f.clock.t, By: "viewer@example.com", Message: "the deck",
		Validity: 7 * 24 * time.Hour}, h.Steps[0])

	f.clock.t = f.clock.t.Add(time.Hour)
	decidedAt := f.clock.t
	two := 2
	res, err := f.lib.Decide(f.owner, []dam.Decision{{RequestID: id, Approve: true, Message: "enjoy", ValidityDays: &two}})
	require.NoError(t, err)
	require.Nil(t, res[0].Error)
	f.clock.t = f.clock.t.Add(time.Hour)
	revokedAt := f.clock.t
	_, err = f.lib.RevokeGrant(f.owner, res[0].Grant.ID)
	require.NoError(t, err)

	h, err = f.lib.RequestHistory(viewer, id)
	require.NoError(t, err, "the requester reads their own request's history")
	require.Len(t, h.Steps, 3)
	assert.Equal(t, dam.RequestStep{What: dam.StepApproved, At: decidedAt, By: "owner@example.com", Message: "enjoy",
		Validity: 48 * time.Hour}, h.Steps[1], "the validity given, not the one asked")
	assert.Equal(t, dam.RequestStep{What: dam.StepRevoked, At: revokedAt, By: "owner@example.com"}, h.Steps[2])
	require.Len(t, h.Grants, 1)

	for _, ctx := range []struct {
		name string
		id   string
		as   func() error
	}{
		{"another viewer", id, func() error { _, err := f.lib.RequestHistory(other, id); return err }},
		{"an owner of another domain", id, func() error {
			_, err := f.lib.RequestHistory(f.user(t, "o2@example.com", dam.RoleOwner, "elsewhere"), id)
			return err
		}},
		{"a missing request", "", func() error { _, err := f.lib.RequestHistory(f.owner, dam.NewID(time.Now())); return err }},
		{"a malformed ID", "", func() error { _, err := f.lib.RequestHistory(f.owner, "../etc"); return err }},
	} {
		t.Run(ctx.name, func(t *testing.T) {
			assert.Equal(t, dam.NotFound, kindOf(t, ctx.as()))
		})
	}

	// A denial, then a permission that ran out.
	b := f.upload(t, f.owner, "b.txt", "secret b")
	_, err = f.lib.SetAssetProtection(f.owner, b.ID, dam.Protected)
	require.NoError(t, err)
	asked, err = f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{b.ID}})
	require.NoError(t, err)
	res, err = f.lib.Decide(f.owner, []dam.Decision{{RequestID: asked.Requests[0].ID, Approve: true}})
	require.NoError(t, err)
	require.Nil(t, res[0].Error)
	f.clock.t = f.clock.t.Add(8 * 24 * time.Hour)
	h, err = f.lib.RequestHistory(f.owner, asked.Requests[0].ID)
	require.NoError(t, err)
	require.Len(t, h.Steps, 3)
	assert.Equal(t, dam.StepEnded, h.Steps[2].What)
	assert.Equal(t, *res[0].Grant.Until, h.Steps[2].At)
	asked, err = f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{b.ID}})
	require.NoError(t, err)
	_, err = f.lib.Decide(f.owner, []dam.Decision{{RequestID: asked.Requests[0].ID, Message: "not yet"}})
	require.NoError(t, err)
	h, err = f.lib.RequestHistory(f.owner, asked.Requests[0].ID)
	require.NoError(t, err)
	require.Len(t, h.Steps, 2)
	assert.Equal(t, dam.StepDenied, h.Steps[1].What)
	assert.Equal(t, "not yet", h.Steps[1].Message)
	assert.Zero(t, h.Steps[1].Validity)
}
