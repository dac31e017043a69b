package sqlstore

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/damkit/damkit/dam"
)

// Relevance listings. Ranking every match of a common word costs as much
// as there are matches (a word in half of a million assets is half a
// million scores), so a listing by relevance ranks a window: the newest
// Options.RankWindow matches the caller may see (newest by the engine's
// order of documents: the SQLite document number, which an asset keeps
// when it is edited, or the PostgreSQL asset ID). The window is read in
// that order straight from the index and stops at its size, whatever the
// number of matches. Older matches, if any, follow the ranked window,
// newest first, so paging still reaches every match.
//
// The first page fixes the window's oldest document in its cursor, so
// that later pages rank the same documents (and any added since) and no
// asset moves across the cursor: with scores that depend only on the
// asset and the query (see search.go), paging while others write lists
// every asset that was there at the start exactly once.
//
// A relevance cursor's Window is "r" and the oldest document of the window
// ("r" alone: the window holds every match), or "t" and the document of
// the last asset listed in the tail.

// defaultRankWindow is Options.RankWindow's default.
const defaultRankWindow = 2000

// matchConds are the conditions a relevance listing's matches must meet.
type matchConds struct {
	where []string // on the asset a (listingWhere)
	args  []any
	// facet is the same conditions on the document's facet_docs row x
	// (compactWhere), nil when that row cannot test them all. SQLite then
	// tests each text match against one short row keyed by its document,
	// one B-tree seek in a table a few percent of the assets' size,
	// instead of joining it to its asset (a seek in search_docs, one in
	// the assets' ID index and one in their table). Two common words in
	// one folder of images at 1,000,000: the window's query 152 → 98 ms,
	// the listing 146-159 → 124-133 ms (FTS5's own walk of the words'
	// 47,427 matches is 51 ms of it).
	facet     []string
	facetArgs []any
}

// matchConds returns the conditions of relevance listing q's matches,
// where and args on its assets (listingWhere and any more).
func (s *Store) matchConds(q dam.AssetQuery, where []string, args []any) matchConds {
	mc := matchConds{where: where, args: args}
	if !s.d.postgres {
		mc.facet, mc.facetArgs, _ = compactWhere(q)
	}
	return mc
}

// match is one asset matching a search.
type match struct {
	doc   string // its place in the engine's document order (see above)
	id    string
	score int64
}

// relevancePage returns the IDs of the page of a relevance listing after
// cursor c, in order, and the cursor of the next page ("" at the end).
// mc are the listing's conditions (matchConds).
func (s *Store) relevancePage(ctx context.Context, r querier, search textSearch, mc matchConds,
	c dam.AssetCursor, limit int) ([]string, string, error) {
	bad := dam.E("", dam.Invalid, "bad cursor (cursors come from the listing they continue, with the same sort)")
	phase, from := "r", ""
	if c.Window != "" {
		phase, from = c.Window[:1], c.Window[1:]
		if (phase != "r" && phase != "t") || (phase == "t" && from == "") || (from != "" && !s.validDoc(from)) {
			return nil, "", bad
		}
	}
	var page []match
	low, inTail := from, phase == "t"
	every := false // SQLite: the window holds every match, ranked before the filters (rankEvery)
	if !inTail && from == "" && !s.d.postgres && !s.eagerWindow {
		ms, ok, err := s.everyMatch(ctx, r, search)
		if err != nil {
			return nil, "", err
		}
		if every = ok; every {
			if page, err = s.rankEvery(ctx, r, mc.where, mc.args, search, ms, c, limit); err != nil {
				return nil, "", err
			}
		}
	}
	if !inTail && !every {
		var window []match
		var err error
		if c.Window == "" { // the first page sets the window
			window, err = s.firstWindow(ctx, r, search, mc)
			if err != nil {
				return nil, "", err
			}
			low = ""
			if len(window) == s.rankWindow {
				low = window[len(window)-1].doc
			}
		} else {
			op := ">="
			if low == "" {
				op = "" // the window holds every match
			}
			if window, err = s.matches(ctx, r, search, mc, op, low, 0, true); err != nil {
				return nil, "", err
			}
		}
		slices.SortFunc(window, func(a, b match) int {
			return cmp.Or(cmp.Compare(b.score, a.score), strings.Compare(b.id, a.id))
		})
		for _, m := range window {
			if c.ID != "" && (m.score > c.Score || m.score == c.Score && m.id >= c.ID) {
				continue // at or before the cursor
			}
			page = append(page, m)
			if len(page) > limit {
				break
			}
		}
	}
	ranked := len(page)
	if len(page) <= limit && low != "" {
		tail, err := s.matches(ctx, r, search, mc, "<", low, limit+1-len(page), false)
		if err != nil {
			return nil, "", err
		}
		page = append(page, tail...)
	}
	next := ""
	if len(page) > limit {
		last := page[limit-1]
		nc := dam.AssetCursor{Sort: dam.SortRelevance, ID: last.id, Score: last.score, Window: "r" + low}
		if limit > ranked { // the last one is in the tail
			nc = dam.AssetCursor{Sort: dam.SortRelevance, ID: last.id, Window: "t" + last.doc}
		}
		next = nc.String()
		page = page[:limit]
	}
	ids := make([]string, len(page))
	for i, m := range page {
		ids[i] = m.id
	}
	return ids, next, nil
}

