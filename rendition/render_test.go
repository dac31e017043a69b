package rendition

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

func TestOrientationGolden(t *testing.T) {
	profiles := []struct {
		name string
		p    Profile
		w, h int
		mt   string
	}{
		{"1024 jpeg", Profile{Width: 1024, Format: FormatJPEG}, 1024, 683, "image/jpeg"},
		{"512 png", Profile{Width: 512, Height: 512, Format: FormatPNG}, 512, 341, "image/png"},
		{"256 jpeg", Profile{Width: 256, Format: FormatJPEG}, 256, 171, "image/jpeg"},
	}
	for o := 1; o <= 8; o++ {
		src := BytesSource(orientedJPEG(t, 1200, 800, o, 0))
		// The first two share one full-size decode; 256 px alone is decoded
		// at half size in the DCT domain.
		many, err := RenderMany(t.Context(), src, []Profile{profiles[0].p, profiles[1].p}, nil)
		require.NoError(t, err)
		single, err := Render(t.Context(), src, profiles[2].p, nil)
		require.NoError(t, err)
		results := append(many, single)
		for i, tc := range profiles {
			t.Run(fmt.Sprintf("orientation %d %s", o, tc.name), func(t *testing.T) {
				res := results[i]
				assert.Equal(t, tc.mt, res.MediaType)
				assert.Equal(t, ServedOriginal, res.Served)
				img := decodeAny(t, res.Data)
				require.Equal(t, image.Pt(tc.w, tc.h), img.Bounds().Size())
				assert.Equal(t, image.Pt(res.Width, res.Height), img.Bounds().Size())
				quadrantsUpright(t, img)
			})
		}
	}
}

func TestFits(t *testing.T) {
	src := BytesSource(orientedJPEG(t, 600, 400, 1, 0))
	cases := []struct {
		p    Profile
		w, h int
	}{
		{Profile{Width: 300, Height: 300}, 300, 200},
		{Profile{Height: 100}, 150, 100},
		{Profile{Width: 300, Height: 300, Fit: FitCover}, 300, 300},
		{Profile{Width: 100, Height: 50, Fit: FitFill}, 100, 50},
		{Profile{Width: 200, Height: 100, Fit: FitNone}, 200, 100},
		{Profile{Width: 2000, Height: 2000, Fit: FitNone}, 600, 400},
		{Profile{Width: 1200}, 600, 400},                 // never enlarged by default
		{Profile{Width: 1200, Enlarge: true}, 1200, 800}, // unless asked
		{Profile{Width: 900, Height: 900, Fit: FitCover}, 400, 400},
		{Profile{Width: 900, Height: 900, Fit: FitCover, Enlarge: true}, 900, 900},
	}
	for _, tc := range cases {
		t.Run(tc.p.String(), func(t *testing.T) {
			res, err := Render(t.Context(), src, tc.p, nil)
			require.NoError(t, err)
			img := decodeAny(t, res.Data)
			assert.Equal(t, image.Pt(tc.w, tc.h), img.Bounds().Size())
			if tc.p.Fit != FitCover && tc.p.Fit != FitNone {
				quadrantsUpright(t, img)
			}
		})
	}
}

func TestCoverCropsCentre(t *testing.T) {
	// A 600x400 source covered into 200x200 keeps the middle 400x400:
	// both left quadrants still show on the left.
	src := BytesSource(orientedJPEG(t, 600, 400, 6, 0))
	res, err := Render(t.Context(), src, Profile{Width: 200, Height: 200, Fit: FitCover, Format: FormatPNG}, nil)
	require.NoError(t, err)
	quadrantsUpright(t, decodeAny(t, res.Data))
}

