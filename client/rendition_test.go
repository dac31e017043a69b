package client_test

import (
	"bytes"
	"errors"
	"image"
	_ "image/png"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/client"
	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/rendition"
)

func TestCustomRenditions(t *testing.T) {
	s := newServer(t)
	ctx, c := t.Context(), s.c
	a, err := c.Upload(ctx, bytes.NewReader(pngBytes(t)), client.UploadOptions{UploadOptions: dam.UploadOptions{Name: "red.png"}})
	require.NoError(t, err)

	r := dam.CustomRendition{Width: 32, Format: rendition.FormatPNG, DPI: 300}
	_, err = c.Copy(ctx, c.AssetRendition(a.ID, r), &bytes.Buffer{}, nil)
	var apiErr *client.APIError
	require.True(t, errors.As(err, &apiErr), "%v", err)
	assert.Equal(t, 400, apiErr.Status)
	assert.Contains(t, apiErr.Message, "custom_renditions.enabled", "off until an owner turns them on")

	st, err := c.Settings(ctx)
	require.NoError(t, err)
	st.CustomRenditions.Enabled = true
	st, err = c.UpdateSettings(ctx, st)
	require.NoError(t, err)
	assert.True(t, st.CustomRenditions.Enabled)

	for _, res := range []client.Resource{c.AssetRendition(a.ID, r), c.AssetPreviewRendition(a.ID, r)} {
		var b bytes.Buffer
		_, err = c.Copy(ctx, res, &b, nil)
		require.NoError(t, err, res.String())
		cfg, _, err := image.DecodeConfig(bytes.NewReader(b.Bytes()))
		require.NoError(t, err)
		assert.Equal(t, [2]int{32, 24}, [2]int{cfg.Width, cfg.Height})
		assert.Equal(t, 300, rendition.DPI(b.Bytes()))
	}
	var b bytes.Buffer
	_, err = c.Copy(ctx, c.AssetRendition(a.ID, dam.CustomRendition{}), &b, nil)
	require.NoError(t, err, "no parameter at all: the source's size and format")
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, "png", format)
	assert.Equal(t, [2]int{64, 48}, [2]int{cfg.Width, cfg.Height})

	j, err := c.CreateDownload(ctx, dam.DownloadRequest{AssetIDs: []string{a.ID}, Renditions: map[string]dam.CustomRendition{a.ID: {Height: 12, Format: "jpeg"}}})
	require.NoError(t, err)
	assert.Equal(t, 1, j.EntriesTotal)
}
