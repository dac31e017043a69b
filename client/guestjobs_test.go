package client_test

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/client"
	"github.com/damkit/damkit/dam"
)

// TestGuestBackgroundDownload: a guest without a key asks for a background
// ZIP through their link, waits for the server's worker, fetches the part
// and cancels the job.
func TestGuestBackgroundDownload(t *testing.T) {
	s := newServer(t)
	ctx, c := t.Context(), s.c
	a, err := c.Upload(ctx, strings.NewReader("plans"), client.UploadOptions{UploadOptions: dam.UploadOptions{Name: "plans.txt"}})
	require.NoError(t, err)
	st, err := c.Settings(ctx)
	require.NoError(t, err)
	st.SharesEnabled = true
	_, err = c.UpdateSettings(ctx, st)
	require.NoError(t, err)
	sh, err := c.CreateShare(ctx, dam.NewShare{Title: "Plans", AssetIDs: []string{a.ID}, Days: 7, Guests: "guest@example.com"})
	require.NoError(t, err)
	token := sh.Links[0].Token

	anon, err := client.New(s.url, "", nil)
	require.NoError(t, err)
	j, err := anon.GuestCreateDownload(ctx, token)
	require.NoError(t, err)
	assert.Equal(t, dam.JobQueued, j.Status)
	require.Eventually(t, func() bool {
		j, err = anon.GuestDownload(ctx, token, j.ID)
		return err == nil && j.Status == dam.JobDone
	}, 10*time.Second, 20*time.Millisecond, "the server's worker builds it")
	js, err := anon.GuestDownloads(ctx, token)
	require.NoError(t, err)
	require.Len(t, js, 1)
	assert.Equal(t, j.ID, js[0].ID)

	body, err := anon.Open(ctx, anon.GuestJobPart(token, j.ID, 1), 0, "")
	require.NoError(t, err)
	data, err := io.ReadAll(body)
	require.NoError(t, err)
	require.NoError(t, body.Close())
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	assert.Contains(t, names, "plans.txt")

	require.NoError(t, anon.GuestCancelDownload(ctx, token, j.ID))
	_, err = anon.GuestDownload(ctx, token, j.ID)
	assert.Equal(t, dam.NotFound, dam.KindOf(err))
	_, err = anon.GuestDownloads(ctx, "not-a-token")
	assert.Equal(t, dam.NotFound, dam.KindOf(err))
}
