package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/damkit/damkit/dam"
)

// The plan of a SQLite listing with search text sorted by a key (created,
// name, size, updated, captured; not relevance). Four plans give the same
// rows in the same order, so the same pages and cursors; only their cost
// differs (the fourth, recent, is a set plan narrowed to the newest or
// oldest documents for the creation order: recentCondition):
//
//   - gather: read every match from the index, join it to its asset, keep
//     those the listing's conditions keep, sort them and take a page. It
//     costs as much as there are matches (a word in 928,528 of 1,000,000
//     assets: 0.5-1.3 s).
//   - walk: walk the sort key's index from the cursor, as a listing
//     without text does, and probe the index of words for each asset (is
//     its document a match?), stopping at the page's end: (limit+1) /
//     share probes, where share is the part of the library the search
//     matches (a common word: about limit+1 probes, a few milliseconds).
//   - set: read the matches' document numbers from the index of words
//     alone (no join: about a third of gathering them), then walk the sort
//     key's index as above, testing each asset's document number against
//     them (one lookup, no probe).
//
// In units of gathering one match, with m matches among d documents:
// gather costs m, walk (limit+1) / share * walkProbeCost per phrase of
// the FTS5 query (a prefix spelled out as seven words is seven lookups per
// probe), set m * setMatchCost + (limit+1) / share * setRowCost; the least
// wins (choosePlan).
//
// searchPlanFor estimates share from the word table first (search_terms:
// an upper bound of the matches of a term of long words, exact for one
// word but for the documents written since its counts were last folded), which settles a rare word without reading the index, and else
// counts the matches among the newest walkSampleDocs documents (about a
// millisecond, read from the tail of each word's list). A prefix left to
// FTS5 (textSearch.merges) gathers: FTS5 would merge its words' lists
// again on every probe.
//
// The walks stop early only when an index serves the listing's order: a
// listing of one domain's live assets, or of one folder's (not its
// subfolders', nor a category's, nor the trash, nor several domains: those
// sort their rows, and would test every one). And their cost assumes the
// listing's conditions keep most assets walked: a filter that may keep
// few (a collection, a date or size range, an uploader...) could make them
// walk the whole index, so only the kind may come with them. Other
// listings gather.

// Costs in units of gathering one match (about 1.1 µs at 1,000,000, the
// sort aside): a probe per phrase (about 60 µs for one word), reading a
// match's document number alone, and testing one walked asset's.
const (
	walkProbeCost = 50
	setMatchCost  = 0.3
	setRowCost    = 3
)

// walkSampleDocs is how many of the newest documents searchPlanFor counts
// the matches among when the word table cannot settle the plan.
const walkSampleDocs = 1000

// The plans (Store.searchPlan forces one: tests).
const (
	planGather = "gather"
	planWalk   = "walk"
	planSet    = "set"
	planRecent = "recent"
)

// searchCondition is the condition, with its arguments, that keeps the
// assets (of the listing's assets a) matching search in a listing sorted
// by a key, limit to a page: the plan (above) is chosen on SQLite;
// PostgreSQL's planner chooses its own.
func (s *Store) searchCondition(ctx context.Context, r querier, q dam.AssetQuery, search textSearch,
	limit int, cursor dam.AssetCursor) (string, []any, error) {
	if s.d.postgres {
		cond, args := s.searchFilter(search)
		return cond, args, nil
	}
	plan, share, err := s.searchPlanFor(ctx, r, q, search, limit)
	if err == nil && (plan == planRecent || plan != planGather && s.searchPlan == "") {
		cond, args, ok, err := s.recentCondition(ctx, r, q, search, share, limit, cursor)
		if err != nil || ok {
			return cond, args, err
		}
	}
	switch {
	case err != nil || plan == planGather:
		cond, args := s.searchFilter(search)
		return cond, args, err
	case plan == planSet:
		return setCondition, []any{search.fts}, nil
	}
	return walkCondition, []any{search.fts}, nil
}

// recentSampleDocs is how many documents next to where a recent walk
// begins recentCondition joins to their assets, to tell which part of
// the documents the listing keeps.
const recentSampleDocs = 256

