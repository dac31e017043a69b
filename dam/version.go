package dam

import "time"

// Version is one uploaded file of an asset. Versions are numbered from 1;
// the asset's current version is the one downloads serve.
type Version struct {
	AssetID   string `json:"asset_id"`
	Number    int    `json:"number"`
	SHA256    string `json:"sha256"` // hex; the blob key derives from it
	CRC32     uint32 `json:"crc32"`  // kept so ZIPs can be laid out without reading bytes
	Size      int64  `json:"size"`
	MediaType string `json:"media_type"` // sniffed, never the client's claim
	Width     int    `json:"width,omitempty"`
	Height    int    `json:"height,omitempty"`
	EXIF      *EXIF  `json:"exif,omitempty"`
	// Embedded is the descriptive metadata found inside the file at
	// ingest (IPTC-IIM, XMP and EXIF), nil when there was none.
	Embedded *Embedded `json:"embedded,omitempty"`
	// Media is what the engines read from a video or a document at ingest
	// (duration, codecs, rotation, pages), nil for images and when no
	// engine read it.
	Media        *Media    `json:"media,omitempty"`
	OriginalName string    `json:"original_name"`
	CreatedBy    string    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
}

// EXIF is the summary of an image's EXIF data kept at ingest.
type EXIF struct {
	CapturedAt   *time.Time `json:"captured_at,omitempty"`
	Make         string     `json:"make,omitempty"`
	Model        string     `json:"model,omitempty"`
	Lens         string     `json:"lens,omitempty"`
	Description  string     `json:"description,omitempty"` // ImageDescription
	Artist       string     `json:"artist,omitempty"`
	Copyright    string     `json:"copyright,omitempty"`
	Orientation  int        `json:"orientation,omitempty"` // 1..8, 0 when absent
	Latitude     *float64   `json:"latitude,omitempty"`
	Longitude    *float64   `json:"longitude,omitempty"`
	HasThumbnail bool       `json:"has_thumbnail"`
}