// everyMatch returns every match of search on SQLite, newest first, with
// its document and asset ID (not its score, nor the listing's conditions),
// when there are at most RankWindow (the word table or a count of the
// index alone says so), so that the window holds them all whatever the
// conditions keep. ok is false otherwise: a window of a page after the
// first that held every match passing the conditions is read as the first
// page read it, with the conditions, when the matches before them are
// more (every match of two common words in one folder, say).
func (s *Store) everyMatch(ctx context.Context, r querier, search textSearch) (ms []match, ok bool, err error) {
	bound, known, err := s.matchBound(ctx, r, search)
	if err != nil || known && bound > int64(s.rankWindow) {
		return nil, false, err
	}
	var n int
	if err := r.queryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM asset_fts WHERE asset_fts MATCH ? LIMIT ?)",
		search.fts, s.rankWindow+1).Scan(&n); err != nil || n > s.rankWindow {
		return nil, false, err
	}
	rows, err := r.query(ctx, `SELECT f.rowid, d.asset_id FROM asset_fts f CROSS JOIN search_docs d
		WHERE f.asset_fts MATCH ? AND d.doc = f.rowid ORDER BY f.rowid DESC`, search.fts)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var m match
		var doc int64
		if err := rows.Scan(&doc, &m.id); err != nil {
			return nil, false, err
		}
		m.doc = strconv.FormatInt(doc, 10)
		ms = append(ms, m)
	}
	return ms, true, rows.Err()
}

// rankEveryBatch is how many matches rankEvery tests against the
// listing's conditions in one query.
const rankEveryBatch = 128

// rankEvery returns the page after cursor c (limit + 1 at most) of a
// window that holds every match ms (everyMatch): they are scored and
// ranked first, and tested against the listing's conditions where and
// args in that order until the page is full, so that about a page of them
// is read from the assets rather than all (a rare word's matches are
// spread over the whole library: each test is a random read). The same
// page as ranking the matches that pass the conditions.
func (s *Store) rankEvery(ctx context.Context, r querier, where []string, args []any, search textSearch,
	ms []match, c dam.AssetCursor, limit int) ([]match, error) {
	if err := s.scoreWindow(ctx, r, search, ms); err != nil {
		return nil, err
	}
	slices.SortFunc(ms, func(a, b match) int {
		return cmp.Or(cmp.Compare(b.score, a.score), strings.Compare(b.id, a.id))
	})
	if c.ID != "" { // past the cursor
		i, _ := slices.BinarySearchFunc(ms, c, func(m match, c dam.AssetCursor) int {
			return cmp.Or(cmp.Compare(c.Score, m.score), strings.Compare(c.ID, m.id))
		})
		for i < len(ms) && ms[i].score == c.Score && ms[i].id == c.ID {
			i++
		}
		ms = ms[i:]
	}
	var page []match
	for len(ms) > 0 && len(page) <= limit {
		batch := ms[:min(len(ms), rankEveryBatch)]
		ms = ms[len(batch):]
		ids := make([]string, len(batch))
		for i, m := range batch {
			ids[i] = m.id
		}
		in := paddedIDs(ids)
		kept, err := queryStrings(ctx, r, "SELECT a.id FROM assets a WHERE a.id IN ("+placeholders(len(in))+") AND "+
			strings.Join(where, " AND "), append(in, args...)...)
		if err != nil {
			return nil, err
		}
		keep := make(map[string]bool, len(kept))
		for _, id := range kept {
			keep[id] = true
		}
		for _, m := range batch {
			if keep[m.id] && len(page) <= limit {
				page = append(page, m)
			}
		}
	}
	return page, nil
}

