package dam_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/storage"
)

// progressStore records the progress a running job saves.
type progressStore struct {
	dam.Store
	mu    sync.Mutex
	saved []int64 // BytesDone of each save of a running job
}

func (s *progressStore) UpdateJob(ctx context.Context, j dam.Job, from dam.JobStatus) error {
	if j.Status == dam.JobRunning {
		s.mu.Lock()
		s.saved = append(s.saved, j.BytesDone)
		s.mu.Unlock()
	}
	return s.Store.UpdateJob(ctx, j, from)
}

// A job saves the bytes it has written every JobProgressInterval (2 s),
// not once a fifth of JobStaleAfter (a minute): a person watching a 48 s
// job sees it move. The clock ticks a second each time it is read.
func TestJobProgressIsSavedEveryFewSeconds(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	st, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(dir, "dam.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	b, err := storage.Open(ctx, "file://"+filepath.ToSlash(filepath.Join(dir, "blobs")))
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	ps := &progressStore{Store: st}
	var mu sync.Mutex
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tick := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}
	lib := dam.New(ps, b, tick, nil, nil)
	u, _, err := lib.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	require.NoError(t, err)
	owner := dam.WithActor(ctx, u.Actor())
	r := rand.New(rand.NewPCG(1, 2))
	var ids []string
	for i := range 3 {
		data := make([]byte, 1_500_000)
		for j := range data {
			data[j] = byte(r.Uint32())
		}
		a, err := lib.Upload(owner, bytes.NewReader(data), dam.UploadOptions{Name: string(rune('a'+i)) + ".bin"})
		require.NoError(t, err)
		ids = append(ids, a.ID)
	}
	j, err := lib.CreateDownload(owner, dam.DownloadRequest{AssetIDs: ids, Async: true})
	require.NoError(t, err)
	ps.mu.Lock()
	ps.saved = nil
	ps.mu.Unlock()
	n, err := lib.ProcessJobs(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	j, err = lib.Job(owner, j.ID)
	require.NoError(t, err)
	require.Equal(t, dam.JobDone, j.Status)
	midway := 0
	for _, done := range ps.saved {
		if done > 0 && done < j.BytesTotal {
			midway++
		}
	}
	assert.GreaterOrEqual(t, midway, 2, "progress saved while the part was written: %v of %d bytes", ps.saved, j.BytesTotal)
}
