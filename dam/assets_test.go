package dam_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/storage"
)

func TestUploadComputesEverythingInOnePass(t *testing.T) {
	f := newFixture(t, nil)
	photo, err := testimage.JPEGWithEXIF(testimage.Gradient(320, 200, 1), "DemoCam", "Model X", 6)
	require.NoError(t, err)
	a, err := f.lib.Upload(f.owner, bytes.NewReader(photo), dam.UploadOptions{Name: "  photo.jpg ", Meta: &dam.Metadata{Title: "A photo", Keywords: []string{"sea", "sea", "sky"}}})
	require.NoError(t, err)

	sum := sha256.Sum256(photo)
	assert.Equal(t, "photo.jpg", a.Name)
	assert.Equal(t, hex.EncodeToString(sum[:]), a.Current.SHA256)
	assert.Equal(t, crc32.ChecksumIEEE(photo), a.Current.CRC32)
	assert.Equal(t, int64(len(photo)), a.Current.Size)
	assert.Equal(t, "image/jpeg", a.Current.MediaType)
	assert.Equal(t, dam.MediaImage, a.Kind)
	assert.Equal(t, 320, a.Current.Width)
	assert.Equal(t, 200, a.Current.Height)
	require.NotNil(t, a.Current.EXIF)
	assert.Equal(t, "DemoCam", a.Current.EXIF.Make)
	assert.Equal(t, "Model X", a.Current.EXIF.Model)
	assert.Equal(t, 6, a.Current.EXIF.Orientation)
	require.NotNil(t, a.Current.EXIF.CapturedAt)
	assert.Equal(t, 2026, a.Current.EXIF.CapturedAt.Year())
	assert.Equal(t, []string{"sea", "sky"}, a.Meta.Keywords)
	assert.Equal(t, dam.Available, a.Availability)
	assert.Equal(t, dam.Inherit, a.Protection)

	got, err := f.lib.Asset(f.owner, a.ID)
	require.NoError(t, err)
	assert.Equal(t, a.Current.SHA256, got.Current.SHA256)
	assert.Equal(t, a.Current.EXIF, got.Current.EXIF)
	assert.Equal(t, []string{storage.OriginalKey(a.Current.SHA256)}, f.keys(t, "originals/"))
}

func TestUploadRefusesBadInputAndLosesNothing(t *testing.T) {
	f := newFixture(t, &dam.Options{MaxUploadSize: 3 << 20})
	long := strings.Repeat("x", 1000)
	cases := []struct {
		name    string
		file    string
		body    io.Reader
		kind    dam.Kind
		message string
	}{
		{"empty upload", "empty.txt", strings.NewReader(""), dam.Invalid, "empty upload"},
		{"over the size limit", "big.bin", io.LimitReader(zeros{}, 3<<20+1), dam.TooLarge, "exceeds the limit"},
		{"dot-dot name", "../etc/passwd", strings.NewReader("x"), dam.Invalid, "must not contain /"},
		{"dot-dot alone", "..", strings.NewReader("x"), dam.Invalid, "not allowed"},
		{"NUL in name", "a\x00b.jpg", strings.NewReader("x"), dam.Invalid, "control character"},
		{"control char", "a\x1b[31mb.jpg", strings.NewReader("x"), dam.Invalid, "control character"},
		{"1000 characters", long, strings.NewReader("x"), dam.Invalid, "longer than 255"},
		{"only white space", " \t  ", strings.NewReader("x"), dam.Invalid, "empty"},
		{"client disconnects", "half.bin", &failingReader{r: bytes.NewReader(make([]byte, 2<<20)), err: io.ErrUnexpectedEOF}, dam.Invalid, "interrupted"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.lib.Upload(f.owner, tc.body, dam.UploadOptions{Name: tc.file})
			assert.Equal(t, tc.kind, kindOf(t, err))
			assert.Contains(t, err.Error(), tc.message)
		})
	}
	as, _, err := f.lib.Assets(f.owner, dam.AssetQuery{})
	require.NoError(t, err)
	assert.Empty(t, as, "no asset row after failed uploads")
	assert.Empty(t, f.keys(t, "originals/"), "no visible blob after failed uploads")
	assert.Empty(t, f.keys(t, "tmp/"), "no temporary leftovers after failed uploads")
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestCanceledUploadLeavesNothing(t *testing.T) {
	f := newFixture(t, nil)
	ctx, cancel := context.WithCancel(f.owner)
	r := &failingReader{r: bytes.NewReader(make([]byte, 4<<20)), err: errors.New("connection reset")}
	pr, pw := io.Pipe()
	go func() {
		buf := make([]byte, 1<<20)
		n, _ := r.Read(buf)
		_, _ = pw.Write(buf[:n])
		cancel()
		_ = pw.CloseWithError(context.Canceled)
	}()
	_, err := f.lib.Upload(ctx, pr, dam.UploadOptions{Name: "x.bin"})
	assert.Equal(t, dam.Canceled, kindOf(t, err))
	assert.Empty(t, f.keys(t, "originals/"))
	assert.Empty(t, f.keys(t, "tmp/"))
}

