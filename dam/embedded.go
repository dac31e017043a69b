package dam

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/internal/exif"
	"github.com/damkit/damkit/internal/iptc"
	"github.com/damkit/damkit/internal/xmp"
	"github.com/damkit/damkit/rendition"
)

// Embedded is the descriptive metadata found inside a file at ingest:
// IPTC-IIM (JPEG APP13, TIFF tag 33723), XMP (JPEG APP1, PNG iTXt, WebP,
// TIFF tag 700) and EXIF. The named fields merge the three sources, XMP
// first, then IPTC, then EXIF (EXIF first for the capture date, camera and
// lens, which the camera wrote); IPTC and XMP keep the values as found.
// (The EXIF values as found are the version's EXIF summary.)
type Embedded struct {
	Title       string     `json:"title,omitempty"`
	Description string     `json:"description,omitempty"`
	Keywords    []string   `json:"keywords,omitempty"`
	Creators    []string   `json:"creators,omitempty"`
	Copyright   string     `json:"copyright,omitempty"`
	Credit      string     `json:"credit,omitempty"`
	Source      string     `json:"source,omitempty"`
	UsageTerms  string     `json:"usage_terms,omitempty"`
	CapturedAt  *time.Time `json:"captured_at,omitempty"`
	CameraMake  string     `json:"camera_make,omitempty"`
	CameraModel string     `json:"camera_model,omitempty"`
	Lens        string     `json:"lens,omitempty"`
	Latitude    *float64   `json:"latitude,omitempty"`
	Longitude   *float64   `json:"longitude,omitempty"`

	// IPTC holds the text datasets of the IPTC-IIM record by their IIM
	// names ("Caption-Abstract", "Keywords"; "2:NNN" when unknown).
	IPTC map[string][]string `json:"iptc,omitempty"`
	// XMP holds the simple XMP properties by prefixed name ("dc:title",
	// "photoshop:Credit"; "{namespace}Name" for unknown namespaces).
	XMP map[string][]string `json:"xmp,omitempty"`
}

// The custom fields (Metadata.Fields) that metadata found inside a file
// fills in at upload, when the uploader did not give them. Title,
// description and keywords fill the metadata's own fields.
const (
	FieldCreator      = "creator"       // creators, joined by "; "
	FieldCopyright    = "copyright"     // the copyright notice
	FieldCredit       = "credit"        // the credit line
	FieldSource       = "source"        // who holds the original
	FieldUsageTerms   = "usage_terms"   // the licence terms written in the file
	FieldCapturedAt   = "captured_at"   // RFC 3339, UTC
	FieldCameraMake   = "camera_make"   //
	FieldCameraModel  = "camera_model"  //
	FieldLens         = "lens"          //
	FieldGPSLatitude  = "gps_latitude"  // decimal degrees, south negative
	FieldGPSLongitude = "gps_longitude" // decimal degrees, west negative
)

// rawBudget bounds the bytes of raw values kept per source (IPTC, XMP), so
// a packet of 10,000 keywords costs the store no more than this.
const rawBudget = 64 << 10

// readEmbedded gathers the descriptive metadata of an image's head. x is
// its parsed EXIF (nil when none); the IPTC and XMP blocks are found in the
// head's JPEG segments or PNG and WebP chunks, or in the TIFF tags x read.
// Every parser checks each length against the bytes present before use
// (see internal/iptc and internal/xmp), so a crafted block costs no more
// than a small multiple of its size.
func readEmbedded(head []byte, x *exif.Data) *Embedded {
	var ipt *iptc.Data
	var xp *xmp.Data
	iim := iptc.Find(head)
	packet := xmp.Find(head)
	if x != nil {
		if iim == nil {
			iim = x.IPTC
		}
		if packet == nil {
			packet = x.XMP
		}
	}
	if iim != nil {
		ipt, _ = iptc.Parse(iim)
	}
	if packet != nil {
		xp, _ = xmp.Parse(packet)
	}
	if guid := xp.ExtendedGUID(); guid != "" {
		// A JPEG's extended XMP: what did not fit in the main segment.
		if ext, err := xmp.Parse(xmp.FindExtended(head, guid)); err == nil {
			xp.Merge(ext)
		}
	}
	return embeddedOf(ipt, xp, x)
}

// embeddedOf maps what the IPTC, XMP and EXIF readers found (any may be
// nil) onto the standard properties; nil when nothing was found.
func embeddedOf(ipt *iptc.Data, xp *xmp.Data, x *exif.Data) *Embedded {
	if ipt == nil {
		ipt = &iptc.Data{}
	}
	if xp == nil {
		xp = &xmp.Data{}
	}
	if x == nil {
		x = &exif.Data{}
	}
	e := Embedded{
		Title:       firstText(maxTitle, xp.Title(), ipt.ObjectName, ipt.Headline),
		Description: firstText(maxDescription, xp.Description(), ipt.Caption, x.Description),
		Keywords:    cleanList(maxKeywords, maxKeyword, xp.Keywords(), ipt.Keywords),
		Creators:    cleanList(maxKeywords, maxFieldValue, xp.Creators(), ipt.Byline, []string{x.Artist}),
		Copyright:   firstText(maxFieldValue, xp.Rights(), ipt.Copyright, x.Copyright),
		Credit:      firstText(maxFieldValue, xp.Credit(), ipt.Credit),
		Source:      firstText(maxFieldValue, xp.Source(), ipt.Source),
		UsageTerms:  firstText(maxFieldValue, xp.UsageTerms()),
		CameraMake:  firstText(128, x.Make, xp.Make()),
		CameraModel: firstText(128, x.Model, xp.Model()),
		Lens:        firstText(128, x.LensModel, xp.Lens()),
		IPTC:        cleanRaw(ipt.Raw),
		XMP:         cleanRaw(xp.Raw),
	}
	if t, ok := x.CapturedAt(time.Local); ok {
		e.CapturedAt = &t
	} else if t, ok := xp.CapturedAt(time.Local); ok {
		e.CapturedAt = &t
	} else if t, ok := ipt.CreatedAt(); ok {
		e.CapturedAt = &t
	}
	if e.CapturedAt != nil {
		t := e.CapturedAt.UTC()
		e.CapturedAt = &t
	}
	if x.HasGPS && validCoord(x.Latitude, 90) && validCoord(x.Longitude, 180) {
		lat, lon := x.Latitude, x.Longitude
		e.Latitude, e.Longitude = &lat, &lon
	} else if lat, lon, ok := xp.GPS(); ok {
		e.Latitude, e.Longitude = &lat, &lon
	}
	if e.empty() {
		return nil
	}
	return &e
}

