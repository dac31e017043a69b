package dam_test

import (
	"bytes"
	"crypto/rand"
	"io"
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/rendition"
)

// BenchmarkCachedRendition compares serving a cached rendition with
// serving an original of the same size, each opened through the policy
// and copied out: a cache hit should cost what an original download does.
func BenchmarkCachedRendition(b *testing.B) {
	f := newFixture(b, nil)
	photo, err := testimage.JPEGWithEXIF(testimage.Gradient(3000, 2000, 0.7), "Canon", "EOS", 1)
	if err != nil {
		b.Fatal(err)
	}
	a, err := f.lib.Upload(f.owner, bytes.NewReader(photo), dam.UploadOptions{Name: "photo.jpg"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.lib.CreateProfile(f.owner, dam.Profile{Name: "print", Width: 2000, Height: 2000, Format: rendition.FormatPNG}); err != nil {
		b.Fatal(err)
	}
	d, err := f.lib.OpenRendition(f.owner, a.ID, "print")
	if err != nil {
		b.Fatal(err)
	}
	size := d.Version.Size
	_ = d.Close()
	same := make([]byte, size)
	_, _ = rand.Read(same)
	orig, err := f.lib.Upload(f.owner, bytes.NewReader(same), dam.UploadOptions{Name: "same-size.bin"})
	if err != nil {
		b.Fatal(err)
	}
	serve := func(b *testing.B, open func() (*dam.Download, error)) {
		b.SetBytes(size)
		for b.Loop() {
			d, err := open()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, d); err != nil {
				b.Fatal(err)
			}
			_ = d.Close()
		}
	}
	b.Run("original", func(b *testing.B) {
		serve(b, func() (*dam.Download, error) { return f.lib.Open(f.owner, orig.ID, 0) })
	})
	b.Run("cached-rendition", func(b *testing.B) {
		serve(b, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, a.ID, "print") })
	})
}
