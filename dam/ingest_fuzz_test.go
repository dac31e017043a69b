package dam

import (
	"bytes"
	"image"
	"image/gif"
	"runtime"
	"testing"

	"github.com/damkit/damkit/internal/exif/exiftest"
	"github.com/damkit/damkit/internal/testimage"
)

// inspectAllocBound is what inspecting an upload's head of n bytes may
// allocate: the header decoders' fixed tables and buffers, plus a small
// multiple of the head (sniffing and EXIF read it in place).
func inspectAllocBound(n int) uint64 { return 64*uint64(n) + 1<<20 }

// FuzzInspectHead runs what ingest reads from an upload's first bytes
// (media type, image dimensions by DecodeConfig, EXIF) on arbitrary input:
// it must not panic, must keep the EXIF summary in range, and must not
// allocate more than inspectAllocBound, whatever counts the headers claim.
func FuzzInspectHead(f *testing.F) {
	for _, c := range exiftest.Files() {
		f.Add(c.Data)
	}
	jpg, err := testimage.JPEGWithEXIF(testimage.Gradient(16, 16, 0), "Canon", "EOS", 6)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(jpg)
	f.Add(testimage.PNG(testimage.Gradient(8, 8, 0)))
	var g bytes.Buffer
	if err := gif.Encode(&g, image.NewGray(image.Rect(0, 0, 4, 4)), nil); err != nil {
		f.Fatal(err)
	}
	f.Add(g.Bytes())
	f.Fuzz(func(t *testing.T, head []byte) {
		var in ingested
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		inspectHead(head, nil, &in)
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; n > inspectAllocBound(len(head)) {
			t.Fatalf("%d bytes allocated inspecting a %d-byte head", n, len(head))
		}
		if e := in.EXIF; e != nil {
			if e.Orientation < 0 || e.Orientation > 8 {
				t.Fatalf("orientation %d", e.Orientation)
			}
			if e.Latitude != nil && (*e.Latitude < -90 || *e.Latitude > 90) {
				t.Fatalf("latitude %v", *e.Latitude)
			}
		}
		if in.Width < 0 || in.Height < 0 {
			t.Fatalf("size %dx%d", in.Width, in.Height)
		}
	})
}
