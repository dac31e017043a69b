// Command smartcrop compares the rendition package's smart crops
// (Profile.Fit "smart") with libvips' (`vipsthumbnail --smartcrop
// attention`) on generated pictures with a known, off-centre subject: for
// each tool, whether the crop holds the whole subject, and the overlap
// (intersection over union) of the two tools' windows.
//
// Each tool's window is found the same way, from its output alone: the
// output is matched (least absolute difference) against the same tool's
// uncropped resize of the picture at the covering size, along the one axis
// a cover crop may slide.
//
//	go run ./bench/rendition/smartcrop -n 20
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/damkit/damkit/rendition"
)

type picture struct {
	w, h    int
	subject image.Rectangle
	kind    string
	cw, ch  int // the crop's box
}

func main() {
	n := flag.Int("n", 20, "pictures")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "smartcrop-bench"), "work directory")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fail(err)
	}
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))
	boxes := [][2]int{{200, 200}, {160, 200}, {320, 180}}
	var oursIn, vipsIn, centreIn int
	var iouSum float64
	fmt.Println("| # | picture | subject | crop | ours holds it | vips holds it | centre holds it | IoU |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for i := 0; i < *n; i++ {
		pic := randomPicture(rng, boxes[i%len(boxes)])
		img := draw(pic)
		in := filepath.Join(*dir, fmt.Sprintf("p%02d.png", i))
		writePNG(in, img)
		data, _ := os.ReadFile(in)

		// The covering size: the scale at which the picture covers the box.
		s := math.Max(float64(pic.cw)/float64(pic.w), float64(pic.ch)/float64(pic.h))
		fw, fh := int(math.Round(float64(pic.w)*s)), int(math.Round(float64(pic.h)*s))

		ours := render(ctx, data, rendition.Profile{Width: pic.cw, Height: pic.ch, Fit: rendition.FitSmart, Format: rendition.FormatPNG})
		oursFull := render(ctx, data, rendition.Profile{Width: fw, Height: fh, Enlarge: true, Format: rendition.FormatPNG})
		vips := vipsthumb(*dir, in, fmt.Sprintf("%dx%d", pic.cw, pic.ch), "attention", i, "crop")
		vipsFull := vipsthumb(*dir, in, fmt.Sprintf("%dx%d", fw, fh), "none", i, "full")

		ow := locate(ours, oursFull).intoSource(s)
		vw := locate(vips, vipsFull).intoSource(s)
		cx, cy := (pic.w-int(float64(pic.cw)/s))/2, (pic.h-int(float64(pic.ch)/s))/2
		cw := image.Rect(cx, cy, cx+int(float64(pic.cw)/s), cy+int(float64(pic.ch)/s))
		oh, vh, ch := pic.subject.In(ow.Inset(-2)), pic.subject.In(vw.Inset(-2)), pic.subject.In(cw)
		iou := overlap(ow, vw)
		iouSum += iou
		if oh {
			oursIn++
		}
		if vh {
			vipsIn++
		}
		if ch {
			centreIn++
		}
		fmt.Printf("| %d | %dx%d | %s %v | %dx%d | %v | %v | %v | %.2f |\n", i+1, pic.w, pic.h, pic.kind, pic.subject, pic.cw, pic.ch, yes(oh), yes(vh), yes(ch), iou)
	}
	fmt.Printf("\nsubject kept: ours %d/%d, vips %d/%d, centre crop %d/%d; mean IoU of ours and vips' windows %.2f\n",
		oursIn, *n, vipsIn, *n, centreIn, *n, iouSum/float64(*n))
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// randomPicture places a subject of random kind and size off the centre
// of a picture of random proportions, on the side the crop must slide to.
func randomPicture(rng *rand.Rand, box [2]int) picture {
	wide := rng.IntN(2) == 0
	w, h := 900+rng.IntN(600), 400+rng.IntN(200)
	if !wide {
		w, h = h, w
	}
	kinds := []string{"product", "skin"}
	p := picture{w: w, h: h, kind: kinds[rng.IntN(2)], cw: box[0], ch: box[1]}
	side := min(w, h) / 4
	sw, sh := side+rng.IntN(side/2), side+rng.IntN(side/2)
	// Along the long axis: in the first or the last fifth.
	if wide {
		x := 20 + rng.IntN(w/5)
		if rng.IntN(2) == 0 {
			x = w - 20 - sw - rng.IntN(w/5)
		}
		y := (h - sh) / 2
		p.subject = image.Rect(x, y, x+sw, y+sh)
	} else {
		y := 20 + rng.IntN(h/5)
		if rng.IntN(2) == 0 {
			y = h - 20 - sh - rng.IntN(h/5)
		}
		x := (w - sw) / 2
		p.subject = image.Rect(x, y, x+sw, y+sh)
	}
	return p
}

