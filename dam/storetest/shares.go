package storetest

import (
	"crypto/sha256"
	"sync"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// share builds an enabled share of assets by user u1, expiring in a week,
// with one guest per email.
func (f *fixture) share(assets []string, emails ...string) dam.Share {
	now := f.tick()
	s := dam.Share{ID: f.id(), Title: "Spring campaign", Description: "for the agency", AssetIDs: assets, Profile: "web",
		CreatedBy: "u1", CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(7 * 24 * time.Hour), Enabled: true}
	for _, e := range emails {
		s.Guests = append(s.Guests, f.guest(s.ID, e))
	}
	return s
}

func (f *fixture) guest(shareID, email string) dam.Guest {
	h := sha256.Sum256([]byte(f.id() + email))
	return dam.Guest{ID: f.id(), ShareID: shareID, Email: email, TokenHash: h[:], InvitedBy: "u1", InvitedAt: f.tick()}
}

var shareTests = []test{
	{"CreateGetList", func(t *testing.T, f *fixture) {
		s := f.share([]string{"a1", "a2"}, "ana@example.com", "bo@example.org")
		require.NoError(t, f.s.CreateShare(f.ctx, s))
		got, err := f.s.Share(f.ctx, s.ID)
		require.NoError(t, err)
		assert.Equal(t, s, got)
		other := f.share([]string{"a3"})
		other.CreatedBy = "u2"
		require.NoError(t, f.s.CreateShare(f.ctx, other))
		newer := f.share([]string{"a1"})
		require.NoError(t, f.s.CreateShare(f.ctx, newer))
		list, err := f.s.Shares(f.ctx, "u1")
		require.NoError(t, err)
		require.Len(t, list, 2)
		assert.Equal(t, newer.ID, list[0].ID, "newest first")
		assert.Equal(t, []string{"a1", "a2"}, list[1].AssetIDs)
		assert.Nil(t, list[1].Guests, "listings leave guests out")
		_, err = f.s.Share(f.ctx, f.id())
		requireKind(t, dam.NotFound, err)
	}},
	{"UpdateAndDelete", func(t *testing.T, f *fixture) {
		s := f.share([]string{"a1"}, "ana@example.com")
		require.NoError(t, f.s.CreateShare(f.ctx, s))
		s.Title, s.Description, s.Enabled, s.UpdatedAt = "Renamed", "", false, f.tick()
		require.NoError(t, f.s.UpdateShare(f.ctx, s))
		got, err := f.s.Share(f.ctx, s.ID)
		require.NoError(t, err)
		assert.Equal(t, s, got)
		require.NoError(t, f.s.DeleteShare(f.ctx, s.ID))
		_, err = f.s.Share(f.ctx, s.ID)
		requireKind(t, dam.NotFound, err)
		_, err = f.s.GuestByTokenHash(f.ctx, s.Guests[0].TokenHash)
		requireKind(t, dam.NotFound, err, "a deleted share's guests go with it")
		requireKind(t, dam.NotFound, f.s.DeleteShare(f.ctx, s.ID))
		requireKind(t, dam.NotFound, f.s.UpdateShare(f.ctx, s))
	}},
	{"Assets", func(t *testing.T, f *fixture) {
		s := f.share([]string{"a1"})
		require.NoError(t, f.s.CreateShare(f.ctx, s))
		require.NoError(t, f.s.AddShareAssets(f.ctx, s.ID, []string{"a2", "a1", "a3"}, f.tick()))
		require.NoError(t, f.s.RemoveShareAssets(f.ctx, s.ID, []string{"a3", "zz"}))
		got, err := f.s.Share(f.ctx, s.ID)
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"a1", "a2"}, got.AssetIDs)
		requireKind(t, dam.NotFound, f.s.AddShareAssets(f.ctx, f.id(), []string{"a1"}, f.tick()))
		requireKind(t, dam.NotFound, f.s.RemoveShareAssets(f.ctx, f.id(), []string{"a1"}))
	}},
	{"AssetProfiles", func(t *testing.T, f *fixture) {
		s := f.share([]string{"a1", "a2", "a3"})
		s.Profile = ""
		s.AssetProfiles = map[string]string{"a1": "web", "a3": "print"}
		require.NoError(t, f.s.CreateShare(f.ctx, s))
		got, err := f.s.Share(f.ctx, s.ID)
		require.NoError(t, err)
		assert.Equal(t, s, got)
		require.NoError(t, f.s.AddShareAssets(f.ctx, s.ID, []string{"a4", "a1"}, f.tick()))
		got, err = f.s.Share(f.ctx, s.ID)
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"a1": "web", "a3": "print"}, got.AssetProfiles,
			"an added asset has no profile; one already there keeps its own")
		list, err := f.s.Shares(f.ctx, "u1")
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, got.AssetProfiles, list[0].AssetProfiles)
		plain := f.share([]string{"a1"})
		require.NoError(t, f.s.CreateShare(f.ctx, plain))
		got, err = f.s.Share(f.ctx, plain.ID)
		require.NoError(t, err)
		assert.Nil(t, got.AssetProfiles, "a share naming no profile per asset reads back nil")
	}},
	{"Guests", func(t *testing.T, f *fixture) {
		s := f.share([]string{"a1"}, "ana@example.com")
		require.NoError(t, f.s.CreateShare(f.ctx, s))
		g := f.guest(s.ID, "bo@example.org")
		g.UserID = "u9"
		require.NoError(t, f.s.AddGuests(f.ctx, []dam.Guest{g}))
		got, err := f.s.GuestByTokenHash(f.ctx, g.TokenHash)
		require.NoError(t, err)
		assert.Equal(t, g, got)
		at := f.tick()
		require.NoError(t, f.s.RemoveGuest(f.ctx, s.ID, g.ID, at))
		requireKind(t, dam.Conflict, f.s.RemoveGuest(f.ctx, s.ID, g.ID, at))
		requireKind(t, dam.NotFound, f.s.RemoveGuest(f.ctx, f.id(), g.ID, at), "a guest of another share")
		got, err = f.s.GuestByTokenHash(f.ctx, g.TokenHash)
		require.NoError(t, err)
		require.NotNil(t, got.RemovedAt)
		assert.Equal(t, at, *got.RemovedAt)
		_, err = f.s.GuestByTokenHash(f.ctx, []byte("nope"))
		requireKind(t, dam.NotFound, err)
		_, err = f.s.GuestByTokenHash(f.ctx, nil)
		requireKind(t, dam.NotFound, err)
		bad := f.guest(f.id(), "x@example.com")
		requireKind(t, dam.NotFound, f.s.AddGuests(f.ctx, []dam.Guest{bad}), "guests need a share")
		dup := f.guest(s.ID, "y@example.com")
		dup.TokenHash = g.TokenHash
		assert.Error(t, f.s.AddGuests(f.ctx, []dam.Guest{dup}), "token hashes are unique")
	}},
	{"NoticesDueOnce", func(t *testing.T, f *fixture) {
		now := f.tick()
		far := f.share([]string{"a1"})
		far.ExpiresAt = now.Add(72 * time.Hour)
		soon := f.share([]string{"a1"})
		soon.ExpiresAt = now.Add(time.Hour)
		gone := f.share([]string{"a1"})
		gone.ExpiresAt = now.Add(-time.Hour)
		gone.ExpiringNoticeAt = ptr(now.Add(-2 * time.Hour))
		for _, s := range []dam.Share{far, soon, gone} {
			require.NoError(t, f.s.CreateShare(f.ctx, s))
		}
		due, err := f.s.SharesDue(f.ctx, now.Add(24*time.Hour), now, 10)
		require.NoError(t, err)
		require.Len(t, due, 2)
		assert.Equal(t, gone.ID, due[0].ID, "oldest expiry first")
		assert.Equal(t, soon.ID, due[1].ID)
		ok, err := f.s.MarkShareNotice(f.ctx, soon.ID, dam.NoticeExpiring, now)
		require.NoError(t, err)
		assert.True(t, ok)
		ok, err = f.s.MarkShareNotice(f.ctx, soon.ID, dam.NoticeExpiring, now)
		require.NoError(t, err)
		assert.False(t, ok, "a notice is recorded once")
		ok, err = f.s.MarkShareNotice(f.ctx, gone.ID, dam.NoticeExpired, now)
		require.NoError(t, err)
		assert.True(t, ok)
		due, err = f.s.SharesDue(f.ctx, now.Add(24*time.Hour), now, 10)
		require.NoError(t, err)
		assert.Empty(t, due)
		_, err = f.s.MarkShareNotice(f.ctx, f.id(), dam.NoticeExpired, now)
		requireKind(t, dam.NotFound, err)
		_, err = f.s.MarkShareNotice(f.ctx, soon.ID, "other", now)
		requireKind(t, dam.Invalid, err)
	}},
	{"ConcurrentNoticeOneWinner", func(t *testing.T, f *fixture) {
		s := f.share([]string{"a1"})
		require.NoError(t, f.s.CreateShare(f.ctx, s))
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range 8 {
			wg.Go(func() {
				ok, err := f.s.MarkShareNotice(f.ctx, s.ID, dam.NoticeExpired, baseTime)
				assert.NoError(t, err)
				if ok {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		assert.Equal(t, 1, wins)
	}},
	{"LifecycleFields", func(t *testing.T, f *fixture) {
		s := f.share([]string{"a1"}, "ana@example.com")
		s.ViewOnly, s.PasswordHash, s.DownloadLimit = true, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", 3
		s.Guests[0].ExpiresAt, s.Guests[0].DownloadLimit = ptr(s.ExpiresAt.Add(-time.Hour)), 2
		require.NoError(t, f.s.CreateShare(f.ctx, s))
		got, err := f.s.Share(f.ctx, s.ID)
		require.NoError(t, err)
		assert.Equal(t, s, got)
		s.ExpiresAt, s.ViewOnly, s.PasswordHash, s.DownloadLimit = s.ExpiresAt.Add(48*time.Hour), false, "", 0
		s.ExpiringNoticeAt, s.ExpiredNoticeAt = nil, nil
		_, err = f.s.MarkShareNotice(f.ctx, s.ID, dam.NoticeExpiring, f.tick()) // set here, cleared by the update
		require.NoError(t, err)
		require.NoError(t, f.s.UpdateShare(f.ctx, s))
		g := s.Guests[0]
		g.ExpiresAt, g.DownloadLimit = nil, 5
		require.NoError(t, f.s.UpdateGuest(f.ctx, g))
		s.Guests[0] = g
		got, err = f.s.Share(f.ctx, s.ID)
		require.NoError(t, err)
		assert.Equal(t, s, got, "expiry, flags and cleared notices written")
		other := g
		other.ShareID = f.id()
		requireKind(t, dam.NotFound, f.s.UpdateGuest(f.ctx, other), "a guest of another share")
	}},
	{"DownloadLimits", func(t *testing.T, f *fixture) {
		s := f.share([]string{"a1"}, "ana@example.com", "bo@example.org")
		s.DownloadLimit = 3
		s.Guests[0].DownloadLimit = 1
		require.NoError(t, f.s.CreateShare(f.ctx, s))
		ana, bo := s.Guests[0].ID, s.Guests[1].ID
		require.NoError(t, f.s.CountDownload(f.ctx, s.ID, ana))
		requireKind(t, dam.Gone, f.s.CountDownload(f.ctx, s.ID, ana), "ana's own limit")
		require.NoError(t, f.s.CountDownload(f.ctx, s.ID, bo))
		require.NoError(t, f.s.CountDownload(f.ctx, s.ID, bo))
		requireKind(t, dam.Gone, f.s.CountDownload(f.ctx, s.ID, bo), "the share's limit")
		got, err := f.s.Share(f.ctx, s.ID)
		require.NoError(t, err)
		assert.Equal(t, 3, got.Downloads, "a refused download counts nowhere")
		assert.Equal(t, 1, got.Guests[0].Downloads)
		assert.Equal(t, 2, got.Guests[1].Downloads)
		requireKind(t, dam.NotFound, f.s.CountDownload(f.ctx, f.id(), ana))
		open := f.share([]string{"a1"}, "cy@example.com")
		require.NoError(t, f.s.CreateShare(f.ctx, open))
		requireKind(t, dam.NotFound, f.s.CountDownload(f.ctx, open.ID, ana), "a guest of another share")
		for range 5 {
			require.NoError(t, f.s.CountDownload(f.ctx, open.ID, open.Guests[0].ID), "no limit")
		}
	}},
	{"AssetDownloadLimits", func(t *testing.T, f *fixture) {
		s := f.share([]string{"a1", "a2"}, "ana@example.com", "bo@example.org")
		s.AssetDownloadLimit, s.DownloadLimit = 2, 4
		require.NoError(t, f.s.CreateShare(f.ctx, s))
		got, err := f.s.Share(f.ctx, s.ID)
		require.NoError(t, err)
		assert.Equal(t, 2, got.AssetDownloadLimit, "the limit survives the round trip")
		ana, bo := s.Guests[0].ID, s.Guests[1].ID
		require.NoError(t, f.s.CountAssetDownloads(f.ctx, s.ID, ana, []string{"a1"}, 2))
		require.NoError(t, f.s.CountAssetDownloads(f.ctx, s.ID, ana, []string{"a1", "a2"}, 2), "a ZIP counts each asset")
		requireKind(t, dam.Gone, f.s.CountAssetDownloads(f.ctx, s.ID, ana, []string{"a2", "a1"}, 2), "a1 is used up")
		require.NoError(t, f.s.CountAssetDownloads(f.ctx, s.ID, ana, []string{"a2"}, 2), "the refused ZIP counted nothing")
		require.NoError(t, f.s.CountAssetDownloads(f.ctx, s.ID, bo, []string{"a1"}, 2), "per guest: bo has his own")
		requireKind(t, dam.Gone, f.s.CountAssetDownloads(f.ctx, s.ID, bo, []string{"a1"}, 2), "the share's limit of 4 downloads")
		got, err = f.s.Share(f.ctx, s.ID)
		require.NoError(t, err)
		assert.Equal(t, 4, got.Downloads)
		got.AssetDownloadLimit = 0
		require.NoError(t, f.s.UpdateShare(f.ctx, got))
		got, err = f.s.Share(f.ctx, s.ID)
		require.NoError(t, err)
		assert.Zero(t, got.AssetDownloadLimit, "written by UpdateShare")
		requireKind(t, dam.NotFound, f.s.CountAssetDownloads(f.ctx, f.id(), ana, []string{"a1"}, 2))
		require.NoError(t, f.s.DeleteShare(f.ctx, s.ID))
	}},
	{"ConcurrentDownloadsNeverPassTheLimit", func(t *testing.T, f *fixture) {
		s := f.share([]string{"a1"}, "ana@example.com", "bo@example.org")
		s.DownloadLimit = 5
		require.NoError(t, f.s.CreateShare(f.ctx, s))
		var wg sync.WaitGroup
		var mu sync.Mutex
		counted := 0
		for i := range 12 {
			wg.Go(func() {
				err := f.s.CountDownload(f.ctx, s.ID, s.Guests[i%2].ID)
				if err == nil {
					mu.Lock()
					counted++
					mu.Unlock()
					return
				}
				assert.Equal(t, dam.Gone, dam.KindOf(err), "%v", err)
			})
		}
		wg.Wait()
		assert.Equal(t, 5, counted)
		got, err := f.s.Share(f.ctx, s.ID)
		require.NoError(t, err)
		assert.Equal(t, 5, got.Downloads)
	}},
}
