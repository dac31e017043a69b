package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/damkit/damkit/dam"
)

// Full-text search. Package dam cuts documents and queries into folded
// words (dam.NewSearchDoc, dam.ParseSearch); here they are kept in each
// engine's index and a parsed query is translated into the engine's query
// language, passed as a bound parameter (never spliced into SQL). Words are
// letters and digits only, so they need no quoting inside either language.
//
// SQLite: the FTS5 table asset_fts (one column per dam search column),
// its rows numbered by search_docs. PostgreSQL: the tsvector column
// assets.search, written as a tsvector literal with the positions and
// weights computed here, and its GIN index.
//
// Relevance is a score of the asset and the query alone (never of other
// assets, as bm25's term statistics would be), so a relevance cursor stays
// valid while other assets are written: on SQLite the number of matched
// terms in each column, weighted 8 (name, title), 4 (keywords, custom
// fields), 2 (description, folder, categories), 1 (notes), 2 (fields:
// field:value terms), computed from the window of matches the index
// returns (relevance.go); on PostgreSQL ts_rank with the same order of
// weights.

// ftsColumns are the columns of asset_fts, in dam's search column order.
var ftsColumns = [dam.SearchColumns]string{"main", "tags", "body", "notes", "fields"}

// ftsWeights weigh a matched word in each column (SQLite relevance).
var ftsWeights = [dam.SearchColumns]int{8, 4, 2, 1, 2}

// tsWeights are the PostgreSQL weight letters of the columns.
var tsWeights = [dam.SearchColumns]byte{'A', 'B', 'C', 'D', 'D'}

// maxLexemePositions is PostgreSQL's limit of positions kept per word.
const maxLexemePositions = 256

// indexer writes search documents in one transaction, remembering the
// folders and categories it has read.
type indexer struct {
	s       *Store
	q       querier
	folders map[string]treeNode
	cats    map[string]treeNode
}

type treeNode struct{ name, parent string }

func (s *Store) indexer(q querier) *indexer {
	return &indexer{s: s, q: q, folders: map[string]treeNode{}, cats: map[string]treeNode{}}
}

// index rewrites the search documents of the assets ids (trashed ones
// too: the trash is searched as well) in the transaction q.
func (s *Store) index(ctx context.Context, q querier, ids ...string) error {
	if s.skipIndex {
		return nil
	}
	ix := s.indexer(q)
	if len(ids) == 1 {
		return ix.index(ctx, ids[0])
	}
	for len(ids) > 0 {
		n := min(len(ids), indexBatch)
		if err := ix.indexBatch(ctx, ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// indexBatch is how many assets index reads in one query when it writes
// the documents of many (a folder's subtree after a rename, a migration).
const indexBatch = 256

// indexBatch writes the documents of the assets ids, reading the assets
// and their notes two queries for all of them rather than two each.
func (ix *indexer) indexBatch(ctx context.Context, ids []string) error {
	in := placeholders(len(ids))
	rows, err := ix.q.query(ctx, assetSelect+" WHERE a.id IN ("+in+")", anys(ids)...)
	if err != nil {
		return err
	}
	assets := make(map[string]dam.Asset, len(ids))
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			rows.Close()
			return err
		}
		assets[a.ID] = a
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return err
	}
	rows, err = ix.q.query(ctx, "SELECT asset_id, text FROM notes WHERE asset_id IN ("+in+") ORDER BY asset_id, id", anys(ids)...)
	if err != nil {
		return err
	}
	notes := map[string][]string{}
	for rows.Next() {
		var id, text string
		if err := rows.Scan(&id, &text); err != nil {
			rows.Close()
			return err
		}
		notes[id] = append(notes[id], text)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return err
	}
	if !ix.s.d.postgres {
		for _, id := range ids {
			if a, ok := assets[id]; ok { // gone: nothing to find
				if err := ix.indexAsset(ctx, a, notes[id]); err != nil {
					return err
				}
			}
		}
		return nil
	}
	// PostgreSQL: one UPDATE for the batch (a round trip per asset made a
	// migration of 1,000,000 assets take hours).
	docs := make([]string, 0, 2*len(assets))
	for _, id := range ids {
		if a, ok := assets[id]; ok { // gone: nothing to find
			d, err := ix.doc(ctx, a, notes[id])
			if err != nil {
				return err
			}
			docs = append(docs, id, tsVector(d))
		}
	}
	return writeTSVectors(ctx, ix.q, docs)
}

// writeTSVectors sets the search column of many assets in one statement
// (PostgreSQL); docs holds pairs of asset ID and tsvector literal.
func writeTSVectors(ctx context.Context, q querier, docs []string) error {
	if len(docs) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("UPDATE assets SET search = CAST(v.doc AS tsvector) FROM (VALUES ")
	for i := 0; i < len(docs); i += 2 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(CAST(? AS text), CAST(? AS text))")
	}
	b.WriteString(") AS v (id, doc) WHERE assets.id = v.id")
	_, err := q.exec(ctx, b.String(), anys(docs)...)
	return err
}

