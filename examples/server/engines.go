package main

import (
	"context"
	"log/slog"

	"github.com/damkit/damkit/rendition"
	"github.com/damkit/damkit/rendition/pdf"
	"github.com/damkit/damkit/rendition/svg"
	"github.com/damkit/damkit/rendition/video"
)

// mediaEngines finds the engines for the media the pure-Go one does not
// render (video through ffmpeg, PDF through poppler, SVG through librsvg).
// Each missing tool is reported once, here at start; its media then keep
// their originals only (previews show a generic icon), and /healthz lists
// what is there.
func mediaEngines(ctx context.Context, log *slog.Logger) []rendition.Engine {
	var engines []rendition.Engine
	add := func(kind, pkg string, e rendition.Engine, err error) {
		if err != nil {
			log.Warn("no "+kind+" previews or renditions: "+err.Error(), "engine", pkg)
			return
		}
		d := e.(rendition.Describer).Describe()
		log.Info("rendition engine ready", "engine", d.Name, "renders", d.Renders, "version", d.Version)
		engines = append(engines, e)
	}
	v, err := video.New(ctx, nil)
	add("video", "rendition/video (ffmpeg, ffprobe)", v, err)
	p, err := pdf.New(ctx, nil)
	add("PDF", "rendition/pdf (pdftoppm, pdfinfo)", p, err)
	s, err := svg.New(ctx, nil)
	add("SVG", "rendition/svg (rsvg-convert)", s, err)
	return engines
}
