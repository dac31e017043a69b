package command

import (
	"context"
	"errors"
	"fmt"

	"github.com/damkit/damkit/rendition"
)

// Stage checks src against maxBytes and copies it into the file name of a
// new work directory; the caller closes the directory. what names the
// source in messages ("video").
func Stage(ctx context.Context, src rendition.Source, maxBytes int64, name, what string) (*Workdir, string, error) {
	if src.Data == nil || src.Size <= 0 {
		return nil, "", fmt.Errorf("%w: empty source", rendition.ErrUnsupported)
	}
	if src.Size > maxBytes {
		return nil, "", fmt.Errorf("%w: %s is %d bytes, limit %d", rendition.ErrTooLarge, what, src.Size, maxBytes)
	}
	wd, err := NewWorkdir()
	if err != nil {
		return nil, "", fmt.Errorf("rendition: work directory: %w", err)
	}
	in, err := wd.Write(ctx, name, src.Data, src.Size)
	if err != nil {
		wd.Close()
		if ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		return nil, "", fmt.Errorf("rendition: copying the %s: %w", what, err)
	}
	return wd, in, nil
}

// RenderError maps a failed run to the rendition sentinels: the caller's
// context error first; a run that took too long or wrote too much is
// ErrTooLarge; any other failure means the tool could not read the source
// (ErrCorrupt).
func RenderError(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrOutputTooLarge) {
		return fmt.Errorf("%w: %v", rendition.ErrTooLarge, err)
	}
	return fmt.Errorf("%w: %v", rendition.ErrCorrupt, err)
}

// Finish renders a rasterized frame, page or drawing in p with the Builtin
// engine, in def when p keeps the source format.
func Finish(ctx context.Context, raster []byte, p rendition.Profile, def rendition.Format, opts *rendition.Options) (rendition.Result, error) {
	if p.Format == rendition.FormatSource {
		p.Format = def
	}
	p.Page, p.At = 0, 0
	var o rendition.Options
	if opts != nil {
		o = *opts
	}
	o.Larger, o.NoThumbnail, o.GIFFrame = nil, true, 0
	return rendition.Builtin{}.Render(ctx, rendition.BytesSource(raster), p, &o)
}
