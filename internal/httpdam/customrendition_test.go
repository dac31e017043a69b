package httpdam

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestProfileFromQuery(t *testing.T) {
	ok := []struct {
		query, want string
	}{
		{"", ""},
		{"profile=web", "web"},
		{"w=100", "custom:w100-contain-src-q85"},
		{"w=0100", "custom:w100-contain-src-q85"},
		{"w=100&fit=contain&quality=85&colorspace=sRGB", "custom:w100-contain-src-q85"},
		{"w=100&h=80&fit=Cover&format=JPG&quality=70&dpi=300&colorspace=grey", "custom:w100-h80-cover-jpeg-q70-gray-dpi300"},
		{"format=png", "custom:w65535-h65535-contain-png"},
		{"w=64&profile=", "custom:w64-contain-src-q85"},
		{"w=&h=&dpi=&format=png&colorspace=", "custom:w65535-h65535-contain-png"},
		{"w=&h=", ""},
	}
	for _, tt := range ok {
		q, err := url.ParseQuery(tt.query)
		require.NoError(t, err)
		got, err := Profile(q)
		require.NoError(t, err, tt.query)
		assert.Equal(t, tt.want, got, tt.query)
	}
	bad := []struct {
		query, want string
	}{
		{"w=1e9", "w must be a whole number"},
		{"w=-5", "w must be a whole number"},
		{"w=%2B5", "w must be a whole number"},
		{"w=0", "w must be 1..65535"},
		{"w=65536", "w must be 1..65535"},
		{"w=99999999999999", "w must be 1..65535"},
		{"w=" + strings.Repeat("0", 17) + "1", "w is too long"},
		{"h=10.5", "h must be a whole number"},
		{"quality=0", "quality must be 1..100"},
		{"quality=101", "quality must be 1..100"},
		{"dpi=0", "dpi must be 1..4800"},
		{"dpi=4801", "dpi must be 1..4800"},
		{"w=10&format=bmp", `unknown format "bmp"`},
		{"w=10&w=", "w is given 2 times"},
		{"w=10&fit=stretch", `unknown fit "stretch"`},
		{"w=10&fit=cover", "fit cover needs both w and h"},
		{"w=10&colorspace=cmyk", "colorspace must be srgb or grey"},
		{"w=10&dpi=300&format=webp", "webp has no resolution field"},
		{"w=10&w=20", "w is given 2 times"},
		{"w=10&w=10", "w is given 2 times"},
		{"profile=web&profile=print", "profile is given 2 times"},
		{"w=10&profile=web", "a profile or a rendition"},
	}
	for _, tt := range bad {
		q, err := url.ParseQuery(tt.query)
		require.NoError(t, err)
		_, err = Profile(q)
		require.Error(t, err, tt.query)
		assert.Equal(t, dam.Invalid, dam.KindOf(err), tt.query)
		assert.Contains(t, dam.ErrorMessage(err), tt.want, tt.query)
	}
}

func FuzzProfileFromQuery(f *testing.F) {
	for _, s := range []string{"w=100", "w=0100&h=5&fit=cover", "format=png&dpi=300", "w=1e9", "quality=101&w=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := Profile(q)
		if err != nil {
			assert.Equal(t, dam.Invalid, dam.KindOf(err))
			return
		}
		if dam.IsCustomRef(p) {
			assert.LessOrEqual(t, len(p), 100, "a reference stays short")
		}
	})
}

// A hostile query is refused before anything is allocated for it beyond
// the error: no number is parsed past its bound, nothing is rendered.
func TestHostileQueriesAllocateLittle(t *testing.T) {
	for _, raw := range []string{"w=1e9", "w=99999999999999999999", "w=" + strings.Repeat("9", 1000), "w=10&w=20", "quality=101", "dpi=100000"} {
		q, err := url.ParseQuery(raw)
		require.NoError(t, err)
		allocs := testing.AllocsPerRun(20, func() { _, _ = Profile(q) })
		assert.LessOrEqual(t, allocs, 12.0, raw)
		t.Logf("%s: %.0f allocations", raw[:min(len(raw), 24)], allocs)
	}
}
