package video

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"math"
	"strconv"

	"github.com/damkit/damkit/rendition"
	"github.com/damkit/damkit/rendition/internal/command"
)

// transcode writes p's MP4 or WebM: the frame placed in p's box as the
// image fits place it (the longer side at most MaxSide, sides even), the
// video bitrate capped in proportion to the frame area, metadata dropped
// unless kept, and the file bounded by MaxOutputBytes.
func (e *Engine) transcode(ctx context.Context, wd *command.Workdir, in string, mi rendition.MediaInfo, p rendition.Profile) (rendition.Result, error) {
	if mi.Duration > e.opts.MaxDuration {
		return rendition.Result{}, fmt.Errorf("%w: video lasts %s; transcodes are limited to %s", rendition.ErrTooLarge, mi.Duration, e.opts.MaxDuration)
	}
	if p.Watermark != nil {
		return rendition.Result{}, fmt.Errorf("%w: watermarks are drawn on images, not on %s video", rendition.ErrUnsupported, p.Format)
	}
	ow, oh, vf := videoGeometry(p, mi.Width, mi.Height, e.opts.MaxSide)
	if p.Fit == rendition.FitSmart {
		var err error
		if vf, err = e.smartGeometry(ctx, wd, in, mi, p, ow, oh); err != nil {
			return rendition.Result{}, err
		}
	}
	kbps := max(300, int(int64(e.opts.MaxBitrate)*int64(ow)*int64(oh)/(1920*1080)))
	name := "out." + string(p.Format)
	args := []string{"-nostdin", "-v", "error", "-y", "-i", in,
		"-map", "0:v:0", "-map", "0:a:0?", "-sn", "-dn", "-vf", vf,
		"-fs", strconv.FormatInt(e.opts.MaxOutputBytes, 10), "-threads", strconv.Itoa(e.opts.Threads)}
	if !p.KeepMetadata {
		args = append(args, "-map_metadata", "-1")
	}
	switch p.Format {
	case rendition.FormatMP4:
		crf := 18 + (100-p.Quality)*33/100
		args = append(args, "-c:v", "libx264", "-preset", "veryfast", "-crf", strconv.Itoa(crf),
			"-maxrate", strconv.Itoa(kbps)+"k", "-bufsize", strconv.Itoa(2*kbps)+"k",
			"-c:a", "aac", "-b:a", "128k", "-ac", "2", "-movflags", "+faststart", "-f", "mp4", name)
	default:
		crf := 20 + (100-p.Quality)*40/100
		args = append(args, "-c:v", "libvpx-vp9", "-crf", strconv.Itoa(crf), "-b:v", strconv.Itoa(kbps)+"k",
			"-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1",
			"-c:a", "libopus", "-b:a", "96k", "-ac", "2", "-f", "webm", name)
	}
	if _, err := e.ffmpeg.Run(ctx, command.Spec{Dir: wd.Dir, Args: args, Timeout: e.opts.TranscodeTimeout, MemoryLimit: e.opts.MemoryLimit}); err != nil {
		return rendition.Result{}, e.fail(ctx, err)
	}
	// -fs stops writing at the bound and still succeeds: a file that
	// reached it is cut short.
	data, err := wd.ReadFile(name, e.opts.MaxOutputBytes-1)
	if err != nil {
		return rendition.Result{}, e.fail(ctx, err)
	}
	if len(data) == 0 {
		return rendition.Result{}, fmt.Errorf("%w: ffmpeg wrote an empty %s", rendition.ErrCorrupt, p.Format)
	}
	return rendition.Result{Data: data, MediaType: p.Format.MediaType(), Width: ow, Height: oh, Served: rendition.ServedOriginal}, nil
}

// videoGeometry is the output size of p for a w x h frame, at most maxSide
// on the longer side and even on both (H.264 and VP9 in 4:2:0 need it), and
// the ffmpeg filter chain that produces it.
func videoGeometry(p rendition.Profile, w, h, maxSide int) (int, int, string) {
	ow, oh := p.OutputSize(w, h)
	if ow <= 0 || oh <= 0 {
		ow, oh = w, h
	}
	if m := max(ow, oh); m > maxSide {
		ow, oh = ow*maxSide/m, oh*maxSide/m
	}
	even := func(v int) int { return max(2, v&^1) }
	ow, oh = even(ow), even(oh)
	var vf string
	switch p.Fit {
	case rendition.FitFill, rendition.FitContain:
		vf = fmt.Sprintf("scale=%d:%d", ow, oh)
	case rendition.FitNone:
		vf = fmt.Sprintf("crop=%d:%d", ow, oh)
	default: // cover crops the centre; smart places the crop (smartGeometry)
		vf = fmt.Sprintf("scale=%d:%d:force_original_aspect_ratio=increase,crop=%d:%d", ow, oh, ow, oh)
	}
	return ow, oh, vf + videoModifiers(p)
}

// videoModifiers is the tail of the filter chain: p's modifiers, square
// pixels, 4:2:0.
func videoModifiers(p rendition.Profile) string {
	vf := ""
	if p.Grayscale {
		vf += ",hue=s=0"
	}
	if p.Invert {
		vf += ",negate"
	}
	return vf + ",setsar=1,format=yuv420p"
}

// smartSide is the longer side of the frame a smart crop is placed on.
const smartSide = 256

// smartGeometry is the filter chain of a smart crop of the video to ow x
// oh: scaled to cover the box, then cropped where the poster frame (at
// p.At, or a tenth of the video) holds the most attention, for the whole
// video (a still camera's subject stays put; a moving one is not followed).
func (e *Engine) smartGeometry(ctx context.Context, wd *command.Workdir, in string, mi rendition.MediaInfo, p rendition.Profile, ow, oh int) (string, error) {
	w, h := mi.Width, mi.Height
	s := max(float64(ow)/float64(w), float64(oh)/float64(h))
	sw, sh := max(ow, int(math.Ceil(float64(w)*s-1e-9))), max(oh, int(math.Ceil(float64(h)*s-1e-9)))
	at := p.At
	if at == 0 || mi.Duration > 0 && at >= mi.Duration {
		at = mi.Duration / 10
	}
	k := min(1, smartSide/float64(max(w, h)))
	fw, fh := max(1, int(math.Round(float64(w)*k))), max(1, int(math.Round(float64(h)*k)))
	data, err := e.frame(ctx, wd, in, at, fw, fh)
	if err != nil && at > 0 && ctx.Err() == nil {
		data, err = e.frame(ctx, wd, in, 0, fw, fh)
	}
	if err != nil {
		return "", err
	}
	img, _, err := image.Decode(bytes.NewReader(data)) // package rendition registers BMP
	if err != nil {
		return "", fmt.Errorf("%w: reading the poster frame: %v", rendition.ErrCorrupt, err)
	}
	// The crop in the frame's pixels, placed there, then in the scaled video's.
	fx := float64(img.Bounds().Dx()) / float64(sw)
	fy := float64(img.Bounds().Dy()) / float64(sh)
	x0, y0, err := rendition.SmartWindow(ctx, img, float64(ow)*fx, float64(oh)*fy)
	if err != nil {
		return "", err
	}
	x := min(max(0, int(math.Round(x0/fx))), sw-ow)
	y := min(max(0, int(math.Round(y0/fy))), sh-oh)
	return fmt.Sprintf("scale=%d:%d,crop=%d:%d:%d:%d", sw, sh, ow, oh, x, y) + videoModifiers(p), nil
}
