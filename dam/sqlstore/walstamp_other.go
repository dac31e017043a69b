//go:build !linux

package sqlstore

import (
	"context"
	"errors"
)

// openWALStamp: the wal-index header is read through /proc/self/fd, which
// only Linux has; elsewhere the counters are read with a statement.
func openWALStamp(context.Context, string, string) (walStamp, error) {
	return nil, errors.New("the wal-index header is mapped on Linux only")
}
