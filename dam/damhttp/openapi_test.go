package damhttp

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOpenAPIMatchesRoutes keeps openapi.json true: every route of the
// table is documented with its method, and nothing else is.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(openAPIDoc, &doc))
	assert.True(t, strings.HasPrefix(doc.OpenAPI, "3."))
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	s := &Server{}
	served := map[string]bool{}
	wildcard := regexp.MustCompile(`\{(\w+)(\.\.\.)?\}`)
	for _, rt := range s.table() {
		key := rt.method + " " + wildcard.ReplaceAllString(rt.pattern, "{$1}")
		served[key] = true
		assert.True(t, documented[key], "route %s is not in openapi.json", key)
	}
	for k := range documented {
		assert.True(t, served[k], "openapi.json documents %s, which is not served", k)
	}
}
