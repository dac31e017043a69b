package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
)

// Archive is one laid-out ZIP file: names, order, offsets and every header
// are fixed when it is made. It is safe for concurrent use; each Stream or
// Reader reads the sources again.
type Archive struct {
	items     []item
	rangeable bool
	size      int64 // exact when rangeable; the planning estimate otherwise
	cdOffset  int64
	cdSize    int64
	segs      []segment
	etag      string
	part      int
	parts     int
}

// Plan is a selection split into parts, each a standalone ZIP.
type Plan struct {
	// Parts are in order; Parts[0] carries the manifest when there is one.
	Parts []*Archive
	// Manifest describes every entry and skipped asset; nil when not added.
	Manifest *Manifest
}

// New lays out entries as a single archive, whatever its size. The
// manifest is added only with Options.Manifest set to ManifestAlways.
func New(entries []Entry, opts *Options) (*Archive, error) {
	o := opts.withDefaults()
	o.MaxPartSize = 1<<63 - 1
	p, err := split(entries, nil, o)
	if err != nil {
		return nil, err
	}
	return p.Parts[0], nil
}

// Split lays out entries as parts under Options.MaxPartSize, in order and
// without splitting an entry. Names are unique across all parts, so the parts
// extract side by side. skipped assets are listed in the manifest.
func Split(entries []Entry, skipped []Skipped, opts *Options) (*Plan, error) {
	return split(entries, skipped, opts.withDefaults())
}

func split(entries []Entry, skipped []Skipped, o Options) (*Plan, error) {
	if len(entries) > o.MaxEntries {
		return nil, fmt.Errorf("%w: %d entries, limit %d", ErrTooManyEntries, len(entries), o.MaxEntries)
	}
	entries = slices.Clone(entries) // the archive keeps them; callers may reuse theirs
	for i := range entries {
		if err := validate(&entries[i]); err != nil {
			return nil, err
		}
	}
	items := makeItems(entries, o, false)
	groups := assign(items, o.MaxPartSize, 0)
	withManifest := o.Manifest == ManifestAlways ||
		(o.Manifest == ManifestAuto && (len(skipped) > 0 || len(groups) > 1 || slices.ContainsFunc(entries, func(e Entry) bool { return e.Note != "" })))
	if len(entries) == 0 && o.Manifest == ManifestAuto && len(skipped) == 0 {
		withManifest = false
	}
	var man *Manifest
	var manItem item
	if withManifest {
		items = makeItems(entries, o, true)
		var reserve int64
		for range 16 {
			groups = assign(items, o.MaxPartSize, reserve)
			man = newManifest(items, groups, skipped)
			var err error
			manItem, err = man.item(items)
			if err != nil {
				return nil, err
			}
			cost := manItem.localLen() + manItem.size + manItem.centralLen() + zip64EndLen + zip64LocatorLen
			if cost <= reserve {
				break
			}
			reserve = cost + 256
		}
	}
	if len(groups) == 0 {
		groups = [][]item{nil}
	}
	p := &Plan{Manifest: man}
	var total int64
	for i, g := range groups {
		if i == 0 && withManifest {
			g = append(g, manItem)
		}
		a := layout(g)
		a.part, a.parts = i+1, len(groups)
		total += a.size
		p.Parts = append(p.Parts, a)
	}
	if o.MaxTotalSize > 0 && total > o.MaxTotalSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, total, o.MaxTotalSize)
	}
	return p, nil
}

// streamZip64Hint is the size hint from which a streamed entry gets 64-bit
// sizes: a hint is not a promise, so it keeps a wide margin below 4 GiB.
const streamZip64Hint = 1 << 31

// makeItems names the entries and fixes how each is stored.
func makeItems(entries []Entry, o Options, reserveManifest bool) []item {
	n := newNamer(o.MaxComponentBytes)
	if reserveManifest {
		n.reserve(ManifestName)
	}
	folders := map[string]string{}
	items := make([]item, len(entries))
	for i := range entries {
		e := &entries[i]
		base := ""
		if o.FolderPerAsset && (e.AssetID != "" || e.AssetName != "") {
			key := e.AssetID
			if key == "" {
				key = "\x00" + e.AssetName
			}
			f, ok := folders[key]
			if !ok {
				label := e.AssetName
				if label == "" {
					label = e.AssetID
				}
				f = n.newDir(cleanPath(label, o.MaxComponentBytes))
				folders[key] = f
			}
			base = f
		}
		it := item{name: n.file(base, cleanPath(e.Name, o.MaxComponentBytes)), entry: e}
		it.setTime(e.ModTime)
		switch {
		case o.DeflateText && TextLike(e.MediaType):
			it.method, it.stream = methodDeflate, true
			it.level = min(max(o.DeflateLevel, 1), 9)
		case !e.Known:
			it.stream = true
		}
		if it.stream {
			it.size = max(e.Size, 0)
			it.csize = it.size
			it.zip64Local = it.size >= streamZip64Hint
		} else {
			it.crc, it.size, it.csize = e.CRC32, e.Size, e.Size
			it.zip64Local = it.size >= max32
		}
		items[i] = it
	}
	return items
}