// reindexAll writes the document of every asset (migration 18).
func (s *Store) reindexAll(ctx context.Context, q querier) error {
	ids, err := queryStrings(ctx, q, "SELECT id FROM assets ORDER BY id")
	if err != nil {
		return err
	}
	return s.index(ctx, q, ids...)
}

func (ix *indexer) index(ctx context.Context, id string) error {
	a, err := scanAsset(ix.q.queryRow(ctx, assetSelect+" WHERE a.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil // gone: nothing to find
	}
	if err != nil {
		return err
	}
	notes, err := queryStrings(ctx, ix.q, "SELECT text FROM notes WHERE asset_id = ? ORDER BY id", id)
	if err != nil {
		return err
	}
	return ix.indexAsset(ctx, a, notes)
}

// indexAsset writes the document of a, with its notes.
func (ix *indexer) indexAsset(ctx context.Context, a dam.Asset, notes []string) error {
	d, err := ix.doc(ctx, a, notes)
	if err != nil {
		return err
	}
	return ix.s.writeDoc(ctx, ix.q, a.ID, d)
}

// doc builds the document of a, with its notes, its folder's path and its
// categories' paths.
func (ix *indexer) doc(ctx context.Context, a dam.Asset, notes []string) (dam.SearchDoc, error) {
	src := dam.SearchSource{Asset: a, Notes: notes}
	var err error
	if src.FolderPath, err = ix.path(ctx, ix.folders, "folders", a.FolderID); err != nil {
		return dam.SearchDoc{}, err
	}
	for _, c := range a.Categories {
		p, err := ix.path(ctx, ix.cats, "categories", c)
		if err != nil {
			return dam.SearchDoc{}, err
		}
		src.Categories = append(src.Categories, p)
	}
	return dam.NewSearchDoc(src), nil
}

// path returns the names from the root down to node id of a tree table
// (folders or categories); a missing node ends the walk. The walk is
// bounded: a tree deeper than maxCategoryWalk is cut there.
func (ix *indexer) path(ctx context.Context, cache map[string]treeNode, table, id string) ([]string, error) {
	var names []string
	for n := 0; id != "" && n < maxCategoryWalk; n++ {
		node, ok := cache[id]
		if !ok {
			err := ix.q.queryRow(ctx, "SELECT name, parent_id FROM "+table+" WHERE id = ?", id).Scan(&node.name, &node.parent)
			if errors.Is(err, sql.ErrNoRows) {
				break
			}
			if err != nil {
				return nil, err
			}
			cache[id] = node
		}
		names = append(names, node.name)
		id = node.parent
	}
	slices.Reverse(names)
	return names, nil
}

// newDoc builds the document of a, inserted (or about to be) with its
// categories and no notes, from a itself: reading it back costs as much
// again.
func (s *Store) newDoc(ctx context.Context, q querier, a dam.Asset) (dam.SearchDoc, error) {
	if a.Categories != nil { // as stored, and as read back
		a.Categories = slices.Compact(slices.Sorted(slices.Values(a.Categories)))
	}
	return s.indexer(q).doc(ctx, a, nil)
}

// indexNew writes the document of a, just inserted (SQLite: PostgreSQL's
// went in with the row, CreateAsset).
func (s *Store) indexNew(ctx context.Context, q querier, a dam.Asset) error {
	if s.skipIndex || s.d.postgres {
		return nil
	}
	d, err := s.newDoc(ctx, q, a)
	if err != nil {
		return err
	}
	// A new asset has no document yet: number one without looking first
	// (a row left by an asset of the same ID takes the general way).
	res, err := q.exec(ctx, "INSERT INTO search_docs (asset_id) VALUES (?)", a.ID)
	if s.d.isUnique(err) {
		return s.writeDoc(ctx, q, a.ID, d)
	}
	if err != nil {
		return err
	}
	doc, err := res.LastInsertId()
	if err != nil {
		return err
	}
	return s.insertDoc(ctx, q, doc, d, nil)
}

// writeDoc replaces the indexed document of an asset.
func (s *Store) writeDoc(ctx context.Context, q querier, id string, d dam.SearchDoc) error {
	if s.d.postgres {
		_, err := q.exec(ctx, "UPDATE assets SET search = CAST(? AS tsvector) WHERE id = ?", tsVector(d), id)
		return err
	}
	var doc int64
	var old map[string]struct{} // the replaced document's words (search_terms)
	err := q.queryRow(ctx, "SELECT doc FROM search_docs WHERE asset_id = ?", id).Scan(&doc)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if err := q.queryRow(ctx, "INSERT INTO search_docs (asset_id) VALUES (?) RETURNING doc", id).Scan(&doc); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		old, err = docVocabulary(ctx, q, doc)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := q.exec(ctx, "DELETE FROM asset_fts WHERE rowid = ?", doc); err != nil {
			return err
		}
	}
	return s.insertDoc(ctx, q, doc, d, old)
}

