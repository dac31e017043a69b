// Package storage keeps the bytes of a damkit library in a blob bucket.
//
// It is the only damkit package that knows gocloud.dev: a *Bucket wraps a
// *blob.Bucket and adds what the library needs on top of the portable API:
// content-addressed writes that never replace an existing object
// (NewTempWriter, then TempWriter.Publish), validated keys, range reads
// and an io.ReaderAt for ZIP layout, and errors reduced to a few sentinels
// (ErrNotFound, ErrNotSupported, ErrInvalidKey, ErrInvalidRange).
//
// Open understands file:// and mem:// URLs out of the box. Other services
// (s3://, gs://, azblob://) work as soon as the host program blank-imports
// their gocloud.dev driver, for example
//
//	import _ "gocloud.dev/blob/s3blob"
//
// On file:// buckets opened with Open, a published object is the temporary
// file itself, hard-linked to its final name: ingesting a large file costs
// one write of its bytes, not two. Other buckets publish with the service's
// server-side copy (S3 CopyObject and the like).
package storage
