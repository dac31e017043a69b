package archive

import (
	"encoding/json"
	"fmt"
	"hash/crc32"
	"time"
)

// Manifest lists what a download holds and what it left out. It is written
// as manifest.json into the first part, so a person holding any set of
// parts can tell whether they have everything.
type Manifest struct {
	Version int             `json:"version"`
	Parts   int             `json:"parts"`
	Entries []ManifestEntry `json:"entries"`
	Skipped []Skipped       `json:"skipped"`
}

// ManifestEntry is one file of the download.
type ManifestEntry struct {
	Name    string `json:"name"`
	Part    int    `json:"part"`
	Size    *int64 `json:"size,omitempty"` // nil when the entry streams (size unknown in advance)
	SHA256  string `json:"sha256,omitempty"`
	AssetID string `json:"asset_id,omitempty"`
	Profile string `json:"profile,omitempty"` // the export profile of a rendition
	Note    string `json:"note,omitempty"`
}

func newManifest(items []item, groups [][]item, skipped []Skipped) *Manifest {
	m := &Manifest{Version: 1, Parts: max(len(groups), 1), Entries: []ManifestEntry{}, Skipped: []Skipped{}}
	for p, g := range groups {
		for _, it := range g {
			me := ManifestEntry{Name: it.name, Part: p + 1, SHA256: it.entry.SHA256, AssetID: it.entry.AssetID,
				Profile: it.entry.Profile, Note: it.entry.Note}
			if it.entry.Known {
				size := it.entry.Size
				me.Size = &size
			}
			m.Entries = append(m.Entries, me)
		}
	}
	m.Skipped = append(m.Skipped, skipped...)
	return m
}

// item encodes the manifest as a stored entry. Its time is the newest entry
// time, so the same selection gives the same bytes.
func (m *Manifest) item(items []item) (item, error) {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return item{}, fmt.Errorf("archive: encoding manifest: %w", err)
	}
	data = append(data, '\n')
	var newest time.Time
	for i := range items {
		if t := items[i].mtime; t.After(newest) {
			newest = t
		}
	}
	e := &Entry{
		Name: ManifestName, Size: int64(len(data)), CRC32: crc32.ChecksumIEEE(data), Known: true,
		ModTime: newest, MediaType: "application/json", Open: FromBytes(data),
	}
	it := item{name: ManifestName, entry: e, crc: e.CRC32, size: e.Size, csize: e.Size}
	it.setTime(newest)
	return it, nil
}
