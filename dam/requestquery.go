package dam

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// RequestSorts are the orders of the requests dashboard (RequestQuery.Sort):
// a field, ascending, or descending with a leading "-". "created" is the
// time of asking (ID order), "requester" the requester's email and "asset"
// the asset's name, both case-insensitively (ASCII letters on every store;
// PostgreSQL folds all of Unicode). Ties are broken by ID in the same
// direction. The empty sort is "-created": newest first.
var RequestSorts = []string{"-created", "created", "requester", "-requester", "asset", "-asset"}

// Bounds of a requests query from outside.
const (
	maxRequestFilter = 320 // an email address at most
	firstRequestYear = 2000
	lastRequestYear  = 9999
)

// RequestSortField splits a valid sort into its field ("created",
// "requester" or "asset") and whether it is descending.
func RequestSortField(sort string) (field string, desc bool) {
	if sort == "" {
		return "created", true
	}
	field, desc = strings.CutPrefix(sort, "-")
	return field, desc
}

// RequestCursor is where a requests listing continues: after the request
// with this ID and, sorted by requester or asset, this key (the requester's
// email or the asset's name, as stored: stores fold the case themselves).
// Stores make the cursor of the next page with String and read the one
// they are given with ParseRequestCursor.
type RequestCursor struct {
	Sort string
	Key  string
	ID   string
}

// String encodes c: sorted by date the ID itself; sorted by a key,
// base64url of a small JSON object naming the sort, the key and the ID.
func (c RequestCursor) String() string {
	if field, _ := RequestSortField(c.Sort); field == "created" {
		return c.ID
	}
	b, _ := json.Marshal(cursorJSON{Sort: c.Sort, Key: c.Key, ID: c.ID}) // strings only: cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseRequestCursor reads the cursor s of a requests listing sorted by
// sort. An empty s is the start. Anything a store did not make for this
// sort is Invalid.
func ParseRequestCursor(sort, s string) (RequestCursor, error) {
	return parseRequestCursor("dam.ParseRequestCursor", sort, s)
}

func parseRequestCursor(op, sort, s string) (RequestCursor, error) {
	if sort != "" && !slices.Contains(RequestSorts, sort) {
		return RequestCursor{}, E(op, Invalid, "sort must be one of %s", strings.Join(RequestSorts, ", "))
	}
	c := RequestCursor{Sort: sort}
	if s == "" {
		return c, nil
	}
	bad := E(op, Invalid, "bad cursor (cursors come from the listing they continue, with the same sort)")
	if field, _ := RequestSortField(sort); field == "created" {
		if !validID(s) {
			return RequestCursor{}, bad
		}
		c.ID = s
		return c, nil
	}
	if len(s) > maxCursor {
		return RequestCursor{}, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return RequestCursor{}, bad
	}
	var j cursorJSON
	if err := json.Unmarshal(b, &j); err != nil || j.Sort != sort || !validID(j.ID) ||
		!utf8.ValidString(j.Key) || strings.ContainsRune(j.Key, 0) || j.W != "" {
		return RequestCursor{}, bad
	}
	c.Key, c.ID = j.Key, j.ID
	return c, nil
}

// RequestDays turns a range of calendar days, "2006-01-02" each and both
// inclusive, into the bounds of RequestQuery (From, Before). Days are the
// library's days: its clock keeps UTC, and the pages show dates in UTC.
// An empty side is open. A day that is not a date, or a range that ends
// before it starts, is Invalid.
func RequestDays(from, to string) (start, before time.Time, err error) {
	const op = "dam.RequestDays"
	day := func(name, s string) (time.Time, error) {
		if s == "" {
			return time.Time{}, nil
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil || len(s) != len(time.DateOnly) || t.Year() < firstRequestYear || t.Year() > lastRequestYear {
			return time.Time{}, E(op, Invalid, "%s must be a date like 2026-03-14 (years %d to %d)", name, firstRequestYear, lastRequestYear)
		}
		return t, nil
	}
	if start, err = day("from", from); err != nil {
		return time.Time{}, time.Time{}, err
	}
	last, err := day("to", to)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if !last.IsZero() {
		before = last.AddDate(0, 0, 1)
		if before.Year() > lastRequestYear {
			before = time.Time{} // the end of 9999: open, as stores keep four-digit years
		}
	}
	if !start.IsZero() && !before.IsZero() && !start.Before(before) {
		return time.Time{}, time.Time{}, E(op, Invalid, "the range ends (%s) before it starts (%s)", to, from)
	}
	return start, before, nil
}

// checkRequestQuery validates what a caller may set in q.
func checkRequestQuery(op string, q RequestQuery) error {
	if q.Status != "" && q.Status != RequestPending && q.Status != RequestApproved && q.Status != RequestDenied {
		return E(op, Invalid, "status must be pending, approved or denied")
	}
	if _, err := parseRequestCursor(op, q.Sort, q.Cursor); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"requester", q.RequesterID}, {"requester", q.RequesterEmail},
		{"asset", q.AssetID}} {
		if len(f.v) > maxRequestFilter || !utf8.ValidString(f.v) || strings.ContainsRune(f.v, 0) {
			return E(op, Invalid, "the %s filter must be text of at most %d bytes", f.name, maxRequestFilter)
		}
	}
	if !q.From.IsZero() && !q.Before.IsZero() && !q.From.Before(q.Before) {
		return E(op, Invalid, "the date range ends before it starts")
	}
	return nil
}
