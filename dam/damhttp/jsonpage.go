package damhttp

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strconv"

	"github.com/damkit/damkit/dam"
)

// encodeAssetPage encodes a page of assets as writeJSON would answer it;
// dam keeps what it returns (Library.EncodedAssets), so a library page
// that many open is read and encoded once per change. It appends the
// bytes without reflection (assetjson.go); what that cannot write goes
// through encodeJSON, which answers the same bytes or error.
func encodeAssetPage(as []dam.Asset, next string) ([]byte, error) {
	buf := assetPageBuffers.Get().(*assetPageBuffer)
	defer func() {
		if cap(buf.b) <= maxPooledPage {
			clear(buf.keys[:cap(buf.keys)]) // keep no caller's strings
			assetPageBuffers.Put(buf)
		}
	}()
	b, ok := appendAssetPage(buf.b[:0], as, next, &buf.keys)
	buf.b = b
	if !ok {
		return encodeJSON(newPage(as, next))
	}
	return slices.Clone(b), nil
}

// encodeJSON is what writeJSON writes for v.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(true)
	err := enc.Encode(emptyLists(v))
	return b.Bytes(), err
}

// writeJSONBytes answers body, made by encodeJSON, with writeJSON's headers.
func writeJSONBytes(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if _, err := w.Write(body); err != nil {
		slog.Debug("writing JSON response failed", "err", err)
	}
}
