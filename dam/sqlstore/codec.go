package sqlstore

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

// Times are stored as TEXT in one fixed-width UTC layout with microseconds,
// the precision PostgreSQL keeps, so they sort as strings and round-trip
// exactly through both databases. This file is the only place that knows.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// encodeTime returns the stored form of t, truncated to microseconds.
func encodeTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format(timeLayout)
}

// encodeTimePtr returns the stored form of an optional time (NULL when nil).
func encodeTimePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return encodeTime(*t)
}

// normalTime is what a stored t reads back as.
func normalTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}

// dbTime scans a stored time.
type dbTime struct{ t *time.Time }

func (d dbTime) Scan(src any) error {
	s, err := scanText(src)
	if err != nil {
		return err
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return fmt.Errorf("stored time %q: %w", s, err)
	}
	*d.t = t
	return nil
}

// dbTimePtr scans an optional stored time; NULL leaves nil.
type dbTimePtr struct{ t **time.Time }

func (d dbTimePtr) Scan(src any) error {
	if src == nil {
		*d.t = nil
		return nil
	}
	var t time.Time
	if err := (dbTime{&t}).Scan(src); err != nil {
		return err
	}
	*d.t = &t
	return nil
}

// dbJSON scans JSON text into v. NULL and empty text leave v alone.
type dbJSON struct{ v any }

func (d dbJSON) Scan(src any) error {
	if src == nil {
		return nil
	}
	s, err := scanText(src)
	if err != nil {
		return err
	}
	if s == "" || decodeStored(s, d.v) {
		return nil
	}
	return json.Unmarshal([]byte(s), d.v)
}

func scanText(src any) (string, error) {
	switch v := src.(type) {
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	}
	return "", fmt.Errorf("want text, got %T", src)
}

// encodeList stores a string list as a JSON array; nil and empty read back as nil.
func encodeList(ss []string) string {
	if len(ss) == 0 {
		return "[]"
	}
	return encodeJSON(ss)
}

// encodeMap stores a string map as a JSON object; nil and empty read back as nil.
func encodeMap(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	return encodeJSON(m)
}

// encodeJSON writes & < > as themselves, not \u0026 and so on, so that text
// search over the stored keywords finds "R&D".
func encodeJSON(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // strings and maps of strings always encode
	return strings.TrimSuffix(b.String(), "\n")
}

// emptyNil turns empty lists and maps read back into nil, the form callers
// build them in.
func emptyNil[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}

func emptyNilMap[M ~map[K]V, K comparable, V any](m M) M {
	if len(m) == 0 {
		return nil
	}
	return m
}

// encodeEXIF stores the EXIF summary as JSON (NULL when absent), its
// capture time normalised like every other time.
func encodeEXIF(e *dam.EXIF) (any, error) {
	return encodeOptional(e, func(c *dam.EXIF) { normalTimePtr(&c.CapturedAt) })
}

// encodeEmbedded stores the metadata found inside a file likewise.
func encodeEmbedded(e *dam.Embedded) (any, error) {
	return encodeOptional(e, func(c *dam.Embedded) { normalTimePtr(&c.CapturedAt) })
}

// encodeOptional stores a copy of *v, normalised, as JSON (NULL for nil).
func encodeOptional[T any](v *T, normalise func(*T)) (any, error) {
	if v == nil {
		return nil, nil
	}
	c := *v
	normalise(&c)
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// normalTimePtr normalises an optional time in place.
func normalTimePtr(t **time.Time) {
	if *t != nil {
		n := normalTime(**t)
		*t = &n
	}
}

// dbOptional scans an optional JSON column (the EXIF summary, the
// metadata found inside a file) into *T, nil for NULL.
type dbOptional[T any] struct{ p **T }

func (d dbOptional[T]) Scan(src any) error {
	if src == nil {
		*d.p = nil
		return nil
	}
	var v T
	if err := (dbJSON{&v}).Scan(src); err != nil {
		return err
	}
	*d.p = &v
	return nil
}

var _ sql.Scanner = dbTime{}
