package archive

import (
	"encoding/binary"
	"time"
)

// ZIP record layouts (APPNOTE.TXT 6.3.10). ZIP64 fields appear only where a
// value does not fit: 0xFFFFFFFF and 0xFFFF are sentinels, so a value equal
// to the sentinel also needs ZIP64.
const (
	sigLocal        = 0x04034b50
	sigCentral      = 0x02014b50
	sigDescriptor   = 0x08074b50
	sigEnd          = 0x06054b50
	sigZip64End     = 0x06064b50
	sigZip64Locator = 0x07064b50

	localFixedLen   = 30
	centralFixedLen = 46
	endLen          = 22
	zip64EndLen     = 56
	zip64LocatorLen = 20

	extraZip64     = 0x0001
	extraTimestamp = 0x5455
	timestampLen   = 4 + 5 // header + flags byte + mtime

	flagDescriptor = 1 << 3
	flagUTF8       = 1 << 11

	methodStore   = 0
	methodDeflate = 8

	versionDefault = 20
	versionZip64   = 45
	madeByUnix     = 3 << 8

	max16 = 0xffff
	max32 = 0xffffffff

	// regular file, rw-r--r--, in the Unix high half of the external attributes
	fileAttrs = 0o100644 << 16
)

// item is an entry with its final name and position in the archive.
type item struct {
	name   string
	entry  *Entry
	method uint16
	crc    uint32
	size   int64 // uncompressed bytes; a hint until written when stream is set
	csize  int64
	// stream marks a data descriptor after the bytes: CRC and sizes are
	// unknown when the local header is written.
	stream bool
	// zip64Local puts a ZIP64 field in the local header: the sizes reach the
	// sentinel, or a streamed entry may, in which case its descriptor is 64-bit.
	zip64Local bool
	offset     int64
	level      int // deflate level, 1..9
	mtime      time.Time
	dosDate    uint16
	dosTime    uint16
}

