package dam_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestSweepDeletesEventsPastRetention: the sweep deletes the usage events
// older than Options.EventRetention (a year by default) and keeps the
// rest; a negative retention keeps every event.
func TestSweepDeletesEventsPastRetention(t *testing.T) {
	for _, tc := range []struct {
		name      string
		retention time.Duration
		age       time.Duration // how old the first upload's events are at the sweep
		wantSwept bool
	}{
		{"a year by default", 0, 366 * 24 * time.Hour, true},
		{"younger than the default", 0, 300 * 24 * time.Hour, false},
		{"set to a week", 7 * 24 * time.Hour, 8 * 24 * time.Hour, true},
		{"negative keeps them", -1, 5 * 365 * 24 * time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, &dam.Options{EventRetention: tc.retention})
			old := f.upload(t, f.owner, "old.txt", "old bytes")
			f.clock.t = f.clock.t.Add(tc.age)
			recent := f.upload(t, f.owner, "recent.txt", "recent bytes")

			rep, err := f.lib.Sweep(f.owner)
			require.NoError(t, err)
			oldEvents, _, err := f.lib.Events(f.owner, dam.EventQuery{AssetID: old.ID})
			require.NoError(t, err)
			recentEvents, _, err := f.lib.Events(f.owner, dam.EventQuery{AssetID: recent.ID})
			require.NoError(t, err)
			assert.NotEmpty(t, recentEvents, "recent events stay")
			if tc.wantSwept {
				assert.Empty(t, oldEvents, "events past the retention are deleted")
				assert.Positive(t, rep.Events)
			} else {
				assert.NotEmpty(t, oldEvents, "events within the retention stay")
				assert.Zero(t, rep.Events)
			}
		})
	}
}