func TestLyingExtensionIsStoredAsWhatItIs(t *testing.T) {
	f := newFixture(t, nil)
	a := f.upload(t, f.owner, "cat.jpg", "<!DOCTYPE html><html><script>alert(1)</script></html>")
	assert.Equal(t, "text/html; charset=utf-8", a.Current.MediaType)
	assert.Equal(t, dam.MediaDocument, a.Kind)
}

func TestIdenticalConcurrentUploadsStoreOneBlob(t *testing.T) {
	f := newFixture(t, nil)
	data := bytes.Repeat([]byte("same bytes "), 100000)
	var wg sync.WaitGroup
	ids := make([]string, 8)
	errs := make([]error, 8)
	for i := range ids {
		wg.Go(func() {
			a, err := f.lib.Upload(f.owner, bytes.NewReader(data), dam.UploadOptions{Name: "same.txt"})
			ids[i], errs[i] = a.ID, err
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	as, _, err := f.lib.Assets(f.owner, dam.AssetQuery{})
	require.NoError(t, err)
	assert.Len(t, as, 8, "eight assets")
	assert.Len(t, f.keys(t, "originals/"), 1, "one blob")
	assert.Empty(t, f.keys(t, "tmp/"))
}

func TestEditOneAndMany(t *testing.T) {
	f := newFixture(t, nil)
	a := f.upload(t, f.owner, "a.txt", "a")
	b := f.upload(t, f.owner, "b.txt", "b")
	title := "Edited"
	kw := []string{"k1"}
	v := "red"
	got, err := f.lib.EditAsset(f.owner, a.ID, dam.AssetPatch{Title: &title, Keywords: &kw, Fields: map[string]*string{"colour": &v}})
	require.NoError(t, err)
	assert.Equal(t, "Edited", got.Meta.Title)
	assert.Equal(t, map[string]string{"colour": "red"}, got.Meta.Fields)

	t.Run("bulk edit with a missing id changes nothing", func(t *testing.T) {
		other := "Bulk"
		_, err := f.lib.EditAssets(f.owner, []string{a.ID, b.ID, dam.NewID(f.clock.now())}, dam.AssetPatch{Title: &other})
		assert.Equal(t, dam.NotFound, kindOf(t, err))
		for _, id := range []string{a.ID, b.ID} {
			x, err := f.lib.Asset(f.owner, id)
			require.NoError(t, err)
			assert.NotEqual(t, "Bulk", x.Meta.Title)
		}
	})
	t.Run("bulk edit changes all", func(t *testing.T) {
		other := "Bulk"
		un := dam.Unavailable
		as, err := f.lib.EditAssets(f.owner, []string{a.ID, b.ID}, dam.AssetPatch{Title: &other, Availability: &un})
		require.NoError(t, err)
		require.Len(t, as, 2)
		for _, id := range []string{a.ID, b.ID} {
			x, err := f.lib.Asset(f.owner, id)
			require.NoError(t, err)
			assert.Equal(t, "Bulk", x.Meta.Title)
			assert.Equal(t, dam.Unavailable, x.Availability)
		}
	})
	t.Run("viewers cannot edit", func(t *testing.T) {
		viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
		_, err := f.lib.EditAsset(viewer, a.ID, dam.AssetPatch{Title: &title})
		assert.Equal(t, dam.PermissionDenied, kindOf(t, err))
	})
}
