package video

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/damkit/damkit/rendition"
	"github.com/damkit/damkit/rendition/internal/command"
)

// poster takes one frame at p.At (default: a tenth of the duration), scaled
// by ffmpeg to the size p needs, and renders it in p with the Builtin
// engine (watermark, modifiers, encoding). FormatSource is JPEG.
func (e *Engine) poster(ctx context.Context, wd *command.Workdir, in string, mi rendition.MediaInfo, p rendition.Profile, opts *rendition.Options) (rendition.Result, error) {
	at := p.At
	if at == 0 {
		at = mi.Duration / 10
	}
	if mi.Duration > 0 && at >= mi.Duration {
		at = max(0, mi.Duration-100*time.Millisecond)
	}
	rw, rh := p.RasterSize(mi.Width, mi.Height)
	rw, rh = min(rw, mi.Width), min(rh, mi.Height)
	frame, err := e.frame(ctx, wd, in, at, rw, rh)
	if err != nil && at > 0 && ctx.Err() == nil {
		// Some files cannot seek (or end before their stated duration).
		frame, err = e.frame(ctx, wd, in, 0, rw, rh)
	}
	if err != nil {
		return rendition.Result{}, err
	}
	return command.Finish(ctx, frame, p, rendition.FormatJPEG, opts)
}

// frame extracts the frame at at as a BMP of w x h pixels (cheap to write
// and to read back).
func (e *Engine) frame(ctx context.Context, wd *command.Workdir, in string, at time.Duration, w, h int) ([]byte, error) {
	const name = "poster.bmp"
	_ = os.Remove(wd.Path(name))
	args := []string{"-nostdin", "-v", "error", "-y",
		"-ss", strconv.FormatFloat(at.Seconds(), 'f', 3, 64), "-i", in,
		"-map", "0:v:0", "-frames:v", "1", "-an", "-sn", "-dn",
		"-vf", fmt.Sprintf("scale=%d:%d:flags=bicubic", w, h),
		"-c:v", "bmp", "-pix_fmt", "bgr24", "-f", "image2", "-update", "1",
		"-threads", strconv.Itoa(e.opts.Threads), name}
	if _, err := e.ffmpeg.Run(ctx, command.Spec{Dir: wd.Dir, Args: args, Timeout: e.opts.PosterTimeout, MemoryLimit: e.opts.MemoryLimit}); err != nil {
		return nil, e.fail(ctx, err)
	}
	data, err := wd.ReadFile(name, int64(w)*int64(h)*3+int64(h)*4+1024)
	if err != nil || len(data) == 0 {
		return nil, fmt.Errorf("%w: ffmpeg wrote no frame at %s", rendition.ErrCorrupt, at)
	}
	return data, nil
}