func (it *item) setTime(t time.Time) {
	if t.IsZero() {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	t = t.UTC().Truncate(time.Second)
	it.mtime = t
	d := t
	if d.Year() < 1980 {
		d = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if d.Year() > 2107 {
		d = time.Date(2107, 12, 31, 23, 59, 58, 0, time.UTC)
	}
	it.dosDate = uint16(d.Day() + int(d.Month())<<5 + (d.Year()-1980)<<9)
	it.dosTime = uint16(d.Second()/2 + d.Minute()<<5 + d.Hour()<<11)
}

// unixTime is the extended-timestamp value, clamped to its signed 32 bits.
func (it *item) unixTime() uint32 {
	u := it.mtime.Unix()
	if u < -1<<31 {
		u = -1 << 31
	}
	if u > 1<<31-1 {
		u = 1<<31 - 1
	}
	return uint32(int32(u))
}

func (it *item) flags() uint16 {
	if it.stream {
		return flagUTF8 | flagDescriptor
	}
	return flagUTF8
}

// central64 lists what the central header must move to its ZIP64 field.
func (it *item) central64() (size, csize, offset bool) {
	if it.stream && it.zip64Local {
		return true, true, it.offset >= max32
	}
	return it.size >= max32, it.csize >= max32, it.offset >= max32
}

func (it *item) version() uint16 {
	s, c, o := it.central64()
	if it.zip64Local || s || c || o {
		return versionZip64
	}
	return versionDefault
}

func (it *item) localLen() int64 {
	n := localFixedLen + len(it.name) + timestampLen
	if it.zip64Local {
		n += 4 + 16
	}
	return int64(n)
}

func (it *item) centralLen() int64 {
	n := centralFixedLen + len(it.name) + timestampLen
	if z := it.zip64CentralLen(); z > 0 {
		n += 4 + z
	}
	return int64(n)
}

func (it *item) zip64CentralLen() int {
	s, c, o := it.central64()
	n := 0
	for _, b := range []bool{s, c, o} {
		if b {
			n += 8
		}
	}
	return n
}

func (it *item) descriptorLen() int64 {
	switch {
	case !it.stream:
		return 0
	case it.zip64Local:
		return 4 + 4 + 8 + 8
	default:
		return 4 + 4 + 4 + 4
	}
}

type le []byte

func (b le) u16(v uint16) le { return binary.LittleEndian.AppendUint16(b, v) }
func (b le) u32(v uint32) le { return binary.LittleEndian.AppendUint32(b, v) }
func (b le) u64(v uint64) le { return binary.LittleEndian.AppendUint64(b, v) }

func clamp32(v int64) uint32 {
	if v >= max32 {
		return max32
	}
	return uint32(v)
}

func (it *item) appendLocal(dst []byte) []byte {
	b := le(dst).u32(sigLocal).u16(it.version()).u16(it.flags()).u16(it.method).
		u16(it.dosTime).u16(it.dosDate)
	extra := timestampLen
	if it.zip64Local {
		extra += 4 + 16
	}
	switch {
	case it.stream && it.zip64Local:
		b = b.u32(0).u32(max32).u32(max32)
	case it.stream:
		b = b.u32(0).u32(0).u32(0)
	default:
		b = b.u32(it.crc).u32(clamp32(it.csize)).u32(clamp32(it.size))
	}
	b = b.u16(uint16(len(it.name))).u16(uint16(extra))
	b = append(b, it.name...)
	if it.zip64Local {
		// Local ZIP64 fields hold the two sizes only, never an offset.
		b = b.u16(extraZip64).u16(16)
		if it.stream {
			b = b.u64(0).u64(0)
		} else {
			b = b.u64(uint64(it.size)).u64(uint64(it.csize))
		}
	}
	return b.u16(extraTimestamp).u16(5).appendTimestamp(it.unixTime())
}

func (b le) appendTimestamp(t uint32) le { return append(b, 1).u32(t) }

func (it *item) appendCentral(dst []byte) []byte {
	s64, c64, o64 := it.central64()
	size, csize, off := uint32(it.size), uint32(it.csize), uint32(it.offset)
	if s64 {
		size = max32
	}
	if c64 {
		csize = max32
	}
	if o64 {
		off = max32
	}
	z := it.zip64CentralLen()
	extra := timestampLen
	if z > 0 {
		extra += 4 + z
	}
	b := le(dst).u32(sigCentral).u16(madeByUnix | 63).u16(it.version()).u16(it.flags()).
		u16(it.method).u16(it.dosTime).u16(it.dosDate).u32(it.crc).u32(csize).u32(size).
		u16(uint16(len(it.name))).u16(uint16(extra)).u16(0). // comment length
		u16(0).u16(0).u32(fileAttrs).u32(off)                // disk, internal, external, offset
	b = append(b, it.name...)
	if z > 0 {
		b = b.u16(extraZip64).u16(uint16(z))
		if s64 {
			b = b.u64(uint64(it.size))
		}
		if c64 {
			b = b.u64(uint64(it.csize))
		}
		if o64 {
			b = b.u64(uint64(it.offset))
		}
	}
	return b.u16(extraTimestamp).u16(5).appendTimestamp(it.unixTime())
}

func (it *item) appendDescriptor(dst []byte) []byte {
	b := le(dst).u32(sigDescriptor).u32(it.crc)
	if it.zip64Local {
		return b.u64(uint64(it.csize)).u64(uint64(it.size))
	}
	return b.u32(uint32(it.csize)).u32(uint32(it.size))
}

// needZip64End reports whether the end of the archive needs ZIP64 records.
func needZip64End(count int, cdOffset, cdSize int64) bool {
	return count >= max16 || cdOffset >= max32 || cdSize >= max32
}

func endRecordsLen(count int, cdOffset, cdSize int64) int64 {
	if needZip64End(count, cdOffset, cdSize) {
		return zip64EndLen + zip64LocatorLen + endLen
	}
	return endLen
}

// appendEnd writes the end of central directory, preceded by the ZIP64 end
// record and locator only when a count, size or offset does not fit.
func appendEnd(dst []byte, count int, cdOffset, cdSize int64) []byte {
	b := le(dst)
	if needZip64End(count, cdOffset, cdSize) {
		end64 := cdOffset + cdSize
		b = b.u32(sigZip64End).u64(zip64EndLen - 12).u16(madeByUnix | 63).u16(versionZip64).
			u32(0).u32(0).u64(uint64(count)).u64(uint64(count)).u64(uint64(cdSize)).u64(uint64(cdOffset))
		b = b.u32(sigZip64Locator).u32(0).u64(uint64(end64)).u32(1)
		return b.u32(sigEnd).u16(0).u16(0).u16(max16).u16(max16).u32(max32).u32(max32).u16(0)
	}
	return b.u32(sigEnd).u16(0).u16(0).u16(uint16(count)).u16(uint16(count)).
		u32(uint32(cdSize)).u32(uint32(cdOffset)).u16(0)
}
