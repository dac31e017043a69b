package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"math/bits"
	"strconv"
	"strings"

	"github.com/damkit/damkit/dam"
)

// Scoring a SQLite relevance window. A window's score counts, for each
// term, the columns the term is found in (search.go). Two ways give the
// same scores:
//
//   - content: read the window's documents (the FTS5 content table, one
//     random read each: 7-15 µs a document at 1,000,000 assets warm, far
//     more cold) and look for each term's phrase in each column (docScore).
//   - columns: ask the index which documents of the window's range of
//     document numbers hold each term in each column (an FTS5 column
//     filter, "{main} : term", for every term and column, one statement),
//     which reads the terms' lists of documents alone, in order: about
//     0.25 µs a document of the range holding the term, per column, more
//     for a prefix spelled out as several words (their lists merged).
//
// Columns wins when the terms are about as rare in the window's range as
// the window's own matches (one word: a common word's window spans little
// more than the window; a rare word's holds every match), content when a
// term of the query is far more common than the query's matches there (a
// common word beside a rarer one, or selective filters that make the
// window span most of the library). scoreWindow estimates both costs from
// the word table (search_terms) and the range, and for a word the table
// does not keep (of up to three characters) counts its documents in the
// range (at most a fifth of the columns' cost).

// Scorings of a window (Store.scoring forces one: tests).
const (
	scoreColumns = "columns"
	scoreContent = "content"
)

// maxColumnBits is how many (term, column) pairs scoreByColumns tells
// apart: the bits of a word.
const maxColumnBits = 64

// Costs in microseconds: reading one document of a term's list for one
// column filter (plus scoreWordCost per word a spelled-out prefix ORs),
// and reading and scoring one document of the window.
const (
	scoreListCost    = 0.25
	scoreWordCost    = 0.07
	scoreContentCost = 8
)

// scoreWindow sets the score of each match of a SQLite window (newest
// first, as matches reads it) for search.
func (s *Store) scoreWindow(ctx context.Context, r querier, search textSearch, window []match) error {
	if len(window) == 0 {
		return nil
	}
	docs := make(map[int64]int, len(window)) // document → index in window
	for i, m := range window {
		n, err := strconv.ParseInt(m.doc, 10, 64)
		if err != nil {
			return err
		}
		docs[n] = i
	}
	hi, _ := strconv.ParseInt(window[0].doc, 10, 64)
	lo, _ := strconv.ParseInt(window[len(window)-1].doc, 10, 64)
	how, err := s.windowScoring(ctx, r, search, lo, hi, len(window))
	if err != nil {
		return err
	}
	if how == scoreColumns {
		return s.scoreByColumns(ctx, r, search, lo, hi, window, docs)
	}
	return s.scoreByContent(ctx, r, search, window, docs)
}