func TestThumbnailAndLargerServe(t *testing.T) {
	orig := orientedJPEG(t, 1200, 800, 6, 300)
	small := Profile{Width: 256, Format: FormatJPEG}
	t.Run("thumbnail", func(t *testing.T) {
		src, counter := countingSource(orig)
		res, err := Render(t.Context(), src, small, nil)
		require.NoError(t, err)
		assert.Equal(t, ServedThumbnail, res.Served)
		assert.Zero(t, counter.wholeReads.Load(), "the original is not read whole")
		img := decodeAny(t, res.Data)
		assert.Equal(t, image.Pt(256, 171), img.Bounds().Size())
		quadrantsUpright(t, img)
	})
	t.Run("thumbnail too small", func(t *testing.T) {
		res, err := Render(t.Context(), BytesSource(orig), Profile{Width: 400}, nil)
		require.NoError(t, err)
		assert.Equal(t, ServedOriginal, res.Served)
	})
	t.Run("no thumbnail", func(t *testing.T) {
		res, err := Render(t.Context(), BytesSource(orig), small, &Options{NoThumbnail: true})
		require.NoError(t, err)
		assert.Equal(t, ServedOriginal, res.Served)
		quadrantsUpright(t, decodeAny(t, res.Data))
	})
	t.Run("larger", func(t *testing.T) {
		larger, err := Render(t.Context(), BytesSource(orig), Profile{Width: 600}, nil)
		require.NoError(t, err)
		ls := BytesSource(larger.Data)
		res, err := Render(t.Context(), BytesSource(orig), Profile{Width: 400, Format: FormatPNG},
			&Options{Larger: &ls})
		require.NoError(t, err)
		assert.Equal(t, ServedLarger, res.Served)
		img := decodeAny(t, res.Data)
		assert.Equal(t, image.Pt(400, 267), img.Bounds().Size())
		quadrantsUpright(t, img)
	})
	t.Run("larger with another aspect is ignored", func(t *testing.T) {
		sq := BytesSource(encodeJPEG(t, uprightImage(900, 900), 90))
		res, err := Render(t.Context(), BytesSource(orig), Profile{Width: 400}, &Options{Larger: &sq})
		require.NoError(t, err)
		assert.Equal(t, ServedOriginal, res.Served)
	})
}

func TestRenderManyDecodesOnce(t *testing.T) {
	src, counter := countingSource(orientedJPEG(t, 1200, 800, 3, 0))
	ps := []Profile{
		{Width: 1024, Format: FormatJPEG},
		{Width: 256, Format: FormatPNG},
		{Width: 300, Height: 300, Fit: FitCover, Grayscale: true},
		{Width: 64, Height: 64, Fit: FitFill, Invert: true, Format: FormatGIF},
	}
	res, err := RenderMany(t.Context(), src, ps, nil)
	require.NoError(t, err)
	require.Len(t, res, len(ps))
	assert.Equal(t, int32(1), counter.wholeReads.Load())
	assert.Equal(t, "image/jpeg", res[0].MediaType)
	assert.Equal(t, "image/png", res[1].MediaType)
	assert.Equal(t, "image/gif", res[3].MediaType)
	quadrantsUpright(t, decodeAny(t, res[0].Data))
	quadrantsUpright(t, decodeAny(t, res[1].Data))
	_, isGray := decodeAny(t, res[2].Data).(*image.Gray)
	assert.True(t, isGray, "grayscale JPEG output")
}

