package dam

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// AssetSorts are the orders an asset listing can take (AssetQuery.Sort):
// a field, ascending, or descending with a leading "-". "name" compares
// names case-insensitively (ASCII letters on every store; PostgreSQL folds
// all of Unicode), "size" the size of the current version, and "created"
// the creation time, which is ID order. Ties are broken by ID, in the same
// direction. The empty sort is ID order.
var AssetSorts = []string{"name", "-name", "size", "-size", "created", "-created"}

// maxCursor bounds a cursor string from outside before it is decoded: a
// name of maxAssetName runes fits with room to spare.
const maxCursor = 4096

// SortField splits a valid sort into its field ("name", "size", "created",
// or "" for ID order) and whether it is descending.
func SortField(sort string) (field string, desc bool) {
	field, desc = strings.CutPrefix(sort, "-")
	if field == "created" { // IDs are time-ordered: ID order is creation order
		field = ""
	}
	return field, desc
}

// checkSort reports an unknown sort as Invalid, naming the allowed ones.
func checkSort(op, sort string) error {
	if sort != "" && !slices.Contains(AssetSorts, sort) {
		return E(op, Invalid, "sort must be one of %s (or empty for creation order)", strings.Join(AssetSorts, ", "))
	}
	return nil
}

// AssetCursor is where a listing continues: after the asset with this ID
// and, in a listing sorted by name or size, this sort key. Stores make the
// cursor of the next page with String and read the one they are given with
// ParseAssetCursor.
type AssetCursor struct {
	Sort string // the listing's sort, as in AssetQuery.Sort
	Name string // sorted by name: the name of the last asset of the page
	Size int64  // sorted by size: the size of the last asset of the page
	ID   string // the ID of the last asset of the page
}

// cursorJSON is the encoded form of a cursor of a listing by name or size.
type cursorJSON struct {
	Sort string `json:"s"`
	Key  string `json:"k"`
	ID   string `json:"i"`
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
	if field == "size" {
		key = strconv.FormatInt(c.Size, 10)
	}
	b, _ := json.Marshal(cursorJSON{Sort: c.Sort, Key: key, ID: c.ID}) // strings only: cannot fail
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
	if err := json.Unmarshal(b, &j); err != nil || j.Sort != sort || !validID(j.ID) || !utf8.ValidString(j.Key) {
		return AssetCursor{}, bad
	}
	c.ID = j.ID
	if field == "size" {
		if c.Size, err = strconv.ParseInt(j.Key, 10, 64); err != nil || c.Size < 0 {
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
