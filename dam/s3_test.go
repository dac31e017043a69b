package dam_test

import (
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "gocloud.dev/blob/s3blob"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/internal/s3test"
	"github.com/damkit/damkit/storage"
)

// newS3Fixture is newFixture with the bytes in a real S3-compatible bucket
// (versitygw started for the test, or DAMKIT_S3_URL).
func newS3Fixture(t testing.TB, opts *dam.Options) *fixture {
	t.Helper()
	srv := s3test.Start(t)
	ctx := t.Context()
	st, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "dam.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	b, err := storage.Open(ctx, srv.NewBucket(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	clock := &stepClock{t: time.Now().UTC()} // presigned URLs are checked against the server's clock
	lib := dam.New(st, b, clock.now, nil, opts)
	u, _, err := lib.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	require.NoError(t, err)
	return &fixture{lib: lib, bucket: b, owner: dam.WithActor(ctx, u.Actor()), clock: clock}
}

// TestS3EndToEnd runs the byte paths of a library on S3 + SQLite: upload,
// range reads, a cached rendition, an async archive's parts and presigned
// direct downloads.
func TestS3EndToEnd(t *testing.T) {
	f := newS3Fixture(t, &dam.Options{MaxPartSize: 300_000, PresignedDownloads: time.Minute})

	t.Run("upload and range read", func(t *testing.T) {
		content := noise(1, 100_000)
		a := f.upload(t, f.owner, "noise.bin", content)
		assert.Equal(t, []string{storage.OriginalKey(a.Current.SHA256)}, f.keys(t, "originals/"))
		d, err := f.lib.Open(f.owner, a.ID, 0)
		require.NoError(t, err)
		defer d.Close()
		_, err = d.Seek(50_000, io.SeekStart)
		require.NoError(t, err)
		got := make([]byte, 1000)
		_, err = io.ReadFull(d, got)
		require.NoError(t, err)
		assert.Equal(t, content[50_000:51_000], string(got))

		require.NotEmpty(t, d.SignedURL, "S3 signs, so the download carries a presigned URL")
		res, err := http.Get(d.SignedURL)
		require.NoError(t, err)
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
		assert.Equal(t, content, string(body), "the presigned URL reads the original without credentials")
	})

	t.Run("cached rendition", func(t *testing.T) {
		a := f.photo(t, f.owner, "photo.jpg")
		f.profile(t, dam.Profile{Name: "web", Width: 200, Format: "jpeg"})
		first, b1 := read(t, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, a.ID, "web") })
		assert.Equal(t, "image/jpeg", first.Version.MediaType)
		require.NotEmpty(t, f.keys(t, "renditions/"), "the rendition is cached in the bucket")
		_, b2 := read(t, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, a.ID, "web") })
		assert.Equal(t, b1, b2)
		rendered, _ := dam.RenderStats(f.lib)
		assert.EqualValues(t, 1, rendered, "the second read comes from the cache")
	})

	t.Run("async archive parts", func(t *testing.T) {
		var ids []string
		for i := range 3 {
			a := f.upload(t, f.owner, "part-"+string(rune('1'+i))+".bin", noise(uint64(20+i), 200_000))
			ids = append(ids, a.ID)
		}
		j, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: ids, Async: true})
		require.NoError(t, err)
		n, err := f.lib.ProcessJobs(t.Context())
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		j, err = f.lib.Job(f.owner, j.ID)
		require.NoError(t, err)
		require.Equal(t, dam.JobDone, j.Status, j.Error)
		assert.Len(t, f.keys(t, "archives/"+j.ID+"/"), len(j.Parts))
		seen := map[string]bool{}
		for _, part := range j.Parts {
			_, b := readPart(t, f.owner, f.lib, j.ID, part.Number)
			for name := range zipFiles(t, b) {
				seen[name] = true
			}
		}
		assert.Len(t, seen, 4, "three files and the manifest")
	})

	t.Run("presigned URLs are off by default", func(t *testing.T) {
		plain := dam.New(f.lib.Store(), f.bucket, nil, nil, nil)
		a := f.upload(t, f.owner, "plain.txt", "plain bytes")
		d, err := plain.Open(f.owner, a.ID, 0)
		require.NoError(t, err)
		defer d.Close()
		assert.Empty(t, d.SignedURL)
		b, err := io.ReadAll(d)
		require.NoError(t, err)
		assert.Equal(t, "plain bytes", string(b))
	})
}
