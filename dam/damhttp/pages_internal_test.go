package damhttp

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHumanSize(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0 bytes"}, {1, "1 byte"}, {999, "999 bytes"}, {1000, "1.0 kB"}, {1536, "1.5 kB"},
		{999_499, "999 kB"}, {999_500, "1.0 MB"}, {24_000_000, "24 MB"}, {5 << 40, "5.5 TB"}, {3_000_000_000_000_000, "3000 TB"},
	} {
		t.Run(tc.want, func(t *testing.T) { assert.Equal(t, tc.want, humanSize(tc.n)) })
	}
}
