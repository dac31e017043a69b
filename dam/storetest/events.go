package storetest

import (
	"slices"
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var eventTests = []test{
	{"DeleteBefore", func(t *testing.T, f *fixture) {
		var es []dam.Event
		for i := range 7 {
			es = append(es, dam.Event{ID: f.id(), Time: f.tick(), ActorID: "u1", Action: dam.EventDownload, Detail: "e" + string(rune('0'+i))})
		}
		require.NoError(t, f.s.AppendEvents(f.ctx, es...))
		cut := es[5].Time // es[0..4] are older
		for _, tc := range []struct {
			limit, want int
		}{{0, 0}, {2, 2}, {10, 3}, {10, 0}} {
			n, err := f.s.DeleteEventsBefore(f.ctx, cut, tc.limit)
			require.NoError(t, err)
			assert.Equal(t, tc.want, n, "limit %d", tc.limit)
		}
		got, _, err := f.s.Events(f.ctx, dam.EventQuery{})
		require.NoError(t, err)
		assert.Equal(t, []dam.Event{es[6], es[5]}, got, "the events from the cut-off on stay")
	}},
	{"FiltersAndOrder", func(t *testing.T, f *fixture) {
		a, b := f.id(), f.id()
		var es []dam.Event
		for _, e := range []struct {
			actor  string
			action dam.EventAction
			asset  string
		}{
			{"u1", dam.EventUpload, a},
			{"u1", dam.EventUpload, b},
			{"u2", dam.EventDownload, a},
			{"guest@example.com", dam.EventDownload, b},
			{"u1", dam.EventEdit, ""},
		} {
			es = append(es, dam.Event{ID: f.id(), Time: f.tick(), ActorID: e.actor, Action: e.action, AssetID: e.asset, Detail: "d " + e.actor})
		}
		require.NoError(t, f.s.AppendEvents(f.ctx, es[:2]...))
		require.NoError(t, f.s.AppendEvents(f.ctx, es[2:]...))
		require.NoError(t, f.s.AppendEvents(f.ctx))
		pick := func(is ...int) []dam.Event {
			var out []dam.Event
			for _, i := range is {
				out = append(out, es[i])
			}
			return out
		}
		for _, tc := range []struct {
			name string
			q    dam.EventQuery
			want []dam.Event
		}{
			{"all newest first", dam.EventQuery{}, pick(4, 3, 2, 1, 0)},
			{"asset", dam.EventQuery{AssetID: a}, pick(2, 0)},
			{"actor", dam.EventQuery{ActorID: "u1"}, pick(4, 1, 0)},
			{"action", dam.EventQuery{Action: dam.EventDownload}, pick(3, 2)},
			{"since is inclusive", dam.EventQuery{Since: es[3].Time}, pick(4, 3)},
			{"combined", dam.EventQuery{ActorID: "u1", Action: dam.EventUpload, AssetID: b}, pick(1)},
			{"cursor", dam.EventQuery{Cursor: es[2].ID}, pick(1, 0)},
			{"nothing", dam.EventQuery{ActorID: "nobody"}, nil},
			{"subject exact", dam.EventQuery{Subject: "d u1"}, pick(4, 1, 0)},
			{"subject prefix", dam.EventQuery{Subject: "d"}, pick(4, 3, 2, 1, 0)},
			{"subject is whole words", dam.EventQuery{Subject: "d u"}, nil},
			{"until is exclusive", dam.EventQuery{Until: es[2].Time}, pick(1, 0)},
			{"since and until", dam.EventQuery{Since: es[1].Time, Until: es[3].Time}, pick(2, 1)},
			{"ascending", dam.EventQuery{Ascending: true}, pick(0, 1, 2, 3, 4)},
			{"ascending cursor", dam.EventQuery{Ascending: true, Cursor: es[2].ID}, pick(3, 4)},
			{"ascending filtered", dam.EventQuery{Ascending: true, ActorID: "u1"}, pick(0, 1, 4)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, next, err := f.s.Events(f.ctx, tc.q)
				require.NoError(t, err)
				assert.Empty(t, next)
				assert.Equal(t, tc.want, got)
			})
		}
		t.Run("paging", func(t *testing.T) {
			q := dam.EventQuery{Limit: 2}
			var got []dam.Event
			pages := 0
			for {
				page, next, err := f.s.Events(f.ctx, q)
				require.NoError(t, err)
				got = append(got, page...)
				pages++
				if next == "" {
					break
				}
				q.Cursor = next
			}
			assert.Equal(t, 3, pages)
			assert.Equal(t, pick(4, 3, 2, 1, 0), got)
		})
	}},
	{"Reach", func(t *testing.T, f *fixture) {
		mine := f.asset("", "mine")
		theirs := f.newAsset("", "theirs")
		theirs.Domain = "elsewhere"
		f.put(theirs)
		var es []dam.Event
		for _, e := range []struct{ actor, asset string }{
			{"u1", mine.ID},                // 0: my domain's asset
			{"u2", theirs.ID},              // 1: another domain's asset
			{"u1", ""},                     // 2: no asset, a user I reach
			{"u2", ""},                     // 3: no asset, a user I do not reach
			{"guest@example.com", ""},      // 4: no asset, a guest
			{"u1", "purged-" + f.id()[:8]}, // 5: an asset that no longer exists
		} {
			es = append(es, dam.Event{ID: f.id(), Time: f.tick(), ActorID: e.actor, Action: dam.EventEdit, AssetID: e.asset})
		}
		require.NoError(t, f.s.AppendEvents(f.ctx, es...))
		for _, tc := range []struct {
			name  string
			reach dam.EventReach
			want  []int
		}{
			{"domain and users", dam.EventReach{Domains: []string{f.domain}, ActorIDs: []string{"u1"}}, []int{2, 0}},
			{"other domain", dam.EventReach{Domains: []string{"elsewhere"}, ActorIDs: []string{"u2"}}, []int{3, 1}},
			{"both domains", dam.EventReach{Domains: []string{f.domain, "elsewhere"}}, []int{1, 0}},
			{"users only", dam.EventReach{ActorIDs: []string{"u1", "u2"}}, []int{3, 2}},
			{"people", dam.EventReach{People: true}, []int{4}},
			{"all users", dam.EventReach{AllUsers: true}, []int{3, 2}},
			{"all users and people", dam.EventReach{AllUsers: true, People: true, Domains: []string{"elsewhere"}}, []int{4, 3, 2, 1}},
			{"nothing", dam.EventReach{}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := tc.reach
				got, _, err := f.s.Events(f.ctx, dam.EventQuery{Reach: &r, Action: dam.EventEdit})
				require.NoError(t, err)
				var want []dam.Event
				for _, i := range tc.want {
					want = append(want, es[i])
				}
				assert.Equal(t, want, got)
			})
		}
	}},
	{"AppendIsAtomic", func(t *testing.T, f *fixture) {
		e := dam.Event{ID: f.id(), Time: f.tick(), ActorID: "u1", Action: dam.EventNote}
		require.NoError(t, f.s.AppendEvents(f.ctx, e))
		fresh := dam.Event{ID: f.id(), Time: f.tick(), ActorID: "u1", Action: dam.EventNote}
		requireKind(t, dam.AlreadyExists, f.s.AppendEvents(f.ctx, fresh, e))
		got, _, err := f.s.Events(f.ctx, dam.EventQuery{})
		require.NoError(t, err)
		assert.Equal(t, []dam.Event{e}, got, "a refused batch adds nothing")
		requireKind(t, dam.Invalid, f.s.AppendEvents(f.ctx, dam.Event{ActorID: "u1"}))
	}},
	{"AppendManyIsAtomic", func(t *testing.T, f *fixture) {
		// A group commit hands over up to 1,000 events at once: more than
		// one statement's worth in some stores, still all or none.
		batch := func(n int) []dam.Event {
			es := make([]dam.Event, n)
			for i := range es {
				es[i] = dam.Event{ID: f.id(), Time: f.tick(), ActorID: "u1", Action: dam.EventDownload, AssetID: "a", Detail: "original"}
			}
			return es
		}
		count := func() int {
			n := 0
			for cursor := ""; ; {
				got, next, err := f.s.Events(f.ctx, dam.EventQuery{Limit: 1000, Cursor: cursor})
				require.NoError(t, err)
				n += len(got)
				if next == "" {
					return n
				}
				cursor = next
			}
		}
		first := batch(1200)
		require.NoError(t, f.s.AppendEvents(f.ctx, first...))
		assert.Equal(t, 1200, count())
		got, _, err := f.s.Events(f.ctx, dam.EventQuery{Limit: 1, Ascending: true})
		require.NoError(t, err)
		assert.Equal(t, first[:1], got, "stored as given")

		again := append(batch(1100), first[700])
		requireKind(t, dam.AlreadyExists, f.s.AppendEvents(f.ctx, again...))
		assert.Equal(t, 1200, count(), "a refused batch adds nothing, whichever statement failed")
		again = append(batch(3), first[0])
		requireKind(t, dam.AlreadyExists, f.s.AppendEvents(f.ctx, again...))
		assert.Equal(t, 1200, count())
		// 22 events (the group commit's usual batch at 64 connections),
		// the twin among the last few.
		again = slices.Insert(batch(21), 17, first[5])
		requireKind(t, dam.AlreadyExists, f.s.AppendEvents(f.ctx, again...))
		assert.Equal(t, 1200, count())
		require.NoError(t, f.s.AppendEvents(f.ctx, batch(22)...))
		assert.Equal(t, 1222, count())
	}},
}
