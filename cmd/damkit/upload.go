package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/damkit/damkit/client"
	"github.com/damkit/damkit/dam"
)

// file is one local file to upload.
type file struct {
	path    string   // absolute
	rel     string   // as shown: relative to where its argument starts
	dirs    []string // folders to recreate under the destination
	size    int64
	mtime   int64
	folder  string // the destination folder's ID, once made
	sha256  string
	meta    *dam.Metadata
	skipped string // why it is not sent: "journal" or "present"
	asset   string // the asset an earlier run made of it, when it changed since
}

// uploadSummary is what an upload did (printed, or written with -json).
type uploadSummary struct {
	Files         int      `json:"files"`
	Uploaded      int      `json:"uploaded"`
	Versions      int      `json:"new_versions"`
	SkippedJourn  int      `json:"skipped_journal"`
	SkippedServer int      `json:"skipped_present"`
	Failed        int      `json:"failed"`
	BytesSent     int64    `json:"bytes_sent"`
	Seconds       float64  `json:"seconds"`
	Journal       string   `json:"journal"`
	Errors        []string `json:"errors,omitempty"`
}

func runUpload(e *env, args []string) error {
	fs := e.flags("upload")
	jobs := fs.Int("j", 4, "files sent at once")
	to := fs.String("to", "", "destination folder: an ID or a path of names (default the root)")
	manifestPath := fs.String("manifest", "", "CSV of metadata: a path column, and title, description, keywords and custom fields")
	journalFile := fs.String("journal", "", "the resume journal (default: per server and destination, in the user cache directory)")
	noSkip := fs.Bool("no-skip", false, "send every file, even one the server has in the destination folder already")
	verbose := fs.Bool("v", false, "print each file as it is sent or skipped")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("upload needs a directory or files")
	}
	if *jobs < 1 || *jobs > 64 {
		return usagef("-j must be between 1 and 64")
	}
	if err := e.connect(); err != nil {
		return err
	}
	start := time.Now()
	tree, err := loadFolders(e.ctx, e.c)
	if err != nil {
		return err
	}
	dest, err := tree.resolve(*to)
	if err != nil {
		return err
	}
	var man manifest
	if *manifestPath != "" {
		if man, err = readManifest(*manifestPath); err != nil {
			return usageError{err.Error()}
		}
	}
	files, err := scan(fs.Args())
	if err != nil {
		return err
	}
	jpath := *journalFile
	if jpath == "" {
		if jpath, err = journalPath(e.c.BaseURL(), dest); err != nil {
			return err
		}
	}
	jr, err := openJournal(jpath)
	if err != nil {
		return fmt.Errorf("opening the journal %s: %w", jpath, err)
	}
	defer jr.Close()
	sum := uploadSummary{Files: len(files), Journal: jpath}
	b := e.bars()

	// Folders first, in order, so that parallel files never race to make one.
	var todo []*file
	for _, f := range files {
		if f.folder, err = tree.ensure(e.ctx, dest, f.dirs); err != nil {
			return err
		}
		if jr.has(f.path, f.size, f.mtime, f.folder) {
			f.skipped = "journal"
			sum.SkippedJourn++
			continue
		}
		f.asset, _ = jr.previous(f.path, f.folder)
		todo = append(todo, f)
	}

	// Read each file once for its digest, and ask the server which it has.
	if len(todo) > 0 && !*noSkip {
		if err := hashAll(e, b, todo, *jobs); err != nil {
			return err
		}
		if err := skipPresent(e, jr, todo); err != nil {
			return err
		}
	}
	var send []*file
	for _, f := range todo {
		if f.skipped == "present" {
			sum.SkippedServer++
			if *verbose {
				b.log(e.stderr, "present  %s", f.rel)
			}
			continue
		}
		if f.meta == nil {
			if f.meta, err = metadataOf(f, man); err != nil {
				b.log(e.stderr, "warning: %v", err)
			}
		}
		send = append(send, f)
	}

	total := b.count("uploaded", int64(len(send)))
	workers := b.slots(min(*jobs, max(len(send), 1)))
	var sent atomic.Int64
	var mu sync.Mutex
	queue := make(chan *file)
	var wg sync.WaitGroup
	for _, sl := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range queue {
				err := uploadOne(e, sl, jr, f, &sent)
				mu.Lock()
				if err != nil && e.ctx.Err() != nil {
					mu.Unlock()
					continue // interrupted: the rerun sends it
				}
				if err != nil {
					sum.Failed++
					if len(sum.Errors) < 20 {
						sum.Errors = append(sum.Errors, f.rel+": "+err.Error())
					}
					b.log(e.stderr, "failed   %s: %v", f.rel, err)
				} else {
					sum.Uploaded++
					if f.asset != "" {
						sum.Versions++
					}
					if *verbose {
						b.log(e.stderr, "sent     %s", f.rel)
					}
				}
				mu.Unlock()
				total.add(1)
			}
		}()
	}