func TestModifiers(t *testing.T) {
	src := BytesSource(orientedJPEG(t, 400, 400, 1, 0))
	t.Run("invert", func(t *testing.T) {
		res, err := Render(t.Context(), src, Profile{Width: 200, Invert: true, Format: FormatPNG}, nil)
		require.NoError(t, err)
		img := decodeAny(t, res.Data)
		want := color.RGBA{255 - colTL.R, 255 - colTL.G, 255 - colTL.B, 255}
		assert.True(t, near(img.At(50, 50), want, 30), "got %v", img.At(50, 50))
	})
	t.Run("grayscale", func(t *testing.T) {
		res, err := Render(t.Context(), src, Profile{Width: 200, Grayscale: true, Format: FormatPNG}, nil)
		require.NoError(t, err)
		r, g, b, _ := decodeAny(t, res.Data).At(150, 150).RGBA()
		assert.Equal(t, r, g)
		assert.Equal(t, g, b)
	})
	t.Run("rgba source keeps alpha", func(t *testing.T) {
		m := image.NewNRGBA(image.Rect(0, 0, 100, 100))
		for i := range m.Pix {
			if i%4 == 3 {
				m.Pix[i] = 128
			} else {
				m.Pix[i] = 200
			}
		}
		var buf bytes.Buffer
		require.NoError(t, png.Encode(&buf, m))
		res, err := Render(t.Context(), BytesSource(buf.Bytes()), Profile{Width: 50, Invert: true, Grayscale: true}, nil)
		require.NoError(t, err)
		assert.Equal(t, "image/png", res.MediaType)
		c := color.NRGBAModel.Convert(decodeAny(t, res.Data).At(25, 25)).(color.NRGBA)
		assert.InDelta(t, 128, int(c.A), 2)
		assert.InDelta(t, 55, int(c.R), 3)
	})
}

func TestWatermark(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 800, 600))
	for i := range gray.Pix {
		gray.Pix[i] = 100
	}
	src := BytesSource(encodeJPEG(t, gray, 95))
	overlay := image.NewRGBA(image.Rect(0, 0, 400, 400))
	for i := range overlay.Pix {
		overlay.Pix[i] = 255
	}
	var ov bytes.Buffer
	require.NoError(t, png.Encode(&ov, overlay))
	cases := []struct {
		name string
		w    Watermark
		at   image.Point // inside the mark
	}{
		{"text bottom right", Watermark{Text: "© damkit", Opacity: 100}, image.Pt(-1, -1)},
		{"image top left", Watermark{Image: ov.Bytes(), Position: PositionTopLeft, Opacity: 80}, image.Pt(20, 20)},
		{"image centre", Watermark{Image: ov.Bytes(), Position: PositionCenter}, image.Pt(200, 150)},
		{"text tiled", Watermark{Text: "proof", Position: PositionTile}, image.Pt(-1, -1)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Render(t.Context(), src, Profile{Width: 400, Format: FormatPNG, Watermark: &tc.w}, nil)
			require.NoError(t, err)
			img := decodeAny(t, res.Data)
			changed := 0
			b := img.Bounds()
			for y := 0; y < b.Dy(); y++ {
				for x := 0; x < b.Dx(); x++ {
					if !near(img.At(x, y), color.RGBA{100, 100, 100, 255}, 4) {
						changed++
					}
				}
			}
			assert.Greater(t, changed, 100, "the watermark changed pixels")
			if tc.at.X >= 0 {
				r, _, _, _ := img.At(tc.at.X, tc.at.Y).RGBA()
				assert.Greater(t, int(r>>8), 150, "overlay shows at %v", tc.at)
			}
			if tc.w.Position == "" {
				assert.True(t, near(img.At(10, 10), color.RGBA{100, 100, 100, 255}, 4), "top left untouched")
			}
		})
	}
}

func TestKeepMetadata(t *testing.T) {
	src := BytesSource(orientedJPEG(t, 600, 400, 6, 200))
	for _, f := range []Format{FormatJPEG, FormatPNG} {
		t.Run(string(f), func(t *testing.T) {
			kept, err := Render(t.Context(), src, Profile{Width: 300, Format: f, KeepMetadata: true}, &Options{NoThumbnail: true})
			require.NoError(t, err)
			stripped, err := Render(t.Context(), src, Profile{Width: 300, Format: f}, &Options{NoThumbnail: true})
			require.NoError(t, err)
			assert.True(t, bytes.Contains(kept.Data, []byte("MM\x00*")), "EXIF kept")
			assert.False(t, bytes.Contains(stripped.Data, []byte("MM\x00*")), "EXIF stripped")
			quadrantsUpright(t, decodeAny(t, kept.Data))
			if f == FormatJPEG {
				info, err := Probe(t.Context(), BytesSource(kept.Data), nil)
				require.NoError(t, err)
				assert.Equal(t, 1, info.Orientation, "output is upright, so orientation is reset")
				assert.Nil(t, exifThumbnail(info.exif), "stale thumbnail dropped")
			}
		})
	}
}

