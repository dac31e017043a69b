package dam_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// sidecar is an XMP sidecar as Lightroom writes one.
const sidecar = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
 photoshop:Credit="Sidecar Credit"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Sidecar title</rdf:li></rdf:Alt></dc:title>
<dc:subject><rdf:Bag><rdf:li>edited</rdf:li></rdf:Bag></dc:subject>
<dc:creator><rdf:Seq><rdf:li>Sam Side</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>`

func TestSidecarAppliesToItsPartner(t *testing.T) {
	f := newFixture(t, nil)
	folder, err := f.lib.CreateFolder(f.owner, "Shoot", "", dam.DefaultDomain)
	require.NoError(t, err)
	// The photo's own metadata says Jane Doe, "Harbour at dawn"...; the
	// uploader typed a description.
	photo, err := f.lib.Upload(f.owner, bytes.NewReader(photoJPEG(t)), dam.UploadOptions{Name: "IMG_0042.JPG", FolderID: folder.ID,
		Meta: &dam.Metadata{Description: "Typed by hand"}})
	require.NoError(t, err)
	require.NotEmpty(t, photo.Meta.Title)
	require.Equal(t, "Jane Doe", photo.Meta.Fields[dam.FieldCreator])
	other, err := f.lib.Upload(f.owner, strings.NewReader("x"), dam.UploadOptions{Name: "IMG_0042 copy.jpg", FolderID: folder.ID})
	require.NoError(t, err)

	got, err := f.lib.Upload(f.owner, strings.NewReader(sidecar), dam.UploadOptions{Name: "img_0042.xmp", FolderID: folder.ID})
	require.NoError(t, err)
	assert.Equal(t, photo.ID, got.ID, "the answer is the partner")
	assert.Equal(t, "Sidecar title", got.Meta.Title, "the sidecar replaces what the file said")
	assert.Equal(t, "Typed by hand", got.Meta.Description, "never what was typed")
	assert.Equal(t, []string{"edited"}, got.Meta.Keywords)
	assert.Equal(t, "Sam Side", got.Meta.Fields[dam.FieldCreator])
	assert.Equal(t, "Sidecar Credit", got.Meta.Fields[dam.FieldCredit])
	stored, err := f.lib.Asset(f.owner, photo.ID)
	require.NoError(t, err)
	assert.Equal(t, got.Meta, stored.Meta)
	o, err := f.lib.Asset(f.owner, other.ID)
	require.NoError(t, err)
	assert.Empty(t, o.Meta.Title, "a name that only starts the same is not the partner")
	page, _, err := f.lib.Assets(f.owner, dam.AssetQuery{FolderID: &folder.ID})
	require.NoError(t, err)
	assert.Len(t, page, 2, "the sidecar made no asset")

	t.Run("without a partner it is a file", func(t *testing.T) {
		a, err := f.lib.Upload(f.owner, strings.NewReader(sidecar), dam.UploadOptions{Name: "lonely.xmp", FolderID: folder.ID})
		require.NoError(t, err)
		assert.Equal(t, "lonely.xmp", a.Name)
		b, err := f.lib.Upload(f.owner, strings.NewReader("not xml at all"), dam.UploadOptions{Name: "IMG_0042.xmp", FolderID: folder.ID})
		require.NoError(t, err)
		assert.Equal(t, "IMG_0042.xmp", b.Name, "a .xmp that is not XMP is a file too")
	})
	t.Run("a sidecar that came first", func(t *testing.T) {
		a, err := f.lib.Upload(f.owner, bytes.NewReader(photoJPEG(t)), dam.UploadOptions{Name: "b.jpg", Sidecar: []byte(sidecar),
			Meta: &dam.Metadata{Keywords: []string{"mine"}}})
		require.NoError(t, err)
		assert.Equal(t, "Sidecar title", a.Meta.Title)
		assert.Equal(t, []string{"mine"}, a.Meta.Keywords, "given keywords stay")
		_, err = f.lib.Upload(f.owner, bytes.NewReader(photoJPEG(t)), dam.UploadOptions{Name: "c.jpg", Sidecar: []byte("<junk")})
		assert.Equal(t, dam.Invalid, kindOf(t, err))
	})
}
