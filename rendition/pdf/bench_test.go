package pdf

import (
	"testing"

	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/rendition"
)

// BenchmarkFirstPage1024 renders the first page of a 100-page letter-size
// PDF at 1024 px (pdfinfo, pdftoppm of one page, the Builtin engine's
// encode). Allocations are the server process's.
func BenchmarkFirstPage1024(b *testing.B) {
	e, err := New(b.Context(), nil)
	if err != nil {
		b.Skipf("pdf engine: %v (install poppler-utils)", err)
	}
	pages := make([]testimage.Page, 100)
	for i := range pages {
		pages[i] = testimage.Page{W: 612, H: 792, Grey: float64(i%10) / 10}
	}
	src := rendition.BytesSource(testimage.PDF(pages...))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Render(b.Context(), src, rendition.Profile{Width: 1024, Height: 1024, Format: rendition.FormatJPEG}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
