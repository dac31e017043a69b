package dam_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// testLinks points notifications at a fake host.
type testLinks struct{}

func (testLinks) AssetDownload(id string) string {
	return "https://dam.example.com/api/v1/assets/" + id + "/download"
}
func (testLinks) RequestsDashboard() string { return "https://dam.example.com/requests" }
func (testLinks) Inbox() string             { return "https://dam.example.com/inbox" }

func refusalReason(t *testing.T, err error) string {
	t.Helper()
	var r *dam.RefusalError
	require.ErrorAs(t, err, &r)
	return r.Reason
}

func TestProtectionLevels(t *testing.T) {
	f := newFixture(t, nil)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	top, err := f.lib.CreateFolder(f.owner, "Top", "", "")
	require.NoError(t, err)
	sub, err := f.lib.CreateFolder(f.owner, "Sub", top.ID, "")
	require.NoError(t, err)
	inSub, err := f.lib.Upload(f.owner, strings.NewReader("in sub"), dam.UploadOptions{Name: "a.txt", FolderID: sub.ID})
	require.NoError(t, err)
	atRoot := f.upload(t, f.owner, "root.txt", "at root")

	open := func(ctx context.Context, id string) error {
		d, err := f.lib.Open(ctx, id, 0)
		if err == nil {
			require.NoError(t, d.Close())
		}
		return err
	}
	require.NoError(t, open(viewer, inSub.ID), "nothing protected yet")

	_, err = f.lib.SetFolderProtection(f.owner, top.ID, dam.Protected)
	require.NoError(t, err)
	err = open(viewer, inSub.ID)
	assert.Equal(t, dam.NeedsRequest, kindOf(t, err), "a parent folder's protection reaches the asset")
	assert.Contains(t, err.Error(), "folder "+top.ID)
	require.NoError(t, open(f.owner, inSub.ID), "owners download anything in their domains")
	editor := f.user(t, "editor@example.com", dam.RoleEditor)
	require.NoError(t, open(editor, inSub.ID), "so do editors")

	_, err = f.lib.SetFolderProtection(f.owner, sub.ID, dam.Unprotected)
	require.NoError(t, err)
	require.NoError(t, open(viewer, inSub.ID), "the nearest explicit folder wins")

	_, err = f.lib.SetAssetProtection(f.owner, inSub.ID, dam.Protected)
	require.NoError(t, err)
	assert.Equal(t, dam.NeedsRequest, kindOf(t, open(viewer, inSub.ID)), "the asset's own setting is never overruled")

	require.NoError(t, open(viewer, atRoot.ID))
	s, err := f.lib.Settings(f.owner)
	require.NoError(t, err)
	s.ProtectByDefault = true
	_, err = f.lib.UpdateSettings(f.owner, s)
	require.NoError(t, err)
	err = open(viewer, atRoot.ID)
	assert.Equal(t, dam.NeedsRequest, kindOf(t, err), "the library default protects the rest")
	assert.Equal(t, "protected", refusalReason(t, err))

	_, err = f.lib.SetAssetProtection(viewer, atRoot.ID, dam.Unprotected)
	assert.Equal(t, dam.PermissionDenied, kindOf(t, err), "only owners change protection")
	_, err = f.lib.UpdateSettings(viewer, s)
	assert.Equal(t, dam.PermissionDenied, kindOf(t, err))

	outsider := f.user(t, "eu@example.com", dam.RoleViewer, "europe")
	assert.Equal(t, dam.NotFound, kindOf(t, open(outsider, atRoot.ID)), "outsiders learn nothing, not even 'protected'")

	un := dam.Unavailable
	_, err = f.lib.EditAsset(f.owner, atRoot.ID, dam.AssetPatch{Availability: &un})
	require.NoError(t, err)
	err = open(editor, atRoot.ID)
	assert.Equal(t, dam.PermissionDenied, kindOf(t, err), "unavailable assets are for owners only")
	assert.Equal(t, "unavailable", refusalReason(t, err))
	require.NoError(t, open(f.owner, atRoot.ID))
}

