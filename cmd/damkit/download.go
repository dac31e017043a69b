package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/damkit/damkit/client"
	"github.com/damkit/damkit/dam"
)

// downloadResult is what a download wrote.
type downloadResult struct {
	Files   []string `json:"files"`
	Bytes   int64    `json:"bytes"`
	Job     string   `json:"job,omitempty"`
	Skipped int      `json:"skipped,omitempty"`
	Seconds float64  `json:"seconds"`
}

func runDownload(e *env, args []string) error {
	fs := e.flags("download")
	out := fs.String("o", ".", "directory to write into")
	conns := fs.Int("j", 4, "connections: files or archive parts fetched at once")
	profile := fs.String("profile", "", "export profile of asset downloads (default the original)")
	async := fs.Bool("async", true, "archives as a background job (waits with progress); false asks for a ready archive")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() < 2 {
		return usagef("download needs what and which: asset ID..., collection ID, folder ID, search QUERY or job ID")
	}
	if *conns < 1 || *conns > 32 {
		return usagef("-j must be between 1 and 32")
	}
	if err := e.connect(); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	start := time.Now()
	what, rest := fs.Arg(0), fs.Args()[1:]
	var res downloadResult
	var err error
	switch what {
	case "asset", "assets":
		res, err = downloadAssets(e, rest, *out, *profile, *conns)
	case "collection", "folder", "search", "job":
		if len(rest) != 1 && what != "search" {
			return usagef("download %s takes one ID", what)
		}
		var job client.Job
		job, err = startJob(e, what, rest, *profile, *async)
		if err == nil {
			res, err = fetchJob(e, job, *out, *conns)
		}
	default:
		return usagef("download what? asset, collection, folder, search or job, not %q", what)
	}
	res.Seconds = time.Since(start).Seconds()
	if err != nil {
		return err
	}
	e.emit(res, func(w io.Writer) {
		for _, f := range res.Files {
			fmt.Fprintln(w, f)
		}
		fmt.Fprintf(w, "%d file(s), %s in %.1f s", len(res.Files), byteCount(res.Bytes), res.Seconds)
		if res.Skipped > 0 {
			fmt.Fprintf(w, "; %d asset(s) left out (not downloadable: damkit requests, or ask for them)", res.Skipped)
		}
		fmt.Fprintln(w)
	})
	return nil
}

// downloadAssets fetches assets one file each, n at a time, each resumable.
func downloadAssets(e *env, ids []string, dir, profile string, n int) (downloadResult, error) {
	var res downloadResult
	b := e.bars()
	var mu sync.Mutex
	var firstErr error
	sem := make(chan *slot, n)
	for _, s := range b.slots(min(n, len(ids))) {
		sem <- s
	}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sl := <-sem
			defer func() { sem <- sl }()
			path, size, err := downloadAsset(e, sl, id, dir, profile)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("%s: %w", id, err)
				}
				return
			}
			res.Files = append(res.Files, path)
			res.Bytes += size
		}()
	}
	wg.Wait()
	for range min(n, len(ids)) {
		closeSlots([]*slot{<-sem})
	}
	b.wait()
	return res, firstErr
}

func downloadAsset(e *env, bar *slot, id, dir, profile string) (string, int64, error) {
	a, err := e.c.Asset(e.ctx, id)
	if err != nil {
		return "", 0, err
	}
	name := safeName(a.Name, id)
	path := filepath.Join(dir, name)
	bar.start(name, a.Current.Size)
	served := ""
	n, err := e.c.FetchFile(e.ctx, e.c.AssetFile(id, profile), path, &client.FetchOptions{
		Progress: func(done, size int64) { bar.set(done) },
		Filename: func(s string) { served = s },
	})
	if err != nil || profile == "" {
		return path, n, err
	}
	// A profile may change the format ("beach.png" as image/jpeg is
	// "beach.jpg"): the file takes the extension the server gives it.
	if ext := filepath.Ext(safeName(served, "")); ext != "" && !strings.EqualFold(ext, filepath.Ext(name)) {
		renamed := strings.TrimSuffix(path, filepath.Ext(path)) + ext
		if err := os.Rename(path, renamed); err != nil {
			return path, n, err
		}
		path = renamed
	}
	return path, n, nil
}

