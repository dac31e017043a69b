package storetest

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sortTests check AssetQuery.Sort: every order, ties broken by ID in the
// same direction, keyset paging through every page without duplicates or
// gaps whatever the page size, and cursors that only continue their sort.
var sortTests = []test{
	{"EveryOrderEveryPageSize", func(t *testing.T, f *fixture) {
		fo := f.folder("", "Sorted")
		as := f.sortable(fo.ID)
		f.asset("", "elsewhere") // not in the folder
		for _, sort := range append([]string{""}, dam.AssetSorts...) {
			want := sorted(as, sort)
			for _, limit := range []int{1, 2, 3, 4, 100} {
				t.Run(fmt.Sprintf("sort=%s/limit=%d", sort, limit), func(t *testing.T) {
					got := f.listAll(dam.AssetQuery{Domains: []string{f.domain}, FolderID: &fo.ID, Sort: sort, Limit: limit})
					assert.Equal(t, want, got, "sort %q, %d a page", sort, limit)
				})
			}
		}
	}},
	{"DomainAndFilters", func(t *testing.T, f *fixture) {
		fo := f.folder("", "Sorted")
		as := append(f.sortable(fo.ID), f.sortable("")...)
		other := f.newAsset("", "aaa")
		other.Domain = "other"
		f.put(other)
		for _, sort := range dam.AssetSorts {
			assert.Equal(t, sorted(as, sort), f.listAll(dam.AssetQuery{Domains: []string{f.domain}, Sort: sort, Limit: 3}),
				"the whole domain sorted %q", sort)
			assert.Equal(t, sorted(append(slices.Clone(as), other), sort),
				f.listAll(dam.AssetQuery{Domains: []string{f.domain, "other"}, Sort: sort, Limit: 4}),
				"two domains sorted %q", sort)
		}
		var apples []dam.Asset
		for _, a := range as {
			if strings.Contains(strings.ToLower(a.Name), "apple") {
				apples = append(apples, a)
			}
		}
		require.NotEmpty(t, apples)
		assert.Equal(t, sorted(apples, "-name"),
			f.listAll(dam.AssetQuery{Domains: []string{f.domain}, Text: "APPLE", Sort: "-name", Limit: 1}))
	}},
	{"PagingWhileUploading", testPagingWhileUploading},
	{"Trash", func(t *testing.T, f *fixture) {
		as := f.sortable("")
		var trashed []dam.Asset
		for i, a := range as {
			if i%2 == 0 {
				f.trash(a.ID)
				trashed = append(trashed, a)
			}
		}
		for _, sort := range dam.AssetSorts {
			assert.Equal(t, sorted(trashed, sort),
				f.listAll(dam.AssetQuery{Domains: []string{f.domain}, Deleted: true, Sort: sort, Limit: 2}), "trash sorted %q", sort)
		}
	}},
	{"Category", func(t *testing.T, f *fixture) {
		top := f.category("", "Top")
		sub := f.category(top.ID, "Sub")
		var in []dam.Asset
		for i, name := range []string{"b", "A", "c", "a", "B"} {
			a := f.newAsset("", name)
			a.Current.Size = int64(10 - i%2)
			switch i % 3 {
			case 0:
				a.Categories = []string{top.ID}
			case 1:
				a.Categories = []string{sub.ID}
			}
			f.put(a)
			if a.Categories != nil {
				in = append(in, a)
			}
		}
		for _, sort := range append([]string{""}, dam.AssetSorts...) {
			assert.Equal(t, sorted(in, sort),
				f.listAll(dam.AssetQuery{Domains: []string{f.domain}, CategoryID: top.ID, Sort: sort, Limit: 2}), "subtree sorted %q", sort)
		}
	}},
	{"SizeIsTheCurrentVersions", func(t *testing.T, f *fixture) {
		small := f.asset("", "small")
		big := f.newAsset("", "big")
		big.Current.Size = 1000
		f.put(big)
		list := func() []string {
			return f.listAll(dam.AssetQuery{Domains: []string{f.domain}, Sort: "size"})
		}
		require.Equal(t, []string{small.ID, big.ID}, list())
		v := f.version("a new, larger version")
		v.Size = 5000
		_, err := f.s.AddVersion(f.ctx, small, v)
		require.NoError(t, err)
		assert.Equal(t, []string{big.ID, small.ID}, list(), "a new version's size counts")
		_, _, err = f.s.DeleteVersion(f.ctx, small.ID, 2)
		require.NoError(t, err)
		assert.Equal(t, []string{small.ID, big.ID}, list(), "deleting the current version brings its predecessor's size back")
	}},
	{"PagingWhileAssetsArrive", func(t *testing.T, f *fixture) {
		// Between pages new assets land before, among and after the ones
		// listed: every asset there from the start shows exactly once, and
		// no asset shows twice.
		before := f.sortable("")
		for _, sort := range dam.AssetSorts {
			q := dam.AssetQuery{Domains: []string{f.domain}, Sort: sort, Limit: 3}
			seen := map[string]int{}
			for i := 0; ; i++ {
				page, next, err := f.s.Assets(f.ctx, q)
				require.NoError(t, err)
				for _, a := range page {
					seen[a.ID]++
				}
				for _, name := range []string{"aaa", "banana", "zzz"} {
					if i < 3 { // then let the listing end
						a := f.newAsset("", name)
						a.Current.Size = int64(100 * i)
						f.put(a)
					}
				}
				if next == "" {
					break
				}
				q.Cursor = next
			}
			for _, a := range before {
				assert.Equal(t, 1, seen[a.ID], "sort %q: %s listed once", sort, a.Name)
			}
			for id, n := range seen {
				assert.Equal(t, 1, n, "sort %q: %s listed more than once", sort, id)
			}
		}
	}},
	{"RenamingResorts", func(t *testing.T, f *fixture) {
		a, b := f.asset("", "alpha"), f.asset("", "beta")
		list := func() []string { return f.listAll(dam.AssetQuery{Domains: []string{f.domain}, Sort: "name"}) }
		require.Equal(t, []string{a.ID, b.ID}, list())
		a.Name = "Gamma"
		require.NoError(t, f.s.UpdateAssets(f.ctx, []dam.Asset{a}))
		assert.Equal(t, []string{b.ID, a.ID}, list())
	}},
	{"CursorsContinueTheirSortOnly", func(t *testing.T, f *fixture) {
		f.sortable("")
		q := dam.AssetQuery{Domains: []string{f.domain}, Limit: 2}
		cursors := map[string]string{}
		for _, sort := range append([]string{""}, dam.AssetSorts...) {
			q.Sort = sort
			_, next, err := f.s.Assets(f.ctx, q)
			require.NoError(t, err)
			require.NotEmpty(t, next)
			cursors[sort] = next
		}
		assert.Equal(t, cursors[""], cursors["created"], "creation order is ID order")
		for _, sort := range []string{"name", "-name", "size", "-size"} {
			for _, other := range []string{"", "name", "-name", "size", "-size"} {
				if other != sort {
					q.Sort, q.Cursor = other, cursors[sort]
					_, _, err := f.s.Assets(f.ctx, q)
					requireKind(t, dam.Invalid, err, "a cursor of "+sort+" given to "+other)
				}
			}
		}
		enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
		id := f.id()
		for _, tc := range []struct{ sort, cursor string }{
			{"", "not an id"},
			{"", "'; DROP TABLE assets; --"},
			{"-created", strings.Repeat("z", 27)},
			{"name", id},
			{"name", "!!!"},
			{"name", enc("{")},
			{"name", enc(`{"s":"name","k":"a","i":"short"}`)},
			{"name", enc(`{"s":"name","k":"a\u0000b","i":"` + id + `"}`)},
			{"name", enc(`{"s":"name","k":"` + strings.Repeat("a", 5000) + `","i":"` + id + `"}`)},
			{"size", enc(`{"s":"size","k":"ten","i":"` + id + `"}`)},
			{"size", enc(`{"s":"size","k":"-1","i":"` + id + `"}`)},
			{"size", enc(`{"s":"size","k":"99999999999999999999","i":"` + id + `"}`)},
			{"colour", ""},
		} {
			q.Sort, q.Cursor = tc.sort, tc.cursor
			_, _, err := f.s.Assets(f.ctx, q)
			requireKind(t, dam.Invalid, err, tc.sort+" "+tc.cursor)
		}
		// A well-formed cursor past the last asset is simply the end.
		q.Sort, q.Cursor = "name", dam.AssetCursor{Sort: "name", Name: "zzzz", ID: id}.String()
		page, next, err := f.s.Assets(f.ctx, q)
		require.NoError(t, err)
		assert.Empty(t, page)
		assert.Empty(t, next)
	}},
}