func TestRequestApproveRevokeWithEmail(t *testing.T) {
	sink := startSMTP(t, nil)
	mailer, err := dam.NewEmailNotifier(sink.URL+"?from=dam@example.com", nil)
	require.NoError(t, err)
	f := newFixture(t, &dam.Options{Notifiers: []dam.Notifier{mailer}, Links: testLinks{}})
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	folder, err := f.lib.CreateFolder(f.owner, "Press", "", "")
	require.NoError(t, err)
	a, err := f.lib.Upload(f.owner, strings.NewReader("logo"), dam.UploadOptions{Name: "logo.png", FolderID: folder.ID})
	require.NoError(t, err)
	_, err = f.lib.SetFolderProtection(f.owner, folder.ID, dam.Protected)
	require.NoError(t, err)

	_, err = f.lib.Open(viewer, a.ID, 0)
	require.Equal(t, dam.NeedsRequest, kindOf(t, err))
	access, err := f.lib.Access(viewer, a.ID)
	require.NoError(t, err)
	assert.True(t, access.CanRequest)
	assert.Equal(t, "folder", access.ProtectedBy)

	res, err := f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{a.ID}, Reason: "For the <b>press</b> release"})
	require.NoError(t, err)
	require.Len(t, res.Requests, 1)
	req := res.Requests[0]
	assert.Equal(t, dam.RequestPending, req.Status)

	dash, _, err := f.lib.Requests(f.owner, dam.RequestQuery{Status: dam.RequestPending})
	require.NoError(t, err)
	require.Len(t, dash, 1)
	assert.Equal(t, "logo.png", dash[0].AssetName)
	assert.Equal(t, "/Press", dash[0].FolderPath)
	assert.Equal(t, "viewer@example.com", dash[0].RequesterEmail)
	assert.Equal(t, 7*24*time.Hour, dash[0].Validity)
	mine, _, err := f.lib.Requests(viewer, dam.RequestQuery{})
	require.NoError(t, err)
	assert.Len(t, mine, 1, "requesters see their own requests")

	ownerInbox, _, err := f.lib.Inbox(f.owner, true, "", 0)
	require.NoError(t, err)
	require.Len(t, ownerInbox, 1)
	assert.Equal(t, dam.NotifyRequestReceived, ownerInbox[0].Kind)

	out, err := f.lib.Decide(f.owner, []dam.Decision{{RequestID: req.ID, Approve: true, Message: "Go ahead"}})
	require.NoError(t, err)
	require.Nil(t, out[0].Error)
	require.NotNil(t, out[0].Grant)
	grant := out[0].Grant

	inbox, _, err := f.lib.Inbox(viewer, true, "", 0)
	require.NoError(t, err)
	require.Len(t, inbox, 1)
	assert.Equal(t, dam.NotifyRequestApproved, inbox[0].Kind)
	assert.Equal(t, testLinks{}.AssetDownload(a.ID), inbox[0].Link)
	assert.Contains(t, inbox[0].Body, "Go ahead")

	mails := sink.Received()
	require.Len(t, mails, 2, "one to the owner, one to the requester")
	assert.Equal(t, []string{"owner@example.com"}, mails[0].To)
	toOwner := parseEmail(t, mails[0].Data)
	assert.Contains(t, toOwner.Text, "For the <b>press</b> release")
	assert.NotContains(t, toOwner.HTML, "<b>press</b>", "the reason is escaped in HTML")
	assert.Equal(t, []string{"viewer@example.com"}, mails[1].To)
	toViewer := parseEmail(t, mails[1].Data)
	assert.Contains(t, toViewer.Text, testLinks{}.AssetDownload(a.ID))
	assert.Contains(t, toViewer.Text, "Go ahead")

	d, err := f.lib.Open(viewer, a.ID, 0)
	require.NoError(t, err, "the grant lets the viewer download")
	require.NoError(t, d.Close())

	_, err = f.lib.RevokeGrant(viewer, grant.ID)
	assert.Equal(t, dam.PermissionDenied, kindOf(t, err))
	_, err = f.lib.RevokeGrant(f.owner, grant.ID)
	require.NoError(t, err)
	_, err = f.lib.Open(viewer, a.ID, 0)
	assert.Equal(t, dam.NeedsRequest, kindOf(t, err), "revocation is immediate")
	_, err = f.lib.RevokeGrant(f.owner, grant.ID)
	assert.Equal(t, dam.Conflict, kindOf(t, err))

	es, _, err := f.lib.Events(f.owner, dam.EventQuery{AssetID: a.ID})
	require.NoError(t, err)
	var actions []dam.EventAction
	for _, e := range es {
		actions = append(actions, e.Action)
	}
	for _, want := range []dam.EventAction{dam.EventRequest, dam.EventApprove, dam.EventDownload, dam.EventRevoke} {
		assert.Contains(t, actions, want)
	}
}