func TestSourceFormats(t *testing.T) {
	u := uprightImage(300, 200)
	enc := func(f func(*bytes.Buffer) error) []byte {
		var b bytes.Buffer
		require.NoError(t, f(&b))
		return b.Bytes()
	}
	pal := image.NewPaletted(u.Bounds(), color.Palette{colTL, colTR, colBL, colBR})
	for y := 0; y < 200; y++ {
		for x := 0; x < 300; x++ {
			pal.Set(x, y, u.At(x, y))
		}
	}
	rgba64 := image.NewRGBA64(u.Bounds())
	for y := 0; y < 200; y++ {
		for x := 0; x < 300; x++ {
			rgba64.Set(x, y, u.At(x, y))
		}
	}
	gray16 := image.NewGray16(image.Rect(0, 0, 300, 200))
	for i := range gray16.Pix {
		gray16.Pix[i] = byte(i)
	}
	cases := []struct {
		name   string
		data   []byte
		mt     string
		colour bool
	}{
		{"paletted png", enc(func(b *bytes.Buffer) error { return png.Encode(b, pal) }), "image/png", true},
		{"16-bit png", enc(func(b *bytes.Buffer) error { return png.Encode(b, rgba64) }), "image/png", true},
		{"16-bit gray png", enc(func(b *bytes.Buffer) error { return png.Encode(b, gray16) }), "image/png", false},
		{"gif", enc(func(b *bytes.Buffer) error { return gif.Encode(b, pal, nil) }), "image/gif", true},
		{"bmp", enc(func(b *bytes.Buffer) error { return bmp.Encode(b, u) }), "image/png", true},
		{"tiff", enc(func(b *bytes.Buffer) error { return tiff.Encode(b, u, nil) }), "image/png", true},
		{"gray jpeg", encodeJPEG(t, gray16, 90), "image/jpeg", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Render(t.Context(), BytesSource(tc.data), Profile{Width: 150}, nil)
			require.NoError(t, err)
			assert.Equal(t, tc.mt, res.MediaType)
			img := decodeAny(t, res.Data)
			assert.Equal(t, image.Pt(150, 100), img.Bounds().Size())
			if tc.colour {
				quadrantsUpright(t, img)
			}
		})
	}
}

func TestGIFFrames(t *testing.T) {
	g := &gif.GIF{Config: image.Config{Width: 40, Height: 40}}
	for i := 0; i < 3; i++ {
		f := image.NewPaletted(image.Rect(0, 0, 40, 40), color.Palette{color.Black, color.White, colTL})
		for j := range f.Pix {
			f.Pix[j] = uint8(i)
		}
		g.Image = append(g.Image, f)
		g.Delay = append(g.Delay, 10)
	}
	var buf bytes.Buffer
	require.NoError(t, gif.EncodeAll(&buf, g))
	src := BytesSource(buf.Bytes())
	for frame, want := range []color.RGBA{{0, 0, 0, 255}, {255, 255, 255, 255}, colTL} {
		res, err := Render(t.Context(), src, Profile{Width: 20, Format: FormatPNG}, &Options{GIFFrame: frame})
		require.NoError(t, err)
		assert.True(t, near(decodeAny(t, res.Data).At(10, 10), want, 2), "frame %d", frame)
	}
	_, err := Render(t.Context(), src, Profile{Width: 20}, &Options{GIFFrame: 3})
	require.ErrorIs(t, err, ErrUnsupported)
}

