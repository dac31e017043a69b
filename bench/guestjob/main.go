// Command guestjob measures a share guest's background archive end to end
// through the HTTP server: files sparse files (truncate) uploaded to a
// SQLite + file:// library, shared with one guest, who asks for the ZIP
// with POST /s/{token}/downloads; the job worker builds it in parts (the
// part-size cap set so there are -parts of them), the guest polls the job
// and fetches every part. It prints the time of each phase and the peak
// RSS of the process (server, worker and client together). Run it through
// run.sh.
package main

import (
	"archive/zip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/dam/sqlstore"
)

func main() {
	files := flag.Int("files", 20, "sparse files in the share")
	size := flag.Int64("size", 1_000_000_000, "bytes of each file")
	parts := flag.Int("parts", 3, "ZIP parts to build")
	dir := flag.String("dir", "", "work folder (default: a temp dir, removed at the end)")
	flag.Parse()
	if *dir == "" {
		d, err := os.MkdirTemp("", "damkit-guestjob")
		check(err)
		defer os.RemoveAll(d)
		*dir = d
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	src := filepath.Join(*dir, "sparse.bin")
	f, err := os.Create(src)
	check(err)
	check(f.Truncate(*size))
	check(f.Close())

	perPart := (*files + *parts - 1) / *parts
	lib, err := dam.Open(ctx, dam.Config{
		StoreURL:  "sqlite://" + filepath.Join(*dir, "dam.db"),
		BucketURL: "file://" + filepath.ToSlash(filepath.Join(*dir, "blobs")),
		Options:   &dam.Options{MaxPartSize: int64(perPart) * (*size + 1<<16), JobPollInterval: 100 * time.Millisecond},
		OpenStore: func(ctx context.Context, url string) (dam.Store, error) { return sqlstore.Open(ctx, url, nil) },
	})
	check(err)
	defer lib.Close()
	_, key, err := lib.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	check(err)
	srv := httptest.NewServer(damhttp.New(lib, nil))
	defer srv.Close()
	c := &client{base: srv.URL, key: key}

	c.do("PUT", "/api/v1/settings", `{"shares_enabled":true}`, nil)
	start := time.Now()
	var ids []string
	for i := range *files {
		r, err := os.Open(src)
		check(err)
		var a dam.Asset
		c.send("POST", fmt.Sprintf("/api/v1/assets?name=file-%02d.bin", i), r, *size, &a)
		_ = r.Close()
		ids = append(ids, a.ID)
	}
	upload := time.Since(start)
	body, err := json.Marshal(map[string]any{"title": "Sparse", "validity_days": 7, "asset_ids": ids, "guests": "guest@example.com"})
	check(err)
	var sv dam.ShareView
	c.do("POST", "/api/v1/shares", string(body), &sv)
	token := sv.Links[0].Token
	c.key = "" // the guest has no key: the link is their credential

	go func() { _ = lib.RunJobs(ctx) }()
	start = time.Now()
	var job struct {
		dam.Job
		Parts []struct {
			dam.JobPart
			URL string `json:"url"`
		} `json:"parts"`
	}
	c.do("POST", "/s/"+token+"/downloads", "", &job)
	for job.Status != dam.JobDone {
		if job.Status == dam.JobFailed {
			log.Fatalf("the job failed: %s", job.Error)
		}
		time.Sleep(200 * time.Millisecond)
		c.do("GET", "/s/"+token+"/downloads/"+job.ID, "", &job)
	}
	build := time.Since(start)

	start = time.Now()
	var fetched int64
	entries := 0
	for _, p := range job.Parts {
		resp := c.request("GET", p.URL, nil, 0)
		n, err := io.Copy(io.Discard, resp.Body)
		check(err)
		_ = resp.Body.Close()
		if n != p.Size {
			log.Fatalf("part %d: %d bytes, want %d", p.Number, n, p.Size)
		}
		fetched += n
		// The stored part is a ZIP archive/zip reads (central directory).
		zr, err := zip.OpenReader(filepath.Join(*dir, "blobs", "archives", job.ID, fmt.Sprintf("part-%d.zip", p.Number)))
		check(err)
		entries += len(zr.File)
		_ = zr.Close()
	}
	fetch := time.Since(start)
	var ru syscall.Rusage
	check(syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	gb := float64(int64(*files)**size) / 1e9
	var sizes []string
	for _, p := range job.Parts {
		sizes = append(sizes, fmt.Sprintf("%.2f GB", float64(p.Size)/1e9))
	}
	fmt.Printf("files %d x %d bytes (%.1f GB, sparse), %d parts: %s\n", *files, *size, gb, len(job.Parts), strings.Join(sizes, ", "))
	fmt.Printf("upload through HTTP    %6.1f s\n", upload.Seconds())
	fmt.Printf("background job (ask -> done, parts written to file://) %6.1f s  %.0f MB/s\n", build.Seconds(), float64(fetched)/1e6/build.Seconds())
	fmt.Printf("guest fetch of every part %6.1f s  %.0f MB/s (%d ZIP entries with the manifests)\n", fetch.Seconds(), float64(fetched)/1e6/fetch.Seconds(), entries)
	fmt.Printf("end to end (ask -> last byte) %6.1f s\n", (build + fetch).Seconds())
	fmt.Printf("peak RSS of the process %d MiB\n", ru.Maxrss/1024)
}

type client struct{ base, key string }

func (c *client) request(method, path string, body io.Reader, n int64) *http.Response {
	req, err := http.NewRequest(method, c.base+path, body)
	check(err)
	if n > 0 {
		req.ContentLength = n
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	if body != nil && n == 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	check(err)
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(resp.Body)
		log.Fatalf("%s %s: %s %s", method, path, resp.Status, b)
	}
	return resp
}

func (c *client) send(method, path string, body io.Reader, n int64, out any) {
	resp := c.request(method, path, body, n)
	defer resp.Body.Close()
	if out != nil {
		check(json.NewDecoder(resp.Body).Decode(out))
	}
}

func (c *client) do(method, path, body string, out any) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	c.send(method, path, r, 0, out)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
