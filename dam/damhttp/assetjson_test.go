package damhttp

import (
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

// assetFiller fills values of any type by reflection, so every field of
// dam.Asset and of what it holds, present or added later, takes every
// shape: set and unset, nil and empty lists and maps, strings that
// encoding/json escapes, times in zones and the zero time. With hostile
// set it also writes what encoding/json refuses (NaN, years past 9999,
// offsets it cannot write).
type assetFiller struct {
	t       testing.TB
	rng     *rand.Rand
	extra   string // a fragment from the fuzzer
	hostile bool
}

var stringFragments = []string{
	"", "a", "image-000123.jpg", "Ä", "é", "中文", "😀", "\x00", "\x01", "\x1f", "\b", "\f", "\n", "\r", "\t",
	"\x7f", `"`, `\`, "<", ">", "&", "</script>", "\u2028", "\u2029", "\u2027", "\u202a", "\xff", "\xe2\x80",
	"\xed\xa0\x80", "\xf4\x90\x80\x80", "\ufffd", "\uFEFF", " ", "R&D", "a/b", "\u00a0", "\u0085",
}

func (f *assetFiller) string() string {
	var b strings.Builder
	for range f.rng.IntN(5) {
		if f.extra != "" && f.rng.IntN(4) == 0 {
			b.WriteString(f.extra)
			continue
		}
		b.WriteString(stringFragments[f.rng.IntN(len(stringFragments))])
	}
	return b.String()
}

func (f *assetFiller) time() time.Time {
	if f.rng.IntN(5) == 0 {
		return time.Time{}
	}
	year := 1970 + f.rng.IntN(100)
	switch {
	case f.rng.IntN(10) == 0:
		year = f.rng.IntN(10000) // 0000–9999
	case f.hostile && f.rng.IntN(8) == 0:
		year = []int{-1, 10000, 123456}[f.rng.IntN(3)]
	}
	nsec := []int{0, 1000, 123456000, 999999999, f.rng.IntN(1e9)}[f.rng.IntN(5)]
	loc := time.UTC
	switch f.rng.IntN(5) {
	case 1:
		loc = time.FixedZone("X", (f.rng.IntN(28)-14)*3600+[]int{0, 1800, 2700}[f.rng.IntN(3)])
	case 2:
		loc = time.FixedZone("", 0) // offset zero, not UTC: +00:00
	case 3:
		if f.hostile {
			offsets := []int{25 * 3600, -24 * 3600, 100 * 3600, 3600 + 17, -59}
			loc = time.FixedZone("bad", offsets[f.rng.IntN(len(offsets))])
		}
	}
	return time.Date(year, time.Month(1+f.rng.IntN(12)), 1+f.rng.IntN(28), f.rng.IntN(24), f.rng.IntN(60), f.rng.IntN(60), nsec, loc)
}

func (f *assetFiller) float() float64 {
	if f.hostile && f.rng.IntN(10) == 0 {
		return []float64{math.NaN(), math.Inf(1), math.Inf(-1)}[f.rng.IntN(3)]
	}
	special := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 48.8584, -122.4194, 1e-6, 9.99e-7, 1e-7, 1.5e-9,
		1e20, 1e21, 1.2345e21, -1e21, math.SmallestNonzeroFloat64, math.MaxFloat64, 123456789.125}
	if f.rng.IntN(2) == 0 {
		return special[f.rng.IntN(len(special))]
	}
	return (f.rng.Float64()*2 - 1) * math.Pow(10, float64(f.rng.IntN(50)-25))
}

func (f *assetFiller) int() int64 {
	return []int64{0, 0, 1, -1, 42, int64(f.rng.Uint32()), math.MaxInt64, math.MinInt64, -int64(f.rng.Uint32())}[f.rng.IntN(9)]
}

// fill sets v, of any type damhttp may meet in an asset, to a random value.
func (f *assetFiller) fill(v reflect.Value) {
	if t, ok := randfill.Fill(f.rng, v, f.leaf); !ok {
		f.t.Fatalf("assetFiller: no filling for %s: teach it, and check assetjson.go writes it", t)
	}
}

// leaf sets the values assetFiller chooses itself: times, strings, numbers.
func (f *assetFiller) leaf(v reflect.Value) bool {
	if _, ok := v.Interface().(time.Time); ok {
		v.Set(reflect.ValueOf(f.time()))
		return true
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(f.string())
	case reflect.Bool:
		v.SetBool(f.rng.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := f.int()
		if v.OverflowInt(n) {
			n = int64(int32(n))
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n := []uint64{0, 1, math.MaxUint32, f.rng.Uint64()}[f.rng.IntN(4)]
		if v.OverflowUint(n) {
			n = uint64(uint32(n))
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(f.float())
	default:
		return false
	}
	return true
}

func (f *assetFiller) page() ([]dam.Asset, string) {
	var as []dam.Asset
	switch f.rng.IntN(6) {
	case 0: // nil: an empty page
	case 1:
		as = []dam.Asset{}
	default:
		as = make([]dam.Asset, 1+f.rng.IntN(4))
		for i := range as {
			f.fill(reflect.ValueOf(&as[i]).Elem())
		}
	}
	next := ""
	if f.rng.IntN(2) == 0 {
		next = f.string()
	}
	return as, next
}

// checkAssetPage requires encodeAssetPage to answer exactly what
// encodeJSON does, and reports whether the direct path wrote it.
func checkAssetPage(t testing.TB, as []dam.Asset, next string) bool {
	want, wantErr := encodeJSON(newPage(as, next))
	got, gotErr := encodeAssetPage(as, next)
	if wantErr != nil {
		require.EqualError(t, gotErr, wantErr.Error())
	} else {
		require.NoError(t, gotErr)
		require.Equal(t, string(want), string(got))
	}
	var keys []string
	direct, ok := appendAssetPage(nil, as, next, &keys)
	if ok {
		require.NoError(t, wantErr, "the direct path wrote what encoding/json refuses")
		require.Equal(t, string(want), string(direct))
	}
	return ok
}

func TestAssetPageJSON(t *testing.T) {
	for _, hostile := range []bool{false, true} {
		f := &assetFiller{t: t, rng: rand.New(rand.NewPCG(20, 12)), hostile: hostile}
		direct := 0
		const pages = 3000
		for range pages {
			as, next := f.page()
			if checkAssetPage(t, as, next) {
				direct++
			}
		}
		if !hostile {
			assert.Equal(t, pages, direct, "every valid page takes the direct path")
		} else {
			// Both paths are exercised: hostile values are a minority.
			assert.Greater(t, direct, pages/10)
			assert.Less(t, direct, pages)
		}
	}
}

func TestAssetPageJSONCases(t *testing.T) {
	at := time.Date(2026, 12, 4, 17, 30, 0, 123456000, time.UTC)
	lat := -33.8688
	full := dam.Asset{ID: "01J", Name: "a<b>&c.jpg", Meta: dam.Metadata{Title: "Line\u2028sep", Keywords: []string{}},
		ExpiresAt: &at, CreatedAt: at, Current: dam.Version{Number: 2, CRC32: math.MaxUint32, Width: 640,
			EXIF:     &dam.EXIF{Latitude: &lat},
			Embedded: &dam.Embedded{IPTC: map[string][]string{"2:25": nil, "2:05": {"x"}}, XMP: map[string][]string{}},
			Media:    &dam.Media{}}}
	want := `{"items":[{"id":"01J","name":"a\u003cb\u003e\u0026c.jpg","folder_id":"","domain":"","kind":"",` +
		`"metadata":{"title":"Line\u2028sep","description":"","keywords":[],"fields":{}},"availability":"",` +
		`"expires_at":"2026-12-04T17:30:00.123456Z","protection":"","licence":"","current":{"asset_id":"","number":2,` +
		`"sha256":"","crc32":4294967295,"size":0,"media_type":"","width":640,"exif":{"latitude":-33.8688,"has_thumbnail":false},` +
		`"embedded":{"iptc":{"2:05":["x"],"2:25":[]}},"media":{},"original_name":"","created_by":"","created_at":"0001-01-01T00:00:00Z"},` +
		`"created_by":"","created_at":"2026-12-04T17:30:00.123456Z","updated_by":"","updated_at":"0001-01-01T00:00:00Z",` +
		`"categories":[]}],"next_cursor":"c"}` + "\n"
	got, err := encodeAssetPage([]dam.Asset{full}, "c")
	require.NoError(t, err)
	assert.Equal(t, want, string(got))
	checkAssetPage(t, []dam.Asset{full}, "c")

	for name, as := range map[string][]dam.Asset{
		"nil page":   nil,
		"empty page": {},
		"zero asset": {{}},
		"NaN":        {{Current: dam.Version{EXIF: &dam.EXIF{Longitude: new(math.NaN())}}}},
		"year 10000": {{CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
		"offset 24h": {{UpdatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("", 24*3600))}},
	} {
		t.Run(name, func(t *testing.T) { checkAssetPage(t, as, "") })
	}
}

// FuzzAssetPageJSON holds the direct encoding to encoding/json's on pages
// drawn from the fuzzer's seeds and string.
func FuzzAssetPageJSON(f *testing.F) {
	f.Add(uint64(1), uint64(2), "", false)
	f.Add(uint64(3), uint64(4), "<\u2028\xff\x00&", true)
	f.Add(uint64(5), uint64(6), "😀\"\\", false)
	f.Fuzz(func(t *testing.T, s1, s2 uint64, extra string, hostile bool) {
		fl := &assetFiller{t: t, rng: rand.New(rand.NewPCG(s1, s2)), extra: extra, hostile: hostile}
		as, next := fl.page()
		ok := checkAssetPage(t, as, next)
		if !hostile {
			require.True(t, ok, "a valid page takes the direct path")
		}
	})
}

// BenchmarkEncodeAssetPage encodes a page of 100 photographs' assets
// (metadata, EXIF, embedded IPTC and XMP, categories) both ways:
//
//	go test ./dam/damhttp -run '^$' -bench EncodeAssetPage -benchmem -count 6
func BenchmarkEncodeAssetPage(b *testing.B) {
	at := time.Date(2026, 12, 4, 17, 30, 0, 123456000, time.UTC)
	lat, lon := 43.2965, 5.3698
	as := make([]dam.Asset, 100)
	for i := range as {
		as[i] = dam.Asset{ID: dam.NewID(at), Name: "image-000123.jpg", FolderID: "01JFOLDER", Domain: "default", Kind: dam.MediaImage,
			Meta: dam.Metadata{Title: "Harbour at dawn", Description: "Boats leaving the harbour — \"early\" light",
				Keywords: []string{"harbour", "boats", "dawn"}, Fields: map[string]string{"photographer": "Ana Müller", "job": "17"}},
			Availability: dam.Available, Protection: dam.Inherit, CreatedBy: "01JUSER", CreatedAt: at, UpdatedBy: "01JUSER", UpdatedAt: at,
			Categories: []string{"01JCAT1", "01JCAT2"},
			Current: dam.Version{AssetID: "01JASSET", Number: 1, SHA256: strings.Repeat("ab", 32), CRC32: 123456789, Size: 104857,
				MediaType: "image/jpeg", Width: 4000, Height: 3000, OriginalName: "IMG_0001.JPG", CreatedBy: "01JUSER", CreatedAt: at,
				EXIF: &dam.EXIF{CapturedAt: &at, Make: "DemoCam", Model: "X100", Lens: "50mm", Orientation: 1, Latitude: &lat, Longitude: &lon},
				Embedded: &dam.Embedded{Keywords: []string{"harbour"}, Creators: []string{"Jane Doe"}, Credit: "Agence Exemple",
					IPTC: map[string][]string{"2:80": {"Jane Doe"}, "2:120": {"Boats"}},
					XMP:  map[string][]string{"dc:subject": {"harbour"}, "photoshop:Credit": {"Agence Exemple"}}}}}
	}
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			if _, err := encodeJSON(newPage(as, "01JNEXT")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			if _, err := encodeAssetPage(as, "01JNEXT"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
