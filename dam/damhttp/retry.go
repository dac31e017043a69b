package damhttp

import (
	"strconv"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/httpdam"
)

// waitText says a wait in words for an error message.
func waitText(wait time.Duration) string {
	if n := httpdam.RetrySeconds(wait); n != 1 {
		return strconv.FormatInt(n, 10) + " seconds"
	}
	return "a second"
}

// exhausted is a 429 refusal that says when to come back.
func exhausted(op string, wait time.Duration, msg string) error {
	return &dam.Error{Op: op, Kind: dam.ResourceExhausted, Err: &dam.RetryError{After: wait, Msg: msg}}
}