// insertDoc indexes d as document doc (SQLite), which replaces one with
// the words old (nil: none).
func (s *Store) insertDoc(ctx context.Context, q querier, doc int64, d dam.SearchDoc, old map[string]struct{}) error {
	args := []any{doc}
	for _, col := range d {
		args = append(args, strings.Join(col, " "))
	}
	if _, err := q.exec(ctx, "INSERT INTO asset_fts (rowid, "+strings.Join(ftsColumns[:], ", ")+") VALUES ("+
		placeholders(len(args))+")", args...); err != nil {
		return err
	}
	return countTerms(ctx, q, old, vocabulary(d))
}

// unindex drops an asset's document before its row is deleted.
func (s *Store) unindex(ctx context.Context, q querier, id string) error {
	if s.d.postgres {
		return nil // the document is a column of the row
	}
	var doc int64
	err := q.queryRow(ctx, "SELECT doc FROM search_docs WHERE asset_id = ?", id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // never indexed
	}
	if err != nil {
		return err
	}
	old, err := docVocabulary(ctx, q, doc)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if _, err := q.exec(ctx, "DELETE FROM asset_fts WHERE rowid = ?", doc); err != nil {
		return err
	}
	if _, err := q.exec(ctx, "DELETE FROM search_docs WHERE doc = ?", doc); err != nil {
		return err
	}
	return countTerms(ctx, q, old, nil)
}

// reindexFolder rewrites the documents of the assets in a folder's
// subtree, after its name or place changed.
func (s *Store) reindexFolder(ctx context.Context, q querier, id string) error {
	ids, err := assetsInFolderTree(ctx, q, id)
	if err != nil {
		return err
	}
	return s.index(ctx, q, ids...)
}

// assetsInFolderTree lists the assets (trashed too) in a folder and its
// subfolders: their documents hold the folder path.
func assetsInFolderTree(ctx context.Context, q querier, id string) ([]string, error) {
	return queryStrings(ctx, q, `WITH RECURSIVE down(id) AS (
			SELECT CAST(? AS TEXT)
			UNION
			SELECT f.id FROM folders f JOIN down ON f.parent_id = down.id)
		SELECT a.id FROM assets a JOIN down ON a.folder_id = down.id ORDER BY a.id`, id)
}

