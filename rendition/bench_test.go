package rendition

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"github.com/damkit/damkit/internal/testimage"
)

var (
	benchOnce  sync.Once
	benchPhoto []byte
)

// benchJPEG is a photo-like 6000x4000 JPEG (gradients, noise, edges) with
// an EXIF thumbnail, generated once per test binary. DAMKIT_BENCH_SMALL=1
// uses 3000x2000 for quicker runs.
func benchJPEG(b *testing.B) []byte {
	benchOnce.Do(func() {
		w, h := 6000, 4000
		if os.Getenv("DAMKIT_BENCH_SMALL") != "" {
			w, h = 3000, 2000
		}
		m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
		rng := rand.New(rand.NewPCG(1, 2))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				fx, fy := float64(x)/float64(w), float64(y)/float64(h)
				v := 70 + 90*fx + 40*fy + 25*math.Sin(fx*9+fy*4) + rng.NormFloat64()*6
				if (x/(w/12))%5 == 2 && y > h/3 {
					v += 35
				}
				m.Y[y*m.YStride+x] = uint8(max(0, min(255, v)))
			}
		}
		for i := range m.Cb {
			m.Cb[i] = uint8(110 + i%40)
			m.Cr[i] = uint8(120 + i%30)
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 90}); err != nil {
			panic(err)
		}
		thumb := encodeJPEG(b, uprightImage(384, 256), 85)
		benchPhoto = withAPP1(buf.Bytes(), testimage.OrientationEXIF(1, thumb))
	})
	return benchPhoto
}

func benchRender(b *testing.B, p Profile, opts *Options) {
	src := BytesSource(benchJPEG(b))
	b.ReportAllocs()
	for b.Loop() {
		res, err := Render(b.Context(), src, p, opts)
		if err != nil {
			b.Fatal(err)
		}
		if res.Width == 0 {
			b.Fatal("empty result")
		}
	}
}

func BenchmarkRender1024(b *testing.B) {
	benchRender(b, Profile{Width: 1024, Height: 1024, Format: FormatJPEG}, &Options{NoThumbnail: true})
}

func BenchmarkRender256Original(b *testing.B) {
	benchRender(b, Profile{Width: 256, Height: 256, Format: FormatJPEG}, &Options{NoThumbnail: true})
}

func BenchmarkRender256Thumbnail(b *testing.B) {
	benchRender(b, Profile{Width: 256, Height: 256, Format: FormatJPEG}, nil)
}

func BenchmarkRenderMany(b *testing.B) {
	src := BytesSource(benchJPEG(b))
	ps := []Profile{{Width: 2048}, {Width: 1024}, {Width: 512}, {Width: 256, Height: 256, Fit: FitCover}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RenderMany(b.Context(), src, ps, &Options{NoThumbnail: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeOnly(b *testing.B) {
	data := benchJPEG(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkResizeYCbCr(b *testing.B) {
	img, err := jpeg.Decode(bytes.NewReader(benchJPEG(b)))
	if err != nil {
		b.Fatal(err)
	}
	bd := img.Bounds()
	win := window{scaleX: float64(bd.Dx()) / 1024, scaleY: float64(bd.Dy()) / 683}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := resizeImage(b.Context(), img, win, 1024, 683); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCropCover and BenchmarkCropSmart render the same 1024 x 576
// crop of the photo, centred and by attention: their ratio is the extra
// cost of a smart crop (goal: at most 15% over the resize).
func BenchmarkCropCover(b *testing.B) {
	benchRender(b, Profile{Width: 1024, Height: 576, Fit: FitCover, Format: FormatJPEG}, &Options{NoThumbnail: true})
}

func BenchmarkCropSmart(b *testing.B) {
	benchRender(b, Profile{Width: 1024, Height: 576, Fit: FitSmart, Format: FormatJPEG}, &Options{NoThumbnail: true})
}

// BenchmarkSmartOffset is the attention measure alone on a decoded
// 1/4-size copy (1500 x 1000), as a 1024 px crop of the photo sees it.
func BenchmarkSmartOffset(b *testing.B) {
	img, err := decodeJPEGScaled(b.Context(), benchJPEG(b), 4)
	if err != nil {
		b.Fatal(err)
	}
	bd := img.Bounds()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := smartOffset(b.Context(), img, float64(bd.Dx())*0.8, float64(bd.Dy())*0.5); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResizeForCrop is the resize a 1024 x 576 crop of the photo
// does on the same 1/4-size copy BenchmarkSmartOffset measures: their
// ratio is the smart crop's extra cost over the resize (goal: at most 15%).
func BenchmarkResizeForCrop(b *testing.B) {
	img, err := decodeJPEGScaled(b.Context(), benchJPEG(b), 4)
	if err != nil {
		b.Fatal(err)
	}
	bd := img.Bounds()
	cw, ch := float64(bd.Dx()), float64(bd.Dx())*576/1024
	win := window{y0: (float64(bd.Dy()) - ch) / 2, scaleX: cw / 1024, scaleY: ch / 576}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := resizeImage(b.Context(), img, win, 1024, 576); err != nil {
			b.Fatal(err)
		}
	}
}