// windowScoring chooses how to score a window of members documents
// between lo and hi (see above).
func (s *Store) windowScoring(ctx context.Context, r querier, search textSearch, lo, hi int64, members int) (string, error) {
	if s.scoring != "" {
		return s.scoring, nil
	}
	if search.merges {
		return scoreContent, nil // every column filter would merge the prefix's lists again
	}
	if len(scoredTerms(search.Search))*dam.SearchColumns > maxColumnBits {
		return scoreContent, nil
	}
	var last sql.NullInt64
	if err := r.queryRow(ctx, "SELECT max(doc) FROM search_docs").Scan(&last); err != nil {
		return "", err
	}
	span := float64(hi - lo + 1)
	all := max(float64(last.Int64), span)
	content := float64(members) * scoreContentCost
	columns := 0.0
	for i, t := range search.Terms {
		if t.Exclude {
			continue
		}
		words := 1
		if i < len(search.words) && len(search.words[i]) > 0 {
			words = len(search.words[i])
		}
		perDoc := float64(dam.SearchColumns) * (scoreListCost + scoreWordCost*float64(words-1))
		bound, known, err := s.termBound(ctx, r, search, i)
		if err != nil {
			return "", err
		}
		inRange := min(span, float64(bound)*span/all) // as if the term's documents were spread evenly
		if !known {
			// A short word the table does not keep: count its documents
			// in the range, up to where the columns would lose (a fifth
			// of their cost at most).
			limit := int64((content-columns)/perDoc) + 1
			var n int64
			if err := r.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM asset_fts
				WHERE asset_fts MATCH ? AND rowid >= ? AND rowid <= ? LIMIT ?)`,
				windowTerm(search, i), lo, hi, limit).Scan(&n); err != nil {
				return "", err
			}
			inRange = float64(n)
		}
		columns += perDoc * inRange
		if columns > content {
			return scoreContent, nil
		}
	}
	return scoreColumns, nil
}

// windowTerm is term i of search in FTS5's query language, its prefix
// spelled out as ftsQueryWords does.
func windowTerm(search textSearch, i int) string {
	t := search.Terms[i]
	if i < len(search.words) && len(search.words[i]) > 0 {
		return ftsWords(t, search.words[i])
	}
	return ftsTerm(t)
}

// scoreByColumns scores the window from the index: for every scored term
// and column, the documents between lo and hi holding the term in that
// column, read in one statement; each (term, column) a document holds adds
// the column's weight to its match's score once. A prefix spelled out as
// several words asks for each word apart (FTS5 merging their lists costs
// three times reading them one after the other).
func (s *Store) scoreByColumns(ctx context.Context, r querier, search textSearch, lo, hi int64,
	window []match, docs map[int64]int) error {
	var parts []string
	var args []any
	k := 0 // the scored term's number
	for i, t := range search.Terms {
		if t.Exclude {
			continue
		}
		phrases := []string{ftsTerm(t)}
		if i < len(search.words) && len(search.words[i]) > 0 {
			phrases = phrases[:0]
			for _, w := range search.words[i] {
				phrases = append(phrases, ftsWords(t, []string{w}))
			}
		}
		for c, col := range ftsColumns {
			for _, p := range phrases {
				parts = append(parts, "SELECT rowid, "+strconv.Itoa(k*dam.SearchColumns+c)+
					" FROM asset_fts WHERE asset_fts MATCH ? AND rowid >= ? AND rowid <= ?")
				args = append(args, "{"+col+"} : "+p, lo, hi)
			}
		}
		k++
	}
	if k == 0 {
		return nil
	}
	rows, err := r.query(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	found := make([]uint64, len(window)) // bit k*SearchColumns+c: term k is in column c
	for rows.Next() {
		var doc, bit int64
		if err := rows.Scan(&doc, &bit); err != nil {
			return err
		}
		if i, ok := docs[doc]; ok {
			found[i] |= 1 << bit
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i, f := range found {
		for ; f != 0; f &= f - 1 {
			window[i].score += int64(ftsWeights[bits.TrailingZeros64(f)%dam.SearchColumns])
		}
	}
	return nil
}

// scoreByContent scores the window from its documents (docScore).
func (s *Store) scoreByContent(ctx context.Context, r querier, search textSearch, window []match, docs map[int64]int) error {
	list := make([]int64, 0, len(docs))
	for doc := range docs {
		list = append(list, doc)
	}
	b, err := json.Marshal(list)
	if err != nil {
		return err
	}
	rows, err := r.query(ctx, "SELECT rowid, "+strings.Join(ftsColumns[:], ", ")+
		" FROM asset_fts WHERE rowid IN (SELECT value FROM json_each(?))", string(b))
	if err != nil {
		return err
	}
	defer rows.Close()
	terms := scoredTerms(search.Search)
	for rows.Next() {
		var doc int64
		var text [dam.SearchColumns]string
		if err := rows.Scan(&doc, &text[0], &text[1], &text[2], &text[3], &text[4]); err != nil {
			return err
		}
		if i, ok := docs[doc]; ok {
			window[i].score = docScore(terms, text)
		}
	}
	return rows.Err()
}
