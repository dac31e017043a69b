// Command zipstream streams a Stored ZIP of the files under a folder to
// standard output, the way a download of a fileblob bucket would run. It
// exists for bench/archive/run.sh; -index precomputes the CRC-32 list that
// ingest would have recorded, so the timed run reads each file once.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/damkit/damkit/archive"
)

type record struct {
	Path string `json:"path"`
	Size int64  `json:"size"`
	CRC  uint32 `json:"crc"`
}

func main() {
	dir := flag.String("dir", "", "folder of source files")
	index := flag.String("index", "", "CRC index file (written with -build)")
	build := flag.Bool("build", false, "compute the CRC index and exit")
	sparse := flag.Bool("sparse", false, "sources are sparse (all zero): CRC computed from zeros without reading")
	flag.Parse()
	if err := run(*dir, *index, *build, *sparse); err != nil {
		fmt.Fprintln(os.Stderr, "zipstream:", err)
		os.Exit(1)
	}
}

func run(dir, index string, build, sparse bool) error {
	if build {
		return buildIndex(dir, index, sparse)
	}
	raw, err := os.ReadFile(index)
	if err != nil {
		return err
	}
	var recs []record
	if err := json.Unmarshal(raw, &recs); err != nil {
		return err
	}
	entries := make([]archive.Entry, len(recs))
	for i, r := range recs {
		entries[i] = archive.Entry{
			Name: r.Path, Size: r.Size, CRC32: r.CRC, Known: true, ModTime: time.Unix(1700000000, 0),
			Open: fileOpener(filepath.Join(dir, r.Path)),
		}
	}
	a, err := archive.New(entries, nil)
	if err != nil {
		return err
	}
	_, err = a.Stream(context.Background(), os.Stdout)
	return err
}

// fileOpener reads a range of a file with plain read calls into the
// archive's buffer, as a fileblob bucket reader would.
func fileOpener(path string) archive.Opener {
	return func(ctx context.Context, off, n int64) (io.ReadCloser, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		if off > 0 {
			if _, err := f.Seek(off, io.SeekStart); err != nil {
				f.Close()
				return nil, err
			}
		}
		return struct {
			io.Reader
			io.Closer
		}{io.LimitReader(f, n), f}, nil
	}
}

func buildIndex(dir, index string, sparse bool) error {
	var recs []record
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		crc, err := fileCRC(path, info.Size(), sparse)
		if err != nil {
			return err
		}
		recs = append(recs, record{Path: filepath.ToSlash(rel), Size: info.Size(), CRC: crc})
		return nil
	})
	if err != nil {
		return err
	}
	raw, err := json.Marshal(recs)
	if err != nil {
		return err
	}
	return os.WriteFile(index, raw, 0o644)
}

func fileCRC(path string, size int64, sparse bool) (uint32, error) {
	h := crc32.NewIEEE()
	if sparse {
		zero := make([]byte, 1<<20)
		for left := size; left > 0; left -= int64(len(zero)) {
			h.Write(zero[:min(left, int64(len(zero)))])
		}
		return h.Sum32(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	_, err = io.Copy(h, bufio.NewReaderSize(f, 1<<20))
	return h.Sum32(), err
}