func TestDenyAskAgainAndDeleteRevokes(t *testing.T) {
	f := newFixture(t, nil)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	a := f.upload(t, f.owner, "a.txt", "a")
	_, err := f.lib.SetAssetProtection(f.owner, a.ID, dam.Protected)
	require.NoError(t, err)
	s, err := f.lib.Settings(f.owner)
	require.NoError(t, err)
	s.ReasonRequiredToRequest, s.ReasonRequiredToDeny = true, true
	_, err = f.lib.UpdateSettings(f.owner, s)
	require.NoError(t, err)

	_, err = f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{a.ID}})
	assert.Equal(t, dam.Invalid, kindOf(t, err), "a reason is required")
	res, err := f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{a.ID}, Reason: "please"})
	require.NoError(t, err)
	out, err := f.lib.Decide(f.owner, []dam.Decision{{RequestID: res.Requests[0].ID}})
	require.NoError(t, err)
	assert.Equal(t, "invalid", out[0].Error.Code, "a reason is required to deny")
	out, err = f.lib.Decide(f.owner, []dam.Decision{{RequestID: res.Requests[0].ID, Message: "Not for print"}})
	require.NoError(t, err)
	require.Nil(t, out[0].Error)
	assert.Equal(t, "denied", out[0].Status)
	assert.Nil(t, out[0].Grant, "a denied request never grants")
	_, err = f.lib.Open(viewer, a.ID, 0)
	assert.Equal(t, dam.NeedsRequest, kindOf(t, err))
	inbox, _, err := f.lib.Inbox(viewer, false, "", 0)
	require.NoError(t, err)
	require.Len(t, inbox, 1)
	assert.Contains(t, inbox[0].Body, "Not for print")

	again, err := f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{a.ID}, Reason: "please, really"})
	require.NoError(t, err, "a denied requester may ask again")
	out, err = f.lib.Decide(f.owner, []dam.Decision{{RequestID: again.Requests[0].ID, Approve: true}})
	require.NoError(t, err)
	require.Nil(t, out[0].Error)
	d, err := f.lib.Open(viewer, a.ID, 0)
	require.NoError(t, err)
	require.NoError(t, d.Close())

	require.NoError(t, f.lib.DeleteRequest(f.owner, again.Requests[0].ID))
	_, err = f.lib.Open(viewer, a.ID, 0)
	assert.Equal(t, dam.NeedsRequest, kindOf(t, err), "deleting an approved request revokes its grant")

	n, err := f.lib.MarkRead(viewer, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
}

func TestAutoApproveAndGrantExpiry(t *testing.T) {
	f := newFixture(t, nil)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	a := f.upload(t, f.owner, "a.txt", "a")
	b := f.upload(t, f.owner, "b.txt", "b")
	col, err := f.lib.CreateCollection(viewer, "Mine", "")
	require.NoError(t, err)
	_, err = f.lib.AddToCollection(viewer, col.ID, []dam.CollectionItem{{AssetID: a.ID}, {AssetID: b.ID}})
	require.NoError(t, err)
	s, err := f.lib.Settings(f.owner)
	require.NoError(t, err)
	s.ProtectByDefault, s.AutoApprove, s.GrantValidity = true, true, 24*time.Hour
	_, err = f.lib.UpdateSettings(f.owner, s)
	require.NoError(t, err)

	res, err := f.lib.RequestDownload(viewer, dam.NewRequest{CollectionID: col.ID})
	require.NoError(t, err)
	require.Len(t, res.Requests, 2, "a collection asks for each of its assets")
	for _, r := range res.Requests {
		assert.Equal(t, dam.RequestApproved, r.Status)
		assert.True(t, r.AutoApproved)
	}
	pending, _, err := f.lib.Requests(f.owner, dam.RequestQuery{Status: dam.RequestPending})
	require.NoError(t, err)
	assert.Empty(t, pending, "auto-approved requests need no action")
	approved, _, err := f.lib.Requests(f.owner, dam.RequestQuery{Status: dam.RequestApproved})
	require.NoError(t, err)
	assert.Len(t, approved, 2, "they are recorded as approved")
	d, err := f.lib.Open(viewer, a.ID, 0)
	require.NoError(t, err)
	require.NoError(t, d.Close())

	again, err := f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{a.ID}})
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, err), "nothing left to request")
	assert.Empty(t, again.Requests)

	f.clock.t = f.clock.t.Add(24 * time.Hour)
	_, err = f.lib.Open(viewer, a.ID, 0)
	assert.Equal(t, dam.NeedsRequest, kindOf(t, err), "a grant ends at its validity (now == until denies)")
}

