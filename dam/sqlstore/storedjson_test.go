package sqlstore

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/randfill"
)

// storedFiller fills values of the stored JSON types by reflection, so a
// field added to them takes part without a change here. With plain set,
// strings need no escape in the stored form and times are in UTC; either
// way, the store's forms are what the direct path must read itself.
type storedFiller struct {
	t     testing.TB
	rng   *rand.Rand
	plain bool
}

var (
	plainFragments  = []string{"", "a", "Agence Exemple", "Ä", "中文", "😀", "\u00a0", "\x7f", "/", "'", " ", "\ufffd", "2:120"}
	escapeFragments = []string{`"`, `\`, "\n", "\x00", "\x1f", "<", ">", "&", "\u2028", "\u2029", "\xff", "\xe2\x80", "\xed\xa0\x80"}
)

func (f *storedFiller) string() string {
	var b strings.Builder
	for range f.rng.IntN(4) {
		if !f.plain && f.rng.IntN(4) == 0 {
			b.WriteString(escapeFragments[f.rng.IntN(len(escapeFragments))])
		} else {
			b.WriteString(plainFragments[f.rng.IntN(len(plainFragments))])
		}
	}
	return b.String()
}

func (f *storedFiller) fill(v reflect.Value) {
	if t, ok := randfill.Fill(f.rng, v, f.leaf); !ok {
		f.t.Fatalf("storedFiller: no filling for %s: teach it, and check storedjson.go reads it", t)
	}
}

// leaf sets the values storedFiller chooses itself: times, strings, numbers.
func (f *storedFiller) leaf(v reflect.Value) bool {
	if _, ok := v.Interface().(time.Time); ok {
		loc := time.UTC
		if !f.plain && f.rng.IntN(2) == 0 {
			loc = time.FixedZone("", (f.rng.IntN(28)-14)*1800)
		}
		v.Set(reflect.ValueOf(time.Date(1900+f.rng.IntN(200), time.Month(1+f.rng.IntN(12)), 1+f.rng.IntN(28),
			f.rng.IntN(24), f.rng.IntN(60), f.rng.IntN(60), []int{0, 1000, f.rng.IntN(1e9)}[f.rng.IntN(3)], loc)))
		return true
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(f.string())
	case reflect.Bool:
		v.SetBool(f.rng.IntN(2) == 0)
	case reflect.Int, reflect.Int64:
		v.SetInt([]int64{0, 1, -1, 8, 90, 123456789, math.MaxInt64, math.MinInt64}[f.rng.IntN(8)])
	case reflect.Float64:
		v.SetFloat([]float64{0, math.Copysign(0, -1), 43.2965, -122.4194, 1e-7, 1.5e21, math.SmallestNonzeroFloat64,
			math.MaxFloat64, f.rng.NormFloat64() * 100}[f.rng.IntN(9)])
	default:
		return false
	}
	return true
}

// storedForms returns random values of each stored type in the form the
// store writes them.
func (f *storedFiller) storedForms() map[string]string {
	var kw []string
	var fields map[string]string
	var exif dam.EXIF
	var emb dam.Embedded
	var media dam.Media
	for _, p := range []any{&kw, &fields, &exif, &emb, &media} {
		f.fill(reflect.ValueOf(p).Elem())
	}
	e, err := encodeEXIF(&exif)
	require.NoError(f.t, err)
	m, err := encodeEmbedded(&emb)
	require.NoError(f.t, err)
	md, err := encodeOptional(&media, func(*dam.Media) {})
	require.NoError(f.t, err)
	return map[string]string{"keywords": encodeList(kw), "fields": encodeMap(fields),
		"exif": e.(string), "embedded": m.(string), "media": md.(string)}
}

// storedTargets are fresh values of each type decodeStored reads.
func storedTargets() map[string]func() any {
	return map[string]func() any{
		"keywords": func() any { return new([]string) }, "fields": func() any { return new(map[string]string) },
		"exif": func() any { return new(dam.EXIF) }, "embedded": func() any { return new(dam.Embedded) },
		"media": func() any { return new(dam.Media) },
	}
}

// checkStored requires decodeStored, when it reads s into a kind's type,
// to read what json.Unmarshal does; it reports whether it read it.
func checkStored(t testing.TB, kind, s string) bool {
	mk := storedTargets()[kind]
	got, want := mk(), mk()
	if !decodeStored(s, got) {
		assert.Equal(t, mk(), got, "nothing set when the direct path declines")
		return false
	}
	require.NoError(t, json.Unmarshal([]byte(s), want), "the direct path read what json.Unmarshal refuses: %q", s)
	require.Equal(t, want, got, "%s %q", kind, s)
	return true
}

func TestStoredJSON(t *testing.T) {
	for _, plain := range []bool{true, false} {
		f := &storedFiller{t: t, rng: rand.New(rand.NewPCG(7, 35)), plain: plain}
		direct, all := 0, 0
		for range 2000 {
			for kind, s := range f.storedForms() {
				all++
				if checkStored(t, kind, s) {
					direct++
				}
			}
		}
		assert.Equal(t, all, direct, "every stored value is read directly (plain %v)", plain)
	}
	// Forms the store does not write: json.Unmarshal answers them.
	for kind, s := range map[string]string{
		"keywords": `null`, "fields": `{"a":"b","a":"c"}`, "media": `{"pages":1.5}`,
		"exif": `{"Make":"x"}`, "embedded": `{"iptc":{"a":["1"]},"iptc":{"b":[]}}`,
	} {
		checkStored(t, kind, s)
	}
	assert.True(t, checkStored(t, "fields", `{"a":"b","a":"c"}`))
	assert.False(t, checkStored(t, "embedded", `{"iptc":{"a":["1"]},"iptc":{"b":[]}}`))
	assert.False(t, checkStored(t, "exif", `{"latitude":1e400}`))
	assert.False(t, checkStored(t, "keywords", `["a" ]`))
	assert.False(t, checkStored(t, "exif", `{"captured_at":"2026-13-01T00:00:00Z"}`))
	// Escapes as json.Unmarshal reads them, or leaves them to it.
	for _, s := range []string{`["\u0026\u003c\u003e","\ud83d\ude00","\ud800","\ud800\u0041","\udc00\ud800","\/\b\f\n\r\t\"\\"]`,
		`["\u00e9\u2028","\uD83D\uDE00x","a\u0000b","\ufffd","ÿ\nâ\u0041"]`,
		"[\"\xff\\n\xe2\\u0041\",\"\xed\xa0\x80\\u2029\"]"} {
		assert.True(t, checkStored(t, "keywords", s), s)
	}
	for _, s := range []string{`["\'"]`, `["\u12"]`, `["\u12g4"]`, `["\x41"]`, `["\`, `["a\"]`, "[\"\\\u0001\"]"} {
		assert.False(t, checkStored(t, "keywords", s), s)
	}
	assert.False(t, checkStored(t, "exif", `{"captured_at":"2026-01-01T00:00:00\u005a"}`))
}

// FuzzStoredJSON holds the direct path to json.Unmarshal on any text.
func FuzzStoredJSON(f *testing.F) {
	fl := &storedFiller{t: f, rng: rand.New(rand.NewPCG(1, 2))}
	for range 20 {
		for _, s := range fl.storedForms() {
			f.Add(s)
		}
	}
	f.Add(`{"orientation":01}`)
	f.Add(`{"latitude":-0.5e-3,"longitude":1E+2}`)
	f.Fuzz(func(t *testing.T, s string) {
		for kind := range storedTargets() {
			checkStored(t, kind, s)
		}
	})
}