// recentCheckAssets is how many of the first assets a recent walk reads
// recentCondition looks at, to see that their documents are past its
// bound.
const recentCheckAssets = 64

// recentCondition is the condition of the recent plan, for a listing
// sorted by creation (ID order) that would walk: the walk begins at the
// newest assets (or the oldest, ascending), whose documents are the
// newest (oldest) too, as a document is numbered when its asset is first
// indexed. So the matches among the documents past a bound D (read from
// the index alone into a temporary index, as the set plan reads every
// match) answer for every walked asset whose document is past D, and an
// asset whose document is not is probed as the walk plan does: the same
// rows as every plan, whatever D, which sets the cost only. D is chosen
// to leave three times the documents a page is expected to span: (limit+1)
// / (share of the documents matching × share the listing keeps, counted
// among the recentSampleDocs next to the walk's start); and when the
// first recentCheckAssets assets the walk reads mostly have their documents
// short of D, the plan is not taken. ok is false when the plan does not
// apply (another sort, or documents out of the IDs' order).
func (s *Store) recentCondition(ctx context.Context, r querier, q dam.AssetQuery, search textSearch, share float64,
	limit int, cursor dam.AssetCursor) (cond string, args []any, ok bool, err error) {
	field, desc := dam.SortField(q.Sort)
	if field != "" {
		return "", nil, false, nil
	}
	var edge sql.NullInt64
	if cursor.ID != "" {
		err := r.queryRow(ctx, "SELECT doc FROM search_docs WHERE asset_id = ?", cursor.ID).Scan(&edge)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", nil, false, err
		}
	}
	if !edge.Valid {
		end := "min(doc)"
		if desc {
			end = "max(doc)"
		}
		if err := r.queryRow(ctx, "SELECT "+end+" FROM search_docs").Scan(&edge); err != nil {
			return "", nil, false, err
		}
	}
	first, past := edge.Int64, edge.Int64+recentSampleDocs
	if desc {
		first, past = edge.Int64-recentSampleDocs+1, edge.Int64+1
	}
	where, wargs := s.listingWhere(q)
	var kept int64
	if err := r.queryRow(ctx, "SELECT count(*) FROM search_docs d CROSS JOIN assets a WHERE d.doc >= ? AND d.doc < ? AND a.id = d.asset_id AND "+
		strings.Join(where, " AND "), append([]any{first, past}, wargs...)...).Scan(&kept); err != nil {
		return "", nil, false, err
	}
	if share <= 0 || share > 1 {
		share = 1
	}
	keeps := float64(max(kept, 1)) / recentSampleDocs
	span := int64(3*float64(limit+1)/(share*keeps)) + recentSampleDocs
	if s.recentSpan > 0 {
		span = s.recentSpan
	}
	bound, op := edge.Int64+span, "<"
	if desc {
		bound, op = edge.Int64-span, ">"
	}
	if s.searchPlan == "" {
		// The first recentCheckAssets assets the walk reads: if fewer
		// than half have their documents past the bound (documents
		// numbered out of the IDs' order, as when assets were imported
		// with IDs made elsewhere), most would be probed, and the plan
		// chosen before does better.
		order := sortOrder(q.Sort)
		if cursor.ID != "" {
			w, cargs := order.after(cursor)
			where, wargs = append(where, w), append(wargs, cargs...)
		}
		var walked, past int64
		if err := r.queryRow(ctx, `SELECT count(*), coalesce(sum(d.doc `+op+` ?), 0) FROM (SELECT a.id FROM assets a WHERE `+
			strings.Join(where, " AND ")+" ORDER BY "+order.by+` LIMIT ?) w CROSS JOIN search_docs d WHERE d.asset_id = w.id`,
			slices.Concat([]any{bound}, wargs, []any{recentCheckAssets})...).Scan(&walked, &past); err != nil {
			return "", nil, false, err
		}
		if 2*past < walked {
			return "", nil, false, nil
		}
	}
	return recentSQL(op), []any{bound, search.fts, bound, search.fts}, true, nil
}

