package rendition

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"unicode/utf8"
)

// Rights are the rights statements of an image: a rendition carries them
// (JPEG: XMP and EXIF segments; PNG: an XMP iTXt chunk) unless its profile
// strips metadata, so a picture that leaves the library still says whose
// it is and on what terms. The caller reads them from the original (damkit
// uses what ingest found inside the file), so that they are the same for
// the same bytes, as the rendition cache key assumes.
type Rights struct {
	Copyright  string   // the copyright notice
	Creators   []string // the creators (photographers, authors)
	Credit     string   // the credit line
	UsageTerms string   // the terms of use
}

// maxRightsValue bounds each value written (in bytes, cut on a rune
// boundary), so the XMP packet always fits in one JPEG segment.
const maxRightsValue = 2000

func (r *Rights) empty() bool {
	return r == nil || r.Copyright == "" && len(r.Creators) == 0 && r.Credit == "" && r.UsageTerms == ""
}

// cut bounds s to n bytes on a rune boundary and drops NULs.
func cut(s string, n int) string {
	s = string(bytes.ReplaceAll([]byte(s), []byte{0}, nil))
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// xmpPacket writes the rights as an XMP packet: dc:rights, dc:creator,
// photoshop:Credit and xmpRights:UsageTerms.
func (r *Rights) xmpPacket() []byte {
	var b bytes.Buffer
	esc := func(s string) { _ = xml.EscapeText(&b, []byte(cut(s, maxRightsValue))) }
	alt := func(name, v string) {
		if v == "" {
			return
		}
		b.WriteString("<" + name + "><rdf:Alt><rdf:li xml:lang=\"x-default\">")
		esc(v)
		b.WriteString("</rdf:li></rdf:Alt></" + name + ">")
	}
	b.WriteString(`<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>` +
		`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"` +
		` xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/">`)
	alt("dc:rights", r.Copyright)
	if len(r.Creators) > 0 {
		b.WriteString("<dc:creator><rdf:Seq>")
		for i, c := range r.Creators {
			if i == 8 {
				break
			}
			b.WriteString("<rdf:li>")
			esc(c)
			b.WriteString("</rdf:li>")
		}
		b.WriteString("</rdf:Seq></dc:creator>")
	}
	if r.Credit != "" {
		b.WriteString("<photoshop:Credit>")
		esc(r.Credit)
		b.WriteString("</photoshop:Credit>")
	}
	alt("xmpRights:UsageTerms", r.UsageTerms)
	b.WriteString(`</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`)
	return b.Bytes()
}

// exifPayload writes the copyright notice and the creators as an APP1
// EXIF payload: IFD0 with Copyright and Artist (ASCII; other characters
// are written as UTF-8, which readers accept).
func (r *Rights) exifPayload() []byte {
	type tag struct {
		id  uint16
		val []byte
	}
	var tags []tag
	creators := ""
	for i, c := range r.Creators {
		if i > 0 {
			creators += "; "
		}
		creators += c
	}
	if creators != "" {
		tags = append(tags, tag{0x013B, append([]byte(cut(creators, maxRightsValue)), 0)})
	}
	if r.Copyright != "" {
		tags = append(tags, tag{0x8298, append([]byte(cut(r.Copyright, maxRightsValue)), 0)})
	}
	if len(tags) == 0 {
		return nil
	}
	be := binary.BigEndian
	b := []byte("Exif\x00\x00MM\x00*")
	b = be.AppendUint32(b, 8)
	b = be.AppendUint16(b, uint16(len(tags)))
	data := uint32(8 + 2 + 12*len(tags) + 4)
	var vals []byte
	for _, t := range tags {
		for len(t.val) < 5 { // padded with NULs so the value is never inline
			t.val = append(t.val, 0)
		}
		b = be.AppendUint16(b, t.id)
		b = be.AppendUint16(b, 2)
		b = be.AppendUint32(b, uint32(len(t.val)))
		b = be.AppendUint32(b, data+uint32(len(vals)))
		vals = append(vals, t.val...)
	}
	b = be.AppendUint32(b, 0)
	return append(b, vals...)
}
