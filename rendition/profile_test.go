package rendition

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseProfile(t *testing.T) {
	cases := []struct {
		in   string
		want Profile
		str  string
	}{
		{"w1024-h768-cover-jpeg-q85-gray", Profile{Width: 1024, Height: 768, Fit: FitCover, Format: FormatJPEG, Quality: 85, Grayscale: true},
			"w1024-h768-cover-jpeg-q85-gray"},
		{"w256", Profile{Width: 256, Fit: FitContain, Format: FormatSource, Quality: 85}, "w256-contain-src-q85"},
		{"png-h100-invert-grey", Profile{Height: 100, Fit: FitContain, Format: FormatPNG, Grayscale: true, Invert: true},
			"h100-contain-png-gray-invert"},
		{"w10-h20-fill-jpg-q1-meta", Profile{Width: 10, Height: 20, Fit: FitFill, Format: FormatJPEG, Quality: 1, KeepMetadata: true},
			"w10-h20-fill-jpeg-q1-meta"},
		{"w800-up-gif", Profile{Width: 800, Fit: FitContain, Enlarge: true, Format: FormatGIF}, "w800-contain-up-gif"},
		{"w400-h400-none-png", Profile{Width: 400, Height: 400, Fit: FitNone, Format: FormatPNG}, "w400-h400-none-png"},
		{"w500-wm.br.40.t.c2a920646b", Profile{Width: 500, Fit: FitContain, Format: FormatSource, Quality: 85,
			Watermark: &Watermark{Text: "© dk", Position: PositionBottomRight, Opacity: 40}},
			"w500-contain-src-q85-wm.br.40.t.c2a920646b"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			p, err := ParseProfile(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, p)
			assert.Equal(t, tc.str, p.String())
			again, err := ParseProfile(p.String())
			require.NoError(t, err)
			assert.Equal(t, p, again)
		})
	}
}

func TestParseProfileErrors(t *testing.T) {
	for _, in := range []string{
		"", "w0", "h0-w10", "w-10", "w1024-w10", "w10-h10-cover-fill", "w10-bmp", "w10-avif", "w10-q0", "w10-q101",
		"w10-q", "w010", "w1234567", "w10--h10", "cover-w10", "fill-h10", "w70000", "w10-sepia",
		"w10-wm.br.40.i.00", "w10-wm.xx.40.t.6869", "w10-wm.br.0.t.6869", "w10-wm.br.101.t.6869",
		"w10-wm.br.40.t.zz", "w10-wm.br.40.t.", "w10-wm.br.40.t.0a", "w10-wm.br.40.t.4A", "w10-wm.br",
		strings.Repeat("w1-", 200) + "w1",
	} {
		t.Run(in, func(t *testing.T) {
			_, err := ParseProfile(in)
			require.ErrorIs(t, err, ErrInvalidProfile)
		})
	}
}

func TestValidate(t *testing.T) {
	bad := []Profile{
		{},
		{Width: -1, Height: 10},
		{Width: 10, Height: -1},
		{Width: 0, Height: 0, Fit: FitFill},
		{Width: 10, Fit: FitCover},
		{Width: 10, Height: 10, Fit: "stretch"},
		{Width: 10, Format: "avif"},
		{Width: 10, Quality: -1},
		{Width: 10, Quality: 101},
		{Width: MaxDimension + 1},
		{Width: 10, Name: "Web Large"},
		{Width: 10, Name: strings.Repeat("a", MaxNameLen+1)},
		{Width: 10, Watermark: &Watermark{}},
		{Width: 10, Watermark: &Watermark{Text: "x", Opacity: 101}},
		{Width: 10, Watermark: &Watermark{Text: "x", Position: "middle"}},
		{Width: 10, Watermark: &Watermark{Text: "bell\a"}},
		{Width: 10, Watermark: &Watermark{Text: strings.Repeat("x", MaxWatermarkText+1)}},
	}
	for _, p := range bad {
		t.Run(p.String(), func(t *testing.T) {
			require.ErrorIs(t, p.Validate(), ErrInvalidProfile)
		})
	}
	require.NoError(t, Profile{Name: "web-large_2", Width: 10}.Validate())
	require.ErrorIs(t, ValidateName("-x"), ErrInvalidProfile)
	require.ErrorIs(t, ValidateName("a/b"), ErrInvalidProfile)
}

func TestHashIsStable(t *testing.T) {
	p := Profile{Name: "web", Width: 1024, Height: 768, Fit: FitCover, Format: FormatJPEG}
	// Cache keys outlive releases: this value must not change.
	assert.Equal(t, "w1024-h768-cover-jpeg-q85", p.String())
	assert.Equal(t, "67a62bd3976e6340b32f16b7db4cfac7ebf04c551577f9a87d617d20b9bdf7ec", p.Hash())
	same := Profile{Width: 1024, Height: 768, Fit: FitCover, Format: FormatJPEG, Quality: DefaultQuality}
	assert.Equal(t, p.Hash(), same.Hash(), "defaults and names do not change the hash")
	assert.NotEqual(t, p.Hash(), Profile{Width: 1024, Height: 768, Fit: FitCover, Format: FormatJPEG, Quality: 80}.Hash())
	img1 := Profile{Width: 10, Watermark: &Watermark{Image: []byte("a")}}
	img2 := Profile{Width: 10, Watermark: &Watermark{Image: []byte("b")}}
	assert.NotEqual(t, img1.Hash(), img2.Hash(), "the overlay image takes part")
	assert.Len(t, p.Hash(), 64)
}

func FuzzParseProfile(f *testing.F) {
	for _, s := range []string{"w1024-h768-cover-jpeg-q85-gray", "w1", "h5-png-invert-meta-up",
		"w500-wm.tile.40.t.c2a9", "w10-h10-none-gif", "w-1", "q0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseProfile(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidProfile) {
				t.Fatalf("error %v does not wrap ErrInvalidProfile", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("parsed profile does not validate: %v", err)
		}
		str := p.String()
		again, err := ParseProfile(str)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", str, s, err)
		}
		if again.String() != str || again.Hash() != p.Hash() {
			t.Fatalf("round trip changed %q into %q", str, again.String())
		}
		if p.Watermark != nil && again.Watermark.Text != p.Watermark.Text {
			t.Fatalf("watermark text changed")
		}
		if !bytes.Equal([]byte(p.String()), []byte(str)) {
			t.Fatalf("String is not deterministic")
		}
	})
}

func TestOutputSizeAndReusable(t *testing.T) {
	w, h := Profile{Width: 1024}.OutputSize(6000, 4000)
	assert.Equal(t, [2]int{1024, 683}, [2]int{w, h})
	w, h = Profile{Width: 300, Height: 300, Fit: FitCover}.OutputSize(6000, 4000)
	assert.Equal(t, [2]int{300, 300}, [2]int{w, h})
	w, h = Profile{Width: -1}.OutputSize(6000, 4000)
	assert.Zero(t, w+h)
	assert.True(t, Profile{Width: 1024, Format: FormatJPEG}.Reusable())
	assert.False(t, Profile{Width: 1024, Grayscale: true}.Reusable())
	assert.False(t, Profile{Width: 1024, Height: 10, Fit: FitCover}.Reusable())
	assert.False(t, Profile{Width: 1024, Watermark: &Watermark{Text: "x"}}.Reusable())
}
