package damhttp

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLogPathHidesShareTokens(t *testing.T) {
	for in, want := range map[string]string{
		"/s/abcDEF123":              "/s/<token>",
		"/s/abcDEF123/assets/01xyz": "/s/<token>/assets/01xyz",
		"/s/abcDEF123/download":     "/s/<token>/download",
		"/api/v1/assets/01xyz":      "/api/v1/assets/01xyz",
	} {
		assert.Equal(t, want, logPath(httptest.NewRequest("GET", in, nil)), in)
	}
}
