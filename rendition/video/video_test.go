package video

import (
	"bytes"
	"context"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/rendition"
)

// engine returns the engine or skips naming the missing tool.
func engine(t *testing.T, o *Options) *Engine {
	t.Helper()
	e, err := New(t.Context(), o)
	if err != nil {
		t.Skipf("video engine: %v (install ffmpeg)", err)
	}
	return e
}

// sample makes a small H.264/AAC MP4 (320x240, 2 s at 10 fps); extra
// arguments apply in a stream-copying second pass.
func sample(t *testing.T, extra ...string) []byte {
	t.Helper()
	data, err := testimage.Video(t.Context(), t.TempDir(), 320, 240, 2, extra...)
	require.NoError(t, err)
	require.Less(t, len(data), 100<<10)
	return data
}

func TestProbe(t *testing.T) {
	e := engine(t, nil)
	tests := []struct {
		name          string
		extra         []string
		width, height int
		rotated       bool
	}{
		{"plain", nil, 320, 240, false},
		{"rotated", []string{"-metadata:s:v", "rotate=90"}, 240, 320, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mi, err := e.Probe(t.Context(), rendition.BytesSource(sample(t, tt.extra...)))
			require.NoError(t, err)
			assert.Equal(t, "h264", mi.Codec)
			assert.Equal(t, "aac", mi.AudioCodec)
			assert.Equal(t, tt.width, mi.Width)
			assert.Equal(t, tt.height, mi.Height)
			assert.InDelta(t, 2*time.Second, mi.Duration, float64(200*time.Millisecond))
			if tt.rotated {
				assert.Contains(t, []int{90, 270}, mi.Rotation)
			} else {
				assert.Zero(t, mi.Rotation)
			}
		})
	}
}

func TestPoster(t *testing.T) {
	e := engine(t, nil)
	src := rendition.BytesSource(sample(t))
	tests := []struct {
		name          string
		p             rendition.Profile
		width, height int
		mediaType     string
	}{
		{"thumb in source format is JPEG", rendition.Profile{Width: 160, Height: 160}, 160, 120, "image/jpeg"},
		{"cover", rendition.Profile{Width: 100, Height: 100, Fit: rendition.FitCover, Format: rendition.FormatPNG}, 100, 100, "image/png"},
		{"no enlarging", rendition.Profile{Width: 1000, Height: 1000}, 320, 240, "image/jpeg"},
		{"chosen time past the end", rendition.Profile{Width: 64, At: 30 * time.Second, Format: rendition.FormatWebP}, 64, 48, "image/webp"},
		{"watermarked", rendition.Profile{Width: 200, Watermark: &rendition.Watermark{Text: "PROTECTED"}}, 200, 150, "image/jpeg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Render(t.Context(), src, tt.p, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.mediaType, res.MediaType)
			assert.Equal(t, tt.width, res.Width)
			assert.Equal(t, tt.height, res.Height)
			if tt.mediaType != "image/webp" {
				cfg, _, err := image.DecodeConfig(bytes.NewReader(res.Data))
				require.NoError(t, err)
				assert.Equal(t, tt.width, cfg.Width)
			}
		})
	}
}

// The poster is taken at a tenth of the duration by default and at At
// when given: testsrc's frames differ, so the two posters do too.
func TestPosterTime(t *testing.T) {
	e := engine(t, nil)
	src := rendition.BytesSource(sample(t))
	p := rendition.Profile{Width: 64, Format: rendition.FormatPNG}
	a, err := e.Render(t.Context(), src, p, nil)
	require.NoError(t, err)
	p.At = 1500 * time.Millisecond
	b, err := e.Render(t.Context(), src, p, nil)
	require.NoError(t, err)
	assert.NotEqual(t, a.Data, b.Data)
}

func TestTranscode(t *testing.T) {
	e := engine(t, nil)
	src := rendition.BytesSource(sample(t))
	tests := []struct {
		name          string
		p             rendition.Profile
		width, height int
		codec         string
	}{
		{"mp4 contain", rendition.Profile{Width: 161, Height: 161, Format: rendition.FormatMP4}, 160, 120, "h264"},
		{"webm cover", rendition.Profile{Width: 96, Height: 96, Fit: rendition.FitCover, Format: rendition.FormatWebM}, 96, 96, "vp9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Render(t.Context(), src, tt.p, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.p.Format.MediaType(), res.MediaType)
			assert.Equal(t, tt.width, res.Width)
			assert.Equal(t, tt.height, res.Height)
			mi, err := e.Probe(t.Context(), rendition.BytesSource(res.Data))
			require.NoError(t, err)
			assert.Equal(t, tt.codec, mi.Codec)
			assert.Equal(t, tt.width, mi.Width)
			assert.Equal(t, tt.height, mi.Height)
			assert.InDelta(t, 2*time.Second, mi.Duration, float64(300*time.Millisecond))
		})
	}
}

func TestTranscodeMP4IsFaststart(t *testing.T) {
	e := engine(t, nil)
	res, err := e.Render(t.Context(), rendition.BytesSource(sample(t)), rendition.Profile{Width: 160, Format: rendition.FormatMP4}, nil)
	require.NoError(t, err)
	moov, mdat := bytes.Index(res.Data, []byte("moov")), bytes.Index(res.Data, []byte("mdat"))
	require.Positive(t, moov)
	assert.Less(t, moov, mdat, "the index (moov) comes before the media (mdat), so a player starts before the end arrives")
}