func TestResizeDoesNotAlias(t *testing.T) {
	// One-pixel stripes reduced 5.86x (the 6000 -> 1024 case) must come
	// out as flat mid-grey; an aliasing scaler leaves stripes.
	const w, h = 1172, 200
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			g.Pix[y*g.Stride+x] = uint8(255 * (x % 2))
		}
	}
	out, err := resizeImage(t.Context(), g, window{scaleX: w / 200.0, scaleY: h / 34.0}, 200, 34)
	require.NoError(t, err)
	var sum, sq float64
	px := out.(*image.Gray).Pix
	for _, v := range px {
		sum += float64(v)
		sq += float64(v) * float64(v)
	}
	mean := sum / float64(len(px))
	std := math.Sqrt(sq/float64(len(px)) - mean*mean)
	assert.InDelta(t, 127.5, mean, 2)
	assert.Less(t, std, 2.0)
}

func TestResizeMatchesDirectLanczos(t *testing.T) {
	// The box prefilter plus Lanczos stays close to a plain Lanczos pass.
	const w, h = 1800, 1200
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			g.Pix[y*g.Stride+x] = uint8(128 + 100*math.Sin(float64(x)/37)*math.Cos(float64(y)/23))
		}
	}
	win := window{scaleX: w / 150.0, scaleY: h / 100.0}
	fast, err := resizeImage(t.Context(), g, win, 150, 100)
	require.NoError(t, err)
	direct := image.NewGray(image.Rect(0, 0, 150, 100))
	hw := makeWeights(w, 150, 0, win.scaleX)
	vw := makeWeights(h, 100, 0, win.scaleY)
	for y := 0; y < 100; y++ {
		for x := 0; x < 150; x++ {
			var acc float64
			for ty := 0; ty < vw.taps; ty++ {
				for tx := 0; tx < hw.taps; tx++ {
					v := float64(g.Pix[(int(vw.start[y])+ty)*w+int(hw.start[x])+tx])
					acc += v * float64(vw.w[y*vw.taps+ty]) * float64(hw.w[x*hw.taps+tx])
				}
			}
			direct.Pix[y*150+x] = uint8(max(0, min(255, math.Round(acc/weightOne/weightOne))))
		}
	}
	worst := 0
	for i, v := range fast.(*image.Gray).Pix {
		worst = max(worst, int(math.Abs(float64(v)-float64(direct.Pix[i]))))
	}
	assert.LessOrEqual(t, worst, 3)
}

func TestContextCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Render(ctx, BytesSource(orientedJPEG(t, 300, 200, 1, 0)), Profile{Width: 100}, nil)
	require.ErrorIs(t, err, context.Canceled)
}

func TestRegistry(t *testing.T) {
	r := DefaultRegistry()
	e, err := r.Lookup("image/jpeg; charset=binary")
	require.NoError(t, err)
	assert.IsType(t, Builtin{}, e)
	_, err = r.Lookup("image/svg+xml")
	require.ErrorIs(t, err, ErrUnsupported)
	_, err = r.Lookup("application/pdf")
	require.ErrorIs(t, err, ErrUnsupported)

	pdf := fakeEngine{types: "application/pdf"}
	r.Register(pdf)
	e, err = r.Lookup("application/pdf")
	require.NoError(t, err)
	assert.Equal(t, pdf, e)
	res, err := r.Render(t.Context(), "application/pdf", Source{}, Profile{Width: 1}, nil)
	require.NoError(t, err)
	assert.Equal(t, "fake", string(res.Data))

	res, err = r.Render(t.Context(), "image/jpeg", BytesSource(orientedJPEG(t, 300, 200, 1, 0)), Profile{Width: 30}, nil)
	require.NoError(t, err)
	assert.Equal(t, 30, res.Width)
}

type fakeEngine struct{ types string }

func (f fakeEngine) Accepts(mt string) bool { return mt == f.types }
func (f fakeEngine) Render(context.Context, Source, Profile, *Options) (Result, error) {
	return Result{Data: []byte("fake")}, nil
}
