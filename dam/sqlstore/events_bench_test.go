package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// BenchmarkAppendEvents is issue 20's usage event as the group commit hands
// it over under load: batches of 22 downloads of one asset by one key (the
// mean batch bench/http's download target makes at 64 connections), into a
// log already holding 100,000 events. Reported per event.
//
//	go test -run '^$' -bench AppendEvents -benchtime 2000x ./dam/sqlstore/
func BenchmarkAppendEvents(b *testing.B) {
	onBothStores(b, func(b *testing.B, s *Store) {
		ctx := context.Background()
		now := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
		asset := dam.NewID(now)
		batch := func(n int) []dam.Event {
			es := make([]dam.Event, n)
			for i := range es {
				now = now.Add(time.Millisecond)
				es[i] = dam.Event{ID: dam.NewID(now), Time: now, ActorID: "us_01KBENCHKEY0000000000000000",
					Action: dam.EventDownload, AssetID: asset, Detail: "original"}
			}
			return es
		}
		for range 100 {
			require.NoError(b, s.AppendEvents(ctx, batch(1000)...))
		}
		const per = 22
		b.ResetTimer()
		for range b.N {
			require.NoError(b, s.AppendEvents(ctx, batch(per)...))
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*per)/1e3, "µs/event")
	})
}
