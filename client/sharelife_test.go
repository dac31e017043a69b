package client_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/client"
	"github.com/damkit/damkit/dam"
)

func TestShareLifecycle(t *testing.T) {
	s := newServer(t)
	ctx, c := t.Context(), s.c
	a, err := c.Upload(ctx, strings.NewReader("plans"), client.UploadOptions{UploadOptions: dam.UploadOptions{Name: "plans.txt"}})
	require.NoError(t, err)
	st, err := c.Settings(ctx)
	require.NoError(t, err)
	st.SharesEnabled = true
	_, err = c.UpdateSettings(ctx, st)
	require.NoError(t, err)
	sh, err := c.CreateShare(ctx, dam.NewShare{Title: "Locked", AssetIDs: []string{a.ID}, Days: 7, Guests: "guest@example.com",
		Password: "open sesame", DownloadLimit: 3})
	require.NoError(t, err)
	assert.True(t, sh.Password)
	assert.Equal(t, 3, sh.DownloadLimit)
	token := sh.Links[0].Token

	anon, err := client.New(s.url, "", nil)
	require.NoError(t, err)
	_, err = anon.GuestShare(ctx, token)
	require.Equal(t, dam.Unauthenticated, dam.KindOf(err))
	_, err = anon.UnlockShare(ctx, token, "wrong password")
	require.Equal(t, dam.Unauthenticated, dam.KindOf(err))
	key, err := anon.UnlockShare(ctx, token, "open sesame")
	require.NoError(t, err)
	gs, err := anon.GuestShareWithKey(ctx, token, key)
	require.NoError(t, err)
	require.NotNil(t, gs.DownloadsLeft)
	assert.Equal(t, 3, *gs.DownloadsLeft)

	v, err := c.ExtendShare(ctx, sh.ID, dam.ShareEnd{Days: 14})
	require.NoError(t, err)
	assert.True(t, v.ExpiresAt.After(sh.ExpiresAt))
	one := 1
	v, err = c.SetGuestAccess(ctx, sh.ID, sh.Links[0].GuestID, dam.GuestAccess{DownloadLimit: &one})
	require.NoError(t, err)
	require.Len(t, v.ActiveGuests, 1)
	assert.Equal(t, 1, v.ActiveGuests[0].DownloadLimit)
}
