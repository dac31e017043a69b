package dam

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// AssetSorts are the orders an asset listing can take (AssetQuery.Sort):
// a field, ascending, or descending with a leading "-". "name" compares
// names case-insensitively (ASCII letters on every store; PostgreSQL folds
// all of Unicode), "size" the size of the current version, and "created"
// the creation time, which is ID order, "updated" the time of the last
// change, "captured" the time the current version was captured (its
// EXIF or embedded capture date; the creation time when the file gives
// none: Asset.CaptureTime). Ties are broken by ID, in the same direction. The empty sort is
// ID order, or SortRelevance when the query has search text.
var AssetSorts = []string{"name", "-name", "size", "-size", "created", "-created", "updated", "-updated",
	"captured", "-captured"}

// SortRelevance orders a search's results best match first (ties by ID,
// descending). It needs search text. A score depends on the asset and the
// query only, never on other assets, so its cursors stay stable while
// others are written.
const SortRelevance = "relevance"

// maxCursor bounds a cursor string from outside before it is decoded: a
// name of maxAssetName runes fits with room to spare.
const maxCursor = 4096

// SortField splits a valid sort into its field ("name", "size",
// "updated", "relevance", or "" for ID order) and whether it is descending.
// Relevance is descending: best first.
func SortField(sort string) (field string, desc bool) {
	if sort == SortRelevance {
		return sort, true
	}
	field, desc = strings.CutPrefix(sort, "-")
	if field == "created" { // IDs are time-ordered: ID order is creation order
		field = ""
	}
	return field, desc
}

// checkSort reports an unknown sort as Invalid, naming the allowed ones.
func checkSort(op, sort string) error {
	if sort != "" && sort != SortRelevance && !slices.Contains(AssetSorts, sort) {
		return E(op, Invalid, "sort must be one of %s, %s (or empty for creation order, or relevance with search text)",
			strings.Join(AssetSorts, ", "), SortRelevance)
	}
	return nil
}

// EffectiveSort is the sort a query is listed in: q.Sort, or relevance
// when q.Sort is empty and the query has search text.
func EffectiveSort(q AssetQuery) string {
	if q.Sort == "" && strings.TrimSpace(q.Text) != "" {
		return SortRelevance
	}
	return q.Sort
}

// AssetCursor is where a listing continues: after the asset with this ID
// and, in a listing sorted by name or size, this sort key. Stores make the
// cursor of the next page with String and read the one they are given with
// ParseAssetCursor.
type AssetCursor struct {
	Sort    string    // the listing's sort, as in AssetQuery.Sort
	Name    string    // sorted by name: the name of the last asset of the page
	Size    int64     // sorted by size: the size of the last asset of the page
	Updated time.Time // sorted by updated: when the last asset of the page changed
	// Captured, sorted by captured: the last asset's CaptureTime.
	Captured time.Time
	Score    int64  // sorted by relevance: the last asset's score
	ID       string // the ID of the last asset of the page
	// Window is the store's own mark of the set of matches a relevance
	// listing ranks (see Store.Assets): ASCII letters and digits, at most
	// maxCursorWindow bytes, passed back to the store as it made it.
	Window string
}

// maxCursorWindow bounds AssetCursor.Window.
const maxCursorWindow = 40

// validWindow reports whether w is a well-formed AssetCursor.Window.
func validWindow(w string) bool {
	if len(w) > maxCursorWindow {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// cursorJSON is the encoded form of a cursor of a listing by name or size.
type cursorJSON struct {
	Sort string `json:"s"`
	Key  string `json:"k"`
	ID   string `json:"i"`
	W    string `json:"w,omitempty"` // AssetCursor.Window
}

// String encodes c: in ID order (and creation order) the ID itself, so
// cursors of unsorted listings stay plain IDs; sorted by name or size,
// base64url of a small JSON object naming the sort, the key and the ID.
func (c AssetCursor) String() string {
	field, _ := SortField(c.Sort)
	if field == "" {
		return c.ID
	}
	key := c.Name
	switch field {
	case "size":
		key = strconv.FormatInt(c.Size, 10)
	case "updated":
		key = c.Updated.UTC().Format(time.RFC3339Nano)
	case "captured":
		key = c.Captured.UTC().Format(time.RFC3339Nano)
	case SortRelevance:
		key = strconv.FormatInt(c.Score, 10)
	}
	b, _ := json.Marshal(cursorJSON{Sort: c.Sort, Key: key, ID: c.ID, W: c.Window}) // strings only: cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseAssetCursor reads the cursor s of a listing sorted by sort. An
// empty s is the start (the zero AssetCursor with Sort set). Anything a
// store did not make for this sort is Invalid: a cursor never reaches a
// query unchecked.
func ParseAssetCursor(sort, s string) (AssetCursor, error) {
	return parseAssetCursor("dam.ParseAssetCursor", sort, s)
}

func parseAssetCursor(op, sort, s string) (AssetCursor, error) {
	if err := checkSort(op, sort); err != nil {
		return AssetCursor{}, err
	}
	c := AssetCursor{Sort: sort}
	if s == "" {
		return c, nil
	}
	bad := E(op, Invalid, "bad cursor (cursors come from the listing they continue, with the same sort)")
	field, _ := SortField(sort)
	if field == "" {
		if !validID(s) {
			return AssetCursor{}, bad
		}
		c.ID = s
		return c, nil
	}
	if len(s) > maxCursor {
		return AssetCursor{}, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return AssetCursor{}, bad
	}
	var j cursorJSON
	if err := json.Unmarshal(b, &j); err != nil || j.Sort != sort || !validID(j.ID) || !utf8.ValidString(j.Key) ||
		!validWindow(j.W) || (j.W != "" && field != SortRelevance) {
		return AssetCursor{}, bad
	}
	c.ID, c.Window = j.ID, j.W
	switch field {
	case "size":
		if c.Size, err = strconv.ParseInt(j.Key, 10, 64); err != nil || c.Size < 0 {
			return AssetCursor{}, bad
		}
		return c, nil
	case "updated":
		if c.Updated, err = time.Parse(time.RFC3339Nano, j.Key); err != nil {
			return AssetCursor{}, bad
		}
		return c, nil
	case "captured":
		if c.Captured, err = time.Parse(time.RFC3339Nano, j.Key); err != nil {
			return AssetCursor{}, bad
		}
		return c, nil
	case SortRelevance:
		if c.Score, err = strconv.ParseInt(j.Key, 10, 64); err != nil || c.Score < 0 {
			return AssetCursor{}, bad
		}
		return c, nil
	}
	if strings.ContainsRune(j.Key, 0) {
		return AssetCursor{}, bad
	}
	c.Name = j.Key
	return c, nil
}

// CursorAfter is the cursor that continues a listing sorted by sort (an
// effective sort, not by relevance) past a, the last asset of a page.
func CursorAfter(sort string, a *Asset) AssetCursor {
	return AssetCursor{Sort: sort, Name: a.Name, Size: a.Current.Size, Updated: a.UpdatedAt,
		Captured: a.CaptureTime(), ID: a.ID}
}
