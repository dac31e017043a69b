package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"
)

// Sentinel errors; the dam package maps them to error kinds.
var (
	// ErrTooLarge reports an archive over Options.MaxTotalSize, or a streamed
	// entry that outgrew the 32-bit sizes its local header promised.
	ErrTooLarge = errors.New("archive: too large")
	// ErrTooManyEntries reports a selection over Options.MaxEntries.
	ErrTooManyEntries = errors.New("archive: too many entries")
	// ErrInvalidName reports an entry name that is empty.
	ErrInvalidName = errors.New("archive: invalid name")
	// ErrInvalidEntry reports an entry without a source or with a negative known size.
	ErrInvalidEntry = errors.New("archive: invalid entry")
	// ErrNotRangeable reports a byte-range read of an archive whose layout is
	// not known in advance (it holds streamed or deflated entries).
	ErrNotRangeable = errors.New("archive: size and byte ranges unknown until written")
	// ErrSourceSize reports a source that gave fewer or more bytes than its entry declared.
	ErrSourceSize = errors.New("archive: source size differs from its entry")
)

// Opener opens the byte range [off, off+n) of a source. n is -1 to read to
// the end (streamed entries of unknown size). The reader must yield exactly
// the bytes asked for; ctx governs the whole read.
type Opener func(ctx context.Context, off, n int64) (io.ReadCloser, error)

// FromReaderAt makes an Opener over r, which must hold at least size bytes.
// Reads go straight to r.ReadAt, so only the asked range is touched.
func FromReaderAt(r io.ReaderAt, size int64) Opener {
	return func(ctx context.Context, off, n int64) (io.ReadCloser, error) {
		if n < 0 {
			n = size - off
		}
		return io.NopCloser(&ctxReader{ctx: ctx, r: io.NewSectionReader(r, off, n)}), nil
	}
}

// FromBytes makes an Opener over b.
func FromBytes(b []byte) Opener {
	return FromReaderAt(bytes.NewReader(b), int64(len(b)))
}

// ctxReader stops a ReaderAt-backed read once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Entry is one file to put in an archive. Required: Name and Open.
type Entry struct {
	// Name is the path inside the archive; it is cleaned (see CleanPath) and
	// made unique, so it may come straight from user input.
	Name string
	// Size is the exact byte count when Known; otherwise a hint used for
	// planning parts and for choosing ZIP64 for a streamed entry (0: unknown).
	Size int64
	// CRC32 is the IEEE CRC-32 of the bytes, meaningful when Known.
	CRC32 uint32
	// Known says Size and CRC32 were recorded at ingest. Known entries are
	// laid out before any byte is read; the others stream with data descriptors.
	Known bool
	// ModTime is stored as DOS time (UTC) plus the extended-timestamp field.
	ModTime time.Time
	// MediaType decides compression when Options.DeflateText is set.
	MediaType string
	// SHA256 (hex) is copied into the manifest when set.
	SHA256 string
	// AssetID and AssetName group an asset with its renditions; with
	// Options.FolderPerAsset each asset gets a folder named after AssetName.
	AssetID   string
	AssetName string
	// Profile is the export profile of a rendition ("" for an original),
	// copied into the manifest.
	Profile string
	// Open reads the bytes.
	Open Opener
	// Note, when set, is copied into the manifest beside the entry (why
	// it is not what was asked for, e.g. an original instead of a
	// rendition), and makes ManifestAuto add the manifest.
	Note string
}

// Skipped is an asset left out of a selection, listed in the manifest.
type Skipped struct {
	AssetID string `json:"asset_id,omitempty"`
	Name    string `json:"name"`
	// Profile names the rendition left out when the asset's other files
	// went in ("" when the whole asset was left out).
	Profile string `json:"profile,omitempty"`
	Reason  string `json:"reason"`
}

// ManifestMode says when the first part carries manifest.json.
type ManifestMode int

