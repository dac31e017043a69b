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

// assetPages is how the listing route encodes its pages for dam, which
// keeps what it returns (Library.EncodedAssetPage): a library page that
// many open is read and encoded once per change, and each asset's object
// is kept too, so a page read again after a write encodes only the assets
// that changed.
var assetPages = &dam.PageEncoding{
	Format: "damhttp.page",
	Page:   encodeAssetPage,
	Asset:  appendAssetObject,
	Join:   joinAssetPage,
}

// encodeAssetPage encodes a page of assets as writeJSON would answer it.
// It appends the bytes without reflection (assetjson.go); what that
// cannot write goes through encodeJSON, which answers the same bytes or
// error.
func encodeAssetPage(as []dam.Asset, next string) ([]byte, error) {
	buf := assetPageBuffers.Get().(*assetPageBuffer)
	defer buf.release()
	b, ok := appendAssetPage(buf.b[:0], as, next, &buf.keys)
	buf.b = b
	if !ok {
		return encodeJSON(newPage(as, next))
	}
	return slices.Clone(b), nil
}

// appendAssetObject appends the object of a in a page that encodeAssetPage
// writes, and reports false where it cannot (see appendAsset). The object
// depends on a alone.
func appendAssetObject(dst []byte, a *dam.Asset) ([]byte, bool) {
	buf := assetPageBuffers.Get().(*assetPageBuffer)
	defer buf.release()
	return appendAsset(dst, a, &buf.keys)
}

// joinAssetPage is the page encodeAssetPage writes, made of its assets'
// objects as appendAssetObject wrote them.
func joinAssetPage(items [][]byte, next string) ([]byte, error) {
	n := len(`{"items":[],"next_cursor":""}`+"\n") + 2*len(next)
	for _, it := range items {
		n += len(it) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"items":[`...)
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, it...)
	}
	return appendPageEnd(b, next), nil
}

// release returns buf to the pool, unless it grew too large.
func (buf *assetPageBuffer) release() {
	if cap(buf.b) <= maxPooledPage {
		clear(buf.keys[:cap(buf.keys)]) // keep no caller's strings
		assetPageBuffers.Put(buf)
	}
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