// TestDecisionRace has owners decide the same request at the same moment:
// exactly one decision wins each round, the others get Conflict, and no
// SQLITE_BUSY reaches anyone. DAMKIT_RACE_ROUNDS=1000 runs the figure.
func TestDecisionRace(t *testing.T) {
	rounds := 30
	if v, err := strconv.Atoi(os.Getenv("DAMKIT_RACE_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	f := newFixture(t, nil)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	a := f.upload(t, f.owner, "a.txt", "a")
	_, err := f.lib.SetAssetProtection(f.owner, a.ID, dam.Protected)
	require.NoError(t, err)
	owners := make([]context.Context, 4)
	owners[0] = f.owner
	for i := 1; i < len(owners); i++ {
		owners[i] = f.user(t, fmt.Sprintf("owner%d@example.com", i), dam.RoleOwner)
	}
	const deciders = 16
	for round := range rounds {
		res, err := f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{a.ID}})
		require.NoError(t, err)
		id := res.Requests[0].ID
		var wg sync.WaitGroup
		results := make([]dam.DecisionResult, deciders)
		errs := make([]error, deciders)
		for g := range deciders {
			wg.Go(func() {
				out, err := f.lib.Decide(owners[g%len(owners)], []dam.Decision{{RequestID: id, Approve: g%2 == 0, Message: "round"}})
				errs[g] = err
				if err == nil {
					results[g] = out[0]
				}
			})
		}
		wg.Wait()
		winners := 0
		for g := range deciders {
			require.NoError(t, errs[g])
			if results[g].Error == nil {
				winners++
			} else {
				assert.Equal(t, "conflict", results[g].Error.Code, "round %d: %s", round, results[g].Error.Message)
			}
		}
		require.Equal(t, 1, winners, "round %d", round)
		if res, _ := f.lib.Grants(f.owner, dam.GrantQuery{UserID: res.Requests[0].RequesterID, Live: true}); len(res) > 0 {
			for _, g := range res {
				_, err := f.lib.RevokeGrant(f.owner, g.ID)
				require.NoError(t, err)
			}
		}
	}
}

// TestPendingRequestCount: the menu's badge counts what the owner's
// dashboard lists as pending, up to the bound asked, in the owner's domains
// only; a viewer decides nothing and counts none.
func TestPendingRequestCount(t *testing.T) {
	f := newFixture(t, nil)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	var ids []string
	for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
		a := f.upload(t, f.owner, name, name)
		_, err := f.lib.SetAssetProtection(f.owner, a.ID, dam.Protected)
		require.NoError(t, err)
		ids = append(ids, a.ID)
	}
	res, err := f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: ids, Reason: "press"})
	require.NoError(t, err)
	_, err = f.lib.Decide(f.owner, []dam.Decision{{RequestID: res.Requests[0].ID, Approve: true}})
	require.NoError(t, err)

	listed, _, err := f.lib.Requests(f.owner, dam.RequestQuery{Status: dam.RequestPending})
	require.NoError(t, err)
	n, err := f.lib.PendingRequestCount(f.owner, 100)
	require.NoError(t, err)
	assert.Equal(t, 2, n, "three asked, one decided")
	assert.Equal(t, len(listed), n, "the badge counts what the dashboard lists")
	n, err = f.lib.PendingRequestCount(f.owner, 1)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "bounded by max")
	n, err = f.lib.PendingRequestCount(viewer, 100)
	require.NoError(t, err)
	assert.Zero(t, n, "a viewer decides none")
	ownerB := f.user(t, "owner-b@example.com", dam.RoleOwner, "b")
	n, err = f.lib.PendingRequestCount(ownerB, 100)
	require.NoError(t, err)
	assert.Zero(t, n, "another domain's owner counts none of them")
}
