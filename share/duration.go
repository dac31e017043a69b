package share

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Day is the unit of share durations.
const Day = 24 * time.Hour

// Durations lists the share durations a library allows. The nil list means
// DefaultDurations.
type Durations []time.Duration

// DefaultDurations are 1, 2, 3, 5, 7, 14 and 28 days, as reference page 003.
var DefaultDurations = Durations{1 * Day, 2 * Day, 3 * Day, 5 * Day, 7 * Day, 14 * Day, 28 * Day}

func (ds Durations) list() Durations {
	if len(ds) == 0 {
		return DefaultDurations
	}
	return ds
}

// Check returns nil when d is one of the allowed durations, otherwise an
// error wrapping ErrDuration that names the allowed ones.
func (ds Durations) Check(d time.Duration) error {
	l := ds.list()
	if slices.Contains(l, d) {
		return nil
	}
	return fmt.Errorf("%w: %s is not one of %s", ErrDuration, text(d), l)
}

// String lists the durations, in days where they are whole days (the
// defaults for the nil list).
func (ds Durations) String() string {
	ds = ds.list()
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = text(d)
	}
	return strings.Join(parts, ", ")
}

func text(d time.Duration) string {
	if d > 0 && d%Day == 0 {
		if d == Day {
			return "1 day"
		}
		return fmt.Sprintf("%d days", d/Day)
	}
	return d.String()
}
