package httpdam

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/damkit/damkit/dam"
)

func TestSetRetryAfter(t *testing.T) {
	exhausted := func(d time.Duration) error {
		return &dam.Error{Op: "t", Kind: dam.ResourceExhausted, Err: &dam.RetryError{After: d, Msg: "busy"}}
	}
	tests := []struct {
		name   string
		preset string
		err    error
		want   string
	}{
		{"half a second rounds up", "", exhausted(500 * time.Millisecond), "1"},
		{"exact seconds stay", "", exhausted(3 * time.Second), "3"},
		{"a fraction over rounds up", "", exhausted(3*time.Second + time.Millisecond), "4"},
		{"unknown: one second", "", dam.E("t", dam.ResourceExhausted, "busy"), "1"},
		{"a value already set is kept", "60", exhausted(time.Second), "60"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			if tt.preset != "" {
				w.Header().Set("Retry-After", tt.preset)
			}
			SetRetryAfter(w, tt.err)
			assert.Equal(t, tt.want, w.Header().Get("Retry-After"))
		})
	}
}
