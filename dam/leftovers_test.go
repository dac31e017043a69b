package dam_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/storage"
)

// A process killed mid-upload leaves staged bytes under tmp/. The next
// start sweeps those of other processes once they are older than
// DeadTempAge (minutes), instead of leaving them for TempMaxAge (a day),
// and never touches an upload of its own still under way.
func TestRunSweepsUploadsOfDeadProcessesAtStart(t *testing.T) {
	f := newFixture(t, &dam.Options{DeadTempAge: 5 * time.Minute})
	ctx := t.Context()
	for _, key := range []string{
		"tmp/20260301T115000.000000000Z-0123456789ab-00112233aabbccdd", // another process's tag
		"tmp/20260301T115000.000000000Z-00112233aabbccdd",              // staged before tags existed
	} {
		w, err := f.bucket.NewWriter(ctx, key, nil)
		require.NoError(t, err)
		_, err = w.Write([]byte("half an upload"))
		require.NoError(t, err)
		require.NoError(t, w.Close())
	}
	own, err := f.bucket.NewTempWriter(ctx)
	require.NoError(t, err)
	_, err = own.Write([]byte("an upload of this process"))
	require.NoError(t, err)
	// The bytes were written "now"; the library's clock says an hour later.
	f.clock.t = time.Now().Add(time.Hour)

	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = f.lib.Run(runCtx) }()
	t.Cleanup(stop)
	// Listing while the sweep deletes may fail on a file bucket: try again.
	staged := func() ([]string, error) {
		var ks []string
		err := f.bucket.List(ctx, "tmp/", func(k string, _ int64) error { ks = append(ks, k); return nil })
		return ks, err
	}
	require.Eventually(t, func() bool {
		ks, err := staged()
		return err == nil && len(ks) == 1
	}, 10*time.Second, 10*time.Millisecond, "the dead processes' leftovers are swept at start")
	stop()
	<-done
	left := f.keys(t, "tmp/")
	assert.True(t, slices.ContainsFunc(left, func(k string) bool { return strings.Contains(k, "-"+storage.ProcessTag()+"-") }),
		"this process's own upload is left alone: %v", left)
	_, err = own.Publish(ctx, storage.OriginalKey("own"))
	require.NoError(t, err)
}
