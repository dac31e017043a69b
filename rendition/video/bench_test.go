package video

import (
	"testing"

	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/rendition"
)

// BenchmarkPoster1080p takes the 256 px poster of a 1-minute 1080p H.264
// file (generated once, about 30 s of ffmpeg at first): probe, seek to a
// tenth, one frame, the Builtin engine's resize and encode. Allocations
// are the server process's; the decoding is in the child.
func BenchmarkPoster1080p(b *testing.B) {
	e, err := New(b.Context(), nil)
	if err != nil {
		b.Skipf("video engine: %v (install ffmpeg)", err)
	}
	clip, err := testimage.Video(b.Context(), b.TempDir(), 1920, 1080, 60)
	if err != nil {
		b.Fatal(err)
	}
	src := rendition.BytesSource(clip)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Render(b.Context(), src, rendition.Profile{Width: 256, Height: 256}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
