package testimage

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Page is one page of a generated PDF: its size in points, a grey level
// (0 black .. 1 white) filling its left half, and its /Rotate.
type Page struct {
	W, H   int
	Grey   float64
	Rotate int
}

// PDF writes a small PDF of the pages with a correct cross-reference table.
func PDF(pages ...Page) []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	b.WriteString("%PDF-1.4\n")
	kids := ""
	for i := range pages {
		kids += fmt.Sprintf("%d 0 R ", 3+2*i)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, len(pages)))
	for i, p := range pages {
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Rotate %d /Contents %d 0 R >>", p.W, p.H, p.Rotate, 4+2*i))
		stream := fmt.Sprintf("%.2f g 0 0 %d %d re f", p.Grey, p.W/2, p.H)
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}

// SVG is a 200x100 drawing, red on its left half and transparent on the
// right, carrying a script and an event handler that must stay inert.
const SVG = `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 20 10" onload="alert(1)">
  <script>alert(document.cookie)</script>
  <rect x="0" y="0" width="10" height="10" fill="#ff0000"/>
</svg>`

// Video makes a small H.264/AAC MP4 with ffmpeg's test source (w x h,
// seconds long at 10 fps) in dir; extra arguments, when given, are applied
// in a second stream-copying pass (metadata such as "-metadata:s:v",
// "rotate=90"). It needs ffmpeg on PATH.
func Video(ctx context.Context, dir string, w, h int, seconds float64, extra ...string) ([]byte, error) {
	out := filepath.Join(dir, "testimage-video.mp4")
	ffmpeg := func(args ...string) error {
		if b, err := exec.CommandContext(ctx, "ffmpeg", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("ffmpeg: %v: %s", err, b)
		}
		return nil
	}
	d := fmt.Sprintf("%g", seconds)
	if err := ffmpeg("-y", "-v", "error", "-f", "lavfi", "-i", fmt.Sprintf("testsrc=size=%dx%d:rate=10:duration=%s", w, h, d),
		"-f", "lavfi", "-i", "sine=duration="+d, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-shortest", out); err != nil {
		return nil, err
	}
	if len(extra) > 0 {
		first := out
		out = filepath.Join(dir, "testimage-video2.mp4")
		if err := ffmpeg(append(append([]string{"-y", "-v", "error", "-i", first, "-c", "copy"}, extra...), out)...); err != nil {
			return nil, err
		}
	}
	return os.ReadFile(out)
}
