package damweb

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/damkit/damkit/dam"
)

func TestMediaLine(t *testing.T) {
	tests := []struct {
		m    *dam.Media
		want string
	}{
		{nil, ""},
		{&dam.Media{DurationMS: 62_400, Codec: "h264", AudioCodec: "aac"}, "1:02 · H264, AAC"},
		{&dam.Media{DurationMS: 3_725_000, Codec: "vp9"}, "1:02:05 · VP9"},
		{&dam.Media{Pages: 1}, "1 page"},
		{&dam.Media{Pages: 12}, "12 pages"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, mediaLine(tt.m))
	}
}
