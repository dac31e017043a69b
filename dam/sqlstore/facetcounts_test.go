package sqlstore

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/storage"
)

// TestKeptFacetsMatchCounts drives a library through every kind of write
// that moves a facet (uploads of several media types, new versions and an
// earlier one made current again, a version deleted, creator fields set
// and removed, categories given, taken and deleted, moves between the
// domains' folders, trash, restore and purge) in a random order, and
// after each compares the facets SQLite keeps (facet_counts, triggers of
// migration 0044) with an exact count over the assets, facet_docs (the
// triggers of migration 0045) with the assets' rows read afresh, and a
// search's facets read from facet_docs with those counted over the rows.
// A domain is also changed by SQL, which no path of dam does.
func TestKeptFacetsMatchCounts(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := Open(ctx, "sqlite://"+filepath.Join(dir, "dam.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	bucket, err := storage.Open(ctx, "file://"+filepath.ToSlash(filepath.Join(dir, "blobs")))
	require.NoError(t, err)
	t.Cleanup(func() { _ = bucket.Close() })
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	lib := dam.New(s, bucket, func() time.Time { return now }, nil, nil)
	domains := []string{dam.DefaultDomain, "press"}
	u, _, err := lib.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner, Domains: domains})
	require.NoError(t, err)
	owner := dam.WithActor(ctx, u.Actor())
	var folders []string
	for _, d := range domains {
		for i := range 2 {
			f, err := lib.CreateFolder(owner, fmt.Sprintf("%s-%d", d, i), "", d)
			require.NoError(t, err)
			folders = append(folders, f.ID)
		}
	}
	rng := rand.New(rand.NewPCG(20, 26))
	pngOf := func(w int) []byte {
		var b bytes.Buffer
		require.NoError(t, png.Encode(&b, image.NewGray(image.Rect(0, 0, w, 1+rng.IntN(4)))))
		return b.Bytes()
	}
	file := func() (string, []byte) {
		switch rng.IntN(3) {
		case 0:
			return "p.png", pngOf(1 + rng.IntN(9))
		case 1:
			return "n.txt", []byte(fmt.Sprintf("note %d", rng.Int()))
		default:
			return "d.csv", []byte(fmt.Sprintf("a,b\n%d,2\n", rng.Int()))
		}
	}
	creators := []string{"Ann", "Bo", ""}
	var assets, cats []string
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	check := func(step int, what string) {
		t.Helper()
		for _, ds := range [][]string{domains[:1], domains[1:], domains} {
			kept, err := s.keptFacets(ctx, s.read(), ds, 1000)
			require.NoError(t, err)
			where, args := s.listingWhere(dam.AssetQuery{Domains: ds})
			counted, err := countFacets(ctx, s.read(), strings.Join(where, " AND "), args,
				"json_extract(a.fields, '$."+dam.FacetCreatorField+"')", 1000)
			require.NoError(t, err)
			for _, l := range []*[]dam.FacetCount{&counted.Kinds, &counted.MediaTypes, &counted.Categories, &counted.Years, &counted.Creators} {
				if len(*l) == 0 {
					*l = nil
				}
			}
			for _, l := range []*[]dam.FacetCount{&kept.Kinds, &kept.MediaTypes, &kept.Categories, &kept.Years, &kept.Creators} {
				if len(*l) == 0 {
					*l = nil
				}
			}
			require.Equal(t, counted, kept, "step %d (%s), domains %v", step, what, ds)
			for _, text := range []string{"png", "csv", "p"} {
				msg := fmt.Sprintf("step %d (%s), %q", step, what, text)
				for _, q := range []dam.AssetQuery{{Text: text}, {Text: text, Kind: dam.MediaImage}, {Text: text, FolderID: &folders[0]}} {
					q.Domains = ds
					requireCompactFacetsExact(ctx, t, s, q, msg)
				}
			}
		}
		requireFacetDocsFresh(ctx, t, s, fmt.Sprintf("step %d (%s)", step, what))
	}
	done := map[string]int{}
	steps := 300
	if raceEnabled {
		steps = 100
	}
	for step := range steps {
		now = now.Add(time.Duration(rng.IntN(400)) * 24 * time.Hour)
		var what string
		var err error
		switch op := rng.IntN(13); {
		case op <= 2 || len(assets) == 0:
			what = "upload"
			name, b := file()
			meta := &dam.Metadata{Fields: map[string]string{}}
			if c := pick(creators); c != "" {
				meta.Fields[dam.FacetCreatorField] = c
			}
			o := dam.UploadOptions{Name: name, FolderID: pick(folders), Meta: meta}
			if len(cats) > 0 && rng.IntN(2) == 0 {
				o.Categories = []string{pick(cats)}
			}
			var a dam.Asset
			if a, err = lib.Upload(owner, bytes.NewReader(b), o); err == nil {
				assets = append(assets, a.ID)
			}
		case op == 3:
			what = "new version"
			name, b := file()
			_, err = lib.AddVersion(owner, pick(assets), bytes.NewReader(b), dam.NewVersionOptions{Name: name})
		case op == 4:
			what = "earlier version current"
			_, err = lib.RestoreVersion(owner, pick(assets), 1)
		case op == 5:
			what = "delete version"
			err = lib.DeleteVersion(owner, pick(assets), 1+rng.IntN(2))
		case op == 6:
			what = "creator"
			c := pick(creators)
			p := dam.AssetPatch{Fields: map[string]*string{dam.FacetCreatorField: &c}}
			if c == "" {
				p.Fields[dam.FacetCreatorField] = nil
			}
			_, err = lib.EditAsset(owner, pick(assets), p)
		case op == 7:
			what = "categories"
			var set []string
			if len(cats) < 4 || rng.IntN(3) == 0 {
				c, cerr := lib.CreateCategory(owner, fmt.Sprintf("c%d", step), "")
				require.NoError(t, cerr)
				cats = append(cats, c.ID)
			}
			for range rng.IntN(3) {
				set = append(set, pick(cats))
			}
			set = uniq(set)
			_, err = lib.EditAsset(owner, pick(assets), dam.AssetPatch{Categories: &set})
		case op == 8 && len(cats) > 0:
			what = "delete category"
			i := rng.IntN(len(cats))
			err = lib.DeleteCategory(owner, cats[i])
			cats = append(cats[:i], cats[i+1:]...)
		case op == 9:
			what = "move"
			f := pick(folders)
			_, err = lib.EditAsset(owner, pick(assets), dam.AssetPatch{FolderID: &f})
		case op == 10:
			what = "trash"
			err = lib.Delete(owner, pick(assets))
		case op == 11:
			// No write path of dam moves an asset to another domain; the
			// triggers hold for any write all the same.
			what = "domain (SQL)"
			err = s.write(ctx, "test", func(q querier) error {
				_, err := q.exec(ctx, "UPDATE assets SET domain = ? WHERE id = ?", pick(domains), pick(assets))
				return err
			})
		default:
			what = "restore or purge"
			if rng.IntN(2) == 0 {
				_, err = lib.Restore(owner, pick(assets))
			} else {
				now = now.Add(40 * 24 * time.Hour)
				_, err = lib.Sweep(owner)
			}
		}
		// Refusals (a version that is not there, restoring what is not
		// in the trash, ...) change nothing and are part of the walk.
		if err != nil && dam.KindOf(err) == dam.Internal {
			require.NoError(t, err, "step %d (%s)", step, what)
		}
		if err == nil {
			done[what]++
		}
		check(step, what)
	}
	// Every kind of write took place, not only refusals.
	for _, what := range []string{"upload", "new version", "earlier version current", "delete version", "creator",
		"categories", "delete category", "move", "trash", "restore or purge", "domain (SQL)"} {
		require.Positive(t, done[what], "no %s succeeded: %v", what, done)
	}
	t.Logf("writes: %v", done)

	// The migration's first count of a library that has assets already
	// gives the same.
	b, err := migrationFiles.ReadFile("migrations/0044_facet_counts.sql")
	require.NoError(t, err)
	var fill string
	for _, st := range statements(string(b), "sqlite") {
		if strings.HasPrefix(st, "INSERT INTO facet_counts") {
			fill = st
		}
	}
	require.NotEmpty(t, fill)
	require.NoError(t, s.write(ctx, "test", func(q querier) error {
		if _, err := q.exec(ctx, "DELETE FROM facet_counts"); err != nil {
			return err
		}
		_, err := q.exec(ctx, fill)
		return err
	}))
	check(-1, "migration")

	// So does migration 0045's first fill of facet_docs.
	b, err = migrationFiles.ReadFile("migrations/0045_facet_docs.sql")
	require.NoError(t, err)
	fill = ""
	for _, st := range statements(string(b), "sqlite") {
		if strings.HasPrefix(st, "INSERT INTO facet_docs") {
			fill = st
		}
	}
	require.NotEmpty(t, fill)
	require.NoError(t, s.write(ctx, "test", func(q querier) error {
		if _, err := q.exec(ctx, "DELETE FROM facet_docs"); err != nil {
			return err
		}
		_, err := q.exec(ctx, fill)
		return err
	}))
	requireFacetDocsFresh(ctx, t, s, "migration 0045")
	require.NotEmpty(t, facetDocRows(ctx, t, s, false))
}

func uniq(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}
