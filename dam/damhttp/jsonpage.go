package damhttp

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/damkit/damkit/dam"
)

// encodeAssetPage encodes a page of assets as writeJSON would answer it;
// dam keeps what it returns (Library.EncodedAssets), so a library page
// that many open is read and encoded once per change.
func encodeAssetPage(as []dam.Asset, next string) ([]byte, error) {
	return encodeJSON(newPage(as, next))
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
