package sqlstore

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// searchDocs reads every asset's indexed document as text: PostgreSQL's
// search column, SQLite's FTS5 row (its columns joined by a tab).
func searchDocs(t *testing.T, s *Store) map[string]string {
	t.Helper()
	query := "SELECT id, CAST(search AS text) FROM assets"
	if !s.d.postgres {
		query = `SELECT d.asset_id, f.main || char(9) || f.tags || char(9) || f.body || char(9) || f.notes || char(9) || f.fields
			FROM search_docs d JOIN asset_fts f ON f.rowid = d.doc`
	}
	rows, err := s.w.QueryContext(t.Context(), query)
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, doc string
		require.NoError(t, rows.Scan(&id, &doc))
		out[id] = doc
	}
	require.NoError(t, rows.Err())
	return out
}

// TestIndexBatchMatchesOne: the documents written for many assets at once
// (a migration's reindexAll, a folder rename: on PostgreSQL one UPDATE per
// batch) equal those written one asset at a time, with folder paths,
// categories, notes, accents and more assets than one batch, and an asset
// that is gone in the middle of the IDs.
func TestIndexBatchMatchesOne(t *testing.T) {
	onEngines(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		next := func() time.Time { now = now.Add(time.Second); return now }
		top := dam.Folder{ID: dam.NewID(next()), Name: "Plakate", Domain: dam.DefaultDomain, CreatedAt: now, UpdatedAt: now}
		require.NoError(t, s.CreateFolder(ctx, top))
		sub := dam.Folder{ID: dam.NewID(next()), Name: "Sommer Café", ParentID: top.ID, Domain: dam.DefaultDomain, CreatedAt: now, UpdatedAt: now}
		require.NoError(t, s.CreateFolder(ctx, sub))
		animals := dam.Category{ID: dam.NewID(next()), Name: "Tiere", CreatedAt: now, UpdatedAt: now}
		require.NoError(t, s.CreateCategory(ctx, animals, dam.CategoryLimits{}))
		birds := dam.Category{ID: dam.NewID(next()), Name: "Vögel", ParentID: animals.ID, CreatedAt: now, UpdatedAt: now}
		require.NoError(t, s.CreateCategory(ctx, birds, dam.CategoryLimits{}))

		n := indexBatch + 44 // two batches
		fillSearchable(ctx, t, s, benchWords(t), []string{top.ID, sub.ID}, n)
		at := next()
		accented := dam.Asset{ID: dam.NewID(at), Name: "crème.jpg", FolderID: sub.ID, Domain: dam.DefaultDomain, Kind: dam.MediaImage,
			Meta: dam.Metadata{Title: "Crème brûlée am See", Description: "ein Bild, ein Bild, ein Bild",
				Keywords: []string{"Straße", "plakat"}, Fields: map[string]string{"creator": "Zoë Ångström", "ort": "Zürich"}},
			CreatedAt: at, UpdatedAt: at, Current: dam.Version{SHA256: "x", Size: 1, MediaType: "image/jpeg", CreatedAt: at}}
		require.NoError(t, s.CreateAsset(ctx, accented))

		ids, err := queryStrings(ctx, s.read(), "SELECT id FROM assets ORDER BY id")
		require.NoError(t, err)
		require.Len(t, ids, n+1)
		for i, id := range ids[:40] {
			require.NoError(t, s.AddNote(ctx, dam.Note{ID: dam.NewID(next()), AssetID: id, AuthorID: "u1",
				Text: fmt.Sprintf("Notiz %d über Vögel", i), CreatedAt: now}))
		}
		_, err = s.AddCategoryAssets(ctx, birds.ID, ids[20:60], "u1", next())
		require.NoError(t, err)
		_, err = s.AddCategoryAssets(ctx, animals.ID, ids[50:70], "u1", next())
		require.NoError(t, err)

		// Many at once, an ID of no asset among them.
		many := append(append(append([]string{}, ids[:100]...), "no-such-asset"), ids[100:]...)
		require.NoError(t, s.write(ctx, "test", func(q querier) error { return s.index(ctx, q, many...) }))
		batch := searchDocs(t, s)
		require.Len(t, batch, n+1)
		for id, doc := range batch {
			require.NotEmpty(t, strings.TrimSpace(doc), id)
		}
		if s.d.postgres { // so the one-asset path below writes every document again
			_, err := s.w.ExecContext(ctx, "UPDATE assets SET search = ''")
			require.NoError(t, err)
			require.Empty(t, searchDocs(t, s)[ids[0]])
		}

		for _, id := range ids {
			require.NoError(t, s.write(ctx, "test", func(q querier) error { return s.index(ctx, q, id) }))
		}
		require.Equal(t, batch, searchDocs(t, s))
		require.Contains(t, batch[accented.ID], "zurich")
		require.Contains(t, batch[ids[30]], "vogel")
		require.Contains(t, batch[ids[30]], "notiz")
	})
}
