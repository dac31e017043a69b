package damhttp

import (
	"net/http"
	"strconv"
	"time"

	"github.com/damkit/damkit/dam"
)

// setRetryAfter tells a client refused for load when to come back: wait
// rounded up to whole seconds, at least one.
func setRetryAfter(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.FormatInt(retrySeconds(wait), 10))
}

func retrySeconds(wait time.Duration) int64 {
	return max(1, int64((wait+time.Second-1)/time.Second))
}

// waitText says a wait in words for an error message.
func waitText(wait time.Duration) string {
	if n := retrySeconds(wait); n != 1 {
		return strconv.FormatInt(n, 10) + " seconds"
	}
	return "a second"
}

// exhausted is a 429 refusal that says when to come back.
func exhausted(op string, wait time.Duration, msg string) error {
	return &dam.Error{Op: op, Kind: dam.ResourceExhausted, Err: &dam.RetryError{After: wait, Msg: msg}}
}
