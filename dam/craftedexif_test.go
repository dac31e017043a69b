package dam_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/exif/exiftest"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/rendition"
)

// craftedUploadAllocBound is what one upload and render of a crafted file
// of a few hundred bytes may allocate in all: chunk buffers, SQL, encoders.
// The goexif bug asked for 4 to 77 GB.
const craftedUploadAllocBound = 64 << 20

// checkCraftedFile uploads one crafted file and renders it: the upload is
// accepted with its EXIF ignored, and the render either succeeds without
// turning the image (the orientation entry is unreadable) or refuses the
// file as invalid.
func checkCraftedFile(t *testing.T, f *fixture, c exiftest.Case) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	a, err := f.lib.Upload(f.owner, bytes.NewReader(c.Data), dam.UploadOptions{Name: "crafted"})
	require.NoError(t, err, "the asset is accepted")
	assert.True(t, strings.HasPrefix(a.Current.MediaType, "image/"), a.Current.MediaType)
	if e := a.Current.EXIF; e != nil {
		assert.Zero(t, e.Orientation, "an entry whose count runs past the end is not read")
		assert.Empty(t, e.Make)
		assert.False(t, e.HasThumbnail)
		assert.Nil(t, e.Latitude)
	}
	d, err := f.lib.OpenRendition(f.owner, a.ID, "small")
	if strings.HasPrefix(c.Name, "jpeg ") || strings.HasPrefix(c.Name, "png ") {
		require.NoError(t, err, "the picture itself is fine")
		var buf bytes.Buffer
		_, err = buf.ReadFrom(d)
		require.NoError(t, err)
		require.NoError(t, d.Close())
		cfg, _, err := image.DecodeConfig(&buf)
		require.NoError(t, err)
		assert.Equal(t, image.Pt(8, 8), image.Pt(cfg.Width, cfg.Height))
	} else {
		require.Error(t, err, "no picture in a bare IFD or an empty WebP")
		assert.Contains(t, []dam.Kind{dam.Invalid, dam.FailedPrecondition}, dam.KindOf(err), "%v", err)
	}
	runtime.ReadMemStats(&after)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(craftedUploadAllocBound), "bytes allocated")
}

// TestUploadAndRenderOfCraftedEXIF is the regression test of issue 12: a
// 26-byte TIFF IFD, or a JPEG or PNG carrying it, whose Orientation entry has
// type LONG or SHORT and count 0xC0000001, made goexif allocate 24 GiB
// (fatal: out of memory) at upload and again at every render.
func TestUploadAndRenderOfCraftedEXIF(t *testing.T) {
	f := newFixture(t, nil)
	f.profile(t, dam.Profile{Name: "small", Width: 64, Height: 64, Format: rendition.FormatPNG})
	for _, c := range exiftest.Files() {
		t.Run(c.Name, func(t *testing.T) { checkCraftedFile(t, f, c) })
	}
}

// TestUploadReadsEXIFOfEveryCarrier: the parser that replaced goexif reads
// the EXIF of a JPEG APP1 segment, a PNG eXIf chunk and a bare TIFF, GPS
// and thumbnail included.
func TestUploadReadsEXIFOfEveryCarrier(t *testing.T) {
	f := newFixture(t, nil)
	tiff := testimage.EXIF("Canon", "EOS R", 6, "2026:06:21 05:42:00")
	jpg, err := testimage.JPEGWithEXIF(testimage.Gradient(32, 24, 0), "Canon", "EOS R", 6)
	require.NoError(t, err)
	for name, data := range map[string][]byte{"jpeg": jpg, "png eXIf": exiftest.PNG(tiff), "tiff": tiff} {
		t.Run(name, func(t *testing.T) {
			a, err := f.lib.Upload(f.owner, bytes.NewReader(data), dam.UploadOptions{Name: name})
			require.NoError(t, err)
			e := a.Current.EXIF
			require.NotNil(t, e)
			assert.Equal(t, "Canon", e.Make)
			assert.Equal(t, "EOS R", e.Model)
			assert.Equal(t, 6, e.Orientation)
			require.NotNil(t, e.CapturedAt)
			assert.Equal(t, time.Date(2026, 6, 21, 5, 42, 0, 0, time.Local).UTC(), *e.CapturedAt)
		})
	}
	t.Run("thumbnail", func(t *testing.T) {
		thumb := testimage.OrientationEXIF(3, []byte("\xff\xd8\xff\xd9"))
		a, err := f.lib.Upload(f.owner, bytes.NewReader(thumb[6:]), dam.UploadOptions{Name: "thumb.tif"})
		require.NoError(t, err)
		require.NotNil(t, a.Current.EXIF)
		assert.True(t, a.Current.EXIF.HasThumbnail)
		assert.Equal(t, 3, a.Current.EXIF.Orientation)
	})
}

// memoryCappedChild names the environment variable that makes
// TestCraftedEXIFUnderMemoryLimit run its cases instead of re-executing.
const memoryCappedChild = "DAMKIT_TEST_MEMORY_CAPPED_CHILD"

// childAddressSpace is how much address space the child may map beyond
// what it maps when the test starts: ample for SQLite and the renders, far
// below the 4-77 GB the old parser asked for.
const childAddressSpace = 2 << 30

// TestCraftedEXIFUnderMemoryLimit uploads and renders every crafted file
// in a child process whose address space is capped (RLIMIT_AS, 2 GiB over
// what it maps at the start) and whose
// soft memory limit is 256 MiB: a parser that allocates what a file claims
// kills the child with "fatal error: out of memory", which recover() cannot
// catch, and the parent reports it. A watchdog kills a child that hangs.
func TestCraftedEXIFUnderMemoryLimit(t *testing.T) {
	if os.Getenv(memoryCappedChild) == "1" {
		require.NoError(t, limitAddressSpace(childAddressSpace))
		debug.SetMemoryLimit(256 << 20)
		f := newFixture(t, nil)
		f.profile(t, dam.Profile{Name: "small", Width: 64, Height: 64, Format: rendition.FormatPNG})
		for _, c := range exiftest.Files() {
			t.Run(c.Name, func(t *testing.T) { checkCraftedFile(t, f, c) })
		}
		fmt.Printf("memory-capped child: %d crafted files uploaded and rendered; %s\n", len(exiftest.Files()), peakMemory())
		return
	}
	if !canLimitAddressSpace {
		t.Skip("needs RLIMIT_AS, which this test sets only on linux")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute) // watchdog
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestCraftedEXIFUnderMemoryLimit$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), memoryCappedChild+"=1", "GOMEMLIMIT=256MiB")
	out, err := cmd.CombinedOutput()
	require.NoError(t, ctx.Err(), "watchdog: the child hung\n%s", out)
	require.NoError(t, err, "the memory-capped child died or failed:\n%s", out)
	require.Contains(t, string(out), "memory-capped child:", "the child ran the cases")
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "memory-capped child:") {
			t.Log(line)
		}
	}
}
