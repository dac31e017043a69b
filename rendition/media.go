package rendition

import (
	"context"
	"time"
)

// MediaInfo is what an engine reads from a source that is not a still
// image (a video, a PDF) at ingest.
type MediaInfo struct {
	// Width and Height as displayed: a video's frame size after its
	// rotation, a document's first page at the engine's resolution.
	Width, Height int
	// Duration of a video or audio stream.
	Duration time.Duration
	// Codec of the video stream ("h264"), AudioCodec of the audio one.
	Codec      string
	AudioCodec string
	// Rotation in degrees clockwise (0, 90, 180, 270) the player applies.
	Rotation int
	// Pages of a document.
	Pages int
}

// Prober is implemented by engines that read MediaInfo from their sources.
type Prober interface {
	Probe(ctx context.Context, src Source) (MediaInfo, error)
}

// Probe reads MediaInfo with the engine registered for mediaType, if it is
// a Prober; ok is false when no engine probes that type.
func (r *Registry) Probe(ctx context.Context, mediaType string, src Source) (info MediaInfo, ok bool, err error) {
	e, err := r.Lookup(mediaType)
	if err != nil {
		return MediaInfo{}, false, nil
	}
	p, isProber := e.(Prober)
	if !isProber {
		return MediaInfo{}, false, nil
	}
	info, err = p.Probe(ctx, src)
	return info, true, err
}
