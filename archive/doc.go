// Package archive lays out and writes ZIP files for downloads: single
// archives and multi-part selections, streamed straight from their sources
// with exact sizes, stable ETags and byte ranges.
//
// # Why not archive/zip
//
// Go's archive/zip writer puts the local header offset into the ZIP64 extra
// field of local headers, where APPNOTE forbids it (7-Zip then reports
// "Headers Error" for entries over 4 GiB), and entries written with
// CreateRaw over 4 GiB get no ZIP64 field at all, which unzip, 7-Zip and
// bsdtar need. It also cannot tell an archive's size before writing it. This
// package writes the records itself (records.go) and is tested against
// unzip, 7z, bsdtar, Python's zipfile and archive/zip.
//
// # Layout before bytes
//
// An entry whose size and CRC-32 are Known (originals: both are recorded at
// ingest) is Stored, with CRC and sizes in its local header and no data
// descriptor. When every entry is Known the whole archive is laid out
// before a byte is read (layout.go): Size is exact, ETag hashes the central
// directory (names, sizes, CRCs, times, methods, offsets), and any byte range
// is produced by reading only the matching ranges of the sources
// (ranges.go), so net/http.ServeContent can serve it with Range and
// If-Range, and an interrupted download resumes with StreamFrom.
//
// Entries of unknown CRC (fresh renditions) and, with Options.DeflateText,
// text-like entries (compressed with klauspost/compress) stream with data
// descriptors. An archive holding any of them has no exact Size, no ETag and
// no ranges: Stream still writes it, and ReadAt, NewReader and StreamFrom
// (past 0) return ErrNotRangeable.
//
// # ZIP64 only where needed
//
// ZIP64 fields appear per value: in a local header only the two sizes of an
// entry of 4,294,967,295 bytes or more; in a central header only the sizes
// and offset that reach 0xFFFFFFFF; the ZIP64 end record and locator only
// with 65,535 entries or more or a central directory at or past 4 GiB. A
// streamed entry gets 64-bit sizes when its size hint is 2 GiB or more; one
// without that hint that outgrows 4 GiB fails with ErrTooLarge rather than
// producing a broken archive.
//
// # Names
//
// Every name goes through CleanPath (names.go): valid UTF-8 in NFC with the
// UTF-8 flag set, '/' separators, no absolute paths, drive letters, '..',
// control or bidi-override characters, Windows reserved device names or
// forbidden characters, components cut to 255 bytes on a rune boundary
// keeping the extension. Names that differ only in case are made unique
// ("photo.jpg", "photo (2).jpg"), across all parts of a plan.
//
// # Parts and manifest
//
// Split packs entries, in order, into parts under Options.MaxPartSize
// (default 100 GB), each a standalone ZIP; an entry is never split, and one
// larger than the cap gets a part of its own. The first part carries
// manifest.json (manifest.go), listing each entry with its part, size and
// SHA-256 and each skipped asset with its reason; its size is counted in
// the plan.
//
// # Deterministic
//
// The same entries and options give byte-identical archives: times come
// from the entries (DOS time in UTC plus the extended-timestamp field), the
// manifest's time is the newest entry time, and nothing depends on the clock
// or on map order.
//
// # Speed and resources
//
// Stored entries cost no per-byte work: bytes move through one pooled 1 MiB
// buffer, headers are rendered on demand, and no goroutine is started, so
// cancelling ctx stops the work at the next buffer fill with nothing left
// running. A source error or a source of the wrong length (ErrSourceSize)
// surfaces as an error, never as a silently truncated archive.
package archive
