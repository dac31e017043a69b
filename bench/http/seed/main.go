// Command seed fills a data folder for bench/http/run.sh: an owner with a
// known API key, one ~100 kB JPEG original, its cached rendition in a
// "web" profile, and -n assets (the same bytes, content-addressed, stored
// once) for the listing. It writes the bytes nginx serves beside damkit
// into -www, and prints shell assignments (ASSET=..., KEY=...) for run.sh.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/rendition"
)

func main() {
	store := flag.String("store", "", "store URL (default sqlite://<data>/dam.db)")
	data := flag.String("data", "", "data folder (required)")
	www := flag.String("www", "", "folder for nginx's copies of the bytes (required)")
	key := flag.String("key", "", "API key of the owner (required)")
	n := flag.Int("n", 100_000, "assets to create for the listing")
	flag.Parse()
	if *data == "" || *www == "" || len(*key) < 20 {
		fmt.Fprintln(os.Stderr, "seed: -data, -www and -key (at least 20 characters) are required")
		os.Exit(2)
	}
	if err := seed(context.Background(), *store, *data, *www, *key, *n); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func seed(ctx context.Context, storeURL, data, www, key string, n int) error {
	if storeURL == "" {
		storeURL = "sqlite://" + filepath.Join(data, "dam.db")
	}
	lib, err := dam.Open(ctx, dam.Config{StoreURL: storeURL, BucketURL: "file://" + filepath.Join(data, "blobs"),
		OpenStore: func(ctx context.Context, url string) (dam.Store, error) { return sqlstore.Open(ctx, url, nil) }})
	if err != nil {
		return err
	}
	defer lib.Close()
	u, _, err := lib.CreateUser(ctx, dam.NewUser{Email: "admin@example.com", Role: dam.RoleOwner, APIKey: key})
	if err != nil {
		return err
	}
	ctx = dam.WithActor(ctx, u.Actor())
	orig := photo(100_000)
	a, err := lib.Upload(ctx, bytes.NewReader(orig), dam.UploadOptions{Name: "photo.jpg"})
	if err != nil {
		return err
	}
	if _, err := lib.CreateProfile(ctx, dam.Profile{Name: "web", Width: 480, Height: 480, Format: rendition.FormatJPEG, Quality: 84}); err != nil {
		return err
	}
	d, err := lib.OpenRendition(ctx, a.ID, "web")
	if err != nil {
		return err
	}
	web, err := io.ReadAll(d)
	_ = d.Close()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(www, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(www, "orig.jpg"), orig, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(www, "web.jpg"), web, 0o644); err != nil {
		return err
	}
	if err := fill(ctx, lib.Store(), a, n); err != nil {
		return err
	}
	fmt.Printf("ASSET=%s\nORIG_BYTES=%d\nWEB_BYTES=%d\n", a.ID, len(orig), len(web))
	return nil
}

// fill creates n assets holding a's bytes, from 4 goroutines (PostgreSQL
// round trips overlap; SQLite queues them on its writer).
func fill(ctx context.Context, st dam.Store, a dam.Asset, n int) error {
	start := time.Now().Add(-time.Duration(n) * time.Millisecond)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < n; i += 4 {
				at := start.Add(time.Duration(i) * time.Millisecond)
				b := a
				b.ID = dam.NewID(at)
				b.Name = fmt.Sprintf("image-%06d.jpg", i)
				b.CreatedAt, b.UpdatedAt = at, at
				b.Current.CreatedAt = at
				b.Categories = nil
				if err := st.CreateAsset(ctx, b); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// photo is a JPEG of about size bytes: smooth gradients under noise, so
// it compresses like a photograph.
func photo(size int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	for w := 300; ; w += 20 {
		h := w * 3 / 4
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				nz := uint8(rng.IntN(48))
				img.Set(x, y, color.RGBA{uint8(x*255/w)/2 + nz, uint8(y*255/h)/2 + nz, 128 + nz, 255})
			}
		}
		var buf bytes.Buffer
		_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80})
		if buf.Len() >= size {
			return buf.Bytes()
		}
	}
}
