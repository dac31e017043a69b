// Package video is a rendition engine for video sources through the ffmpeg
// and ffprobe programs: a poster frame (at a tenth of the duration, or at
// Profile.At) rendered in any image profile, and MP4 (H.264/AAC, faststart)
// or WebM (VP9/Opus) transcodes at a bounded size, bitrate and duration.
//
// The tools run as the rendition/internal/command package runs every
// external program: no shell, the source copied into a private temporary
// directory, a deadline, an address-space limit, bounded output. The caller
// bounds how many run at once (dam's render slots).
package video

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/rendition"
	"github.com/damkit/damkit/rendition/internal/command"
)

// Options bound the engine; nil or zero fields mean the defaults.
type Options struct {
	// PosterTimeout bounds one probe or poster extraction (default 30 s);
	// TranscodeTimeout one transcode (default 10 min).
	PosterTimeout    time.Duration
	TranscodeTimeout time.Duration
	// MemoryLimit bounds each child's address space (default 2 GiB), where
	// prlimit(1) is installed.
	MemoryLimit int64
	// MaxSourceBytes bounds the source copied to the work directory
	// (default 4 GiB).
	MaxSourceBytes int64
	// MaxDuration is the longest source transcoded (default 15 min); a
	// longer one is refused with rendition.ErrTooLarge. Posters have none.
	MaxDuration time.Duration
	// MaxSide bounds the longer side of a transcode (default 1920).
	MaxSide int
	// MaxBitrate bounds the video bitrate of a 1080p transcode in kbit/s
	// (default 5000); smaller frames get proportionally less.
	MaxBitrate int
	// MaxOutputBytes bounds a transcode's file (default 512 MiB).
	MaxOutputBytes int64
	// Threads per ffmpeg run (default 2).
	Threads int
}

func (o *Options) withDefaults() Options {
	var v Options
	if o != nil {
		v = *o
	}
	def := func(p *time.Duration, d time.Duration) {
		if *p <= 0 {
			*p = d
		}
	}
	def(&v.PosterTimeout, 30*time.Second)
	def(&v.TranscodeTimeout, 10*time.Minute)
	def(&v.MaxDuration, 15*time.Minute)
	if v.MemoryLimit <= 0 {
		v.MemoryLimit = 2 << 30
	}
	if v.MaxSourceBytes <= 0 {
		v.MaxSourceBytes = 4 << 30
	}
	if v.MaxSide <= 0 {
		v.MaxSide = 1920
	}
	if v.MaxBitrate <= 0 {
		v.MaxBitrate = 5000
	}
	if v.MaxOutputBytes <= 0 {
		v.MaxOutputBytes = 512 << 20
	}
	if v.Threads <= 0 {
		v.Threads = 2
	}
	return v
}

// Engine renders video sources. It is safe for concurrent use.
type Engine struct {
	ffmpeg, ffprobe command.Tool
	opts            Options
	version         string
}

// New finds ffmpeg and ffprobe on PATH; the error names the missing one.
func New(ctx context.Context, o *Options) (*Engine, error) {
	ff, err := command.Find("ffmpeg")
	if err != nil {
		return nil, err
	}
	fp, err := command.Find("ffprobe")
	if err != nil {
		return nil, err
	}
	return &Engine{ffmpeg: ff, ffprobe: fp, opts: o.withDefaults(), version: ff.Version(ctx, "-version")}, nil
}

// Accepts reports whether mediaType is a video type.
func (*Engine) Accepts(mediaType string) bool {
	mt, _, _ := strings.Cut(mediaType, ";")
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(mt)), "video/")
}

// Describe says what the engine renders.
func (e *Engine) Describe() rendition.Description {
	return rendition.Description{Name: "ffmpeg", Renders: []string{"video/*"},
		Outputs: []rendition.Format{rendition.FormatJPEG, rendition.FormatPNG, rendition.FormatWebP,
			rendition.FormatTIFF, rendition.FormatGIF, rendition.FormatMP4, rendition.FormatWebM},
		Version: e.version}
}

