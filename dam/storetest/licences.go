package storetest

import (
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// licence builds version 1 of a licence by user u1.
func (f *fixture) licence(title string) dam.Licence {
	now := f.tick()
	return dam.Licence{ID: f.id(), Title: title, Text: title + " terms", Version: 1,
		CreatedBy: "u1", CreatedAt: now, UpdatedBy: "u1", UpdatedAt: now}
}

var licenceTests = []test{
	{"CreateGetListVersions", func(t *testing.T, f *fixture) {
		l := f.licence("Press")
		require.NoError(t, f.s.CreateLicence(f.ctx, l))
		got, err := f.s.Licence(f.ctx, l.ID)
		require.NoError(t, err)
		assert.Equal(t, l, got)
		requireKind(t, dam.AlreadyExists, f.s.CreateLicence(f.ctx, f.licence("Press")), "title taken")
		b := f.licence("Brand")
		require.NoError(t, f.s.CreateLicence(f.ctx, b))
		all, err := f.s.Licences(f.ctx)
		require.NoError(t, err)
		assert.Equal(t, []dam.Licence{b, l}, all, "by title")

		next := l
		next.Text, next.Version, next.UpdatedBy, next.UpdatedAt = "new terms", 2, "u2", f.tick()
		require.NoError(t, f.s.UpdateLicence(f.ctx, next, 1))
		requireKind(t, dam.FailedPrecondition, f.s.UpdateLicence(f.ctx, next, 1), "a stale version loses")
		got, err = f.s.Licence(f.ctx, l.ID)
		require.NoError(t, err)
		assert.Equal(t, next, got)
		v1, err := f.s.LicenceVersion(f.ctx, l.ID, 1)
		require.NoError(t, err)
		assert.Equal(t, "Press terms", v1.Text)
		v2, err := f.s.LicenceVersion(f.ctx, l.ID, 2)
		require.NoError(t, err)
		assert.Equal(t, "new terms", v2.Text)
		assert.Equal(t, "u2", v2.UpdatedBy)
		_, err = f.s.LicenceVersion(f.ctx, l.ID, 3)
		requireKind(t, dam.NotFound, err)

		renamed := next
		renamed.Title = "Brand"
		requireKind(t, dam.AlreadyExists, f.s.UpdateLicence(f.ctx, renamed, 2))
		missing := f.licence("Missing")
		requireKind(t, dam.NotFound, f.s.UpdateLicence(f.ctx, missing, 1))
		_, err = f.s.Licence(f.ctx, missing.ID)
		requireKind(t, dam.NotFound, err)
	}},
	{"SetOnFoldersAndAssetsAndDelete", func(t *testing.T, f *fixture) {
		l := f.licence("Press")
		require.NoError(t, f.s.CreateLicence(f.ctx, l))
		fo := f.folder("", "Press")
		a := f.asset(fo.ID, "photo.jpg")
		requireKind(t, dam.NotFound, f.s.SetFolderLicence(f.ctx, fo.ID, "nosuchlicence", f.tick()))
		requireKind(t, dam.NotFound, f.s.SetFolderLicence(f.ctx, "nosuchfolder", l.ID, f.tick()))
		require.NoError(t, f.s.SetFolderLicence(f.ctx, fo.ID, l.ID, f.tick()))
		got, err := f.s.Folder(f.ctx, fo.ID)
		require.NoError(t, err)
		assert.Equal(t, l.ID, got.Licence)
		requireKind(t, dam.FailedPrecondition, f.s.DeleteLicence(f.ctx, l.ID), "set on a folder")
		require.NoError(t, f.s.SetFolderLicence(f.ctx, fo.ID, "", f.tick()))

		require.NoError(t, f.s.SetAssetLicence(f.ctx, a.ID, l.ID, "u2", f.tick()))
		ga, err := f.s.Asset(f.ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, l.ID, ga.Licence)
		ga.Meta.Title = "edited"
		require.NoError(t, f.s.UpdateAssets(f.ctx, []dam.Asset{ga}))
		ga, err = f.s.Asset(f.ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, l.ID, ga.Licence, "metadata edits keep the licence")
		f.trash(a.ID)
		requireKind(t, dam.NotFound, f.s.SetAssetLicence(f.ctx, a.ID, dam.NoLicence, "u2", f.tick()), "trashed")
		requireKind(t, dam.FailedPrecondition, f.s.DeleteLicence(f.ctx, l.ID), "set on a trashed asset")
		require.NoError(t, f.s.RestoreAsset(f.ctx, a.ID, "u2", f.tick()))
		require.NoError(t, f.s.SetAssetLicence(f.ctx, a.ID, dam.NoLicence, "u2", f.tick()))
		require.NoError(t, f.s.DeleteLicence(f.ctx, l.ID))
		requireKind(t, dam.NotFound, f.s.DeleteLicence(f.ctx, l.ID))
		v1, err := f.s.LicenceVersion(f.ctx, l.ID, 1)
		require.NoError(t, err, "versions stay for the record")
		assert.Equal(t, "Press terms", v1.Text)
	}},
	{"Uses", func(t *testing.T, f *fixture) {
		l, other := f.licence("Press"), f.licence("Other")
		require.NoError(t, f.s.CreateLicence(f.ctx, l))
		require.NoError(t, f.s.CreateLicence(f.ctx, other))
		fo := f.folder("", "Press")
		require.NoError(t, f.s.SetFolderLicence(f.ctx, fo.ID, l.ID, f.tick()))
		var set []string
		for _, name := range []string{"a.jpg", "b.jpg", "c.jpg"} {
			a := f.asset("", name)
			require.NoError(t, f.s.SetAssetLicence(f.ctx, a.ID, l.ID, "u1", f.tick()))
			set = append(set, a.ID)
		}
		require.NoError(t, f.s.TrashAsset(f.ctx, set[2], "u1", f.tick()))
		plain := f.asset("", "plain.jpg")
		require.NoError(t, f.s.SetAssetLicence(f.ctx, plain.ID, other.ID, "u1", f.tick()))
		f.domain = "hidden"
		hiddenFolder := f.folder("", "Hidden")
		require.NoError(t, f.s.SetFolderLicence(f.ctx, hiddenFolder.ID, l.ID, f.tick()))
		hidden := f.asset("", "hidden.jpg")
		require.NoError(t, f.s.SetAssetLicence(f.ctx, hidden.ID, l.ID, "u1", f.tick()))
		f.domain = dam.DefaultDomain

		got, err := f.s.LicenceUses(f.ctx, l.ID, []string{dam.DefaultDomain}, 2)
		require.NoError(t, err)
		assert.Equal(t, []string{fo.ID}, got.FolderIDs)
		assert.Equal(t, set[:2], got.AssetIDs, "the first ones in ID order, trashed ones too")
		assert.Equal(t, 3, got.AssetCount)
		got, err = f.s.LicenceUses(f.ctx, l.ID, []string{dam.DefaultDomain, "hidden"}, 10)
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{fo.ID, hiddenFolder.ID}, got.FolderIDs)
		assert.Equal(t, 4, got.AssetCount)
		got, err = f.s.LicenceUses(f.ctx, l.ID, nil, 10)
		require.NoError(t, err)
		assert.Equal(t, dam.LicenceUses{FolderIDs: []string{}, AssetIDs: []string{}}, got, "no domains, nothing")
		got, err = f.s.LicenceUses(f.ctx, "nosuchlicence", []string{dam.DefaultDomain}, 10)
		require.NoError(t, err)
		assert.Equal(t, dam.LicenceUses{FolderIDs: []string{}, AssetIDs: []string{}}, got)
	}},
	{"Acceptances", func(t *testing.T, f *fixture) {
		a1 := dam.LicenceAcceptance{Actor: "user:u1", LicenceID: "l1", Version: 1, AcceptedAt: f.tick()}
		require.NoError(t, f.s.AcceptLicence(f.ctx, a1))
		again := a1
		again.AcceptedAt = f.tick()
		require.NoError(t, f.s.AcceptLicence(f.ctx, again), "accepting again is a no-op")
		a2 := dam.LicenceAcceptance{Actor: "user:u1", LicenceID: "l1", Version: 2, AcceptedAt: f.tick()}
		require.NoError(t, f.s.AcceptLicence(f.ctx, a2))
		require.NoError(t, f.s.AcceptLicence(f.ctx, dam.LicenceAcceptance{Actor: "email:ana@example.com", LicenceID: "l1", Version: 2, AcceptedAt: f.tick()}))
		got, err := f.s.Acceptances(f.ctx, "user:u1")
		require.NoError(t, err)
		assert.Equal(t, []dam.LicenceAcceptance{a1, a2}, got)
		none, err := f.s.Acceptances(f.ctx, "user:u9")
		require.NoError(t, err)
		assert.Empty(t, none)
	}},
}