// pgWindowStep is how many matches PostgreSQL reads per query while it
// fills a window. Asked for the whole window at once, its planner takes
// a common word's matches from the GIN index, all of them, to sort them
// by ID (1.5 s for a word in 93,000 of 100,000 assets); asked for a few,
// it walks the ID index and stops (8 ms).
var pgWindowStep = 250 // a variable for the tests only

// firstWindow reads the window of a listing's first page: the newest
// RankWindow matches, scored. On PostgreSQL it asks for pgWindowStep
// matches at a time, or for the whole window at once when the planner
// would read every match to give the first step (pgWindowAtOnce).
func (s *Store) firstWindow(ctx context.Context, r querier, search textSearch, mc matchConds) ([]match, error) {
	if !s.d.postgres {
		return s.matches(ctx, r, search, mc, "", "", s.rankWindow, true)
	}
	at, err := s.pgWindowAtOnce(ctx, r, search, mc.where, mc.args)
	if err != nil {
		return nil, err
	}
	var window []match
	op, doc := "", ""
	for len(window) < s.rankWindow {
		step := min(pgWindowStep, s.rankWindow-len(window))
		if at {
			step = s.rankWindow
		}
		ms, err := s.matches(ctx, r, search, mc, op, doc, step, true)
		if err != nil {
			return nil, err
		}
		window = append(window, ms...)
		if len(ms) < step {
			break
		}
		op, doc = "<", ms[len(ms)-1].doc
	}
	return window, nil
}

// validDoc reports whether doc is a place in the engine's document order.
func (s *Store) validDoc(doc string) bool {
	if s.d.postgres {
		return len(doc) == 26 // an asset ID; dam checked its characters
	}
	n, err := strconv.ParseInt(doc, 10, 64)
	return err == nil && n > 0 && strconv.FormatInt(n, 10) == doc
}

// matchesQuery is the query of matches, with its arguments.
func (s *Store) matchesQuery(search textSearch, mc matchConds, op, doc string, limit int,
	scored bool) (string, []any) {
	where, args := mc.where, mc.args
	var query string
	var qargs []any
	if s.d.postgres {
		// The window is chosen first and scored after, so that ts_rank
		// reads the window's documents only, whichever plan finds them.
		tsq := tsQuery(search.Search)
		query = "SELECT a.id, a.search FROM assets a WHERE a.search @@ CAST(? AS tsquery) AND " + strings.Join(where, " AND ")
		qargs = append([]any{tsq}, args...)
		if op != "" {
			query += " AND a.id " + op + " ?"
			qargs = append(qargs, doc)
		}
		query += " ORDER BY a.id DESC"
		if limit > 0 {
			query += " LIMIT ?"
			qargs = append(qargs, limit)
		}
		score := "0"
		if scored {
			score = "CAST(ts_rank('{0.1, 0.2, 0.4, 1.0}', w.search, CAST(? AS tsquery)) * 1000000 AS BIGINT)"
			qargs = append([]any{tsq}, qargs...)
		}
		return "SELECT w.id, w.id, " + score + " FROM (" + query + ") w ORDER BY w.id DESC", qargs
	} else {
		// CROSS JOIN keeps the planner walking the index in document
		// order, joining each match to its asset. The window is scored
		// after (scoreWindow), from the index or the documents.
		query = `SELECT f.rowid, a.id FROM asset_fts f CROSS JOIN search_docs d CROSS JOIN assets a
			WHERE f.asset_fts MATCH ? AND d.doc = f.rowid AND a.id = d.asset_id AND ` + strings.Join(where, " AND ")
		qargs = append([]any{search.fts}, args...)
		if mc.facet != nil {
			query = `SELECT f.rowid, d.asset_id FROM asset_fts f CROSS JOIN facet_docs x CROSS JOIN search_docs d
				WHERE f.asset_fts MATCH ? AND x.doc = f.rowid AND ` + strings.Join(mc.facet, " AND ") + ` AND d.doc = f.rowid`
			qargs = append([]any{search.fts}, mc.facetArgs...)
		}
		if op != "" {
			n, _ := strconv.ParseInt(doc, 10, 64) // checked by validDoc or made here
			query += " AND f.rowid " + op + " ?"
			qargs = append(qargs, n)
		}
		query += " ORDER BY f.rowid DESC"
	}
	if limit > 0 {
		query += " LIMIT ?"
		qargs = append(qargs, limit)
	}
	return query, qargs
}