// draw makes the picture: a dull gradient with mild noise, and the subject
// (a striped saturated product, or a skin-toned oval with features).
func draw(p picture) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, p.w, p.h))
	rng := rand.New(rand.NewPCG(uint64(p.w), uint64(p.h)))
	for y := 0; y < p.h; y++ {
		for x := 0; x < p.w; x++ {
			v := 100 + 50*y/p.h + rng.IntN(6)
			c := color.RGBA{uint8(v), uint8(v + 5), uint8(v + 15), 255}
			if image.Pt(x, y).In(p.subject) {
				u, t := x-p.subject.Min.X, y-p.subject.Min.Y
				switch p.kind {
				case "skin":
					cx, cy := float64(p.subject.Dx())/2, float64(p.subject.Dy())/2
					if dx, dy := (float64(u)-cx)/cx, (float64(t)-cy)/cy; dx*dx+dy*dy <= 1 {
						c = color.RGBA{224, 172, 140, 255}
						if (u/6+t/6)%5 == 0 {
							c = color.RGBA{150, 100, 80, 255}
						}
					}
				default:
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

func render(ctx context.Context, data []byte, p rendition.Profile) image.Image {
	res, err := rendition.Render(ctx, rendition.BytesSource(data), p, nil)
	if err != nil {
		fail(err)
	}
	img, err := png.Decode(bytes.NewReader(res.Data))
	if err != nil {
		fail(err)
	}
	return img
}

func vipsthumb(dir, in, size, crop string, i int, tag string) image.Image {
	out := filepath.Join(dir, fmt.Sprintf("v%02d-%s.png", i, tag))
	cmd := exec.Command("vipsthumbnail", in, "--size", size, "--smartcrop", crop, "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		fail(fmt.Errorf("vipsthumbnail: %v: %s", err, b))
	}
	f, err := os.Open(out)
	if err != nil {
		fail(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		fail(err)
	}
	return img
}

// found is a crop window in the covering-size image.
type found struct{ r image.Rectangle }

func (f found) intoSource(s float64) image.Rectangle {
	return image.Rect(int(float64(f.r.Min.X)/s), int(float64(f.r.Min.Y)/s), int(float64(f.r.Max.X)/s), int(float64(f.r.Max.Y)/s))
}

// locate finds where crop sits in full (least mean absolute difference).
func locate(crop, full image.Image) found {
	cb, fb := crop.Bounds(), full.Bounds()
	best, bx, by := math.Inf(1), 0, 0
	for y := 0; y+cb.Dy() <= fb.Dy(); y++ {
		for x := 0; x+cb.Dx() <= fb.Dx(); x++ {
			if d := diff(crop, full, x, y, best); d < best {
				best, bx, by = d, x, y
			}
		}
	}
	return found{image.Rect(bx, by, bx+cb.Dx(), by+cb.Dy())}
}

// diff sums absolute differences on a sparse grid, stopping past limit.
func diff(crop, full image.Image, ox, oy int, limit float64) float64 {
	cb := crop.Bounds()
	sum := 0.0
	for y := 0; y < cb.Dy(); y += 3 {
		for x := 0; x < cb.Dx(); x += 3 {
			r1, g1, b1, _ := crop.At(x, y).RGBA()
			r2, g2, b2, _ := full.At(ox+x, oy+y).RGBA()
			sum += math.Abs(float64(r1)-float64(r2)) + math.Abs(float64(g1)-float64(g2)) + math.Abs(float64(b1)-float64(b2))
			if sum >= limit {
				return sum
			}
		}
	}
	return sum
}

func overlap(a, b image.Rectangle) float64 {
	in := a.Intersect(b)
	ia := float64(in.Dx() * in.Dy())
	u := float64(a.Dx()*a.Dy()+b.Dx()*b.Dy()) - ia
	if u <= 0 {
		return 0
	}
	return ia / u
}

func writePNG(path string, img image.Image) {
	f, err := os.Create(path)
	if err != nil {
		fail(err)
	}
	if err := png.Encode(f, img); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "smartcrop:", err)
	os.Exit(1)
}
