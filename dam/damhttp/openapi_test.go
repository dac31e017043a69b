package damhttp

import (
	"encoding/json"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
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

// TestOpenAPIListsErrorAnswers: every operation lists the error answers
// that apply to it, with the shared error responses, rather than leaving
// them to "default": 401 and 403 on authenticated routes, 404 where a path
// names an object, 400 and 413 where a body is read, 412 and 416 where
// Range is served, 429 on the rate-limited guest and portal routes.
func TestOpenAPIListsErrorAnswers(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody json.RawMessage            `json:"requestBody"`
			Responses   map[string]json.RawMessage `json:"responses"`
		} `json:"paths"`
		Components struct {
			Responses map[string]struct {
				Content map[string]json.RawMessage `json:"content"`
			} `json:"responses"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(openAPIDoc, &doc))
	for name, r := range doc.Components.Responses {
		assert.Contains(t, r.Content, "application/json", "components.responses.%s is a JSON error", name)
	}
	wildcard := regexp.MustCompile(`\{(\w+)(\.\.\.)?\}`)
	s := &Server{}
	for _, rt := range s.table() {
		path := wildcard.ReplaceAllString(rt.pattern, "{$1}")
		if path == "/healthz" || path == "/api/v1/openapi.json" {
			continue
		}
		op, ok := doc.Paths[path][strings.ToLower(rt.method)]
		if !ok {
			continue // TestOpenAPIMatchesRoutes says so
		}
		want := map[string]bool{}
		if rt.auth {
			want["401"] = true
			if rt.method != "GET" || !strings.HasPrefix(path, "/api/v1/me") {
				want["403"] = true
			}
		}
		if strings.Contains(path, "{") {
			want["404"] = true
		}
		if len(op.RequestBody) > 0 {
			want["400"], want["413"] = true, true
		}
		if _, ranged := op.Responses["206"]; ranged {
			want["412"], want["416"] = true, true
		}
		if strings.HasPrefix(path, "/s/") || strings.HasPrefix(path, "/p/") {
			want["429"] = true
		}
		key := rt.method + " " + path
		for code := range want {
			assert.Contains(t, op.Responses, code, "%s does not list its %s answer", key, code)
		}
		for code, raw := range op.Responses {
			if code >= "400" {
				shared := strings.Contains(string(raw), "#/components/responses/")
				errorSchema := strings.Contains(string(raw), `"#/components/schemas/Error"`) ||
					strings.Contains(string(raw), `"#/components/schemas/NothingToDownload"`) || // the error with the skipped list
					strings.Contains(string(raw), `"#/components/schemas/DecisionsFailed"`) // the error with each outcome
				assert.True(t, shared || errorSchema,
					"%s answers %s with something else than the JSON error", key, code)
			}
		}
		if d, ok := op.Responses["default"]; assert.True(t, ok, "%s has no default answer", key) {
			assert.Contains(t, string(d), "#/components/responses/Error", "%s: default is the shared error", key)
		}
	}
}

// jsonFields lists the JSON names encoding/json reads into a value of t,
// through embedded structs.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// TestOpenAPIRequestBodiesMatchTheServer: each request body schema of the
// document lists exactly the fields the server reads (it refuses any
// other), and says so with additionalProperties: false.
func TestOpenAPIRequestBodiesMatchTheServer(t *testing.T) {
	bodies := map[string]any{
		"AssetPatch": dam.AssetPatch{}, "CategoryAssets": categoryAssetsBody{}, "CategoryInput": categoryBody{},
		"CollectionInput": collectionBody{}, "DownloadRequest": dam.DownloadRequest{}, "FolderInput": folderBody{},
		"Invitees": dam.Invitees{}, "LicenceAccept": acceptBody{}, "LicenceInput": licenceBody{},
		"LicencePatch": dam.LicencePatch{}, "LicenceSetting": licenceSetting{}, "NewPortal": dam.NewPortal{},
		"NewShare": shareBody{}, "NewUser": userBody{}, "NotificationChoices": notificationChoicesBody{},
		"ProtectionInput": protectionBody{}, "SchemaInput": schemaBody{}, "SharePatch": dam.SharePatch{}, "UserPatch": dam.UserPatch{},
		"VisitorRequest": dam.VisitorRequest{},
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties           map[string]json.RawMessage `json:"properties"`
				AdditionalProperties *bool                      `json:"additionalProperties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(openAPIDoc, &doc))
	for name, v := range bodies {
		s, ok := doc.Components.Schemas[name]
		if !assert.True(t, ok, "no schema %s", name) {
			continue
		}
		var documented []string
		for p := range s.Properties {
			documented = append(documented, p)
		}
		sort.Strings(documented)
		assert.Equal(t, jsonFields(reflect.TypeOf(v)), documented, "components.schemas.%s: the fields the server reads", name)
		if assert.NotNil(t, s.AdditionalProperties, name) {
			assert.False(t, *s.AdditionalProperties, "components.schemas.%s: other fields are refused", name)
		}
	}
}