// Probe reads the duration, the codecs, the displayed frame size and the
// rotation with ffprobe.
func (e *Engine) Probe(ctx context.Context, src rendition.Source) (rendition.MediaInfo, error) {
	wd, in, err := e.stage(ctx, src)
	if err != nil {
		return rendition.MediaInfo{}, err
	}
	defer wd.Close()
	return e.probe(ctx, wd, in)
}

// stage copies the source into a fresh private directory.
func (e *Engine) stage(ctx context.Context, src rendition.Source) (*command.Workdir, string, error) {
	return command.Stage(ctx, src, e.opts.MaxSourceBytes, "source", "video")
}

// probeOutput is the part of ffprobe's JSON the engine reads.
type probeOutput struct {
	Streams []struct {
		CodecType    string            `json:"codec_type"`
		CodecName    string            `json:"codec_name"`
		Width        int               `json:"width"`
		Height       int               `json:"height"`
		Tags         map[string]string `json:"tags"`
		SideDataList []struct {
			Rotation *float64 `json:"rotation"`
		} `json:"side_data_list"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

func (e *Engine) probe(ctx context.Context, wd *command.Workdir, in string) (rendition.MediaInfo, error) {
	out, err := e.ffprobe.Run(ctx, command.Spec{Dir: wd.Dir, Timeout: e.opts.PosterTimeout, MemoryLimit: e.opts.MemoryLimit,
		MaxStdout: 1 << 20,
		Args:      []string{"-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-i", in}})
	if err != nil {
		return rendition.MediaInfo{}, e.fail(ctx, err)
	}
	return parseProbe(out)
}

// parseProbe reads ffprobe's JSON: the first video and audio streams.
func parseProbe(out []byte) (rendition.MediaInfo, error) {
	var po probeOutput
	if err := json.Unmarshal(out, &po); err != nil {
		return rendition.MediaInfo{}, fmt.Errorf("%w: ffprobe output: %v", rendition.ErrCorrupt, err)
	}
	var mi rendition.MediaInfo
	if d, err := strconv.ParseFloat(po.Format.Duration, 64); err == nil && d > 0 && d < 1e7 {
		mi.Duration = time.Duration(d * float64(time.Second)).Round(time.Millisecond)
	}
	video := false
	for _, s := range po.Streams {
		switch s.CodecType {
		case "video":
			if video || s.Width <= 0 || s.Height <= 0 || s.Width > 1<<16 || s.Height > 1<<16 {
				continue
			}
			video = true
			mi.Codec, mi.Width, mi.Height = s.CodecName, s.Width, s.Height
			rot := 0.0
			for _, sd := range s.SideDataList {
				if sd.Rotation != nil {
					rot = -*sd.Rotation // display matrix: counter-clockwise
				}
			}
			if r, err := strconv.Atoi(s.Tags["rotate"]); err == nil && rot == 0 {
				rot = float64(r)
			}
			mi.Rotation = ((int(math.Round(rot/90))*90)%360 + 360) % 360
			if mi.Rotation == 90 || mi.Rotation == 270 {
				mi.Width, mi.Height = mi.Height, mi.Width
			}
		case "audio":
			if mi.AudioCodec == "" {
				mi.AudioCodec = s.CodecName
			}
		}
	}
	if !video {
		return rendition.MediaInfo{}, fmt.Errorf("%w: no video stream", rendition.ErrCorrupt)
	}
	return mi, nil
}

// fail maps a tool error to the rendition sentinels.
func (e *Engine) fail(ctx context.Context, err error) error { return command.RenderError(ctx, err) }

// Render renders a poster in an image profile, or transcodes for a video
// profile (MP4, WebM).
func (e *Engine) Render(ctx context.Context, src rendition.Source, p rendition.Profile, opts *rendition.Options) (rendition.Result, error) {
	if err := p.Validate(); err != nil {
		return rendition.Result{}, err
	}
	p = p.Normalized()
	wd, in, err := e.stage(ctx, src)
	if err != nil {
		return rendition.Result{}, err
	}
	defer wd.Close()
	mi, err := e.probe(ctx, wd, in)
	if err != nil {
		return rendition.Result{}, err
	}
	if p.Format.IsVideo() {
		return e.transcode(ctx, wd, in, mi, p)
	}
	return e.poster(ctx, wd, in, mi, p, opts)
}