// matches reads the assets matching search and the conditions where
// (with args) newest first: all of them (op "") or those whose document
// is op (">=" or "<") doc, at most limit (0: no limit), each with its
// score when scored.
func (s *Store) matches(ctx context.Context, r querier, search textSearch, mc matchConds,
	op, doc string, limit int, scored bool) ([]match, error) {
	query, qargs := s.matchesQuery(search, mc, op, doc, limit, scored)
	rows, err := r.query(ctx, query, qargs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []match
	for rows.Next() {
		var m match
		if s.d.postgres {
			err = rows.Scan(&m.doc, &m.id, &m.score)
		} else {
			var doc int64
			err = rows.Scan(&doc, &m.id)
			m.doc = strconv.FormatInt(doc, 10)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close() // before the scores' queries: the read gate counts statements
	if scored && !s.d.postgres {
		return out, s.scoreWindow(ctx, r, search, out)
	}
	return out, nil
}

// scoredTerms are the words of the terms that count towards a score: all
// but the excluded ones.
func scoredTerms(search dam.Search) []dam.SearchTerm {
	var out []dam.SearchTerm
	for _, t := range search.Terms {
		if !t.Exclude {
			out = append(out, dam.SearchTerm{Words: t.Tokens(), Prefix: t.Prefix})
		}
	}
	return out
}

// docScore is the SQLite relevance of a document (its columns' words,
// space-separated, as the index holds them) for terms: each term found in
// a column adds the column's weight (ftsWeights). A term is found as FTS5
// finds a phrase: its words one after the other, the last one perhaps a
// prefix.
func docScore(terms []dam.SearchTerm, text [dam.SearchColumns]string) int64 {
	var score int64
	for i, col := range text {
		for _, t := range terms {
			if hasPhrase(col, t.Words, t.Prefix) {
				score += int64(ftsWeights[i])
			}
		}
	}
	return score
}

// hasPhrase reports whether phrase occurs in words (separated by single
// spaces), in order and next to each other; with prefix, its last word
// may begin a longer word. It allocates nothing: it runs for every match
// of a window.
func hasPhrase(words string, phrase []string, prefix bool) bool {
	if len(phrase) == 0 || !strings.Contains(words, phrase[0]) {
		return false
	}
	for rest := words; ; {
		if phraseAt(rest, phrase, prefix) {
			return true
		}
		i := strings.IndexByte(rest, ' ')
		if i < 0 {
			return false
		}
		rest = rest[i+1:]
	}
}

// phraseAt reports whether words begins with phrase.
func phraseAt(words string, phrase []string, prefix bool) bool {
	last := len(phrase) - 1
	for j, p := range phrase {
		w, rest, found := strings.Cut(words, " ")
		if w != p && !(prefix && j == last && strings.HasPrefix(w, p)) {
			return false
		}
		if !found && j < last {
			return false
		}
		words = rest
	}
	return true
}

// assetsByID reads the assets ids, in that order (a missing one is left
// out).
func (s *Store) assetsByID(ctx context.Context, r querier, ids []string) ([]dam.Asset, error) {
	args := paddedIDs(ids)
	rows, err := r.query(ctx, assetSelect+" WHERE a.id IN ("+placeholders(len(args))+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[string]dam.Asset, len(ids))
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, err
		}
		byID[a.ID] = a
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	as := make([]dam.Asset, 0, len(ids))
	for _, id := range ids {
		if a, ok := byID[id]; ok {
			as = append(as, a)
		}
	}
	return as, nil
}