feed:
	for _, f := range send {
		select {
		case queue <- f:
		case <-e.ctx.Done():
			break feed
		}
	}
	close(queue)
	wg.Wait()
	closeSlots(workers)
	total.done(e.ctx.Err() == nil)
	b.wait()
	sum.BytesSent = sent.Load()
	sum.Seconds = time.Since(start).Seconds()
	e.emit(sum, func(w io.Writer) {
		fmt.Fprintf(w, "%d files: %d uploaded (%d new versions, %s), %d skipped (%d in the journal, %d on the server already), %d failed, in %.1f s\n",
			sum.Files, sum.Uploaded, sum.Versions, byteCount(sum.BytesSent), sum.SkippedJourn+sum.SkippedServer, sum.SkippedJourn, sum.SkippedServer,
			sum.Failed, sum.Seconds)
	})
	if err := e.ctx.Err(); err != nil {
		return fmt.Errorf("interrupted after %d files; run the same command again to send the rest", sum.Uploaded)
	}
	if sum.Failed > 0 {
		return partialError{failed: sum.Failed, total: len(send)}
	}
	return nil
}

// scan lists the files of the arguments: a directory's tree (recreated as
// a folder of its name with its subfolders), or single files. Hidden
// files and folders (.name) and XMP sidecars are left out.
func scan(args []string) ([]*file, error) {
	var out []*file
	seen := map[string]bool{}
	for _, arg := range args {
		abs, err := filepath.Abs(arg)
		if err != nil {
			return nil, err
		}
		st, err := os.Stat(abs)
		if err != nil {
			return nil, usageError{err.Error()}
		}
		if !st.IsDir() {
			if !st.Mode().IsRegular() {
				return nil, usagef("%s is not a regular file", arg)
			}
			if !seen[abs] {
				seen[abs] = true
				out = append(out, &file{path: abs, rel: filepath.Base(abs), size: st.Size(), mtime: st.ModTime().UnixNano()})
			}
			continue
		}
		root := filepath.Dir(abs)
		err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if strings.HasPrefix(d.Name(), ".") && p != abs {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() || isSidecar(p) || seen[p] {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			dirs := strings.Split(filepath.ToSlash(filepath.Dir(rel)), "/")
			if filepath.Dir(abs) == abs { // the filesystem root: no folder of its name
				dirs = dirs[1:]
			}
			seen[p] = true
			out = append(out, &file{path: p, rel: filepath.ToSlash(rel), dirs: dirs, size: info.Size(), mtime: info.ModTime().UnixNano()})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// hashAll computes the SHA-256 of every file, n at a time.
func hashAll(e *env, b *bars, files []*file, n int) error {
	bar := b.count("checking", int64(len(files)))
	queue := make(chan *file)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range queue {
				sum, err := hashFile(f.path)
				if err != nil {
					errs <- fmt.Errorf("reading %s: %w", f.rel, err)
					return
				}
				f.sha256 = sum
				bar.add(1)
			}
		}()
	}
	var err error
feed:
	for _, f := range files {
		select {
		case queue <- f:
		case err = <-errs:
			break feed
		case <-e.ctx.Done():
			err = e.ctx.Err()
			break feed
		}
	}
	close(queue)
	wg.Wait()
	bar.done(err == nil)
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
}

func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// skipPresent asks the server which digests it has, and marks the files
// whose destination folder holds an asset with the same bytes.
func skipPresent(e *env, jr *journal, files []*file) error {
	var digests []string
	seen := map[string]bool{}
	for _, f := range files {
		if !seen[f.sha256] {
			seen[f.sha256] = true
			digests = append(digests, f.sha256)
		}
	}
	as, err := e.c.AssetsBySHA256(e.ctx, nil, digests)
	if err != nil {
		return err
	}
	have := map[[2]string]string{} // {folder, digest} → asset ID
	for _, a := range as {
		have[[2]string{a.FolderID, a.Current.SHA256}] = a.ID
	}
	for _, f := range files {
		if id, ok := have[[2]string{f.folder, f.sha256}]; ok {
			f.skipped = "present"
			if err := jr.add(journalEntry{Path: f.path, Size: f.size, ModTime: f.mtime, SHA256: f.sha256, FolderID: f.folder, AssetID: id}); err != nil {
				return err
			}
		}
	}
	return nil
}

// metadataOf is a file's metadata: its manifest row, else its XMP sidecar.
func metadataOf(f *file, man manifest) (*dam.Metadata, error) {
	if m, ok := man[f.path]; ok {
		return m, nil
	}
	if sc := sidecarOf(f.path); sc != "" {
		return readSidecar(sc)
	}
	return nil, nil
}

// uploadOne sends one file and records it in the journal. A refusal
// that may pass (429 with its Retry-After, a dropped connection, a 5xx) is
// tried again, three times in all.
func uploadOne(e *env, bar *slot, jr *journal, f *file, sent *atomic.Int64) error {
	var err error
	for attempt := 1; ; attempt++ {
		err = sendFile(e, bar, jr, f, sent)
		if err == nil || attempt == 3 || e.ctx.Err() != nil || !transient(err) {
			return err
		}
		wait := dam.RetryAfter(err)
		if wait <= 0 {
			wait = time.Duration(attempt) * 500 * time.Millisecond
		}
		select {
		case <-time.After(min(wait, 30*time.Second)):
		case <-e.ctx.Done():
			return err
		}
		// The answer may be what was lost, not the upload: ask first.
		if done, cerr := arrived(e, jr, f); cerr == nil && done {
			return nil
		}
	}
}

// arrived reports whether the server holds the file in its folder after
// all (then it is recorded in the journal).
func arrived(e *env, jr *journal, f *file) (bool, error) {
	if f.sha256 == "" {
		return false, nil
	}
	as, err := e.c.AssetsBySHA256(e.ctx, &f.folder, []string{f.sha256})
	if err != nil || len(as) == 0 {
		return false, err
	}
	return true, jr.add(journalEntry{Path: f.path, Size: f.size, ModTime: f.mtime, SHA256: f.sha256, FolderID: f.folder, AssetID: as[0].ID})
}

// transient reports whether an upload's failure may pass on its own.
func transient(err error) bool {
	switch dam.KindOf(err) {
	case dam.ResourceExhausted, dam.Internal:
		return true
	}
	return false
}

// sendFile is one attempt of uploadOne.
func sendFile(e *env, bar *slot, jr *journal, f *file, sent *atomic.Int64) error {
	r, err := os.Open(f.path)
	if err != nil {
		return err
	}
	defer r.Close()
	bar.start(f.rel, f.size)
	var last int64
	o := client.UploadOptions{
		UploadOptions: dam.UploadOptions{Name: filepath.Base(f.path), FolderID: f.folder, Meta: f.meta},
		Size:          f.size,
		Progress: func(n int64) {
			sent.Add(n - last)
			last = n
			bar.set(n)
		},
	}
	var a dam.Asset
	if f.asset != "" {
		// Changed since an earlier run sent it: a new version of that asset.
		a, err = e.c.AddVersion(e.ctx, f.asset, r, o)
		if dam.KindOf(err) == dam.NotFound { // deleted on the server since: a new asset
			f.asset = ""
			if _, serr := r.Seek(0, io.SeekStart); serr != nil {
				return serr
			}
			sent.Add(-last)
			last = 0
		}
	}
	if f.asset == "" {
		a, err = e.c.Upload(e.ctx, r, o)
	}
	if err != nil {
		sent.Add(-last) // sent again by the next attempt, if any
		return err
	}
	if f.sha256 != "" && a.Current.SHA256 != f.sha256 {
		return errors.New("the server holds other bytes than were read: the file changed while it was sent")
	}
	return jr.add(journalEntry{Path: f.path, Size: f.size, ModTime: f.mtime, SHA256: a.Current.SHA256, FolderID: f.folder, AssetID: a.ID})
}

// byteCount is n in binary units.
func byteCount(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
