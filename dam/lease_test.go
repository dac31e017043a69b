package dam_test

import (
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Two libraries on one store stand for two server processes: only the
// holder of the sweep lease purges the trash, and the other takes over once
// the holder stops renewing.
func TestSweepRunsOnceAcrossProcesses(t *testing.T) {
	opts := &dam.Options{TrashRetention: time.Hour, SweepInterval: 2 * time.Hour}
	f := newFixture(t, opts)
	other := dam.New(f.lib.Store(), f.bucket, f.clock.now, nil, opts)

	rep, err := dam.SweepLeased(f.owner, f.lib, "a")
	require.NoError(t, err)
	assert.Zero(t, rep.Purged)

	a := f.upload(t, f.owner, "a.txt", "first")
	b := f.upload(t, f.owner, "b.txt", "second")
	require.NoError(t, f.lib.Delete(f.owner, a.ID))
	require.NoError(t, f.lib.Delete(f.owner, b.ID))
	f.clock.t = f.clock.t.Add(61 * time.Minute)

	rep, err = dam.SweepLeased(f.owner, other, "b")
	require.NoError(t, err)
	assert.Zero(t, rep.Purged, "b does not sweep while a holds the lease")
	rep, err = dam.SweepLeased(f.owner, f.lib, "a")
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Purged, "the holder sweeps and renews")

	c := f.upload(t, f.owner, "c.txt", "third")
	require.NoError(t, f.lib.Delete(f.owner, c.ID))
	f.clock.t = f.clock.t.Add(5 * time.Hour) // past the renewal's 2 sweep intervals
	rep, err = dam.SweepLeased(f.owner, other, "b")
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Purged, "b takes over once a's lease has run out")
	rep, err = dam.SweepLeased(f.owner, f.lib, "a")
	require.NoError(t, err)
	assert.Zero(t, rep.Purged, "a lost the lease")
}