// assign packs items into parts greedily, in order, each part at most
// maxPart bytes (exact sizes, headers and end records included) unless a
// single entry is larger. The first part keeps reserve bytes free.
func assign(items []item, maxPart, reserve int64) [][]item {
	var groups [][]item
	cur := make([]item, 0, len(items))
	var local, central int64
	budget := maxPart - reserve
	for _, it := range items {
		it.offset = local
		l := local + it.localLen() + it.csize + it.descriptorLen()
		c := central + it.centralLen()
		if len(cur) > 0 && l+c+endRecordsLen(len(cur)+1, l, c) > budget {
			groups = append(groups, cur)
			cur, local, central, budget = nil, 0, 0, maxPart
			it.offset = 0
			l = it.localLen() + it.csize + it.descriptorLen()
			c = it.centralLen()
		}
		cur = append(cur, it)
		local, central = l, c
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	return groups
}

type segKind uint8

const (
	segLocal segKind = iota
	segData
	segCentral
	segEnd
)

// segment is a run of archive bytes: a header rendered on demand, or a
// range of an entry's source.
type segment struct {
	start int64
	kind  segKind
	idx   int32
}

// layout fixes offsets and, when every entry is known and stored, the
// segment map that ranges read from.
func layout(items []item) *Archive {
	a := &Archive{items: items, rangeable: true}
	var off int64
	for i := range a.items {
		it := &a.items[i]
		it.offset = off
		if it.stream {
			a.rangeable = false
		}
		off += it.localLen() + it.csize + it.descriptorLen()
	}
	a.cdOffset = off
	for i := range a.items {
		a.cdSize += a.items[i].centralLen()
	}
	a.size = a.cdOffset + a.cdSize + endRecordsLen(len(items), a.cdOffset, a.cdSize)
	if !a.rangeable {
		return a
	}
	a.segs = make([]segment, 0, 3*len(items)+1)
	h := sha256.New()
	h.Write([]byte("damkit-zip-1\x00"))
	var scratch []byte
	for i := range a.items {
		it := &a.items[i]
		a.segs = append(a.segs, segment{start: it.offset, kind: segLocal, idx: int32(i)})
		if it.size > 0 {
			a.segs = append(a.segs, segment{start: it.offset + it.localLen(), kind: segData, idx: int32(i)})
		}
	}
	pos := a.cdOffset
	for i := range a.items {
		a.segs = append(a.segs, segment{start: pos, kind: segCentral, idx: int32(i)})
		scratch = a.items[i].appendCentral(scratch[:0])
		h.Write(scratch)
		pos += int64(len(scratch))
	}
	a.segs = append(a.segs, segment{start: pos, kind: segEnd})
	h.Write(appendEnd(scratch[:0], len(a.items), a.cdOffset, a.cdSize))
	// The central directory holds every name, size, CRC, time, method and
	// offset, so its hash identifies the archive's bytes.
	a.etag = `"` + hex.EncodeToString(h.Sum(nil)[:20]) + `"`
	return a
}

// Size returns the archive's exact length in bytes. ok is false when the
// archive holds streamed or deflated entries, whose sizes are only known
// once written; n is then the planning estimate.
func (a *Archive) Size() (n int64, ok bool) { return a.size, a.rangeable }

// Rangeable reports whether Size is exact and byte ranges can be read.
func (a *Archive) Rangeable() bool { return a.rangeable }

// ETag returns a strong HTTP entity tag (quoted) derived from the layout:
// names, sizes, CRCs, times and storage methods. It is "" when the archive
// is not rangeable, since its bytes are not known in advance.
func (a *Archive) ETag() string { return a.etag }

// Part returns this archive's 1-based position among the parts of its plan.
func (a *Archive) Part() (n, of int) { return a.part, a.parts }

// Len returns the number of entries, the manifest included.
func (a *Archive) Len() int { return len(a.items) }

// Names returns the entry paths in archive order.
func (a *Archive) Names() []string {
	out := make([]string, len(a.items))
	for i := range a.items {
		out[i] = a.items[i].name
	}
	return out
}

// segmentAt returns the index of the segment holding byte off.
func (a *Archive) segmentAt(off int64) int {
	return sort.Search(len(a.segs), func(i int) bool { return a.segs[i].start > off }) - 1
}

// segmentEnd returns where segment i stops.
func (a *Archive) segmentEnd(i int) int64 {
	if i+1 < len(a.segs) {
		return a.segs[i+1].start
	}
	return a.size
}

// render appends the header bytes of a non-data segment.
func (a *Archive) render(dst []byte, s segment) []byte {
	switch s.kind {
	case segLocal:
		return a.items[s.idx].appendLocal(dst)
	case segCentral:
		return a.items[s.idx].appendCentral(dst)
	default:
		return appendEnd(dst, len(a.items), a.cdOffset, a.cdSize)
	}
}
