package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// journal remembers, on the local disk, which files an upload has put on
// the server, so that a run stopped by Ctrl-C or a crash is resumed by the
// next without reading or sending those files again. It is a file of
// JSON lines, one per file done, appended as each finishes; a line cut
// short by a crash is ignored.
type journal struct {
	path string
	mu   sync.Mutex
	f    *os.File
	done map[string]journalEntry // by absolute path
}

// journalEntry is one file on the server.
type journalEntry struct {
	Path     string `json:"path"`
	Size     int64  `json:"size"`
	ModTime  int64  `json:"mtime_ns"`
	SHA256   string `json:"sha256"`
	FolderID string `json:"folder_id"`
	AssetID  string `json:"asset_id"`
}

// journalPath is the default journal of uploads to one server and
// destination: in the user's cache directory.
func journalPath(server, dest string) (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", errors.New("no user cache directory for the upload journal: give -journal FILE")
	}
	sum := sha256.Sum256([]byte(server + "\n" + dest))
	return filepath.Join(dir, "damkit", "uploads", hex.EncodeToString(sum[:12])+".jsonl"), nil
}

func openJournal(path string) (*journal, error) {
	j := &journal{path: path, done: map[string]journalEntry{}}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			var e journalEntry
			if json.Unmarshal(sc.Bytes(), &e) == nil && e.Path != "" && e.AssetID != "" {
				j.done[e.Path] = e
			}
		}
		f.Close()
	}
	j.f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	return j, nil
}

// has reports whether the file, unchanged, went to folderID already.
func (j *journal) has(path string, size, mtime int64, folderID string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.done[path]
	return ok && e.Size == size && e.ModTime == mtime && e.FolderID == folderID
}

// previous returns the asset a file went to before in folderID, when it
// has changed since (a new version of that asset, not a second asset).
func (j *journal) previous(path, folderID string) (string, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.done[path]
	return e.AssetID, ok && e.FolderID == folderID
}

// add records a file on the server. The line is written at once (a
// crash of this process after it loses nothing); Close syncs it to disk.
func (j *journal) add(e journalEntry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.done[e.Path] = e
	_, err = j.f.Write(append(b, '\n'))
	return err
}

func (j *journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.f.Sync(); err != nil {
		j.f.Close()
		return err
	}
	return j.f.Close()
}
