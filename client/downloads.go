package client

import (
	"archive/zip"
	"context"
	"io"
	"iter"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/damkit/damkit/dam"
)

// Job is a download job as the API shows it: each part with its URL once
// ready, the count of skipped assets and, when a request could unlock
// some, how to ask.
type Job struct {
	dam.Job
	Parts        []JobPart    `json:"parts"`
	SkippedCount int          `json:"skipped_count"`
	Request      *RequestHint `json:"request,omitempty"`
}

// JobPart is one ZIP of a job, with its URL once ready.
type JobPart struct {
	dam.JobPart
	URL string `json:"url,omitempty"`
}

// Finished reports whether the job's parts can all be fetched.
func (j Job) Finished() bool { return j.Status == dam.JobDone || j.Status == dam.JobReady }

// CreateDownload makes a download of assets, a collection or a folder: a
// job ready at once (small selections) or queued for the worker.
func (c *Client) CreateDownload(ctx context.Context, dr dam.DownloadRequest) (Job, error) {
	var j Job
	err := c.call(ctx, request{op: "POST /api/v1/downloads", json: dr}, &j)
	return j, err
}

// StreamDownload asks for the archive itself in the answer (a selection
// within the server's synchronous limits); the caller closes it.
func (c *Client) StreamDownload(ctx context.Context, dr dam.DownloadRequest) (*Body, error) {
	resp, err := c.send(ctx, request{op: "POST /api/v1/downloads", json: dr, header: http.Header{"Accept": {"application/zip"}}})
	if err != nil {
		return nil, err
	}
	return &Body{ReadCloser: resp.Body, Size: resp.ContentLength, ETag: resp.Header.Get("ETag"), ContentType: resp.Header.Get("Content-Type")}, nil
}

// CropsOptions are the options of DownloadCrops.
type CropsOptions struct {
	Original bool // the original goes in beside its crops
	Async    bool // always build in the background
}

// DownloadCrops makes a download of one asset's smart crops (the export
// profiles marked SmartCrop), each named after its profile
// ("photo_square.jpg"); o may be nil. Wait for it (WaitDownload) or fetch
// its part when it is ready.
func (c *Client) DownloadCrops(ctx context.Context, assetID string, o *CropsOptions) (Job, error) {
	q := url.Values{}
	if o != nil && o.Original {
		q.Set("original", "1")
	}
	if o != nil && o.Async {
		q.Set("async", "1")
	}
	var j Job
	err := c.call(ctx, request{op: "POST /api/v1/assets/{id}/crops", args: args(assetID), query: q}, &j)
	return j, err
}

// Downloads lists the caller's download jobs, every page.
func (c *Client) Downloads(ctx context.Context) iter.Seq2[Job, error] {
	return listAll[Job](ctx, c, "GET /api/v1/downloads", nil, nil)
}

// Download returns one download job.
func (c *Client) Download(ctx context.Context, id string) (Job, error) {
	var j Job
	err := c.call(ctx, request{op: "GET /api/v1/downloads/{job}", args: args(id)}, &j)
	return j, err
}

// CancelDownload cancels a job and deletes its parts.
func (c *Client) CancelDownload(ctx context.Context, id string) error {
	return c.call(ctx, request{op: "DELETE /api/v1/downloads/{job}", args: args(id)}, nil)
}

// WaitDownload polls a job every interval (0: one second) until its
// parts are all ready, calling progress (if set) with each state seen. A
// failed or expired job is an error.
func (c *Client) WaitDownload(ctx context.Context, id string, interval time.Duration, progress func(Job)) (Job, error) {
	if interval <= 0 {
		interval = time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		j, err := c.Download(ctx, id)
		if err != nil {
			return j, err
		}
		if progress != nil {
			progress(j)
		}
		switch j.Status {
		case dam.JobDone, dam.JobReady:
			return j, nil
		case dam.JobFailed:
			return j, dam.E("client.WaitDownload", dam.FailedPrecondition, "download %s failed: %s", id, j.Error)
		case dam.JobExpired:
			return j, dam.E("client.WaitDownload", dam.Gone, "download %s has expired", id)
		}
		select {
		case <-ctx.Done():
			return j, &dam.Error{Op: "client.WaitDownload", Kind: dam.Canceled, Err: ctx.Err()}
		case <-t.C:
		}
	}
}

// PartsOptions tune FetchParts.
type PartsOptions struct {
	// Connections is how many parts are fetched at once; 0 means 4.
	Connections int
	// Retries resumes each broken part this many times (FetchOptions).
	Retries int
	// Progress, when set, is called (from several goroutines, one at a
	// time) with the part number and its bytes held so far.
	Progress func(part int, done, size int64)
	// Verify reads every finished part as a ZIP, checking each entry's
	// CRC-32 (Single jobs, one original not zipped, are not checked).
	Verify bool
}

// FetchParts downloads every part of a finished job into dir, several at
// once, each resumable across runs (FetchFile). It returns the files'
// paths, in part order.
func (c *Client) FetchParts(ctx context.Context, j Job, dir string, o *PartsOptions) ([]string, error) {
	var opts PartsOptions
	if o != nil {
		opts = *o
	}
	if opts.Connections <= 0 {
		opts.Connections = 4
	}
	if !j.Finished() {
		return nil, dam.E("client.FetchParts", dam.FailedPrecondition, "download %s is %s, not ready", j.ID, j.Status)
	}
	paths := make([]string, len(j.Parts))
	errs := make([]error, len(j.Parts))
	var mu sync.Mutex
	sem := make(chan struct{}, opts.Connections)
	var wg sync.WaitGroup
	for i, p := range j.Parts {
		paths[i] = filepath.Join(dir, partName(j, p.Number))
		if st, err := os.Stat(paths[i]); err == nil && st.Size() == p.Size {
			continue // fetched by an earlier run
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			fo := &FetchOptions{Retries: opts.Retries}
			if opts.Progress != nil {
				fo.Progress = func(done, size int64) {
					mu.Lock()
					defer mu.Unlock()
					opts.Progress(p.Number, done, size)
				}
			}
			_, errs[i] = c.FetchFile(ctx, c.JobPart(j.ID, p.Number), paths[i], fo)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return paths, err
		}
	}
	if opts.Verify && !j.Single {
		for _, p := range paths {
			if err := VerifyZip(p); err != nil {
				return paths, err
			}
		}
	}
	return paths, nil
}

// partName is the file name of a job's part.
func partName(j Job, n int) string {
	name := filepath.Base(filepath.Clean("/" + j.Name)) // the server's name, never a path
	if name == "/" || name == "." || name == ".." {
		name = "download-" + j.ID
	}
	if j.Single {
		return name
	}
	if len(j.Parts) == 1 {
		return name + ".zip"
	}
	return name + "-part" + strconv.Itoa(n) + ".zip"
}

// VerifyZip reads every entry of the ZIP file at path to its end, which
// checks its CRC-32 and size against the archive's directory.
func VerifyZip(path string) error {
	z, err := zip.OpenReader(path)
	if err != nil {
		return dam.E("client.VerifyZip", dam.FailedPrecondition, "%s is not a readable ZIP: %v", path, err)
	}
	defer z.Close()
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			return dam.E("client.VerifyZip", dam.FailedPrecondition, "%s: %s: %v", path, f.Name, err)
		}
		_, err = io.Copy(io.Discard, r)
		r.Close()
		if err != nil {
			return dam.E("client.VerifyZip", dam.FailedPrecondition, "%s: %s: %v", path, f.Name, err)
		}
	}
	return nil
}
