package dam_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestEditorsDoNotLowerProtectionByMoving: moving an asset or a folder out
// of protection is the owners' decision; a viewer without a grant must not
// get a download out of an editor's move.
func TestEditorsDoNotLowerProtectionByMoving(t *testing.T) {
	f := newFixture(t, nil)
	ctx := f.owner
	editor := f.user(t, "ed@example.com", dam.RoleEditor, dam.DefaultDomain)
	viewer := f.user(t, "vi@example.com", dam.RoleViewer, dam.DefaultDomain)
	folder := func(name, parent string, p dam.Protection) dam.Folder {
		fo, err := f.lib.CreateFolder(ctx, name, parent, "")
		require.NoError(t, err)
		if p != dam.Inherit {
			fo, err = f.lib.SetFolderProtection(ctx, fo.ID, p)
			require.NoError(t, err)
		}
		return fo
	}
	vault := folder("Vault", "", dam.Protected)
	inner := folder("Inner", vault.ID, dam.Inherit)
	open := folder("Open", "", dam.Inherit)
	otherVault := folder("Other vault", "", dam.Protected)
	upload := func(name, fid string) dam.Asset {
		a, err := f.lib.Upload(editor, strings.NewReader("bytes of "+name), dam.UploadOptions{Name: name, FolderID: fid})
		require.NoError(t, err)
		return a
	}
	move := func(who context.Context, a dam.Asset, fid string) error {
		_, err := f.lib.EditAsset(who, a.ID, dam.AssetPatch{FolderID: &fid})
		return err
	}
	downloads := func(a dam.Asset) bool {
		d, err := f.lib.Open(viewer, a.ID, 0)
		if err == nil {
			require.NoError(t, d.Close())
		}
		return err == nil
	}

	secret := upload("secret.txt", inner.ID)
	require.False(t, downloads(secret))
	for _, to := range []string{open.ID, ""} {
		err := move(editor, secret, to)
		require.Equal(t, dam.PermissionDenied, dam.KindOf(err), "%v", err)
		assert.Contains(t, dam.ErrorMessage(err), "only owners")
		assert.Contains(t, dam.ErrorMessage(err), "protection")
	}
	_, err := f.lib.EditAssets(editor, []string{upload("other.txt", open.ID).ID, secret.ID}, dam.AssetPatch{FolderID: &open.ID})
	require.Equal(t, dam.PermissionDenied, dam.KindOf(err), "a bulk move is refused whole")
	require.False(t, downloads(secret), "the refused move changed nothing")

	require.NoError(t, move(editor, secret, otherVault.ID), "between protected folders is fine")
	require.NoError(t, move(editor, secret, vault.ID))
	own := upload("own.txt", vault.ID)
	_, err = f.lib.SetAssetProtection(ctx, own.ID, dam.Protected)
	require.NoError(t, err)
	require.NoError(t, move(editor, own, open.ID), "an asset protected by its own setting stays protected")
	assert.False(t, downloads(own))
	plain := upload("plain.txt", open.ID)
	require.NoError(t, move(editor, plain, vault.ID), "editors add protection")

	// Folders: what a folder inherits is passed on to all it holds.
	_, err = f.lib.MoveFolder(editor, inner.ID, "")
	require.Equal(t, dam.PermissionDenied, dam.KindOf(err), "%v", err)
	_, err = f.lib.MoveFolder(editor, inner.ID, open.ID)
	require.Equal(t, dam.PermissionDenied, dam.KindOf(err))
	_, err = f.lib.MoveFolder(editor, inner.ID, otherVault.ID)
	require.NoError(t, err)
	_, err = f.lib.MoveFolder(editor, open.ID, vault.ID)
	require.NoError(t, err, "moving into protection is fine")
	_, err = f.lib.MoveFolder(editor, otherVault.ID, "")
	require.NoError(t, err, "a folder protected by its own setting keeps it")

	// A licence a folder passes on is a guard too.
	lic, err := f.lib.CreateLicence(ctx, "Press", "Editorial use only.")
	require.NoError(t, err)
	licensed := folder("Licensed", "", dam.Inherit)
	_, err = f.lib.SetFolderLicence(ctx, licensed.ID, lic.ID)
	require.NoError(t, err)
	press := upload("press.txt", licensed.ID)
	err = move(editor, press, "")
	require.Equal(t, dam.PermissionDenied, dam.KindOf(err))
	assert.Contains(t, dam.ErrorMessage(err), "licence "+lic.ID)

	// Owners decide.
	require.NoError(t, move(ctx, secret, ""))
	assert.True(t, downloads(secret))
}
