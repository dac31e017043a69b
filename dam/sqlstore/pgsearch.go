package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// pgAskPlan lets firstWindow ask PostgreSQL's planner how it would find
// a window's first step (a variable for the tests only: false fills
// every window step by step).
var pgAskPlan = true

// pgWindowAtOnce reports whether PostgreSQL's planner finds the first
// step of a relevance window (the newest pgWindowStep matches) by reading
// every match and sorting them: a search whose matches it expects to be
// few, such as two words in one folder. Each step would then read every
// match again (five steps of 170 ms for "with list" and a folder at
// 1,000,000 assets, where the GIN index merges the lists of every word
// beginning with "with"), so the window is better asked for at once. A
// common word's steps walk the ID index instead and stop early; asked for
// the whole window at once, the planner reads all its matches (see
// pgWindowStep). The question is an EXPLAIN without ANALYZE: planning
// only, with the search's own values.
func (s *Store) pgWindowAtOnce(ctx context.Context, r querier, search textSearch, where []string, args []any) (bool, error) {
	if !s.d.postgres || !pgAskPlan || s.rankWindow <= pgWindowStep {
		return false, nil
	}
	query, qargs := s.matchesQuery(search, matchConds{where: where, args: args}, "", "", pgWindowStep, false)
	var plan string
	if err := r.queryRow(ctx, "EXPLAIN (FORMAT JSON) "+query, qargs...).Scan(&plan); err != nil {
		return false, err
	}
	return planSortsUnderLimit([]byte(plan))
}

// pgPlan is a node of PostgreSQL's EXPLAIN (FORMAT JSON).
type pgPlan struct {
	NodeType string   `json:"Node Type"`
	Plans    []pgPlan `json:"Plans"`
}

// planSortsUnderLimit reports whether an EXPLAIN (FORMAT JSON) plan has a
// Sort below a Limit: the rows it limits are all read, then sorted.
func planSortsUnderLimit(explain []byte) (bool, error) {
	var plans []struct {
		Plan pgPlan `json:"Plan"`
	}
	if err := json.Unmarshal(explain, &plans); err != nil {
		return false, err
	}
	var walk func(p pgPlan, limited bool) bool
	walk = func(p pgPlan, limited bool) bool {
		if limited && p.NodeType == "Sort" {
			return true
		}
		limited = limited || p.NodeType == "Limit"
		for _, c := range p.Plans {
			if walk(c, limited) {
				return true
			}
		}
		return false
	}
	for _, p := range plans {
		if walk(p.Plan, false) {
			return true, nil
		}
	}
	return false, nil
}

// pgFewMatches reports whether PostgreSQL's planner expects a search to
// match at most pgExact thresholds of assets, for its facets to be counted
// exactly (pgExactFacets). The planner knows the frequency of the words
// in its statistics' most common elements; any other word it estimates at
// half the least common one's, at most 0.5% of the assets (4,470 of
// 1,000,000 for a word in 1,284). EXPLAIN without ANALYZE: planning only.
func (s *Store) pgFewMatches(ctx context.Context, r querier, search textSearch) (bool, error) {
	rows, err := s.pgPlanRows(ctx, r, "SELECT 1 FROM assets WHERE search @@ CAST(? AS tsquery)", tsQuery(search.Search))
	return rows <= float64(s.pgExact*s.facetSample), err
}

// pgPlanRows is the number of rows PostgreSQL's planner expects query to
// return.
func (s *Store) pgPlanRows(ctx context.Context, r querier, query string, args ...any) (float64, error) {
	var explain string
	if err := r.queryRow(ctx, "EXPLAIN (FORMAT JSON) "+query, args...).Scan(&explain); err != nil {
		return 0, err
	}
	var plans []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		} `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(explain), &plans); err != nil {
		return 0, fmt.Errorf("reading the plan of %q: %w", query, err)
	}
	if len(plans) == 0 {
		return 0, fmt.Errorf("no plan for %q", query)
	}
	return plans[0].Plan.Rows, nil
}

// pgSerialRead runs read in a read-only transaction whose plans use no
// parallel workers, for a query of a bounded number of rows (a search's
// facets counted exactly: at most pgExact thresholds of matches): starting
// two workers cost more than the query (1,284 matches at 1,000,000 and
// load 5-7: 72-77 ms p50 with workers, 20-25 ms without).
func (s *Store) pgSerialRead(ctx context.Context, read func(r querier) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // after Commit, a no-op
	if _, err := tx.ExecContext(ctx, "SET LOCAL max_parallel_workers_per_gather = 0"); err != nil {
		return err
	}
	if err := read(querier{d: s.d, db: tx}); err != nil {
		return err
	}
	return tx.Commit()
}

// pgSearchOrder is the ORDER BY of the page of a PostgreSQL listing with
// search text sorted by a key (o). Asked for a page of a word outside its
// statistics' most common ones, the planner walks the sort key's index
// testing every asset, expecting the word in 0.5% of them: for a word in
// 1,284 of 1,000,000 the first page by creation walked 84,607 assets
// (150-950 ms), where reading its matches from the GIN index and sorting
// them takes 3-8 ms. So when the planner expects at most pgExact
// thresholds of matches (pgFewMatches), the page is sorted by the same
// keys in expressions no index holds (text || ”, number + 0: the same
// order, the same collation), which leaves the planner that plan only.
func (s *Store) pgSearchOrder(ctx context.Context, search textSearch, o assetOrder) (string, error) {
	few, err := s.pgFewMatches(ctx, s.read(), search)
	if err != nil || !few {
		return o.by, err
	}
	return pgUnindexedOrder(o.by), nil
}

// pgUnindexedOrder rewrites an ORDER BY list of assetOrder (columns of
// assets a, each perhaps DESC) in expressions no index holds.
func pgUnindexedOrder(by string) string {
	items := strings.Split(by, ", ")
	for i, item := range items {
		col, dir, _ := strings.Cut(item, " ")
		if dir != "" {
			dir = " " + dir
		}
		switch col {
		case "a.current_size":
			items[i] = "(" + col + " + 0)" + dir
		default:
			items[i] = "(" + col + " || '')" + dir
		}
	}
	return strings.Join(items, ", ")
}
