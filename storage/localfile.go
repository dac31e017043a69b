package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// OpenFile opens key as a file of the local directory behind a bucket
// opened from a file:// URL, so that a server can hand its bytes to the
// kernel (sendfile) instead of copying them through user space. Other
// buckets (and those wrapped with New) answer ErrNotSupported: read them
// with NewRangeReader. ctx is checked before the file is opened.
func (b *Bucket) OpenFile(ctx context.Context, key string) (*os.File, error) {
	if err := ValidateKey(key); err != nil {
		return nil, err
	}
	if b.fileRoot == "" {
		return nil, fmt.Errorf("storage: open file %q: %w", key, ErrNotSupported)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(b.fileRoot, filepath.FromSlash(key)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("storage: open file %q: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: open file %q: %w", key, err)
	}
	return f, nil
}