// safeName is a server-given name as a local file name, never a path.
func safeName(name, fallback string) string {
	name = filepath.Base(filepath.Clean("/" + strings.ReplaceAll(name, "\\", "/")))
	if name == "/" || name == "." || name == ".." || name == "" {
		return fallback
	}
	return name
}

// startJob asks for the archive of a collection, folder or search (or
// takes an existing job).
func startJob(e *env, what string, rest []string, profile string, async bool) (client.Job, error) {
	dr := dam.DownloadRequest{Profile: profile, Async: async}
	switch what {
	case "job":
		return e.c.Download(e.ctx, rest[0])
	case "collection":
		dr.CollectionID = rest[0]
	case "folder":
		tree, err := loadFolders(e.ctx, e.c)
		if err != nil {
			return client.Job{}, err
		}
		if dr.FolderID, err = tree.resolve(rest[0]); err != nil {
			return client.Job{}, err
		}
		if dr.FolderID == "" {
			return client.Job{}, usagef("download folder needs a folder, not the root")
		}
	case "search":
		ids := []string{}
		for a, err := range e.c.Assets(e.ctx, dam.AssetQuery{Text: strings.Join(rest, " "), Limit: 500}) {
			if err != nil {
				return client.Job{}, err
			}
			ids = append(ids, a.ID)
		}
		if len(ids) == 0 {
			return client.Job{}, dam.E("damkit", dam.NotFound, "no asset matches %q", strings.Join(rest, " "))
		}
		dr.AssetIDs = ids
	}
	return e.c.CreateDownload(e.ctx, dr)
}

// fetchJob waits for a job with a progress bar, then fetches its parts
// with n connections, each resumable, and checks the ZIPs' CRCs.
func fetchJob(e *env, j client.Job, dir string, n int) (downloadResult, error) {
	res := downloadResult{Job: j.ID, Skipped: j.SkippedCount}
	b := e.bars()
	if !j.Finished() {
		wait := b.count("building "+j.ID, max(j.BytesTotal, 1))
		var err error
		j, err = e.c.WaitDownload(e.ctx, j.ID, 500*time.Millisecond, func(j client.Job) {
			wait.set(j.BytesDone)
		})
		wait.done(err == nil)
		if err != nil {
			b.wait()
			return res, err
		}
	}
	// A bar per part while they fit the screen; past 8, one for them all.
	partBars := map[int]*bar{}
	var all *bar
	var allSize int64
	for _, p := range j.Parts {
		allSize += p.Size
	}
	held := map[int]int64{}
	if len(j.Parts) <= 8 {
		for _, p := range j.Parts {
			partBars[p.Number] = b.bytes(fmt.Sprintf("part %d/%d", p.Number, len(j.Parts)), p.Size, true)
		}
	} else {
		all = b.bytes(fmt.Sprintf("%d parts", len(j.Parts)), allSize, true)
	}
	paths, err := e.c.FetchParts(e.ctx, j, dir, &client.PartsOptions{Connections: n, Verify: true,
		Progress: func(part int, done, size int64) { // called one at a time
			if all != nil {
				all.add(done - held[part])
				held[part] = done
				return
			}
			partBars[part].set(done)
		}})
	for _, p := range j.Parts {
		partBars[p.Number].done(err == nil)
	}
	all.done(err == nil)
	b.wait()
	if err != nil {
		return res, err
	}
	for i, p := range paths {
		res.Files = append(res.Files, p)
		res.Bytes += j.Parts[i].Size
	}
	return res, nil
}