func (e *Embedded) empty() bool {
	return e.Title == "" && e.Description == "" && len(e.Keywords) == 0 && len(e.Creators) == 0 &&
		e.Copyright == "" && e.Credit == "" && e.Source == "" && e.UsageTerms == "" && e.CapturedAt == nil &&
		e.CameraMake == "" && e.CameraModel == "" && e.Lens == "" && e.Latitude == nil && e.IPTC == nil && e.XMP == nil
}

// firstText returns the first non-empty of vs, cleaned and cut to max runes.
func firstText(max int, vs ...string) string {
	for _, v := range vs {
		if v = cleanText(v, max); v != "" {
			return v
		}
	}
	return ""
}

// cleanList returns the distinct non-empty values of the first list that
// has any, each cleaned to one line of at most maxLen runes, at most n.
func cleanList(n, maxLen int, lists ...[]string) []string {
	for _, l := range lists {
		var out []string
		for _, v := range l {
			v = cleanText(strings.ReplaceAll(v, "\n", " "), maxLen)
			if v != "" && !slices.Contains(out, v) && len(out) < n {
				out = append(out, v)
			}
		}
		if out != nil {
			return out
		}
	}
	return nil
}

// cleanRaw cleans raw values for keeping, within rawBudget bytes in all.
func cleanRaw(raw map[string][]string) map[string][]string {
	if len(raw) == 0 {
		return nil
	}
	out := make(map[string][]string, len(raw))
	budget := rawBudget
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		ck := cleanText(k, maxFieldKey)
		for _, v := range raw[k] {
			v = cleanText(v, maxFieldValue)
			if v == "" || ck == "" {
				continue
			}
			if budget -= len(ck) + len(v); budget < 0 {
				return out
			}
			out[ck] = append(out[ck], v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// fields are the custom fields e fills in.
func (e *Embedded) fields() map[string]string {
	f := map[string]string{
		FieldCreator: strings.Join(e.Creators, "; "), FieldCopyright: e.Copyright, FieldCredit: e.Credit,
		FieldSource: e.Source, FieldUsageTerms: e.UsageTerms, FieldCameraMake: e.CameraMake,
		FieldCameraModel: e.CameraModel, FieldLens: e.Lens,
	}
	if e.CapturedAt != nil {
		f[FieldCapturedAt] = e.CapturedAt.UTC().Format(time.RFC3339)
	}
	if e.Latitude != nil && e.Longitude != nil {
		f[FieldGPSLatitude] = strconv.FormatFloat(*e.Latitude, 'f', 6, 64)
		f[FieldGPSLongitude] = strconv.FormatFloat(*e.Longitude, 'f', 6, 64)
	}
	return f
}

// fillFromFile returns m with its empty fields filled from what the file
// holds: the title, description and keywords when m has none, and each of
// the standard custom fields m does not have (within the field limit).
// What the uploader gave, or what the asset had, is never overwritten.
func fillFromFile(m Metadata, e *Embedded) Metadata {
	if e == nil {
		return m
	}
	if m.Title == "" {
		m.Title = e.Title
	}
	if m.Description == "" {
		m.Description = e.Description
	}
	if len(m.Keywords) == 0 && len(e.Keywords) > 0 {
		m.Keywords = slices.Clone(e.Keywords)
	}
	fill := e.fields()
	var fields map[string]string
	for _, k := range slices.Sorted(maps.Keys(fill)) {
		v := cleanText(fill[k], maxFieldValue)
		if v == "" {
			continue
		}
		if _, ok := m.Fields[k]; ok {
			continue
		}
		if fields == nil {
			fields = maps.Clone(m.Fields)
			if fields == nil {
				fields = map[string]string{}
			}
		}
		if len(fields) >= maxFields {
			break
		}
		fields[k] = v
	}
	if fields != nil {
		m.Fields = fields
	}
	return m
}

// rights are the rights statements a rendition of v carries: those found
// inside its file at ingest (so they are the same for the same bytes, as
// the rendition cache assumes), nil when none were.
func (v Version) rights() *rendition.Rights {
	e := v.Embedded
	if e == nil || e.Copyright == "" && len(e.Creators) == 0 && e.Credit == "" && e.UsageTerms == "" {
		return nil
	}
	return &rendition.Rights{Copyright: e.Copyright, Creators: e.Creators, Credit: e.Credit, UsageTerms: e.UsageTerms}
}
