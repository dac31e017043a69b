package damhttp

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLogPathHidesTokens(t *testing.T) {
	for in, want := range map[string]string{
		"/s/abcDEF123":                                    "/s/<token>",
		"/s/abcDEF123/assets/01xyz":                       "/s/<token>/assets/01xyz",
		"/s/abcDEF123/download":                           "/s/<token>/download",
		"/api/v1/assets/01xyz":                            "/api/v1/assets/01xyz",
		"/p/press-kit":                                    "/p/press-kit",
		"/p/press-kit/requests":                           "/p/press-kit/requests",
		"/p/press-kit/access/eyJw.c2ln":                   "/p/press-kit/access/<token>",
		"/p/press-kit/access/eyJw.c2ln/assets/01xyz":      "/p/press-kit/access/<token>/assets/01xyz",
		"/p/press-kit/access/eyJw.c2ln/licences/l/accept": "/p/press-kit/access/<token>/licences/l/accept",
	} {
		assert.Equal(t, want, logPath(httptest.NewRequest("GET", in, nil)), in)
	}
}