const (
	// ManifestAuto adds it when there is more than one part or anything was skipped.
	ManifestAuto ManifestMode = iota
	// ManifestAlways always adds it.
	ManifestAlways
	// ManifestNever never adds it.
	ManifestNever
)

// Defaults for zero Options fields.
const (
	DefaultMaxPartSize       = 100_000_000_000 // 100 GB
	DefaultMaxEntries        = 1_000_000
	DefaultMaxComponentBytes = 255
	DefaultDeflateLevel      = 1
	// ManifestName is the manifest's path in the first part.
	ManifestName = "manifest.json"
)

// Options tune layout. A nil *Options or a zero field means the default.
type Options struct {
	// MaxPartSize caps each part of a Split (default 100 GB). An entry larger
	// than the cap gets a part of its own.
	MaxPartSize int64
	// MaxEntries caps the entries of a selection (default 1,000,000).
	MaxEntries int
	// MaxTotalSize caps the sum of all parts (default: no cap).
	MaxTotalSize int64
	// MaxComponentBytes bounds each path component (default 255 bytes, at
	// most 4096).
	MaxComponentBytes int
	// FolderPerAsset puts each asset and its renditions in a folder of its own.
	FolderPerAsset bool
	// DeflateText compresses text-like media types. A deflated entry's size
	// is unknown until written, so the archive loses Size and ranges.
	DeflateText bool
	// DeflateLevel is the klauspost/compress flate level (default 1, fastest).
	DeflateLevel int
	// Manifest says when to add manifest.json to the first part.
	Manifest ManifestMode
}

func (o *Options) withDefaults() Options {
	var v Options
	if o != nil {
		v = *o
	}
	if v.MaxPartSize <= 0 {
		v.MaxPartSize = DefaultMaxPartSize
	}
	if v.MaxEntries <= 0 {
		v.MaxEntries = DefaultMaxEntries
	}
	if v.MaxComponentBytes <= 0 {
		v.MaxComponentBytes = DefaultMaxComponentBytes
	}
	if v.MaxComponentBytes < 16 {
		v.MaxComponentBytes = 16
	}
	if v.MaxComponentBytes > maxPathBytes {
		// A ZIP stores a name's length in 16 bits: a folder and a file
		// name of maxPathBytes each stay far below it.
		v.MaxComponentBytes = maxPathBytes
	}
	if v.DeflateLevel == 0 {
		v.DeflateLevel = DefaultDeflateLevel
	}
	return v
}

// TextLike reports whether a media type compresses well enough to deflate:
// text/*, JSON, XML, JavaScript, SVG, CSV, YAML and similar.
func TextLike(mediaType string) bool {
	mt, _, err := mime.ParseMediaType(mediaType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(mediaType))
	}
	if strings.HasPrefix(mt, "text/") {
		return true
	}
	for _, suffix := range []string{"+json", "+xml", "+yaml"} {
		if strings.HasSuffix(mt, suffix) {
			return true
		}
	}
	switch mt {
	case "application/json", "application/xml", "application/javascript",
		"application/ecmascript", "application/x-javascript", "application/yaml",
		"application/x-yaml", "application/toml", "application/x-sh",
		"application/sql", "application/rtf", "application/postscript",
		"application/x-ndjson", "application/x-tex", "application/csv",
		"application/x-subrip", "image/bmp", "image/x-ms-bmp",
		"image/x-portable-pixmap", "image/x-portable-graymap":
		return true
	}
	return false
}

func validate(e *Entry) error {
	if e.Name == "" {
		return fmt.Errorf("%w: empty entry name", ErrInvalidName)
	}
	if e.Open == nil {
		return fmt.Errorf("%w: %q has no Open", ErrInvalidEntry, e.Name)
	}
	if e.Known && e.Size < 0 {
		return fmt.Errorf("%w: %q has negative size", ErrInvalidEntry, e.Name)
	}
	return nil
}
