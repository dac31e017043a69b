package dam

import (
	"context"
	"time"

	"github.com/damkit/damkit/rendition"
	"github.com/damkit/damkit/storage"
)

// Media is what the rendition engines read at ingest from a version that
// is not a still image: a video's duration, codecs and rotation, a
// document's page count. Width and Height of such a version are its
// displayed frame size (after the rotation) or its first page's size at
// the engine's resolution.
type Media struct {
	// DurationMS is a video's duration in milliseconds (see Duration).
	DurationMS int64  `json:"duration_ms,omitempty"`
	Codec      string `json:"codec,omitempty"`
	AudioCodec string `json:"audio_codec,omitempty"`
	// Rotation in degrees clockwise that players apply (0, 90, 180, 270).
	Rotation int `json:"rotation,omitempty"`
	// Pages of a document.
	Pages int `json:"pages,omitempty"`
}

// mediaOf converts what an engine read; nil when it read nothing.
func mediaOf(mi rendition.MediaInfo) *Media {
	m := Media{DurationMS: mi.Duration.Milliseconds(), Codec: mi.Codec,
		AudioCodec: mi.AudioCodec, Rotation: mi.Rotation, Pages: mi.Pages}
	if m == (Media{}) {
		return nil
	}
	return &m
}

// Duration is the video's duration (0 when unknown).
func (m *Media) Duration() time.Duration {
	if m == nil {
		return 0
	}
	return time.Duration(m.DurationMS) * time.Millisecond
}

// probeMedia asks the engine for in's media type, if it probes, for the
// duration, codecs, frame size and rotation of a video or the pages of a
// document, inside a render slot (it runs a child process). Failing to
// read them is logged, not an error: the file is stored all the same.
func (l *Library) probeMedia(ctx context.Context, in *ingested) {
	const op = "dam.probeMedia"
	kind := MediaKindOf(in.MediaType)
	if kind != MediaVideo && kind != MediaDocument {
		return
	}
	eng, err := l.renders.registry.Lookup(in.MediaType)
	if err != nil {
		return
	}
	if _, ok := eng.(rendition.Prober); !ok {
		return
	}
	release, err := l.renders.acquire(ctx, op)
	if err != nil {
		l.log.Warn("media not probed: no render slot", "sha256", in.SHA256, "err", err)
		return
	}
	defer release()
	src := rendition.Source{Data: l.bucket.ReaderAt(ctx, storage.OriginalKey(in.SHA256), in.Size), Size: in.Size}
	mi, _, err := l.renders.registry.Probe(ctx, in.MediaType, src)
	if err != nil {
		l.log.Warn("media not probed", "sha256", in.SHA256, "type", in.MediaType, "err", err)
		return
	}
	in.Media = mediaOf(mi)
	if mi.Width > 0 && mi.Height > 0 {
		in.Width, in.Height = mi.Width, mi.Height
	}
}
