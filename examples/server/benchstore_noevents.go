//go:build damkit_noevents

package main

import (
	"context"

	"github.com/damkit/damkit/dam"
)

// A server built with -tags damkit_noevents keeps no usage log: the
// baseline of bench/http/run.sh's download-noevents target (issue 20's
// "with events on vs off"). Never ship such a build: downloads would leave
// no trace.
func init() {
	benchStore = func(s dam.Store, err error) (dam.Store, error) {
		if err != nil {
			return nil, err
		}
		return noEvents{s}, nil
	}
}

type noEvents struct{ dam.Store }

func (noEvents) AppendEvents(context.Context, ...dam.Event) error { return nil }
