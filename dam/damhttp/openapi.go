package damhttp

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"sort"
)

// The OpenAPI document is kept as one fragment per area of the API
// (openapi/*.json): core.json holds the info, security and shared schemas;
// every other fragment adds paths and schemas. They are merged once at
// start-up, and a test keeps the merged document and the route table in step.
//
//go:embed openapi/*.json
var openAPIFragments embed.FS

var openAPIDoc = mustMergeOpenAPI(openAPIFragments)

func mustMergeOpenAPI(fsys fs.FS) []byte {
	names, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		panic(err)
	}
	sort.Strings(names)
	var doc map[string]any
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			panic(err)
		}
		var frag map[string]any
		if err := json.Unmarshal(b, &frag); err != nil {
			panic(name + ": " + err.Error())
		}
		if name == "openapi/core.json" || doc == nil {
			if doc != nil {
				mergeInto(frag, doc)
			}
			doc = frag
			continue
		}
		mergeInto(doc, frag)
	}
	out, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		panic(err)
	}
	return out
}

// mergeInto adds frag's paths and components to doc.
func mergeInto(doc, frag map[string]any) {
	for _, key := range []string{"paths"} {
		dst, _ := doc[key].(map[string]any)
		if dst == nil {
			dst = map[string]any{}
			doc[key] = dst
		}
		src, _ := frag[key].(map[string]any)
		for p, v := range src {
			ops, _ := dst[p].(map[string]any)
			if ops == nil {
				dst[p] = v
				continue
			}
			for m, op := range v.(map[string]any) {
				ops[m] = op
			}
		}
	}
	comp, _ := doc["components"].(map[string]any)
	if comp == nil {
		comp = map[string]any{}
		doc["components"] = comp
	}
	fc, _ := frag["components"].(map[string]any)
	for kind, v := range fc { // schemas, responses, parameters...
		src, _ := v.(map[string]any)
		dst, _ := comp[kind].(map[string]any)
		if dst == nil {
			dst = map[string]any{}
			comp[kind] = dst
		}
		for k, x := range src {
			dst[k] = x
		}
	}
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write(openAPIDoc)
	return err
}
