package sqlstore

import (
	"context"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/damkit/damkit/dam"
)

// The vocabulary of the SQLite search index (migration 40): every word of
// more than prefixIndexMax characters in the documents, but for the
// fields' tagged words (fieldShaped), with the number of documents holding
// it, kept in search_terms by the transactions that write the documents.
//
// FTS5 answers a prefix query ("list" finds "listing") from its prefix
// indexes when the prefix has 2 or 3 characters; a longer one makes it
// read and merge the document lists of every word the prefix begins, in
// full, on every query, whatever its LIMIT (150 ms for "with* list*" in a
// library of 1,000,000, against 4 ms for the same words spelled out as an
// OR, which FTS5 reads lazily, newest first). So a search spells such a
// prefix out as an OR of its words, read from search_terms, when it
// begins at most maxPrefixWords of them; past that, and for a prefix that
// may begin a field's tagged word (field:value terms, and the rare words
// shaped like those), it is left to FTS5 (the
// same matches, at the merge's cost: textSearch.merges says so, and the
// facets then sample in one pass, facetsample.go). Both give the same
// matches: search_terms holds every word FTS5 holds of that length, the
// count of a word falling to zero (its last document rewritten or gone)
// deletes it. fts5vocab cannot serve here: it counts the documents of
// every word it lists (92 ms for "with*").

// prefixIndexMax is the longest prefix (in characters) the prefix indexes
// of migration 18 serve; longer ones are spelled out.
const prefixIndexMax = 3

// maxPrefixWords is how many words a prefix is spelled out into at most;
// a prefix beginning more words is left to FTS5.
const maxPrefixWords = 64

// textSearch is a parsed search with, on SQLite, its FTS5 query: long
// prefixes spelled out as the words they begin.
type textSearch struct {
	dam.Search
	fts    string     // the FTS5 query (SQLite)
	merges bool       // a long prefix is left to FTS5, which merges its words' lists
	words  [][]string // the words each term's prefix is spelled out as (SQLite; nil when it is not)
}

// spelled returns search with its FTS5 query (SQLite; PostgreSQL answers
// its prefixes from the GIN index: nothing to do). The words are read from
// r, outside the transaction of the query that uses them, like each of a
// listing's queries.
func (s *Store) spelled(ctx context.Context, r querier, search dam.Search) (textSearch, error) {
	ts := textSearch{Search: search}
	if s.d.postgres || search.Empty() {
		return ts, nil
	}
	words := make([][]string, len(search.Terms))
	for i, t := range search.Terms {
		tokens := t.Tokens()
		p := tokens[len(tokens)-1]
		if !t.Prefix || utf8.RuneCountInString(p) <= prefixIndexMax || mayBeginFieldWord(p) {
			continue
		}
		ws, err := queryStrings(ctx, r, "SELECT term FROM search_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?",
			p, prefixEnd(p), maxPrefixWords+1)
		if err != nil {
			return ts, err
		}
		switch {
		case len(ws) > maxPrefixWords:
			ts.merges = true
		case len(ws) > 0:
			words[i] = ws
		}
		// No word: FTS5's prefix query merges nothing, and matches nothing.
	}
	ts.fts, ts.words = ftsQueryWords(search, words), words
	return ts, nil
}

// prefixEnd is the least string above every string beginning with p (in
// SQLite's byte order): p with its last byte one higher. Words are valid
// UTF-8, whose bytes are never 0xff.
func prefixEnd(p string) string {
	b := []byte(p)
	b[len(b)-1]++
	return string(b)
}

// vocabulary returns the distinct words of d kept in search_terms.
func vocabulary(d dam.SearchDoc) map[string]struct{} {
	out := map[string]struct{}{}
	for _, col := range d {
		for _, w := range col {
			if utf8.RuneCountInString(w) > prefixIndexMax && !fieldShaped(w) {
				out[w] = struct{}{}
			}
		}
	}
	return out
}

// fieldTokenLen is the length of the tag that begins a field's word in the
// index (dam.SearchFieldToken): "f", ten hexadecimal digits, "g".
const fieldTokenLen = 12

// fieldShaped reports whether w has the shape of a field's word
// (dam.SearchFieldToken), which search_terms leaves out: they are as many
// as the other words again, and counting them would double the cost of
// indexing. A prefix that may begin such a word is never spelled out
// (mayBeginFieldWord), so the words of that shape in other columns are
// left out too.
func fieldShaped(w string) bool {
	return len(w) >= fieldTokenLen && mayBeginFieldWord(w[:fieldTokenLen])
}

