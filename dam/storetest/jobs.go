package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// job builds (without storing) a queued download job of requester.
func (f *fixture) job(requester string) dam.Job {
	now := f.tick()
	return dam.Job{
		ID: f.id(), RequesterID: requester, Name: "Trip",
		Items:   []dam.JobItem{{AssetID: f.id(), Version: 2, Name: "a.jpg"}, {AssetID: f.id(), Version: 1, Profile: "web", Name: "b.jpg"}},
		Options: dam.JobOptions{FolderPerAsset: true}, Status: dam.JobQueued, EntriesTotal: 2, BytesTotal: 5 << 30,
		Skipped:   []dam.SkippedAsset{{Skipped: dam.Skipped{AssetID: f.id(), Reason: "protected", Message: "c.jpg: protected"}, Name: "c.jpg"}},
		CreatedAt: now, UpdatedAt: now,
	}
}

var jobTests = []test{
	{"CreateAndRead", func(t *testing.T, f *fixture) {
		j := f.job("u1")
		exp := f.tick().Add(time.Hour)
		j.ExpiresAt = &exp
		j.Parts = []dam.JobPart{{Number: 1, Size: 1 << 33, ETag: `"abc"`, Ready: true}}
		require.NoError(t, f.s.CreateJob(f.ctx, j))
		got, err := f.s.Job(f.ctx, j.ID)
		require.NoError(t, err)
		assert.Equal(t, j, got)
		requireKind(t, dam.AlreadyExists, f.s.CreateJob(f.ctx, j))
		_, err = f.s.Job(f.ctx, f.id())
		requireKind(t, dam.NotFound, err)
	}},
	{"ListAndCount", func(t *testing.T, f *fixture) {
		var ids []string
		for range 3 {
			j := f.job("u1")
			require.NoError(t, f.s.CreateJob(f.ctx, j))
			ids = append(ids, j.ID)
		}
		require.NoError(t, f.s.CreateJob(f.ctx, f.job("u2")))
		page, next, err := f.s.Jobs(f.ctx, "u1", "", 2)
		require.NoError(t, err)
		require.Len(t, page, 2)
		assert.Equal(t, ids[2], page[0].ID, "newest first")
		rest, next2, err := f.s.Jobs(f.ctx, "u1", next, 2)
		require.NoError(t, err)
		assert.Empty(t, next2)
		require.Len(t, rest, 1)
		assert.Equal(t, ids[0], rest[0].ID)
		n, err := f.s.ActiveJobs(f.ctx, "u1")
		require.NoError(t, err)
		assert.Equal(t, 3, n)
		require.NoError(t, f.s.DeleteJob(f.ctx, ids[0]))
		requireKind(t, dam.NotFound, f.s.DeleteJob(f.ctx, ids[0]))
		n, err = f.s.ActiveJobs(f.ctx, "u1")
		require.NoError(t, err)
		assert.Equal(t, 2, n)
	}},
	{"SentJobs", func(t *testing.T, f *fixture) {
		// u1 sends archives to u2 and u3; u2 also has a download of its own.
		own := f.job("u2")
		own.Sent = []dam.Sent{{UserID: "u3", Email: "c@example.com", Included: 0, LeftOut: 2}}
		require.NoError(t, f.s.CreateJob(f.ctx, own))
		var sent []dam.Job
		for _, to := range []string{"u2", "u3"} {
			j := f.job(to)
			j.SentBy = &dam.Sender{UserID: "u1", Email: "a@example.com"}
			require.NoError(t, f.s.CreateJob(f.ctx, j))
			sent = append(sent, j)
		}
		got, err := f.s.Job(f.ctx, sent[0].ID)
		require.NoError(t, err)
		assert.Equal(t, sent[0].SentBy, got.SentBy, "who sent it survives the round trip")
		assert.Equal(t, sent[0].Options, got.Options)
		got, err = f.s.Job(f.ctx, own.ID)
		require.NoError(t, err)
		assert.Equal(t, own.Sent, got.Sent, "what was sent survives the round trip")
		assert.Nil(t, got.SentBy)
		page, _, err := f.s.Jobs(f.ctx, "u2", "", 10)
		require.NoError(t, err)
		assert.Len(t, page, 2, "a sent job is in its recipient's inbox")

		count := func(fn func(context.Context, string) (int, error), user string) int {
			n, err := fn(f.ctx, user)
			require.NoError(t, err)
			return n
		}
		assert.Equal(t, 1, count(f.s.ActiveJobs, "u2"), "sent jobs do not count against the recipient")
		assert.Equal(t, 0, count(f.s.ActiveJobs, "u1"))
		assert.Equal(t, 2, count(f.s.ActiveSentJobs, "u1"))
		assert.Equal(t, 0, count(f.s.ActiveSentJobs, "u2"))
		assert.Equal(t, 0, count(f.s.ActiveSentJobs, ""), "no sender is nobody's count")

		// Built: it no longer counts.
		var claimed dam.Job
		for claimed.ID != sent[0].ID {
			claimed, err = f.s.ClaimJob(f.ctx, "w1", f.tick())
			require.NoError(t, err)
		}
		assert.Equal(t, sent[0].SentBy, claimed.SentBy)
		claimed.Status = dam.JobDone
		require.NoError(t, f.s.UpdateJob(f.ctx, claimed, dam.JobRunning))
		assert.Equal(t, 1, count(f.s.ActiveSentJobs, "u1"))
	}},
	{"GuestJobs", func(t *testing.T, f *fixture) {
		// A guest's jobs: listed and counted under the guest's requester,
		// counted against the sharer as their sender, never against
		// another guest or the sharer's own downloads.
		guest := func(requester, guestID string) dam.Job {
			j := f.job(requester)
			j.Guest = &dam.JobGuest{ShareID: "s1", GuestID: guestID, Email: guestID + "@example.com", SharerID: "u1"}
			return j
		}
		a1, a2, b1 := guest("guest:g1", "g1"), guest("guest:g1", "g1"), guest("guest:g2", "g2")
		for _, j := range []dam.Job{a1, a2, b1, f.job("u1")} {
			require.NoError(t, f.s.CreateJob(f.ctx, j))
		}
		got, err := f.s.Job(f.ctx, a1.ID)
		require.NoError(t, err)
		assert.Equal(t, a1.Guest, got.Guest, "the guest survives the round trip")
		page, _, err := f.s.Jobs(f.ctx, "guest:g1", "", 10)
		require.NoError(t, err)
		assert.Len(t, page, 2)
		count := func(fn func(context.Context, string) (int, error), who string) int {
			n, err := fn(f.ctx, who)
			require.NoError(t, err)
			return n
		}
		assert.Equal(t, 2, count(f.s.ActiveGuestJobs, "guest:g1"))
		assert.Equal(t, 1, count(f.s.ActiveGuestJobs, "guest:g2"), "another guest's jobs are theirs")
		assert.Equal(t, 3, count(f.s.ActiveSentJobs, "u1"), "guests' jobs count against the sharer")
		assert.Equal(t, 1, count(f.s.ActiveJobs, "u1"), "not against the sharer's own downloads")
		assert.Equal(t, 1, count(f.s.ActiveGuestJobs, "u1"))
		require.NoError(t, f.s.DeleteJob(f.ctx, a2.ID))
		assert.Equal(t, 1, count(f.s.ActiveGuestJobs, "guest:g1"))
	}},
	{"ClaimUpdateRequeue", func(t *testing.T, f *fixture) {
		first, second := f.job("u1"), f.job("u1")
		require.NoError(t, f.s.CreateJob(f.ctx, first))
		require.NoError(t, f.s.CreateJob(f.ctx, second))
		at := f.tick()
		j, err := f.s.ClaimJob(f.ctx, "w1", at)
		require.NoError(t, err)
		assert.Equal(t, first.ID, j.ID, "oldest first")
		assert.Equal(t, dam.JobRunning, j.Status)
		assert.Equal(t, "w1", j.ClaimedBy)
		assert.Equal(t, 1, j.Attempts)
		require.NotNil(t, j.Heartbeat)
		assert.Equal(t, at, *j.Heartbeat)

		j.BytesDone, j.EntriesDone = 1234, 1
		j.Parts = []dam.JobPart{{Number: 1, Size: 99, ETag: `"e"`, Ready: true}}
		require.NoError(t, f.s.UpdateJob(f.ctx, j, dam.JobRunning))
		got, err := f.s.Job(f.ctx, j.ID)
		require.NoError(t, err)
		assert.Equal(t, int64(1234), got.BytesDone)
		assert.Equal(t, j.Parts, got.Parts)

		stale := j
		stale.ClaimedBy = "w2"
		requireKind(t, dam.Conflict, f.s.UpdateJob(f.ctx, stale, dam.JobRunning))
		requireKind(t, dam.Conflict, f.s.UpdateJob(f.ctx, j, dam.JobQueued))
		gone := j
		gone.ID = f.id()
		requireKind(t, dam.NotFound, f.s.UpdateJob(f.ctx, gone, dam.JobRunning))

		// The second job is claimed by w2, which then stops sending heartbeats.
		j2, err := f.s.ClaimJob(f.ctx, "w2", f.tick())
		require.NoError(t, err)
		assert.Equal(t, second.ID, j2.ID)
		_, err = f.s.ClaimJob(f.ctx, "w3", f.tick())
		requireKind(t, dam.NotFound, err)

		later := f.tick().Add(time.Hour)
		requeued, failed, err := f.s.RequeueStaleJobs(f.ctx, later, 3, later, later.Add(time.Hour))
		require.NoError(t, err)
		assert.Equal(t, 2, requeued)
		assert.Zero(t, failed)
		again, err := f.s.ClaimJob(f.ctx, "w3", later)
		require.NoError(t, err)
		assert.Equal(t, 2, again.Attempts)

		requeued, failed, err = f.s.RequeueStaleJobs(f.ctx, later.Add(time.Hour), 2, later, later.Add(time.Hour))
		require.NoError(t, err)
		assert.Zero(t, requeued, "the other job waits in the queue")
		assert.Equal(t, 1, failed)
		got, err = f.s.Job(f.ctx, again.ID)
		require.NoError(t, err)
		assert.Equal(t, dam.JobFailed, got.Status)
		assert.NotEmpty(t, got.Error)
		require.NotNil(t, got.ExpiresAt)
		assert.Equal(t, later.Add(time.Hour), *got.ExpiresAt)
	}},
	{"Expired", func(t *testing.T, f *fixture) {
		j, k := f.job("u1"), f.job("u1")
		exp := f.tick()
		j.Status, j.ExpiresAt = dam.JobDone, &exp
		require.NoError(t, f.s.CreateJob(f.ctx, j))
		require.NoError(t, f.s.CreateJob(f.ctx, k))
		got, err := f.s.ExpiredJobs(f.ctx, exp.Add(-time.Second), 10)
		require.NoError(t, err)
		assert.Empty(t, got)
		got, err = f.s.ExpiredJobs(f.ctx, exp, 10)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, j.ID, got[0].ID)
		j.Status = dam.JobExpired
		require.NoError(t, f.s.UpdateJob(f.ctx, j, dam.JobDone))
		got, err = f.s.ExpiredJobs(f.ctx, exp, 10)
		require.NoError(t, err)
		assert.Empty(t, got)
	}},
	{"ClaimRace", func(t *testing.T, f *fixture) {
		j := f.job("u1")
		require.NoError(t, f.s.CreateJob(f.ctx, j))
		at := f.tick()
		var mu sync.Mutex
		wins := 0
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				_, err := f.s.ClaimJob(f.ctx, "w"+string(rune('0'+i)), at)
				if err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				} else {
					assert.Equal(t, dam.NotFound, dam.KindOf(err), "%v", err)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, 1, wins)
	}},
}