// assetsInCategoryTree lists the assets (trashed too) in a category and
// its subcategories: their documents hold the category path.
func assetsInCategoryTree(ctx context.Context, q querier, id string) ([]string, error) {
	return queryStrings(ctx, q, `WITH RECURSIVE down(id) AS (
			SELECT CAST(? AS TEXT)
			UNION
			SELECT c.id FROM categories c JOIN down ON c.parent_id = down.id)
		SELECT DISTINCT ac.asset_id FROM asset_categories ac JOIN down ON ac.category_id = down.id ORDER BY ac.asset_id`, id)
}

// tsVector writes d as a PostgreSQL tsvector literal: every word with its
// positions and its column's weight. Columns are apart by one unused
// position, so a phrase never spans two (as in FTS5).
func tsVector(d dam.SearchDoc) string {
	type lexeme struct{ pos []string }
	lex := map[string]*lexeme{}
	pos := 0
	for c, col := range d {
		pos++ // a gap between columns
		for _, w := range col {
			pos++
			l := lex[w]
			if l == nil {
				l = &lexeme{}
				lex[w] = l
			}
			if len(l.pos) < maxLexemePositions {
				l.pos = append(l.pos, strconv.Itoa(pos)+string(tsWeights[c]))
			}
		}
	}
	var b strings.Builder
	for _, w := range slices.Sorted(maps.Keys(lex)) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("'" + w + "':" + strings.Join(lex[w].pos, ","))
	}
	return b.String()
}

// tsQuery translates a parsed search into a PostgreSQL tsquery literal.
func tsQuery(s dam.Search) string {
	var must, not []string
	for _, t := range s.Terms {
		toks := t.Tokens()
		parts := make([]string, len(toks))
		for i, w := range toks {
			parts[i] = "'" + w + "'"
		}
		if t.Prefix {
			parts[len(parts)-1] += ":*"
		}
		e := strings.Join(parts, " <-> ")
		if len(parts) > 1 {
			e = "(" + e + ")"
		}
		if t.Exclude {
			not = append(not, "!"+e)
		} else {
			must = append(must, e)
		}
	}
	return strings.Join(append(must, not...), " & ")
}

// ftsQuery translates a parsed search into an FTS5 query.
func ftsQuery(s dam.Search) string { return ftsQueryWords(s, nil) }

// ftsQueryWords translates a parsed search into an FTS5 query, the prefix
// of term i spelled out as the words words[i] when there are some.
func ftsQueryWords(s dam.Search, words [][]string) string {
	var must, not []string
	for i, t := range s.Terms {
		e := ftsTerm(t)
		if i < len(words) && len(words[i]) > 0 {
			e = ftsWords(t, words[i])
		}
		if t.Exclude {
			not = append(not, e)
		} else {
			must = append(must, e)
		}
	}
	q := "(" + strings.Join(must, " AND ") + ")"
	for _, e := range not {
		q = "(" + q + " NOT " + e + ")"
	}
	return q
}

// ftsTerm is one term in FTS5's query language: a quoted phrase of its
// words, the last one a prefix when the term is.
func ftsTerm(t dam.SearchTerm) string {
	e := `"` + strings.Join(t.Tokens(), " ") + `"`
	if t.Prefix {
		e += "*"
	}
	return e
}

