package rendition

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// iccSegment is an APP2 ICC_PROFILE segment: part seq of count.
func iccSegment(seq, count byte, part []byte) []byte {
	payload := append([]byte("ICC_PROFILE\x00"), seq, count)
	payload = append(payload, part...)
	n := len(payload) + 2
	return append([]byte{0xFF, 0xE2, byte(n >> 8), byte(n)}, payload...)
}

// withSegments inserts whole marker segments after the SOI of jpg.
func withSegments(jpg []byte, segs ...[]byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}

// pngICCP returns the decompressed profile of the iCCP chunk of a PNG, or nil.
func pngICCP(t *testing.T, b []byte) []byte {
	t.Helper()
	for i := 8; i+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		if string(b[i+4:i+8]) == "iCCP" {
			data := b[i+8 : i+8+n]
			_, compressed, ok := bytes.Cut(data, []byte{0, 0})
			require.True(t, ok)
			zr, err := zlib.NewReader(bytes.NewReader(compressed))
			require.NoError(t, err)
			p, err := io.ReadAll(zr)
			require.NoError(t, err)
			return p
		}
		i += 12 + n
	}
	return nil
}

// TestICCSegmentsCheckedAgainstTheirCount: the count each ICC segment states
// is checked against the segments present; only a whole profile is carried
// into renditions, in sequence order, and a file cannot make every
// rendition carry thousands of segments.
func TestICCSegmentsCheckedAgainstTheirCount(t *testing.T) {
	good := orientedJPEG(t, 64, 48, 1, 0)
	a, b := bytes.Repeat([]byte("A"), 40), bytes.Repeat([]byte("B"), 40)
	many := make([][]byte, 300)
	for i := range many {
		many[i] = iccSegment(1, 1, a)
	}
	cases := []struct {
		name string
		data []byte
		want []byte // the profile carried over, nil for none
	}{
		{"whole profile", withSegments(good, iccSegment(1, 2, a), iccSegment(2, 2, b)), append(append([]byte{}, a...), b...)},
		{"whole profile out of order", withSegments(good, iccSegment(2, 2, b), iccSegment(1, 2, a)), append(append([]byte{}, a...), b...)},
		{"count says 3, 2 present", withSegments(good, iccSegment(1, 3, a), iccSegment(2, 3, b)), nil},
		{"sequence number twice", withSegments(good, iccSegment(1, 2, a), iccSegment(1, 2, b)), nil},
		{"sequence number 0", withSegments(good, iccSegment(0, 1, a)), nil},
		{"300 segments", withSegments(good, many...), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Render(t.Context(), BytesSource(tc.data), Profile{Width: 32, Format: FormatPNG, KeepMetadata: true}, nil)
			require.NoError(t, err, "the picture renders either way")
			assert.Equal(t, tc.want, pngICCP(t, res.Data))
		})
	}
}

// TestJPEGSegmentPastTheEnd: a segment whose length runs past the end of
// the file is refused before its payload is allocated.
func TestJPEGSegmentPastTheEnd(t *testing.T) {
	data := []byte{0xFF, 0xD8, 0xFF, 0xE2, 0xFF, 0xFF}
	data = append(data, "ICC_PROFILE\x00\x01\x01 only a few bytes"...)
	var err error
	n := allocatedBytes(func() { _, err = Probe(t.Context(), BytesSource(data), nil) })
	require.ErrorIs(t, err, ErrCorrupt)
	assert.Less(t, n, uint64(16<<10), "the 64 KiB the length claims is not allocated")
}

// tinyFramesGIF is a 1x1 GIF of n frames of 15 bytes each: far below any
// pixel limit, while decoding every frame costs memory per frame.
func tinyFramesGIF(n int) []byte {
	var b bytes.Buffer
	b.WriteString("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff")
	for range n {
		b.WriteString("\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00")
	}
	b.WriteString("\x3b")
	return b.Bytes()
}

// TestGIFFrameCountBounded: frames past the count are not left uncounted
// (the count used to stop at 2^20 and call the GIF fine).
func TestGIFFrameCountBounded(t *testing.T) {
	info, err := Probe(t.Context(), BytesSource(tinyFramesGIF(maxGIFFrames)), nil)
	require.NoError(t, err)
	assert.Equal(t, maxGIFFrames, info.Frames)
	_, err = Probe(t.Context(), BytesSource(tinyFramesGIF(maxGIFFrames+1)), nil)
	require.ErrorIs(t, err, ErrTooLarge)
	_, err = Render(t.Context(), BytesSource(tinyFramesGIF(maxGIFFrames+1)), Profile{Width: 1}, &Options{GIFFrame: 2})
	require.ErrorIs(t, err, ErrTooLarge)
}

// TestEmptySOSSegment: a progressive JPEG whose SOS segment has length 2
// (no component count) panicked the scaled decoder, which runs without the
// standard decoders' recover (found by FuzzRender).
func TestEmptySOSSegment(t *testing.T) {
	data := []byte("\xff\xd8\xff\xc2\x00\x11\b00\x000\x030!00\x1100\x110\xff\xda\x00\x02\xff\xd9")
	_, err := Render(t.Context(), BytesSource(data), Profile{Width: 32, Height: 32, Format: FormatPNG}, nil)
	require.ErrorIs(t, err, ErrCorrupt)
	_, err = decodeJPEGScaled(t.Context(), data, 8)
	require.ErrorIs(t, err, ErrCorrupt)
}

// TestTIFFIFDPastTheEnd: a TIFF whose first IFD claims 65,535 entries in a
// 10-byte file is refused before the decoder allocates 12 bytes per entry.
func TestTIFFIFDPastTheEnd(t *testing.T) {
	for name, data := range map[string][]byte{
		"65535 entries claimed": []byte("MM\x00*\x00\x00\x00\x08\xff\xff"),
		"IFD offset past end":   []byte("II*\x00\xff\xff\xff\x7f"),
	} {
		t.Run(name, func(t *testing.T) {
			var err error
			n := allocatedBytes(func() { _, err = Probe(t.Context(), BytesSource(data), nil) })
			require.ErrorIs(t, err, ErrCorrupt)
			assert.Less(t, n, uint64(64<<10), "allocated %d bytes", n)
		})
	}
	_, err := Probe(t.Context(), BytesSource(tiffHeader(10, 10)), nil)
	require.NoError(t, err, "a whole IFD still probes")
}