func TestRefusals(t *testing.T) {
	src := rendition.BytesSource(sample(t))
	tests := []struct {
		name string
		o    *Options
		p    rendition.Profile
		src  rendition.Source
		want error
	}{
		{"longer than MaxDuration", &Options{MaxDuration: time.Second}, rendition.Profile{Width: 64, Format: rendition.FormatMP4}, src, rendition.ErrTooLarge},
		{"source over MaxSourceBytes", &Options{MaxSourceBytes: 1000}, rendition.Profile{Width: 64}, src, rendition.ErrTooLarge},
		{"output over MaxOutputBytes", &Options{MaxOutputBytes: 2000}, rendition.Profile{Width: 160, Format: rendition.FormatMP4}, src, rendition.ErrTooLarge},
		{"watermarked video", nil, rendition.Profile{Width: 64, Format: rendition.FormatWebM, Watermark: &rendition.Watermark{Text: "x"}}, src, rendition.ErrUnsupported},
		{"not a video", nil, rendition.Profile{Width: 64}, rendition.BytesSource([]byte("this is not a video at all, just text")), rendition.ErrCorrupt},
		{"empty", nil, rendition.Profile{Width: 64}, rendition.Source{}, rendition.ErrUnsupported},
		{"invalid profile", nil, rendition.Profile{Width: -1}, src, rendition.ErrInvalidProfile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := engine(t, tt.o)
			_, err := e.Render(t.Context(), tt.src, tt.p, nil)
			require.ErrorIs(t, err, tt.want)
		})
	}
}

func TestCanceled(t *testing.T) {
	e := engine(t, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := e.Render(ctx, rendition.BytesSource(sample(t)), rendition.Profile{Width: 64}, nil)
	require.ErrorIs(t, err, context.Canceled)
}

func TestAcceptsAndDescribe(t *testing.T) {
	e := engine(t, nil)
	assert.True(t, e.Accepts("video/mp4"))
	assert.True(t, e.Accepts("Video/QuickTime; codecs=x"))
	assert.False(t, e.Accepts("image/jpeg"))
	d := e.Describe()
	assert.Equal(t, "ffmpeg", d.Name)
	assert.Contains(t, d.Outputs, rendition.FormatMP4)
	assert.Contains(t, d.Version, "ffmpeg")
}

func TestParseProbe(t *testing.T) {
	out := `{"streams":[{"codec_type":"audio","codec_name":"opus"},
		{"codec_type":"video","codec_name":"hevc","width":1920,"height":1080,"side_data_list":[{"rotation":-90}]},
		{"codec_type":"video","codec_name":"mjpeg","width":100,"height":100}],
		"format":{"duration":"12.345"}}`
	mi, err := parseProbe([]byte(out))
	require.NoError(t, err)
	assert.Equal(t, rendition.MediaInfo{Width: 1080, Height: 1920, Duration: 12345 * time.Millisecond, Codec: "hevc", AudioCodec: "opus", Rotation: 90}, mi)
	for _, bad := range []string{``, `{}`, `{"streams":[{"codec_type":"video","width":0,"height":5}]}`, `{"streams":[{"codec_type":"video","width":70000,"height":5}]}`} {
		_, err := parseProbe([]byte(bad))
		require.ErrorIs(t, err, rendition.ErrCorrupt, bad)
	}
}

func FuzzParseProbe(f *testing.F) {
	f.Add([]byte(`{"streams":[{"codec_type":"video","codec_name":"h264","width":320,"height":240,"tags":{"rotate":"90"}}],"format":{"duration":"2.0"}}`))
	f.Fuzz(func(t *testing.T, out []byte) {
		mi, err := parseProbe(out)
		if err == nil {
			assert.True(t, mi.Width > 0 && mi.Height > 0 && mi.Width <= 1<<16 && mi.Height <= 1<<16)
			assert.Contains(t, []int{0, 90, 180, 270}, mi.Rotation)
			assert.GreaterOrEqual(t, mi.Duration, time.Duration(0))
		}
	})
}

// A smart crop of a video is placed by its poster frame's attention: a
// red box near the right edge, which the centred (cover) crop leaves out,
// is in the smart crop.
func TestTranscodeSmartCrop(t *testing.T) {
	e := engine(t, nil)
	dir := t.TempDir()
	out := filepath.Join(dir, "box.mp4")
	cmd := exec.CommandContext(t.Context(), "ffmpeg", "-y", "-v", "error", "-f", "lavfi",
		"-i", "color=c=gray:size=320x180:rate=10:duration=1,drawbox=x=262:y=60:w=50:h=60:color=red:t=fill",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", out)
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, string(b))
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	red := func(fit rendition.Fit) float64 {
		res, err := e.Render(t.Context(), rendition.BytesSource(data), rendition.Profile{Width: 96, Height: 96, Fit: fit, Format: rendition.FormatMP4}, nil)
		require.NoError(t, err)
		assert.Equal(t, 96, res.Width)
		assert.Equal(t, 96, res.Height)
		poster, err := e.Render(t.Context(), rendition.BytesSource(res.Data), rendition.Profile{Width: 96, Format: rendition.FormatPNG}, nil)
		require.NoError(t, err)
		img, _, err := image.Decode(bytes.NewReader(poster.Data))
		require.NoError(t, err)
		n, all := 0, 0
		bd := img.Bounds()
		for y := bd.Min.Y; y < bd.Max.Y; y++ {
			for x := bd.Min.X; x < bd.Max.X; x++ {
				r, g, _, _ := img.At(x, y).RGBA()
				if r > 0xa000 && g < 0x6000 {
					n++
				}
				all++
			}
		}
		return float64(n) / float64(all)
	}
	assert.Zero(t, red(rendition.FitCover), "the centre leaves the box out")
	assert.Greater(t, red(rendition.FitSmart), 0.08, "the smart crop holds it (the whole box is 0.094 of the frame)")
}
