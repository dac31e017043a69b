package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

// assetColumns are the columns of an asset joined to its current version.
var assetColumns = `a.id, a.name, a.folder_id, a.domain, a.kind, a.title, a.description,
	a.keywords, a.fields, a.availability, a.expires_at, a.protection, a.licence,
	a.created_by, a.created_at, a.updated_by, a.updated_at, a.deleted_at, a.deleted_by, ` + versionColsOf("v") +
	`, (SELECT string_agg(ac.category_id, ',') FROM asset_categories ac WHERE ac.asset_id = a.id)`

// assetsFrom reads the assets of source (a table or a subquery, named a)
// joined to their current version rows.
func assetsFrom(source string) string {
	return "SELECT " + assetColumns + " FROM " + source +
		" JOIN versions v ON v.asset_id = a.id AND v.number = a.current_version"
}

// assetSelect reads assets with their current version.
var assetSelect = assetsFrom("assets a")

// CreateAsset inserts a and its first version a.Current together. The
// version is numbered a.Current.Number, or 1 when that is zero.
func (s *Store) CreateAsset(ctx context.Context, a dam.Asset) error {
	const op = "sqlstore.CreateAsset"
	if a.ID == "" {
		return dam.E(op, dam.Invalid, "an asset needs an id")
	}
	v := a.Current
	v.AssetID = a.ID
	if v.Number <= 0 {
		v.Number = 1
	}
	return s.write(ctx, op, func(q querier) error {
		if err := s.checkFolder(ctx, q, a.FolderID); err != nil {
			return err
		}
		if err := q.lock(ctx, blobLock(v.SHA256)); err != nil {
			return err
		}
		args := []any{a.ID, a.Name, a.FolderID, a.Domain, string(a.Kind), a.Meta.Title, a.Meta.Description,
			encodeList(a.Meta.Keywords), encodeMap(a.Meta.Fields), string(a.Availability),
			encodeTimePtr(a.ExpiresAt), string(a.Protection), a.Licence, v.Number, v.Number, v.Size,
			a.CreatedBy, encodeTime(a.CreatedAt), a.UpdatedBy, encodeTime(a.UpdatedAt),
			encodeTimePtr(a.DeletedAt), a.DeletedBy, a.Name, captureKey(a, v)}
		// PostgreSQL: the document goes in with the row (an UPDATE after
		// would write the row again, with an entry in each of its indexes).
		search, searchArg := "", ""
		if s.d.postgres && !s.skipIndex {
			d, err := s.newDoc(ctx, q, a)
			if err != nil {
				return err
			}
			search, searchArg = ", search", ", CAST(? AS tsvector)"
			args = append(args, tsVector(d))
		}
		_, err := q.exec(ctx, `INSERT INTO assets (id, name, folder_id, domain, kind, title, description,
			keywords, fields, availability, expires_at, protection, licence, current_version, last_version, current_size,
			created_by, created_at, updated_by, updated_at, deleted_at, deleted_by, name_key, captured_at`+search+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, lower(?), ?`+searchArg+`)`, args...)
		if s.d.isUnique(err) {
			return dam.E("", dam.AlreadyExists, "asset %s already exists", a.ID)
		}
		if err != nil {
			return err
		}
		if err := insertVersion(ctx, q, v); err != nil {
			return err
		}
		m := newMemberships()
		if err := s.putCategories(ctx, q, m, a.ID, a.Categories); err != nil {
			return err
		}
		if err := m.flush(ctx, q); err != nil {
			return err
		}
		return s.indexNew(ctx, q, a)
	})
}

// captureKey is the stored captured_at of asset a with current version v.
func captureKey(a dam.Asset, v dam.Version) string {
	a.Current = v
	return encodeTime(a.CaptureTime())
}

// captureAll writes captured_at of every asset (migration 23).
func (s *Store) captureAll(ctx context.Context, q querier) error {
	rows, err := q.query(ctx, assetSelect)
	if err != nil {
		return err
	}
	keys := map[string]string{}
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			rows.Close()
			return err
		}
		keys[a.ID] = captureKey(a, a.Current)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return err
	}
	for id, key := range keys {
		if _, err := q.exec(ctx, "UPDATE assets SET captured_at = ? WHERE id = ?", key, id); err != nil {
			return err
		}
	}
	return nil
}

// checkFolder makes sure an asset's folder exists and stays until commit.
func (s *Store) checkFolder(ctx context.Context, q querier, folderID string) error {
	if folderID == "" {
		return nil
	}
	found, err := q.exists(ctx, "SELECT 1 FROM folders WHERE id = ?"+s.d.forShare(), folderID)
	if err == nil && !found {
		return notFound("folder", folderID)
	}
	return err
}

// blobLock names the lock that orders writes adding and dropping
// references to one blob.
func blobLock(sha256 string) string { return "damkit.blob." + sha256 }

// Asset returns the asset with its current version, trashed or not.
func (s *Store) Asset(ctx context.Context, id string) (dam.Asset, error) {
	const op = "sqlstore.Asset"
	a, err := scanAsset(s.read().queryRow(ctx, assetSelect+" WHERE a.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.Asset{}, s.fail(ctx, op, notFound("asset", id))
	}
	return a, s.fail(ctx, op, err)
}

// Assets lists the assets q selects in q.Sort order (ID order when
// empty), returning the cursor of the next page ("" at the end). No
// domains select nothing. Text matches every whitespace-separated word,
// case-insensitively, against name, title, description or keywords. A
// sorted page is a keyset page: the rows past the cursor's (key, id) in
// (key, id) order, which an index of the listing's folder or domain walks.
// Sorted by relevance, the newest Options.RankWindow matches are ranked
// and any older ones follow, newest first (relevance.go).
func (s *Store) Assets(ctx context.Context, q dam.AssetQuery) ([]dam.Asset, string, error) {
	const op = "sqlstore.Assets"
	p, err := s.listingPage(ctx, q)
	if err != nil || p.empty {
		return nil, "", s.fail(ctx, op, err)
	}
	if p.relevance {
		ids, next, err := s.relevancePage(ctx, p.r, p.search, p.conds, p.cursor, p.limit)
		if err != nil || len(ids) == 0 {
			return nil, "", s.fail(ctx, op, err)
		}
		as, err := s.assetsByID(ctx, p.r, ids)
		return as, next, s.fail(ctx, op, err)
	}
	page := "(SELECT * FROM assets a WHERE " + strings.Join(p.where, " AND ") + " ORDER BY " + p.pageBy + " LIMIT ?) a"
	rows, err := p.r.query(ctx, assetsFrom(page)+" ORDER BY "+p.order.by, p.args...)
	if err != nil {
		return nil, "", s.fail(ctx, op, err)
	}
	defer rows.Close()
	limit := p.limit
	as := make([]dam.Asset, 0, min(limit+1, 128))
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, "", s.fail(ctx, op, err)
		}
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.fail(ctx, op, err)
	}
	next := ""
	if len(as) > limit {
		as = as[:limit]
		next = dam.CursorAfter(dam.EffectiveSort(q), &as[limit-1]).String()
	}
	return as, next, nil
}

// listingQuery is what selects and orders the page of a listing: the
// querier to read it with, the conditions on the assets a with their
// arguments (past the cursor, then the limit + 1 last, when not by
// relevance), the order and the page size.
type listingQuery struct {
	empty     bool       // nothing to read: no domains, or an empty category
	relevance bool       // sorted by relevance: relevancePage reads it
	conds     matchConds // by relevance: where and args, and the same on facet_docs if they can be
	r         querier
	search    textSearch
	where     []string
	args      []any
	order     assetOrder
	pageBy    string // the ORDER BY of the page's rows: order.by, or its keys no index holds (pgSearchOrder)
	cursor    dam.AssetCursor
	limit     int
}

// listingPage checks q and makes the query of its page (see Assets).
func (s *Store) listingPage(ctx context.Context, q dam.AssetQuery) (listingQuery, error) {
	search, err := dam.ParseSearch(q.Text)
	if err != nil {
		return listingQuery{}, err
	}
	q.Sort = dam.EffectiveSort(q)
	relevance := q.Sort == dam.SortRelevance
	if relevance && search.Empty() {
		return listingQuery{}, dam.E("", dam.Invalid, "sort %s needs search text", dam.SortRelevance)
	}
	cursor, err := dam.ParseAssetCursor(q.Sort, q.Cursor)
	if err != nil {
		return listingQuery{}, err
	}
	if len(q.Domains) == 0 {
		return listingQuery{empty: true}, nil
	}
	ts, err := s.spelled(ctx, s.read(), search)
	if err != nil {
		return listingQuery{}, err
	}
	where, args := s.listingWhere(q)
	limit := pageLimit(q.Limit)
	if !search.Empty() && !relevance {
		cond, condArgs, err := s.searchCondition(ctx, s.read(), q, ts, limit, cursor)
		if err != nil {
			return listingQuery{}, err
		}
		where = append(where, cond)
		args = append(args, condArgs...)
	}
	order := sortOrder(q.Sort)
	// The page of asset rows is chosen first and joined to versions after:
	// joining first lets PostgreSQL merge-join from the start of versions.
	r := s.read()
	switch {
	case q.CategoryID != "" && (q.Sort == "" || q.Sort == "created") && !relevance:
		ids, err := s.categoryPageIDs(ctx, q, where, args, limit)
		if err != nil || len(ids) == 0 {
			return listingQuery{empty: true}, err
		}
		args = paddedIDs(ids)
		where = []string{"a.id IN (" + placeholders(len(args)) + ")"}
		cursor = dam.AssetCursor{} // the IDs are past it
	case q.CategoryID != "":
		// Sorted by a key: the category's members are a condition and
		// the page is sorted, as no index holds a subtree by name or size.
		cats, err := s.categoryMembers(ctx, q)
		if err != nil || len(cats) == 0 {
			return listingQuery{empty: true}, err
		}
		where = append(where, "EXISTS (SELECT 1 FROM asset_categories ac WHERE ac.asset_id = a.id AND ac.category_id IN ("+
			placeholders(len(cats))+"))")
		args = append(args, anys(cats)...)
		r = s.readOnce()
	}
	p := listingQuery{relevance: relevance, r: r, search: ts, where: where, args: args, order: order, cursor: cursor, limit: limit}
	if relevance {
		p.conds = s.matchConds(q, where, args)
		return p, nil
	}
	if cursor.ID != "" {
		w, cargs := order.after(cursor)
		p.where = append(p.where, w)
		p.args = append(p.args, cargs...)
	}
	p.args = append(p.args, limit+1)
	p.pageBy = order.by
	if s.d.postgres && !search.Empty() {
		if p.pageBy, err = s.pgSearchOrder(ctx, ts, order); err != nil {
			return listingQuery{}, err
		}
	}
	return p, nil
}

// listingWhere is the condition, with its arguments, on the assets a of
// a listing: trash or live, folder, domains, kind, filters and IDs (not
// the search text, the category or the cursor).
func (s *Store) listingWhere(q dam.AssetQuery) ([]string, []any) {
	var where []string
	var args []any
	if q.Deleted {
		where = append(where, "a.deleted_at IS NOT NULL")
		if q.DeletedBy != "" {
			where = append(where, "a.deleted_by = ?")
			args = append(args, q.DeletedBy)
		}
	} else {
		where = append(where, "a.deleted_at IS NULL") // as the partial domain index says
	}
	folder := q.FolderID != nil && !(q.Subfolders && *q.FolderID == "") // the root and its subfolders: every folder
	switch {
	case folder && q.Subfolders:
		// The folder and those below it; UNION (not ALL) ends the walk
		// even on a tree with a cycle.
		where = append(where, "a.folder_id IN (WITH RECURSIVE sub(id) AS (SELECT id FROM folders WHERE id = ? "+
			"UNION SELECT f.id FROM folders f JOIN sub ON f.parent_id = sub.id) SELECT id FROM sub)")
		args = append(args, *q.FolderID)
	case folder:
		where = append(where, "a.folder_id = ?")
		args = append(args, *q.FolderID)
	}
	domain := "a.domain"
	if folder {
		domain = s.d.noIndex(domain)
	}
	if len(q.Domains) == 1 {
		where = append(where, domain+" = ?")
	} else {
		where = append(where, domain+" IN ("+placeholders(len(q.Domains))+")")
	}
	args = append(args, anys(q.Domains)...)
	if q.Kind != "" {
		where = append(where, "a.kind = ?")
		args = append(args, string(q.Kind))
	}
	where, args = filterWhere(q, where, args)
	if len(q.IDs) > 0 {
		where = append(where, "a.id IN ("+placeholders(len(q.IDs))+")")
		args = append(args, anys(q.IDs)...)
	}
	if len(q.SHA256) > 0 {
		// The versions_sha256 index finds the few versions with these
		// digests; only those that are their asset's current one count.
		where = append(where, `a.id IN (SELECT hv.asset_id FROM versions hv JOIN assets ha
			ON ha.id = hv.asset_id AND ha.current_version = hv.number WHERE hv.sha256 IN (`+placeholders(len(q.SHA256))+"))")
		args = append(args, anys(q.SHA256)...)
	}
	return where, args
}

// assetOrder is the ORDER BY of a listing and how to continue past a cursor.
type assetOrder struct {
	key  string // the sort key expression, "" in ID order
	by   string // the ORDER BY list
	past string // the comparison that continues past a cursor: > or <
}

// sortOrder is the order of a valid sort. The keys are the columns of the
// indexes of migration 0017, so that the planners walk them.
func sortOrder(sort string) assetOrder {
	field, desc := dam.SortField(sort)
	o := assetOrder{past: ">"}
	switch field {
	case "name":
		o.key = "a.name_key"
	case "size":
		o.key = "a.current_size"
	case "updated":
		o.key = "a.updated_at"
	case "captured":
		o.key = "a.captured_at"
	}
	dir := ""
	if desc {
		o.past, dir = "<", " DESC"
	}
	o.by = "a.id" + dir
	if o.key != "" {
		o.by = o.key + dir + ", " + o.by
	}
	return o
}

// after is the condition, with its arguments, that keeps the rows past c.
func (o assetOrder) after(c dam.AssetCursor) (string, []any) {
	switch o.key {
	case "":
		return "a.id " + o.past + " ?", []any{c.ID}
	case "a.current_size":
		return "(a.current_size, a.id) " + o.past + " (?, ?)", []any{c.Size, c.ID}
	case "a.updated_at":
		return "(a.updated_at, a.id) " + o.past + " (?, ?)", []any{encodeTime(c.Updated), c.ID}
	case "a.captured_at":
		return "(a.captured_at, a.id) " + o.past + " (?, ?)", []any{encodeTime(c.Captured), c.ID}
	}
	return "(a.name_key, a.id) " + o.past + " (lower(?), ?)", []any{c.Name, c.ID}
}

// escapeLike makes % and _ (and the escape character itself) match literally.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// UpdateAssets writes the editable fields (name, folder, metadata,
// availability, expiry, protection, updated by/at, and categories when not
// nil) of every asset in one transaction: if any is missing or trashed,
// nothing changes (NotFound).
func (s *Store) UpdateAssets(ctx context.Context, as []dam.Asset) error {
	const op = "sqlstore.UpdateAssets"
	return s.write(ctx, op, func(q querier) error {
		checked, m := map[string]bool{}, newMemberships()
		for _, a := range as {
			if !checked[a.FolderID] {
				if err := s.checkFolder(ctx, q, a.FolderID); err != nil {
					return err
				}
				checked[a.FolderID] = true
			}
			if err := updateAsset(ctx, q, a, ""); err != nil {
				return err
			}
			if err := s.putCategories(ctx, q, m, a.ID, a.Categories); err != nil {
				return err
			}
		}
		if err := m.flush(ctx, q); err != nil {
			return err
		}
		ix := s.indexer(q)
		for _, a := range as {
			if err := ix.index(ctx, a.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

// updateAsset writes a's editable fields, and extra assignments such as
// the current version, to a live asset.
func updateAsset(ctx context.Context, q querier, a dam.Asset, extra string, extraArgs ...any) error {
	args := []any{a.Name, a.Name, a.FolderID, a.Meta.Title, a.Meta.Description, encodeList(a.Meta.Keywords),
		encodeMap(a.Meta.Fields), string(a.Availability), encodeTimePtr(a.ExpiresAt), string(a.Protection),
		a.UpdatedBy, encodeTime(a.UpdatedAt)}
	args = append(append(args, extraArgs...), a.ID)
	res, err := q.exec(ctx, `UPDATE assets SET name = ?, name_key = lower(?), folder_id = ?, title = ?, description = ?,
		keywords = ?, fields = ?, availability = ?, expires_at = ?, protection = ?,
		updated_by = ?, updated_at = ?`+extra+` WHERE id = ? AND deleted_at IS NULL`, args...)
	return affected(res, err, notFound("asset", a.ID))
}

// TrashAsset marks a live asset deleted (NotFound when missing or already trashed).
func (s *Store) TrashAsset(ctx context.Context, id, by string, at time.Time) error {
	const op = "sqlstore.TrashAsset"
	return s.write(ctx, op, func(q querier) error { return s.trash(ctx, q, id, by, at) })
}

// RestoreAsset brings a trashed asset back (NotFound when missing or not trashed).
func (s *Store) RestoreAsset(ctx context.Context, id string, by string, at time.Time) error {
	const op = "sqlstore.RestoreAsset"
	return s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, `UPDATE assets SET deleted_at = NULL, deleted_by = '', updated_by = ?, updated_at = ?
			WHERE id = ? AND deleted_at IS NOT NULL`, by, encodeTime(at), id)
		n, err := count(res, err)
		if err != nil {
			return err
		}
		if n > 0 {
			return recount(ctx, q, id, 1)
		}
		return s.whyNot(ctx, q, id, "not in the trash")
	})
}

// whyNot explains a trash or restore that matched no row: either the
// asset does not exist, or it is in the wrong state.
func (s *Store) whyNot(ctx context.Context, q querier, id, state string) error {
	found, err := q.exists(ctx, "SELECT 1 FROM assets WHERE id = ?", id)
	switch {
	case err != nil:
		return err
	case !found:
		return notFound("asset", id)
	}
	return dam.E("", dam.NotFound, "asset %s is %s", id, state)
}

// TrashedBefore lists IDs of assets trashed before t, oldest first (at
// most limit, default 100).
func (s *Store) TrashedBefore(ctx context.Context, t time.Time, limit int) ([]string, error) {
	const op = "sqlstore.TrashedBefore"
	ids, err := queryStrings(ctx, s.read(), `SELECT id FROM assets WHERE deleted_at IS NOT NULL AND deleted_at < ?
		ORDER BY deleted_at, id LIMIT ?`, encodeTime(t), pageLimit(limit))
	return ids, s.fail(ctx, op, err)
}

// PurgeAsset deletes a trashed asset with its versions, notes, collection
// items and category memberships, returning the SHA-256 (sorted) of the
// blobs no version references any more. A live asset is refused
// (FailedPrecondition).
func (s *Store) PurgeAsset(ctx context.Context, id string) ([]string, error) {
	const op = "sqlstore.PurgeAsset"
	var unused []string
	err := s.write(ctx, op, func(q querier) error {
		var deleted sql.NullString
		err := q.queryRow(ctx, "SELECT deleted_at FROM assets WHERE id = ?"+s.d.forUpdate(), id).Scan(&deleted)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("asset", id)
		}
		if err != nil {
			return err
		}
		if !deleted.Valid {
			return dam.E("", dam.FailedPrecondition, "asset %s is not in the trash", id)
		}
		blobs, err := queryStrings(ctx, q, "SELECT DISTINCT sha256 FROM versions WHERE asset_id = ? ORDER BY sha256", id)
		if err != nil {
			return err
		}
		for _, b := range blobs { // sorted, so concurrent purges take the locks in one order
			if err := q.lock(ctx, blobLock(b)); err != nil {
				return err
			}
		}
		if err := s.unindex(ctx, q, id); err != nil {
			return err
		}
		for _, stmt := range []string{
			"DELETE FROM collection_items WHERE asset_id = ?",
			"DELETE FROM asset_categories WHERE asset_id = ?",
			"DELETE FROM share_assets WHERE asset_id = ?",
			"DELETE FROM notes WHERE asset_id = ?",
			"DELETE FROM versions WHERE asset_id = ?",
			"DELETE FROM assets WHERE id = ?",
		} {
			if _, err := q.exec(ctx, stmt, id); err != nil {
				return err
			}
		}
		unused = unused[:0]
		for _, b := range blobs {
			used, err := q.exists(ctx, "SELECT 1 FROM versions WHERE sha256 = ? LIMIT 1", b)
			if err != nil {
				return err
			}
			if !used {
				unused = append(unused, b)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return slices.Clip(unused), nil
}

// BlobReferenced reports whether any version (of any asset, trashed or
// not) references the blob.
func (s *Store) BlobReferenced(ctx context.Context, sha256 string) (bool, error) {
	const op = "sqlstore.BlobReferenced"
	used, err := s.read().exists(ctx, "SELECT 1 FROM versions WHERE sha256 = ? LIMIT 1", sha256)
	return used, s.fail(ctx, op, err)
}

// queryStrings returns the single text column of every row.
func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func scanAsset(r scanner) (dam.Asset, error) { return scanAssetWith(r) }

// scanAssetWith scans an asset's columns followed by extra ones.
func scanAssetWith(r scanner, extra ...any) (dam.Asset, error) {
	var a dam.Asset
	var kind, avail, prot string
	dest := []any{&a.ID, &a.Name, &a.FolderID, &a.Domain, &kind, &a.Meta.Title, &a.Meta.Description,
		dbJSON{&a.Meta.Keywords}, dbJSON{&a.Meta.Fields}, &avail, dbTimePtr{&a.ExpiresAt}, &prot, &a.Licence,
		&a.CreatedBy, dbTime{&a.CreatedAt}, &a.UpdatedBy, dbTime{&a.UpdatedAt}, dbTimePtr{&a.DeletedAt}, &a.DeletedBy}
	dest = append(dest, versionDest(&a.Current)...)
	dest = append(dest, categoryList{&a.Categories})
	dest = append(dest, extra...)
	if err := r.Scan(dest...); err != nil {
		return dam.Asset{}, err
	}
	a.Kind, a.Availability, a.Protection = dam.MediaKind(kind), dam.Availability(avail), dam.Protection(prot)
	a.Meta.Keywords = emptyNil(a.Meta.Keywords)
	a.Meta.Fields = emptyNilMap(a.Meta.Fields)
	return a, nil
}

// ListingGeneration reads the counter that the triggers of migration 0035
// move with every write to the tables a listing reads.
func (s *Store) ListingGeneration(ctx context.Context) (int64, error) {
	const op = "sqlstore.ListingGeneration"
	if s.gens != nil { // PostgreSQL: one shared round trip (generations.go)
		g, err := s.gens.read(ctx, s.readGenerations)
		return g.listing, s.fail(ctx, op, err)
	}
	if s.hot != nil { // SQLite in WAL mode: no statement while nothing committed (walstamp.go)
		g, err := s.hot.get(ctx, s.readGenerations)
		return g.listing, s.fail(ctx, op, err)
	}
	var g int64
	err := s.read().queryRow(ctx, "SELECT gen FROM listing_generation WHERE id = 1").Scan(&g)
	return g, s.fail(ctx, op, err)
}
