package damhttp_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// A guest's download whose share is disabled midway is cut: the client
// gets a truncated body (an error), never a short one passing for whole,
// with RecheckBytes small and at its default (8 MiB).
func TestRevokedGuestDownloadIsTruncated(t *testing.T) {
	const size = 24 << 20
	for _, every := range []int64{64 << 10, 0} {
		t.Run(fmt.Sprintf("RecheckBytes=%d (0: default)", every), func(t *testing.T) {
			c := newAPI(t, &dam.Options{RecheckBytes: every})
			c.json("PUT", "/api/v1/settings", map[string]any{"shares_enabled": true}, 200, nil)
			s := &shareAPI{api: c}
			big := s.uploadBytes("film.bin", noise(3, size))
			var v dam.ShareView
			c.json("POST", "/api/v1/shares", map[string]any{"title": "Rushes", "validity_days": 7, "asset_ids": []string{big.ID},
				"guests": "ana@example.com"}, 201, &v)
			require.Len(t, v.Links, 1)

			resp, err := http.Get(c.url + "/s/" + v.Links[0].Token + "/assets/" + big.ID)
			require.NoError(t, err)
			defer resp.Body.Close()
			require.Equal(t, 200, resp.StatusCode)
			assert.Equal(t, strconv.Itoa(size), resp.Header.Get("Content-Length"))
			_, err = io.ReadFull(resp.Body, make([]byte, 100<<10))
			require.NoError(t, err)

			c.json("PATCH", "/api/v1/shares/"+v.ID, map[string]any{"enabled": false}, 200, nil)
			n, err := io.Copy(io.Discard, resp.Body)
			require.Error(t, err, "the connection is aborted after %d more bytes", n)
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
			assert.Less(t, n, int64(size-100<<10))
			t.Logf("after the share was disabled: %d of the %d bytes left were delivered", n, size-100<<10)
		})
	}
}

// A ready archive read by a download manager over several connections
// (ranges) is one download: the ranges are served while another download
// of the user is refused with a true Retry-After.
func TestReadyArchiveRangesCountOnce(t *testing.T) {
	c := newAPI(t, &dam.Options{MaxConcurrentArchives: 1})
	owner, err := c.lib.Authenticate(t.Context(), c.key)
	require.NoError(t, err)
	u, key, err := c.lib.CreateUser(dam.WithActor(t.Context(), owner.Actor()),
		dam.NewUser{Email: "ed@example.com", Role: dam.RoleEditor, Domains: []string{dam.DefaultDomain}})
	require.NoError(t, err)
	ed := dam.WithActor(t.Context(), u.Actor())
	var ids []string
	for i := range 3 {
		a, err := c.lib.Upload(ed, bytes.NewReader(noise(uint64(i), 100_000)), dam.UploadOptions{Name: fmt.Sprintf("p%d.bin", i)})
		require.NoError(t, err)
		ids = append(ids, a.ID)
	}
	first, err := c.lib.CreateDownload(ed, dam.DownloadRequest{AssetIDs: ids[:2]})
	require.NoError(t, err)
	second, err := c.lib.CreateDownload(ed, dam.DownloadRequest{AssetIDs: ids[1:]})
	require.NoError(t, err)

	held, err := c.lib.OpenPart(ed, first.ID, 1) // one connection of the manager, still reading
	require.NoError(t, err)
	defer held.Close()
	ed2 := &api{t: t, url: c.url, key: key, lib: c.lib}
	for i := range 8 {
		from := int64(i) * held.Size / 8
		resp, b := ed2.do("GET", "/api/v1/downloads/"+first.ID+"/parts/1", nil,
			map[string]string{"Range": fmt.Sprintf("bytes=%d-%d", from, from+99)})
		require.Equal(t, http.StatusPartialContent, resp.StatusCode, "range %d: %s", i, b)
		assert.Len(t, b, 100)
	}
	resp, b := ed2.do("GET", "/api/v1/downloads/"+second.ID+"/parts/1", nil, nil)
	ed2.wantError(resp, b, 429, "resource_exhausted")
	secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	require.NoError(t, err, "Retry-After %q", resp.Header.Get("Retry-After"))
	// Nothing read yet: the part's size at the minimum rate, rounded up.
	want := (held.Size + 16<<10 - 1) / (16 << 10)
	assert.Equal(t, want, int64(secs))
}
