package storage_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/damkit/damkit/storage"
)

// Ingest an upload under its content address: stream it to a TempWriter
// while hashing, then publish under the hash. A second identical upload
// finds the object already there.
func ExampleBucket_NewTempWriter() {
	ctx := context.Background()
	b, err := storage.Open(ctx, "mem://")
	if err != nil {
		panic(err)
	}
	defer b.Close()

	ingest := func(upload io.Reader) (key string, existed bool, err error) {
		w, err := b.NewTempWriter(ctx)
		if err != nil {
			return "", false, err
		}
		defer w.Abort() // no-op once published
		h := sha256.New()
		if _, err := io.Copy(io.MultiWriter(h, w), upload); err != nil {
			return "", false, err
		}
		key = storage.OriginalKey(hex.EncodeToString(h.Sum(nil)))
		existed, err = w.Publish(ctx, key)
		return key, existed, err
	}

	key, existed, err := ingest(strings.NewReader("hello, damkit"))
	fmt.Println(key[:25], existed, err)
	_, existed, err = ingest(strings.NewReader("hello, damkit"))
	fmt.Println(existed, err)

	r, err := b.NewRangeReader(ctx, key, 7, -1)
	if err != nil {
		panic(err)
	}
	defer r.Close()
	rest, _ := io.ReadAll(r)
	fmt.Println(string(rest))
	// Output:
	// originals/sha256/9c31bfef false <nil>
	// true <nil>
	// damkit
}

// Renditions and archive parts have names known in advance: write them
// with NewWriter. The object appears on a successful Close.
func ExampleBucket_NewWriter() {
	ctx := context.Background()
	b, err := storage.Open(ctx, "mem://")
	if err != nil {
		panic(err)
	}
	defer b.Close()

	w, err := b.NewWriter(ctx, "renditions/asset-1/web.jpg", &storage.WriterOptions{ContentType: "image/jpeg"})
	if err != nil {
		panic(err)
	}
	if _, err := w.Write([]byte("\xff\xd8 not really a jpeg")); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	attrs, err := b.Attributes(ctx, "renditions/asset-1/web.jpg")
	fmt.Println(attrs.Size, attrs.ContentType, err)
	// Output:
	// 20 image/jpeg <nil>
}
