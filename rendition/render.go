package rendition

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"slices"
)

// input is one decodable candidate for a render: the original, its EXIF
// thumbnail or a larger rendition.
type input struct {
	kind   Served
	src    Source
	info   Info
	uw, uh int // upright size
	img    image.Image
	scale  int // img is 1/scale of the input's size (DCT-domain decoding)
	err    error
}

// serves reports whether in has the original's aspect ratio and enough
// pixels for an output that takes scaleX x scaleY original pixels per
// output pixel.
func (in *input) serves(orig *input, win window) bool {
	if in.uw <= 0 || in.uh <= 0 {
		return false
	}
	a0 := float64(orig.uw) / float64(orig.uh)
	a1 := float64(in.uw) / float64(in.uh)
	if math.Abs(a1-a0)/a0 > 0.01 {
		return false
	}
	rx := float64(in.uw) / float64(orig.uw)
	ry := float64(in.uh) / float64(orig.uh)
	return win.scaleX*rx >= 0.999 && win.scaleY*ry >= 0.999
}

// RenderMany renders each profile from the cheapest input that serves it,
// decoding each input at most once. Results are in the order of profiles.
// An invalid profile fails the whole call before any decoding.
func (Builtin) RenderMany(ctx context.Context, src Source, profiles []Profile, opts *Options) ([]Result, error) {
	o := opts.orDefault()
	lim := o.Limits.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()

	ps := make([]Profile, len(profiles))
	for i, p := range profiles {
		if err := p.Validate(); err != nil {
			return nil, err
		}
		if p.Format.IsVideo() {
			return nil, fmt.Errorf("%w: %s output needs a video source", ErrUnsupported, p.Format)
		}
		ps[i] = p.Normalized()
	}
	info, err := probe(ctx, src, lim)
	if err != nil {
		return nil, err
	}
	orig := &input{kind: ServedOriginal, src: src, info: info}
	orig.uw, orig.uh = info.UprightSize()
	// What the profiles may carry over: KeepMetadata takes exif and icc,
	// every profile but StripMetadata the rights.
	md := &metadata{exif: info.exif, icc: info.icc}
	if !o.Rights.empty() {
		md.xmp, md.rightsEXIF = o.Rights.xmpPacket(), o.Rights.exifPayload()
	}

	// Candidates, smallest first.
	var cands []*input
	if !o.NoThumbnail && info.exif != nil {
		if thumb := exifThumbnail(info.exif); thumb != nil {
			if in := candidate(ctx, ServedThumbnail, BytesSource(thumb), lim); in != nil {
				// The thumbnail is stored like the main image.
				in.info.Orientation = info.Orientation
				in.uw, in.uh = in.info.UprightSize()
				cands = append(cands, in)
			}
		}
	}
	if o.Larger != nil {
		if in := candidate(ctx, ServedLarger, *o.Larger, lim); in != nil {
			cands = append(cands, in)
		}
	}
	cands = append(cands, orig)

	// Plan: each profile takes the smallest input that serves it; each
	// input is decoded once, as coarsely as its most demanding profile allows.
	type job struct {
		p      Profile
		ow, oh int
		win    window
		in     *input
	}
	jobs := make([]job, len(ps))
	for i, p := range ps {
		ow, oh, win := geometry(p, orig.uw, orig.uh)
		if int64(ow)*int64(oh) > lim.MaxOutputPixels {
			return nil, fmt.Errorf("%w: output %dx%d exceeds %d pixels", ErrTooLarge, ow, oh, lim.MaxOutputPixels)
		}
		jobs[i] = job{p: p, ow: ow, oh: oh, win: win, in: orig}
		if info.Format == "gif" && o.GIFFrame > 0 {
			continue
		}
		for _, in := range cands {
			if in.serves(orig, win) {
				jobs[i].in = in
				break
			}
		}
	}
	plan := func(in *input) int {
		k := 8
		for _, j := range jobs {
			if j.in == in {
				k = min(k, dctScale(in, orig, j.p, j.win))
			}
		}
		return k
	}
	for _, in := range cands {
		if in == orig {
			continue
		}
		if slices.ContainsFunc(jobs, func(j job) bool { return j.in == in }) {
			in.img, in.scale, in.err = decodeInput(ctx, in, lim, o.GIFFrame, plan(in))
			if in.err != nil { // a broken thumbnail or cached rendition: use the original
				if ctxErr := ctx.Err(); ctxErr != nil {
					return nil, ctxErr
				}
				for i := range jobs {
					if jobs[i].in == in {
						jobs[i].in = orig
					}
				}
			}
		}
	}
	if slices.ContainsFunc(jobs, func(j job) bool { return j.in == orig }) {
		orig.img, orig.scale, orig.err = decodeInput(ctx, orig, lim, o.GIFFrame, plan(orig))
		if orig.err != nil {
			return nil, orig.err
		}
	}
	results := make([]Result, len(ps))
	for i, j := range jobs {
		res, err := renderOne(ctx, j.in, orig, j.p, j.ow, j.oh, j.win, md)
		if err != nil {
			return nil, err
		}
		results[i] = res
	}
	return results, nil
}

// dctMargin is how much larger than the output a DCT-scaled decode stays.
// The scaled decoder gives exact cell means (a box filter), so the Lanczos
// step after it needs less room than after a plain box shrink
// (boxMargin): the outputs keep the PSNR of libvips' (which leaves 2x)
// while a 12 MP photo decodes at half size instead of full.
const dctMargin = 1.25

