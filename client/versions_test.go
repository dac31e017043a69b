package client_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/client"
	"github.com/damkit/damkit/dam"
)

func TestRestoreVersion(t *testing.T) {
	s := newServer(t)
	ctx, c := t.Context(), s.c
	a, err := c.Upload(ctx, strings.NewReader("first"), client.UploadOptions{UploadOptions: dam.UploadOptions{Name: "v.txt"}})
	require.NoError(t, err)
	_, err = c.AddVersion(ctx, a.ID, strings.NewReader("second"), client.UploadOptions{})
	require.NoError(t, err)
	got, err := c.RestoreVersion(ctx, a.ID, 1)
	require.NoError(t, err)
	assert.Equal(t, 3, got.Current.Number)
	assert.Equal(t, a.Current.SHA256, got.Current.SHA256)
	_, err = c.RestoreVersion(ctx, a.ID, 3)
	assert.Equal(t, dam.FailedPrecondition, dam.KindOf(err))
}