// mayBeginFieldWord reports whether p may begin a field's word: "f", then
// up to ten hexadecimal digits, then "g" and anything.
func mayBeginFieldWord(p string) bool {
	if p == "" || p[0] != 'f' {
		return false
	}
	for i := 1; i < len(p); i++ {
		switch c := p[i]; {
		case i == fieldTokenLen-1:
			return c == 'g'
		case (c < '0' || c > '9') && (c < 'a' || c > 'f'):
			return false
		}
	}
	return true
}

// docVocabulary returns the distinct words kept in search_terms of the
// indexed document doc, as FTS5 holds it (the columns' words joined by
// spaces, writeDoc).
func docVocabulary(ctx context.Context, q querier, doc int64) (map[string]struct{}, error) {
	var cols [dam.SearchColumns]string
	dst := make([]any, len(cols))
	for i := range cols {
		dst[i] = &cols[i]
	}
	err := q.queryRow(ctx, "SELECT "+strings.Join(ftsColumns[:], ", ")+" FROM asset_fts WHERE rowid = ?", doc).Scan(dst...)
	if err != nil {
		return nil, err
	}
	var d dam.SearchDoc
	for i, c := range cols {
		d[i] = strings.Fields(c)
	}
	return vocabulary(d), nil
}

// termLogFold is how many rows of search_term_log (pending changes of the
// counts, migration 47) the writing transaction folds into search_terms
// at once. More rows write fewer pages per document (a common word's page
// once per fold, not once per document) and make the transaction that
// folds them longer (a few milliseconds at 128) and the planner's bound
// looser by as many documents.
const termLogFold = 128

// countTerms records the change of search_terms' counts from a document
// with the words old to one with the words new (either nil: no document),
// in the transaction q: the words added are inserted with a count of 0
// when search_terms lacks them (it must hold every word of the index, for
// spelled), and one row of search_term_log says which words the document
// adds to the counts and which it takes from them. The counts move when
// the log is folded (foldTerms), every termLogFold rows. The statements
// are OR IGNORE or cannot fail halfway: a statement that could makes
// SQLite copy every page it changes to a statement journal first (a file
// past 64 KiB), which cost more than the rest of the indexing.
func countTerms(ctx context.Context, q querier, old, new map[string]struct{}) error {
	var added, gone []string
	for w := range new {
		if _, ok := old[w]; !ok {
			added = append(added, w)
		}
	}
	for w := range old {
		if _, ok := new[w]; !ok {
			gone = append(gone, w)
		}
	}
	if len(added) == 0 && len(gone) == 0 {
		return nil
	}
	a, err := json.Marshal(added)
	if err != nil {
		return err
	}
	g, err := json.Marshal(gone)
	if err != nil {
		return err
	}
	if len(added) > 0 {
		if _, err := q.exec(ctx, "INSERT OR IGNORE INTO search_terms (term, docs) SELECT value, 0 FROM json_each(?)",
			string(a)); err != nil {
			return err
		}
	}
	// No RETURNING: a statement that returns rows opens a savepoint, at
	// which FTS5 flushes the document just written into a segment of its
	// own (the commit would flush it with the transaction's others).
	res, err := q.exec(ctx, "INSERT INTO search_term_log (added, gone) VALUES (?, ?)", string(a), string(g))
	if err != nil {
		return err
	}
	n, err := res.LastInsertId()
	if err != nil {
		return err
	}
	if n < termLogFold {
		return nil
	}
	return foldTerms(ctx, q)
}

// foldTerms applies the pending changes of search_term_log to the counts
// of search_terms, deletes the words no document holds any more and
// empties the log, in the transaction q.
func foldTerms(ctx context.Context, q querier) error {
	const changes = `SELECT j.value AS term, 1 AS delta FROM search_term_log l, json_each(l.added) j
		UNION ALL SELECT j.value, -1 FROM search_term_log l, json_each(l.gone) j`
	if _, err := q.exec(ctx, `UPDATE OR IGNORE search_terms SET docs = docs + d.delta
		FROM (SELECT term, sum(delta) AS delta FROM (`+changes+`) GROUP BY term) AS d
		WHERE search_terms.term = d.term AND d.delta <> 0`); err != nil {
		return err
	}
	if _, err := q.exec(ctx, `DELETE FROM search_terms WHERE docs <= 0 AND term IN (SELECT term FROM (`+changes+`))`); err != nil {
		return err
	}
	_, err := q.exec(ctx, "DELETE FROM search_term_log")
	return err
}