// dctScale is the coarsest JPEG decode scale (1, 2, 4 or 8) for one profile
// that keeps the decoded input at least dctMargin times the output size.
func dctScale(in, orig *input, p Profile, win window) int {
	if in.info.Format != "jpeg" || p.Fit == FitNone {
		return 1
	}
	rx := float64(in.uw) / float64(orig.uw)
	ry := float64(in.uh) / float64(orig.uh)
	s := math.Min(win.scaleX*rx, win.scaleY*ry)
	for _, k := range []int{8, 4, 2} {
		if s >= float64(k)*dctMargin {
			return k
		}
	}
	return 1
}

// candidate probes an alternative input; one that does not probe is skipped.
func candidate(ctx context.Context, kind Served, src Source, lim Limits) *input {
	info, err := probe(ctx, src, lim)
	if err != nil || info.Frames != 1 {
		return nil
	}
	if info.Format != "jpeg" && info.Format != "png" && info.Format != "gif" {
		return nil
	}
	in := &input{kind: kind, src: src, info: info}
	in.uw, in.uh = info.UprightSize()
	return in
}

// decodeInput reads the whole input and decodes it after the checks that
// need every byte (the JPEG scan count). A baseline JPEG is decoded at 1/k
// of its size when k > 1 and the scaled decoder handles its layout; the
// returned scale says what was done.
func decodeInput(ctx context.Context, in *input, lim Limits, gifFrame, k int) (image.Image, int, error) {
	data := getBuf(int(in.src.Size))
	if in.info.Format != "tiff" { // the TIFF decoder may keep slices of its input
		defer putBuf(data)
	}
	if n, err := in.src.Data.ReadAt(data, 0); n != len(data) {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, 0, fmt.Errorf("rendition: reading source: %w", err)
	}
	if in.info.Format == "jpeg" {
		scans, err := countJPEGScans(data, lim.MaxJPEGScans)
		if err != nil {
			return nil, 0, err
		}
		if scans > lim.MaxJPEGScans {
			return nil, 0, fmt.Errorf("%w: JPEG has more than %d scans", ErrTooLarge, lim.MaxJPEGScans)
		}
		if k > 1 {
			img, err := decodeJPEGScaled(ctx, data, k)
			if err == nil {
				return img, k, nil
			}
			if !errors.Is(err, errNotScalable) {
				return nil, 0, err
			}
		}
	}
	if gifFrame > 0 && gifFrame >= in.info.Frames {
		return nil, 0, fmt.Errorf("%w: GIF frame %d of %d", ErrUnsupported, gifFrame, in.info.Frames)
	}
	img, err := decodeImage(ctx, data, in.info, gifFrame)
	return img, 1, err
}

// renderOne runs resize, orientation, modifiers, watermark and encoding
// for one profile whose geometry was computed on the original.
func renderOne(ctx context.Context, in, orig *input, p Profile, ow, oh int, win window, md *metadata) (Result, error) {
	// Scale the window from original to decoded input pixels.
	rx := float64(in.uw) / float64(orig.uw) / float64(in.scale)
	ry := float64(in.uh) / float64(orig.uh) / float64(in.scale)
	win = window{x0: win.x0 * rx, y0: win.y0 * ry, scaleX: win.scaleX * rx, scaleY: win.scaleY * ry}
	o := in.info.Orientation
	src := in.img
	if p.Fit == FitSmart {
		// The window moves off the centre, which the EXIF flips do not
		// keep: turn the decoded image upright first and crop that.
		if o > 1 {
			src, o = orient(src, o), 1
		}
		x0, y0, err := smartOffset(ctx, src, float64(ow)*win.scaleX, float64(oh)*win.scaleY)
		if err != nil {
			return Result{}, err
		}
		win.x0, win.y0 = x0, y0
	}
	sw, sh, swin := storedWindow(o, ow, oh, win)
	b := src.Bounds()
	var img image.Image
	if isIdentity(sw, sh, swin, b.Dx(), b.Dy()) {
		img = src
		if o <= 1 && (p.Grayscale || p.Invert || p.Watermark != nil) {
			img = cloneImage(img)
		}
	} else {
		var err error
		img, err = resizeImage(ctx, src, swin, sw, sh)
		if err != nil {
			return Result{}, err
		}
	}
	img = orient(img, o)
	img = applyModifiers(img, p.Grayscale, p.Invert)
	if p.Watermark != nil {
		var err error
		img, err = drawWatermark(ctx, img, p.Watermark)
		if err != nil {
			return Result{}, err
		}
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	// A lossy, opaque WebP decodes to YCbCr; lossless or transparent does not.
	_, lossy := in.img.(*image.YCbCr)
	f := outputFormat(p.Format, orig.info.Format, lossy)
	data, err := encode(img, f, p.Quality, md.forProfile(p))
	if err != nil {
		return Result{}, fmt.Errorf("rendition: encoding %s: %w", f, err)
	}
	data = withDPI(data, f, p.DPI)
	ob := img.Bounds()
	return Result{Data: data, MediaType: mediaTypes[f], Width: ob.Dx(), Height: ob.Dy(), Served: in.kind}, nil
}
