package dam_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestSortedListing(t *testing.T) {
	f := newFixture(t, nil)
	// name, content (its length is the size)
	b := f.upload(t, f.owner, "b.txt", "12345")
	a := f.upload(t, f.owner, "A.txt", "1")
	c := f.upload(t, f.owner, "c.txt", "123")
	for _, tc := range []struct {
		sort string
		want []string
	}{
		{"", []string{b.ID, a.ID, c.ID}},
		{"created", []string{b.ID, a.ID, c.ID}},
		{"-created", []string{c.ID, a.ID, b.ID}},
		{"name", []string{a.ID, b.ID, c.ID}},
		{"-name", []string{c.ID, b.ID, a.ID}},
		{"size", []string{a.ID, c.ID, b.ID}},
		{"-size", []string{b.ID, c.ID, a.ID}},
	} {
		t.Run("sort="+tc.sort, func(t *testing.T) {
			var got []string
			q := dam.AssetQuery{Sort: tc.sort, Limit: 1}
			for range 10 {
				as, next, err := f.lib.Assets(f.owner, q)
				require.NoError(t, err)
				got = append(got, assetIDs(as)...)
				if next == "" {
					break
				}
				q.Cursor = next
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestSortedListingRefusesBadInput(t *testing.T) {
	f := newFixture(t, nil)
	f.upload(t, f.owner, "a.txt", "1")
	f.upload(t, f.owner, "b.txt", "2")
	_, byName, err := f.lib.Assets(f.owner, dam.AssetQuery{Sort: "name", Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, byName)
	id := dam.NewID(time.Now())
	for _, tc := range []struct {
		name, sort, cursor, message string
	}{
		{"unknown sort", "colour", "", "sort must be one of name, -name, size, -size, created, -created"},
		{"sql in sort", "name; DROP TABLE assets", "", "sort must be one of"},
		{"not an id", "", "x", "bad cursor"},
		{"an id for a sort by name", "name", id, "bad cursor"},
		{"a name cursor for a sort by size", "size", byName, "bad cursor"},
		{"a name cursor reversed", "-name", byName, "bad cursor"},
		{"a name cursor in ID order", "", byName, "bad cursor"},
		{"too long", "name", strings.Repeat("A", 5000), "bad cursor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := f.lib.Assets(f.owner, dam.AssetQuery{Sort: tc.sort, Cursor: tc.cursor})
			assert.Equal(t, dam.Invalid, kindOf(t, err))
			assert.Contains(t, err.Error(), tc.message)
			assert.Contains(t, err.Error(), "dam.Assets")
		})
	}
}

func TestAssetCursorRoundTrip(t *testing.T) {
	id := dam.NewID(time.Now())
	for _, c := range []dam.AssetCursor{
		{Sort: "name", Name: "Ünïcode / \"quoted\" name.jpg", ID: id},
		{Sort: "-name", Name: "", ID: id},
		{Sort: "size", Size: 1 << 40, ID: id},
		{Sort: "-size", Size: 0, ID: id},
		{Sort: "created", ID: id},
		{Sort: "", ID: id},
		{Sort: dam.SortRelevance, Score: 42, ID: id},
		{Sort: dam.SortRelevance, Score: 7, ID: id, Window: "r12345"},
		{Sort: dam.SortRelevance, ID: id, Window: "t" + id},
	} {
		s := c.String()
		assert.NotContains(t, s, "/", "a cursor is URL-safe")
		got, err := dam.ParseAssetCursor(c.Sort, s)
		require.NoError(t, err)
		assert.Equal(t, c, got)
	}
	assert.Equal(t, id, dam.AssetCursor{Sort: "-created", ID: id}.String(), "ID-order cursors stay IDs")
}

func TestAssetCursorWindow(t *testing.T) {
	id := dam.NewID(time.Now())
	for _, tc := range []struct {
		name string
		c    dam.AssetCursor
	}{
		{"not letters and digits", dam.AssetCursor{Sort: dam.SortRelevance, ID: id, Window: "r1; DROP"}},
		{"too long", dam.AssetCursor{Sort: dam.SortRelevance, ID: id, Window: strings.Repeat("r", 41)}},
		{"on another sort", dam.AssetCursor{Sort: "name", Name: "x", ID: id, Window: "r1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dam.ParseAssetCursor(tc.c.Sort, tc.c.String())
			assert.Equal(t, dam.Invalid, dam.KindOf(err))
		})
	}
}

func FuzzParseAssetCursor(f *testing.F) {
	id := dam.NewID(time.Now())
	f.Add("name", dam.AssetCursor{Sort: "name", Name: "x", ID: id}.String())
	f.Add("size", dam.AssetCursor{Sort: "size", Size: 7, ID: id}.String())
	f.Add("", id)
	f.Fuzz(func(t *testing.T, sort, s string) {
		c, err := dam.ParseAssetCursor(sort, s)
		if err != nil {
			require.Equal(t, dam.Invalid, dam.KindOf(err))
			return
		}
		if s == "" {
			return
		}
		again, err := dam.ParseAssetCursor(sort, c.String())
		require.NoError(t, err, "a cursor that parses encodes to one that parses")
		assert.Equal(t, c, again)
	})
}