// ftsWords is a prefix term in FTS5's query language spelled out as the
// words its prefix begins: an OR of the phrases ending with each.
func ftsWords(t dam.SearchTerm, words []string) string {
	tokens := t.Tokens()
	lead := strings.Join(tokens[:len(tokens)-1], " ")
	if lead != "" {
		lead += " "
	}
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = `"` + lead + strings.ReplaceAll(w, `"`, `""`) + `"`
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// searchFilter is the condition, with its arguments, that keeps the assets
// (of the listing's assets a) matching search.
func (s *Store) searchFilter(search textSearch) (string, []any) {
	if s.d.postgres {
		return "a.search @@ CAST(? AS tsquery)", []any{tsQuery(search.Search)}
	}
	return "a.id IN (SELECT d.asset_id FROM asset_fts f JOIN search_docs d ON d.doc = f.rowid WHERE f.asset_fts MATCH ?)",
		[]any{search.fts}
}

// filterWhere adds the conditions of q's filters (media type, creation
// and change ranges, size range, pixel size and orientation, uploader,
// collection) to a listing's.
func filterWhere(q dam.AssetQuery, where []string, args []any) ([]string, []any) {
	if q.MediaType != "" {
		if major, ok := strings.CutSuffix(q.MediaType, "/*"); ok {
			where = append(where, `EXISTS (SELECT 1 FROM versions mv WHERE mv.asset_id = a.id AND mv.number = a.current_version
				AND mv.media_type LIKE ? ESCAPE '\')`)
			args = append(args, escapeLike(major)+"/%")
		} else {
			where = append(where, `EXISTS (SELECT 1 FROM versions mv WHERE mv.asset_id = a.id AND mv.number = a.current_version
				AND mv.media_type = ?)`)
			args = append(args, q.MediaType)
		}
	}
	if !q.CreatedFrom.IsZero() {
		where = append(where, "a.created_at >= ?")
		args = append(args, encodeTime(q.CreatedFrom))
	}
	if !q.CreatedTo.IsZero() {
		where = append(where, "a.created_at < ?")
		args = append(args, encodeTime(q.CreatedTo))
	}
	if q.MinSize > 0 {
		where = append(where, "a.current_size >= ?")
		args = append(args, q.MinSize)
	}
	if q.MaxSize > 0 {
		where = append(where, "a.current_size <= ?")
		args = append(args, q.MaxSize)
	}
	if !q.CapturedFrom.IsZero() {
		where = append(where, "a.captured_at >= ?")
		args = append(args, encodeTime(q.CapturedFrom))
	}
	if !q.CapturedTo.IsZero() {
		where = append(where, "a.captured_at < ?")
		args = append(args, encodeTime(q.CapturedTo))
	}
	if !q.UpdatedFrom.IsZero() {
		where = append(where, "a.updated_at >= ?")
		args = append(args, encodeTime(q.UpdatedFrom))
	}
	if !q.UpdatedTo.IsZero() {
		where = append(where, "a.updated_at < ?")
		args = append(args, encodeTime(q.UpdatedTo))
	}
	if q.MinWidth > 0 || q.MinHeight > 0 || q.Orientation != "" {
		cond := "pv.width >= ? AND pv.height >= ?"
		switch q.Orientation {
		case dam.OrientationLandscape:
			cond += " AND pv.width > pv.height"
		case dam.OrientationPortrait:
			cond += " AND pv.width < pv.height"
		case dam.OrientationSquare:
			cond += " AND pv.width = pv.height"
		}
		where = append(where, "EXISTS (SELECT 1 FROM versions pv WHERE pv.asset_id = a.id AND pv.number = a.current_version AND "+cond+")")
		args = append(args, max(q.MinWidth, 1), max(q.MinHeight, 1))
	}
	if q.CreatedBy != "" {
		where = append(where, "a.created_by = ?")
		args = append(args, q.CreatedBy)
	}
	if q.CollectionID != "" {
		where = append(where, "EXISTS (SELECT 1 FROM collection_items ci WHERE ci.collection_id = ? AND ci.asset_id = a.id)")
		args = append(args, q.CollectionID)
	}
	return availabilityWhere(q, where, args)
}

// availabilityWhere adds the availability (judged at q.Now) and expiry
// range conditions.
func availabilityWhere(q dam.AssetQuery, where []string, args []any) ([]string, []any) {
	const usable = "(a.availability <> 'unavailable' AND (a.expires_at IS NULL OR a.expires_at > ?))"
	switch q.Availability {
	case dam.Available:
		where = append(where, usable)
		args = append(args, encodeTime(q.Now))
	case dam.Unavailable:
		where = append(where, "NOT "+usable)
		args = append(args, encodeTime(q.Now))
	}
	if !q.ExpiresFrom.IsZero() {
		where = append(where, "a.expires_at >= ?")
		args = append(args, encodeTime(q.ExpiresFrom))
	}
	if !q.ExpiresTo.IsZero() {
		where = append(where, "a.expires_at < ?")
		args = append(args, encodeTime(q.ExpiresTo))
	}
	return where, args
}