// sortable stores assets in folderID with names that differ in case only,
// equal names and equal sizes, in an order that is none of the sorts;
// some carry capture dates (EXIF or embedded, two of them equal), the
// others are captured when created.
func (f *fixture) sortable(folderID string) []dam.Asset {
	f.t.Helper()
	specs := []struct {
		name string
		size int64
	}{
		{"banana", 300}, {"Apple", 100}, {"cherry", 100}, {"apple", 200}, {"Banana", 300},
		{"apple", 100}, {"date", 50}, {"APPLE", 300}, {"banana", 50}, {"elder", 200},
	}
	out := make([]dam.Asset, 0, len(specs))
	for i, s := range specs {
		a := f.newAsset(folderID, s.name)
		a.Current.Size = s.size
		captured := time.Date(2019, 5, 1+i%4, 12, 0, 0, 0, time.UTC)
		switch i % 3 {
		case 0:
			a.Current.EXIF = &dam.EXIF{CapturedAt: &captured}
		case 1:
			a.Current.Embedded = &dam.Embedded{CapturedAt: &captured}
		}
		out = append(out, f.put(a))
	}
	return out
}

// sorted returns the IDs of as in the order sort names: the key, case
// folded for names, then the ID, both in the sort's direction.
func sorted(as []dam.Asset, sort string) []string {
	as = slices.Clone(as)
	field, desc := dam.SortField(sort)
	slices.SortFunc(as, func(a, b dam.Asset) int {
		c := 0
		switch field {
		case "name":
			c = strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		case "size":
			c = cmp.Compare(a.Current.Size, b.Current.Size)
		case "updated":
			c = a.UpdatedAt.Compare(b.UpdatedAt)
		case "captured":
			c = a.CaptureTime().Compare(b.CaptureTime())
		}
		if c == 0 {
			c = strings.Compare(a.ID, b.ID)
		}
		if desc {
			c = -c
		}
		return c
	})
	return ids(as)
}

