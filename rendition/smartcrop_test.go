package rendition

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/internal/testimage"
)

// scene draws a w x h picture with a dull, smooth background (a grey-blue
// gradient) and a subject inside rect: a textured, saturated or skin-toned
// patch.
func scene(w, h int, subject image.Rectangle, kind string) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := uint8(110 + 40*y/h)
			c := color.RGBA{v, v + 5, v + 15, 255}
			if image.Pt(x, y).In(subject) {
				u, t := x-subject.Min.X, y-subject.Min.Y
				switch kind {
				case "skin": // a face-like oval of skin tone with darker features
					cx, cy := float64(subject.Dx())/2, float64(subject.Dy())/2
					if dx, dy := (float64(u)-cx)/cx, (float64(t)-cy)/cy; dx*dx+dy*dy <= 1 {
						c = color.RGBA{224, 172, 140, 255}
						if (u/6+t/6)%5 == 0 {
							c = color.RGBA{150, 100, 80, 255}
						}
					}
				case "product": // a saturated, striped object
					c = color.RGBA{230, 30, 40, 255}
					if (u/4)%2 == 0 {
						c = color.RGBA{250, 200, 20, 255}
					}
				}
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

func pngOf(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

// A smart crop holds an off-centre subject that a centred crop loses.
func TestSmartCropKeepsTheSubject(t *testing.T) {
	tests := []struct {
		name    string
		w, h    int
		subject image.Rectangle
		kind    string
		p       Profile
	}{
		{"product far right of a wide picture, square crop", 900, 300, image.Rect(760, 100, 860, 200), "product",
			Profile{Width: 150, Height: 150, Fit: FitSmart, Format: FormatPNG}},
		{"face at the top of a tall picture, landscape crop", 300, 900, image.Rect(100, 40, 200, 170), "skin",
			Profile{Width: 200, Height: 100, Fit: FitSmart, Format: FormatPNG}},
		{"product bottom left, 4:5 crop", 1000, 500, image.Rect(30, 330, 150, 470), "product",
			Profile{Width: 160, Height: 200, Fit: FitSmart, Format: FormatPNG}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := scene(tt.w, tt.h, tt.subject, tt.kind)
			ctx := t.Context()
			n := tt.p.Normalized()
			ow, oh, win := geometry(n, tt.w, tt.h)
			x0, y0, err := smartOffset(ctx, img, float64(ow)*win.scaleX, float64(oh)*win.scaleY)
			require.NoError(t, err)
			crop := image.Rect(int(math.Round(x0)), int(math.Round(y0)),
				int(math.Round(x0+float64(ow)*win.scaleX)), int(math.Round(y0+float64(oh)*win.scaleY)))
			assert.True(t, tt.subject.In(crop), "crop %v holds the subject %v", crop, tt.subject)

			// A centred cover crop loses the subject: the smart one is not a centred one.
			centre := image.Rect(int(win.x0), int(win.y0), int(win.x0+float64(ow)*win.scaleX), int(win.y0+float64(oh)*win.scaleY))
			assert.False(t, tt.subject.In(centre), "the centre crop %v would have kept it too", centre)

			// The rendition has the profile's size and shows the subject.
			res, err := Render(ctx, BytesSource(pngOf(t, img)), tt.p, nil)
			require.NoError(t, err)
			assert.Equal(t, [2]int{tt.p.Width, tt.p.Height}, [2]int{res.Width, res.Height})
			out, err := png.Decode(bytes.NewReader(res.Data))
			require.NoError(t, err)
			sx := float64(res.Width) / float64(crop.Dx())
			c := tt.subject.Min.Add(tt.subject.Max).Div(2).Sub(crop.Min)
			r, g, b, _ := out.At(int(float64(c.X)*sx), int(float64(c.Y)*sx)).RGBA()
			assert.False(t, r>>8 < 180 && g>>8 < 180 && b>>8 < 180 && b>>8 > r>>8, "the subject's centre is not background: %d %d %d", r>>8, g>>8, b>>8)
		})
	}
}

// With EXIF orientation the crop is chosen on the upright picture.
func TestSmartCropOriented(t *testing.T) {
	// Upright 300 wide x 900 tall, subject at the top; stored turned (orientation 6).
	upright := scene(300, 900, image.Rect(100, 40, 200, 170), "product")
	stored := image.NewRGBA(image.Rect(0, 0, 900, 300))
	for y := 0; y < 900; y++ {
		for x := 0; x < 300; x++ {
			// orientation 6: the stored image is the upright one turned 90° anticlockwise.
			stored.Set(y, 299-x, upright.At(x, y))
		}
	}
	jpg := withAPP1(encodeJPEG(t, stored, 92), testimage.OrientationEXIF(6, nil))
	res, err := Render(t.Context(), BytesSource(jpg), Profile{Width: 150, Height: 75, Fit: FitSmart, Format: FormatPNG}, nil)
	require.NoError(t, err)
	out, err := png.Decode(bytes.NewReader(res.Data))
	require.NoError(t, err)
	// The window covers the top of the picture: the subject (red or yellow) sits in it.
	found := false
	for y := 0; y < out.Bounds().Dy() && !found; y++ {
		for x := 0; x < out.Bounds().Dx(); x++ {
			r, g, b, _ := out.At(x, y).RGBA()
			if r>>8 > 200 && b>>8 < 80 && g>>8 < 220 {
				found = true
				break
			}
		}
	}
	assert.True(t, found, "the subject at the top of the upright picture is in the crop")
}

func TestSmartProfileString(t *testing.T) {
	p, err := ParseProfile("w100-h100-smart-jpeg")
	require.NoError(t, err)
	assert.Equal(t, FitSmart, p.Fit)
	assert.Equal(t, "w100-h100-smart-jpeg-q85", p.String())
	require.ErrorIs(t, Profile{Width: 100, Fit: FitSmart}.Validate(), ErrInvalidProfile, "smart needs both sides")
	assert.False(t, p.Reusable())
}

func TestBestWindowPrefersCentreOnTies(t *testing.T) {
	score := make([]float32, 10*10) // all zero
	x, y := bestWindow(score, 10, 10, 4, 4)
	assert.Equal(t, [2]int{3, 3}, [2]int{x, y})
	score[9*10+9] = 1
	x, y = bestWindow(score, 10, 10, 4, 4)
	assert.Equal(t, [2]int{6, 6}, [2]int{x, y})
}

// The attention copy of a tall YCbCr image is made from every other row
// (everyOtherRow): the window lands where the full image puts it, for
// each chroma layout.
func TestSmartOffsetOnEveryOtherRow(t *testing.T) {
	rgba := scene(1600, 1200, image.Rect(1250, 300, 1450, 560), "product")
	for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio440} {
		m := image.NewYCbCr(rgba.Bounds(), ratio)
		for y := 0; y < 1200; y++ {
			for x := 0; x < 1600; x++ {
				c := rgba.RGBAAt(x, y)
				yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
				m.Y[m.YOffset(x, y)] = yy
				m.Cb[m.COffset(x, y)], m.Cr[m.COffset(x, y)] = cb, cr
			}
		}
		view, rows := everyOtherRow(m, 96)
		require.Equal(t, 2.0, rows, ratio)
		assert.Equal(t, 600, view.Bounds().Dy())
		x0, y0, err := smartOffset(t.Context(), m, 600, 600)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, x0, 1450.0-600, "%v: the subject is in the window", ratio)
		assert.LessOrEqual(t, y0, 300.0, ratio)
		assert.GreaterOrEqual(t, y0+600, 560.0, ratio)
	}
}
