package dam_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/storage"
)

// openLibraryAt opens a Library on the SQLite file and bucket folder of dir.
func openLibraryAt(t *testing.T, ctx context.Context, dir string) *dam.Library {
	t.Helper()
	st, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(dir, "dam.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	b, err := storage.Open(ctx, "file://"+filepath.ToSlash(filepath.Join(dir, "blobs")))
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return dam.New(st, b, func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }, nil, nil)
}

// TestPreviewSeesOtherProcessChanges: a viewer's preview is served from
// what this process keeps (asset, access rules: no statement while nothing
// changed); another process (this test binary again) protects the asset,
// lifts the protection, then trashes it, one change at a time, and each
// change applies to the very next preview here: watermarked (the library
// shows watermarks on protected assets a viewer cannot download), clean
// again, gone.
func TestPreviewSeesOtherProcessChanges(t *testing.T) {
	if os.Getenv("DAMKIT_HOTPREVIEW_DIR") != "" {
		t.Skip("running as the helper")
	}
	ctx := t.Context()
	dir := t.TempDir()
	lib := openLibraryAt(t, ctx, dir)
	owner, _, err := lib.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	require.NoError(t, err)
	octx := dam.WithActor(ctx, owner.Actor())
	viewer, _, err := lib.CreateUser(octx, dam.NewUser{Email: "viewer@example.com", Role: dam.RoleViewer})
	require.NoError(t, err)
	vctx := dam.WithActor(ctx, viewer.Actor())
	s, err := lib.Settings(octx)
	require.NoError(t, err)
	s.ShowWatermarks = true
	_, err = lib.UpdateSettings(octx, s)
	require.NoError(t, err)
	var img bytes.Buffer
	require.NoError(t, png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 64, 64))))
	asset, err := lib.Upload(octx, &img, dam.UploadOptions{Name: "square.png"})
	require.NoError(t, err)

	preview := func() (string, error) {
		d, err := lib.OpenPreview(vctx, asset.ID, "")
		if err != nil {
			return "", err
		}
		require.NoError(t, d.Close())
		return d.ETag, nil
	}
	for range 3 { // rendered once, then served from what this process keeps
		etag, err := preview()
		require.NoError(t, err)
		assert.False(t, strings.HasSuffix(etag, `-wm"`), etag)
	}

	ownerJSON, err := json.Marshal(owner)
	require.NoError(t, err)
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestPreviewHelperProcess$")
	cmd.Env = append(os.Environ(), "DAMKIT_HOTPREVIEW_DIR="+dir, "DAMKIT_HOTPREVIEW_OWNER="+string(ownerJSON),
		"DAMKIT_HOTPREVIEW_ASSET="+asset.ID)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	lines := bufio.NewScanner(stdout)
	var done []string
	for lines.Scan() {
		change, ok := strings.CutPrefix(lines.Text(), "changed ")
		if !ok {
			continue // the test binary's own output
		}
		done = append(done, change)
		etag, err := preview()
		switch change {
		case "protected":
			require.NoError(t, err)
			assert.True(t, strings.HasSuffix(etag, `-wm"`), "the next preview after the protection is watermarked: %s", etag)
		case "unprotected":
			require.NoError(t, err)
			assert.False(t, strings.HasSuffix(etag, `-wm"`), "and clean again once lifted: %s", etag)
		case "trashed":
			assert.Equal(t, dam.NotFound.String(), dam.KindOf(err).String(), "a trashed asset is gone: %v", err)
		}
		_, err = fmt.Fprintln(stdin, "next")
		require.NoError(t, err)
	}
	require.NoError(t, cmd.Wait())
	assert.Equal(t, []string{"protected", "unprotected", "trashed"}, done)
}

// TestPreviewHelperProcess is the other process of
// TestPreviewSeesOtherProcessChanges.
func TestPreviewHelperProcess(t *testing.T) {
	dir := os.Getenv("DAMKIT_HOTPREVIEW_DIR")
	if dir == "" {
		t.Skip("the helper of TestPreviewSeesOtherProcessChanges")
	}
	ctx := context.Background()
	lib := openLibraryAt(t, ctx, dir)
	var owner dam.User
	require.NoError(t, json.Unmarshal([]byte(os.Getenv("DAMKIT_HOTPREVIEW_OWNER")), &owner))
	octx := dam.WithActor(ctx, owner.Actor())
	id := os.Getenv("DAMKIT_HOTPREVIEW_ASSET")
	in := bufio.NewScanner(os.Stdin)
	for _, step := range []struct {
		name string
		do   func() error
	}{
		{"protected", func() error { _, err := lib.SetAssetProtection(octx, id, dam.Protected); return err }},
		{"unprotected", func() error { _, err := lib.SetAssetProtection(octx, id, dam.Unprotected); return err }},
		{"trashed", func() error { return lib.Delete(octx, id) }},
	} {
		require.NoError(t, step.do(), step.name)
		fmt.Println("changed " + step.name)
		if !in.Scan() {
			return
		}
	}
}

// BenchmarkOpenPreviewCached: a cached preview as the HTTP handler opens
// it (an owner's, on SQLite and a file bucket), body read and closed.
// go test ./dam -run '^$' -bench OpenPreviewCached -benchmem
func BenchmarkOpenPreviewCached(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	st, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(dir, "dam.db"), nil)
	require.NoError(b, err)
	defer st.Close()
	bucket, err := storage.Open(ctx, "file://"+filepath.ToSlash(filepath.Join(dir, "blobs")))
	require.NoError(b, err)
	defer bucket.Close()
	lib := dam.New(st, bucket, nil, nil, nil)
	owner, _, err := lib.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	require.NoError(b, err)
	octx := dam.WithActor(ctx, owner.Actor())
	var img bytes.Buffer
	require.NoError(b, png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 640, 480))))
	asset, err := lib.Upload(octx, &img, dam.UploadOptions{Name: "photo.png"})
	require.NoError(b, err)
	open := func() {
		d, err := lib.OpenPreview(octx, asset.ID, "")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, d); err != nil {
			b.Fatal(err)
		}
		_ = d.Close()
	}
	open()
	b.ReportAllocs()
	for b.Loop() {
		open()
	}
}
