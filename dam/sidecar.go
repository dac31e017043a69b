package dam

import (
	"bytes"
	"context"
	"io"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/damkit/damkit/internal/xmp"
)

// XMP sidecars. Photo tools write the metadata of foo.jpg into foo.xmp
// beside it. An uploaded sidecar is not an asset of its own when it has a
// partner: Upload of foo.xmp into a folder that holds foo.jpg (any other
// extension, the same name otherwise, case aside) applies the sidecar to
// that asset (the newest, if several) and answers with it; in one web
// upload the sidecar may also come first (UploadOptions.Sidecar). A
// sidecar without a partner is uploaded as a file like any other.
//
// What a sidecar gives replaces what the asset's file itself said (and
// fills what is empty), never what someone typed: a value that differs
// from the file's own stays.

// MaxSidecarBytes is the largest XMP sidecar read (xmp.MaxPacket).
const MaxSidecarBytes = xmp.MaxPacket

// IsSidecar reports whether name is an XMP sidecar's (foo.xmp).
func IsSidecar(name string) bool { return strings.EqualFold(path.Ext(name), ".xmp") }

// SidecarStem is the name an XMP sidecar and its partner share: the file
// name without its extension, lower-cased.
func SidecarStem(name string) string {
	return strings.ToLower(strings.TrimSuffix(name, path.Ext(name)))
}

// ParseSidecar reads the metadata of an XMP sidecar's bytes (at most
// xmp.MaxPacket). Invalid when they hold no XMP metadata.
func ParseSidecar(b []byte) (*Embedded, error) {
	const op = "dam.ParseSidecar"
	xp, err := xmp.Parse(b)
	if err != nil {
		return nil, E(op, Invalid, "not an XMP sidecar: %v", err)
	}
	e := embeddedOf(nil, xp, nil)
	if e == nil {
		return nil, E(op, Invalid, "the XMP sidecar holds no metadata damkit reads")
	}
	return e, nil
}

// withSidecar returns m with the sidecar's values where m has none or has
// what the file itself said (file, nil when it said nothing).
func withSidecar(m Metadata, file, side *Embedded) Metadata {
	if side == nil {
		return m
	}
	if file == nil {
		file = &Embedded{}
	}
	fromFile := func(cur, fileVal string) bool { return cur == "" || cur == fileVal }
	if side.Title != "" && fromFile(m.Title, file.Title) {
		m.Title = side.Title
	}
	if side.Description != "" && fromFile(m.Description, file.Description) {
		m.Description = side.Description
	}
	if len(side.Keywords) > 0 && (len(m.Keywords) == 0 || slices.Equal(m.Keywords, file.Keywords)) {
		m.Keywords = slices.Clone(side.Keywords)
	}
	ff, sf := file.fields(), side.fields()
	var fields map[string]string
	for _, k := range slices.Sorted(maps.Keys(sf)) {
		v := cleanText(sf[k], maxFieldValue)
		if v == "" || !fromFile(m.Fields[k], cleanText(ff[k], maxFieldValue)) || m.Fields[k] == v {
			continue
		}
		if fields == nil {
			fields = maps.Clone(m.Fields)
			if fields == nil {
				fields = map[string]string{}
			}
		}
		if _, ok := fields[k]; !ok && len(fields) >= maxFields {
			continue
		}
		fields[k] = v
	}
	if fields != nil {
		m.Fields = fields
	}
	return m
}

// readSidecar reads the start of an upload named like a sidecar: the
// sidecar's metadata when it is one (at most xmp.MaxPacket bytes that
// parse), and in any case a reader of the whole upload again.
func readSidecar(r io.Reader) (*Embedded, io.Reader, error) {
	buf, err := io.ReadAll(io.LimitReader(r, xmp.MaxPacket+1))
	if err != nil {
		return nil, nil, err
	}
	whole := io.MultiReader(bytes.NewReader(buf), r)
	if len(buf) > xmp.MaxPacket {
		return nil, whole, nil
	}
	side, err := ParseSidecar(buf)
	if err != nil {
		return nil, whole, nil
	}
	return side, whole, nil
}

// sidecarPartner finds the live asset of folderID (in domain) that a
// sidecar named name belongs to: the newest whose name has the same stem
// and is not a sidecar's. It searches the name index for the stem's words
// and keeps exact matches.
func (l *Library) sidecarPartner(ctx context.Context, op string, actor Actor, domain, folderID, name string) (Asset, bool, error) {
	stem := SidecarStem(name)
	words := SearchWords(stem, 17)
	if len(words) == 0 || len(words) > 16 {
		return Asset{}, false, nil
	}
	q := AssetQuery{FolderID: &folderID, Text: `name:"` + strings.Join(words, " ") + `"`, Sort: "-created", Limit: 100}
	page, _, err := l.listAssets(ctx, op, actor, q, false)
	if err != nil {
		return Asset{}, false, err
	}
	for _, a := range page {
		if a.Domain == domain && a.FolderID == folderID && !IsSidecar(a.Name) && SidecarStem(a.Name) == stem {
			return a, true, nil
		}
	}
	return Asset{}, false, nil
}

// applySidecar writes a sidecar's metadata onto an asset.
func (l *Library) applySidecar(ctx context.Context, op string, actor Actor, a Asset, name string, side *Embedded) (Asset, error) {
	b := a
	b.Meta = withSidecar(a.Meta, a.Current.Embedded, side)
	b.UpdatedBy, b.UpdatedAt = actor.UserID, l.now().UTC()
	w := b
	w.Categories = nil // not written
	if err := l.store.UpdateAssets(ctx, []Asset{w}); err != nil {
		return Asset{}, wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventEdit, AssetID: a.ID, Detail: "XMP sidecar " + name})
	return b, nil
}