// testPagingWhileUploading pages through every sort (and relevance, and
// each sort of a search) two assets a page while another goroutine adds
// assets that sort anywhere: every asset there from the start is listed
// exactly once, and no asset twice.
func testPagingWhileUploading(t *testing.T, f *fixture) {
	var start []string
	for i, a := range f.sortable("") {
		a.Meta.Title = "sun"
		if i%3 == 0 {
			a.Meta.Description = "sun"
		}
		require.NoError(t, f.s.UpdateAssets(f.ctx, []dam.Asset{a}))
		start = append(start, a.ID)
	}
	type listing struct {
		sort, text string
	}
	// Relevance first: each listing's uploads stay for the next ones, and
	// a relevance page reads every match in its window.
	listings := []listing{{dam.SortRelevance, "sun"}}
	for _, sort := range append([]string{""}, dam.AssetSorts...) {
		listings = append(listings, listing{sort, ""}, listing{sort, "sun"})
	}
	for _, l := range listings {
		t.Run(fmt.Sprintf("sort=%s/text=%s", l.sort, l.text), func(t *testing.T) {
			// The new assets are made here (the fixture is not safe for
			// concurrent use) and stored by the goroutine.
			var uploads []dam.Asset
			for i := range 5 {
				a := f.newAsset("", []string{"aaa", "mmm", "zzz"}[i%3]+" sun")
				a.Meta.Title = strings.Repeat("sun ", i%4)
				a.Current.Size = int64(i * 40)
				uploads = append(uploads, a)
			}
			done := make(chan error, 1)
			go func() {
				for _, a := range uploads {
					if err := f.s.CreateAsset(f.ctx, a); err != nil {
						done <- err
						return
					}
				}
				done <- nil
			}()
			q := dam.AssetQuery{Domains: []string{f.domain}, Sort: l.sort, Text: l.text, Limit: 2}
			seen := map[string]int{}
			for range 1000 {
				page, next, err := f.s.Assets(f.ctx, q)
				require.NoError(t, err)
				for _, a := range page {
					seen[a.ID]++
				}
				if next == "" {
					break
				}
				q.Cursor = next
			}
			require.NoError(t, <-done)
			for _, id := range start {
				assert.Equal(t, 1, seen[id], "an asset there from the start is listed once: %s", id)
			}
			for id, n := range seen {
				assert.Equal(t, 1, n, "no asset twice: %s", id)
			}
		})
	}
}
