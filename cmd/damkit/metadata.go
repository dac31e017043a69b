package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/xmp"
)

// manifest is the metadata of files from a CSV file: a header row with a
// "path" column (relative to the current directory, or absolute), and
// any of title, description, keywords (separated by ; or ,) and custom
// fields (every other column).
type manifest map[string]*dam.Metadata

func readManifest(path string) (manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(io.LimitReader(f, 256<<20))
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("manifest %s: reading the header: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	pathCol, ok := col["path"]
	if !ok {
		return nil, fmt.Errorf("manifest %s: the header has no \"path\" column (it has %s)", path, strings.Join(head, ", "))
	}
	m := manifest{}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return m, nil
		}
		if err != nil {
			return nil, fmt.Errorf("manifest %s: %w", path, err)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if pathCol >= len(rec) || strings.TrimSpace(rec[pathCol]) == "" {
			return nil, fmt.Errorf("manifest %s line %d: no path", path, line)
		}
		abs, err := filepath.Abs(strings.TrimSpace(rec[pathCol]))
		if err != nil {
			return nil, err
		}
		md := &dam.Metadata{Title: get("title"), Description: get("description"), Keywords: splitKeywords(get("keywords"))}
		for name, i := range col {
			switch name {
			case "path", "title", "description", "keywords":
				continue
			}
			if i < len(rec) && strings.TrimSpace(rec[i]) != "" {
				if md.Fields == nil {
					md.Fields = map[string]string{}
				}
				md.Fields[name] = strings.TrimSpace(rec[i])
			}
		}
		m[abs] = md
	}
}

func splitKeywords(s string) []string {
	var out []string
	for k := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ';' || r == ',' }) {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// sidecarOf is the XMP sidecar of a file: photo.jpg.xmp or photo.xmp.
func sidecarOf(path string) string {
	for _, p := range []string{path + ".xmp", strings.TrimSuffix(path, filepath.Ext(path)) + ".xmp"} {
		if p == path {
			continue
		}
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// isSidecar reports whether path is an XMP sidecar of another file
// being uploaded (then it is metadata, not an asset).
func isSidecar(path string) bool {
	if !strings.EqualFold(filepath.Ext(path), ".xmp") {
		return false
	}
	base := strings.TrimSuffix(path, filepath.Ext(path))
	if st, err := os.Stat(base); err == nil && st.Mode().IsRegular() {
		return true // photo.jpg.xmp
	}
	matches, _ := filepath.Glob(escapeGlob(base) + ".*")
	for _, m := range matches {
		if !strings.EqualFold(filepath.Ext(m), ".xmp") {
			return true // photo.xmp beside photo.jpg
		}
	}
	return false
}

func escapeGlob(s string) string {
	r := strings.NewReplacer(`*`, `\*`, `?`, `\?`, `[`, `\[`, `\`, `\\`)
	return r.Replace(s)
}

// readSidecar reads the title, description, keywords and credits of an
// XMP sidecar.
func readSidecar(path string) (*dam.Metadata, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	d, err := xmp.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("sidecar %s: %w", path, err)
	}
	md := &dam.Metadata{Title: d.Title(), Description: d.Description(), Keywords: d.Keywords()}
	fields := map[string]string{}
	if cs := d.Creators(); len(cs) > 0 {
		fields["creator"] = strings.Join(cs, "; ")
	}
	if v := d.Credit(); v != "" {
		fields["credit"] = v
	}
	if v := d.UsageTerms(); v != "" {
		fields["usage_terms"] = v
	}
	if len(fields) > 0 {
		md.Fields = fields
	}
	if md.Title == "" && md.Description == "" && len(md.Keywords) == 0 && len(md.Fields) == 0 {
		return nil, nil
	}
	return md, nil
}
