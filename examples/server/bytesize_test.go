package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestByteSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"0", 0}, {"1048576", 1 << 20}, {"1GB", 1_000_000_000}, {"5GiB", 5 << 30}, {"100 GB", 100_000_000_000},
		{"1.5TB", 1_500_000_000_000}, {"512MiB", 512 << 20}, {"64kib", 64 << 10}, {"10 kB", 10_000}, {"7b", 7}, {"2G", 2_000_000_000},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var b byteSize
			require.NoError(t, b.Set(tc.in))
			assert.Equal(t, tc.want, int64(b))
		})
	}
	for _, bad := range []string{"", "GB", "5XB", "-1GB", "1.5", "0.1B", "1.0000000001KB", "1e3", "99999999999TiB", "5 GiB GiB"} {
		t.Run("bad "+bad, func(t *testing.T) {
			var b byteSize
			assert.Error(t, b.Set(bad))
		})
	}
}

// The size flags take units, on the command line and in the environment.
func TestSizeFlagsTakeUnits(t *testing.T) {
	t.Setenv("DAMKIT_MAX_PART_SIZE", "1GB")
	c, err := parseConfig([]string{"-data", t.TempDir(), "-max-upload", "5GiB", "-max-archive-bytes", "2TB", "-max-archive-entries", "500"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, byteSize(5<<30), c.maxUpload)
	assert.Equal(t, byteSize(1_000_000_000), c.maxPartSize)
	assert.Equal(t, byteSize(2_000_000_000_000), c.maxArchiveBytes)
	assert.Equal(t, 500, c.maxArchiveEntries)
	_, err = parseConfig([]string{"-data", t.TempDir(), "-max-upload", "5 gigs"}, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not a size")
}

// The archive caps reach the library: a download of more assets than
// -max-archive-entries is refused with a 413 naming the cap.
func TestArchiveCapFlags(t *testing.T) {
	c, err := parseConfig([]string{"-data", t.TempDir(), "-addr", "127.0.0.1:0", "-admin-key", "caps-owner-key-0123456789",
		"-max-archive-entries", "1", "-max-archive-bytes", "1MB", "-log-level", "error"}, io.Discard)
	require.NoError(t, err)
	addr, _ := start(t, c)
	api := "http://" + addr + "/api/v1"
	var ids []string
	for _, name := range []string{"a.txt", "b.txt"} {
		req, err := http.NewRequestWithContext(t.Context(), "POST", api+"/assets?name="+name, strings.NewReader(name))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer caps-owner-key-0123456789")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var a struct{ ID string }
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&a))
		resp.Body.Close()
		ids = append(ids, a.ID)
	}
	body, err := json.Marshal(map[string]any{"asset_ids": ids})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), "POST", api+"/downloads", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer caps-owner-key-0123456789")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	msg, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, string(msg))
	assert.Contains(t, string(msg), "more than 1 assets in one download")
}

// A guest's or visitor's background downloads have their own cap, set
// from the environment as every flag is.
func TestMaxGuestArchivesFlag(t *testing.T) {
	t.Setenv("DAMKIT_MAX_GUEST_ARCHIVES", "3")
	c, err := parseConfig([]string{"-data", t.TempDir()}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 3, c.maxGuestArchives)
	c, err = parseConfig([]string{"-data", t.TempDir(), "-max-guest-archives", "5"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 5, c.maxGuestArchives)
}