// recentSQL is the recent plan's condition on the asset a, its documents
// past the bound op ("<" or ">") ? read once; its arguments are the bound,
// the FTS5 query, the bound and the FTS5 query again.
func recentSQL(op string) string {
	return `EXISTS (SELECT 1 FROM search_docs sd WHERE sd.asset_id = a.id AND CASE WHEN sd.doc ` + op + ` ?
		THEN sd.doc IN (SELECT sf.rowid FROM asset_fts sf WHERE sf.asset_fts MATCH ? AND sf.rowid ` + op + ` ?)
		ELSE EXISTS (SELECT 1 FROM asset_fts sp WHERE sp.rowid = sd.doc AND sp.asset_fts MATCH ?) END)`
}

// walkCondition probes the index for the asset a: the planner walks the
// listing's index and evaluates it once per asset, finding the asset's
// document by its ID and asking FTS5 for that one row.
const walkCondition = `EXISTS (SELECT 1 FROM search_docs sd CROSS JOIN asset_fts sf
	WHERE sd.asset_id = a.id AND sf.rowid = sd.doc AND sf.asset_fts MATCH ?)`

// setCondition tests the asset a's document number against the matches'
// (SQLite reads those once per statement, into a temporary index).
const setCondition = `(SELECT sd.doc FROM search_docs sd WHERE sd.asset_id = a.id) IN
	(SELECT sf.rowid FROM asset_fts sf WHERE sf.asset_fts MATCH ?)`

// searchPlanFor returns the plan of a SQLite listing q sorted by a key,
// limit to a page, and the share of the documents it expects the search
// to match (0: not estimated).
func (s *Store) searchPlanFor(ctx context.Context, r querier, q dam.AssetQuery, search textSearch,
	limit int) (string, float64, error) {
	if s.searchPlan != "" {
		return s.searchPlan, 0, nil
	}
	if search.merges || !indexOrdered(q) {
		return planGather, 0, nil
	}
	var last sql.NullInt64
	if err := r.queryRow(ctx, "SELECT max(doc) FROM search_docs").Scan(&last); err != nil {
		return "", 0, err
	}
	docs := float64(last.Int64) // the documents, and the holes the gone ones left
	phrases := max(strings.Count(search.fts, `"`)/2, 1)
	if choosePlan(1, docs, phrases, limit) == planGather {
		return planGather, 0, nil // even a word in every document
	}
	bound, known, err := s.matchBound(ctx, r, search)
	if err != nil {
		return "", 0, err
	}
	if known && choosePlan(float64(bound)/docs, docs, phrases, limit) == planGather {
		return planGather, 0, nil // the walks only lose more below
	}
	sample := min(last.Int64, walkSampleDocs)
	var n int64
	if err := r.queryRow(ctx, "SELECT count(*) FROM asset_fts WHERE asset_fts MATCH ? AND rowid > ?",
		search.fts, last.Int64-sample).Scan(&n); err != nil {
		return "", 0, err
	}
	share := float64(n) / float64(sample)
	return choosePlan(share, docs, phrases, limit), share, nil
}

// choosePlan is the cheapest plan for a search matching share of docs
// documents, of phrases phrases, limit to a page. Against gathering, both
// walks cost relatively less the larger share is.
func choosePlan(share, docs float64, phrases, limit int) string {
	if share <= 0 || docs <= 0 {
		return planGather
	}
	rows := float64(limit+1) / share // assets walked to fill a page
	gather := share * docs
	walk := rows * walkProbeCost * float64(phrases)
	set := share*docs*setMatchCost + rows*setRowCost
	switch {
	case walk < gather && walk <= set:
		return planWalk
	case set < gather:
		return planSet
	}
	return planGather
}

// matchBound returns an upper bound of the documents matching search read
// from the word table, and whether it knows one: the least of its terms'
// (excluded terms aside), each the least of its words' counts, a prefix
// spelled out counting the sum of its words'. A word the table does not
// keep (of at most prefixIndexMax characters, or shaped like a field's)
// bounds nothing.
func (s *Store) matchBound(ctx context.Context, r querier, search textSearch) (int64, bool, error) {
	var bound int64
	known := false
	for i, t := range search.Terms {
		if t.Exclude {
			continue
		}
		n, ok, err := s.termBound(ctx, r, search, i)
		if err != nil {
			return 0, false, err
		}
		if ok && (!known || n < bound) {
			bound, known = n, true
		}
	}
	return bound, known, nil
}

