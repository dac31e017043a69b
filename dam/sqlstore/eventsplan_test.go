package sqlstore

import (
	"strings"
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A page of the usage log within an actor's reach walks the log in ID
// order from the cursor and stops at the page's end. SQLite (without
// statistics, as the store runs) used to answer the reach's OR with
// events_asset, gathering every row the reach selects after the cursor
// and sorting them: each page of an export cost the whole rest of the log
// (100,000 events of one asset took 3 s to page through, not 0.2 s).
func TestQueryPlanEventPagesWalkTheLog(t *testing.T) {
	s := openSQLiteT(t)
	ctx := t.Context()
	_, err := s.w.ExecContext(ctx, `INSERT INTO assets (id, name, domain, kind, current_version, last_version, created_at, updated_at)
		VALUES ('a1', 'busy.txt', 'default', 'other', 1, 1, 'x', 'x')`)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		q    dam.EventQuery
	}{
		{"export", dam.EventQuery{Ascending: true, Action: dam.EventDownload, Cursor: "00000000000000000000000010", Reach: &dam.EventReach{Domains: []string{"default"}, AllUsers: true, People: true}}},
		{"listing", dam.EventQuery{Cursor: "00000000000000000000090000", Reach: &dam.EventReach{Domains: []string{"default"}, ActorIDs: []string{"u1"}}}},
		{"action", dam.EventQuery{Ascending: true, Action: dam.EventDownload, Reach: &dam.EventReach{Domains: []string{"default"}, AllUsers: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			query, args, _ := s.eventsQuery(tc.q)
			plan := strings.Join(queryPlan(t, s, query, args...), "\n")
			assert.NotContains(t, plan, "TEMP B-TREE", plan)
			assert.Regexp(t, `(SCAN|SEARCH) events USING INDEX sqlite_autoindex_events_1`, plan)
		})
	}
	// A query for one asset still uses its index.
	query, args, _ := s.eventsQuery(dam.EventQuery{AssetID: "a1", Reach: &dam.EventReach{Domains: []string{"default"}}})
	assert.Contains(t, strings.Join(queryPlan(t, s, query, args...), "\n"), "events_asset")
}
