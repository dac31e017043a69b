package dam

import (
	"context"
	"errors"

	"github.com/damkit/damkit/storage"
)

// presign returns a presigned GET URL for key valid for
// Options.PresignedDownloads, or "" when that is off or the bucket cannot
// sign (the download is then streamed as usual).
func (l *Library) presign(ctx context.Context, key string) string {
	if l.opts.PresignedDownloads <= 0 {
		return ""
	}
	u, err := l.bucket.SignedURL(ctx, key, l.opts.PresignedDownloads)
	if err != nil {
		if !errors.Is(err, storage.ErrNotSupported) {
			l.log.Warn("presigning a download failed; streaming it instead", "key", key, "err", err)
		}
		return ""
	}
	return u
}