// termBound returns an upper bound of the documents holding term i of
// search read from the word table, and whether it knows one: the least of
// its words' counts, a prefix spelled out counting the sum of its words'
// (see matchBound).
func (s *Store) termBound(ctx context.Context, r querier, search textSearch, i int) (int64, bool, error) {
	var bound int64
	known := false
	t := search.Terms[i]
	var spelled []string
	if i < len(search.words) {
		spelled = search.words[i]
	}
	tokens := t.Tokens()
	for j, w := range tokens {
		words := []string{w}
		if j == len(tokens)-1 && t.Prefix {
			if utf8.RuneCountInString(w) <= prefixIndexMax || mayBeginFieldWord(w) {
				continue // served by FTS5's prefix index or left to it
			}
			words = spelled // none: the prefix begins no word and matches nothing
		} else if utf8.RuneCountInString(w) <= prefixIndexMax || fieldShaped(w) {
			continue
		}
		n, err := termDocs(ctx, r, words)
		if err != nil {
			return 0, false, err
		}
		if !known || n < bound {
			bound, known = n, true
		}
	}
	return bound, known, nil
}

// termDocs is an upper bound of the documents holding any of words: 0
// when search_terms holds none of them (it holds every word of the index,
// so none matches), else the sum of their counts plus the documents
// written since the counts were last folded (search_term_log's rows that
// add words), read in one statement so that a fold between two reads
// cannot hide them.
func termDocs(ctx context.Context, r querier, words []string) (int64, error) {
	b, err := json.Marshal(words)
	if err != nil {
		return 0, err
	}
	var known, sum, pending int64
	err = r.queryRow(ctx, `SELECT t.known, t.docs, (SELECT count(*) FROM search_term_log WHERE added <> '[]')
		FROM (SELECT count(*) AS known, coalesce(sum(docs), 0) AS docs FROM search_terms
			WHERE term IN (SELECT value FROM json_each(?))) AS t`, string(b)).Scan(&known, &sum, &pending)
	if err != nil || known == 0 {
		return 0, err
	}
	return sum + pending, nil
}

// facetEstimate spares a SQLite search's facets the count of up to
// facetScan thresholds of its matches (100,001 read from the index for a
// word in nearly every document: 10 ms) when a glance says there are more:
// the matches among the newest twice-the-threshold documents. More than
// the threshold there proves the facets are sampled (not counted), and if
// their share over all documents comes to more than facetScan thresholds,
// the sample is taken by ranges, for which the count is not needed; it
// returns that estimate, or 0 when the count must be read.
func (s *Store) facetEstimate(ctx context.Context, r querier, search textSearch, merges bool) (int64, error) {
	if s.d.postgres || merges {
		return 0, nil
	}
	window := 2 * int64(s.facetSample)
	var last sql.NullInt64
	if err := r.queryRow(ctx, "SELECT max(doc) FROM search_docs").Scan(&last); err != nil {
		return 0, err
	}
	scan := int64(s.facetScan) * int64(s.facetSample)
	if last.Int64 <= max(window, scan) {
		return 0, nil
	}
	var n int64
	if err := r.queryRow(ctx, "SELECT count(*) FROM asset_fts WHERE asset_fts MATCH ? AND rowid > ?",
		search.fts, last.Int64-window).Scan(&n); err != nil {
		return 0, err
	}
	est := n * last.Int64 / window
	if n <= int64(s.facetSample) || est <= scan {
		return 0, nil
	}
	return est, nil
}

// indexOrdered reports whether an index serves the order of listing q
// (sorted by a key) and no filter but the kind may keep few of the assets
// it walks, so that a walk stops soon after the page's end: one domain's
// live assets, or one folder's.
func indexOrdered(q dam.AssetQuery) bool {
	filters, _ := filterWhere(q, nil, nil)
	return !q.Deleted && len(q.Domains) == 1 && q.CategoryID == "" && !(q.FolderID != nil && q.Subfolders) &&
		len(filters) == 0 && len(q.IDs) == 0 && len(q.SHA256) == 0
}
