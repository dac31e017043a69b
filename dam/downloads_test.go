package dam_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/rendition"
)

// noise returns n incompressible bytes, the same for the same seed.
func noise(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return string(b)
}

// readPart reads part n of a job whole.
func readPart(t *testing.T, ctx context.Context, lib *dam.Library, jobID string, n int) (*dam.Part, []byte) {
	t.Helper()
	p, err := lib.OpenPart(ctx, jobID, n)
	require.NoError(t, err)
	defer p.Close()
	b, err := io.ReadAll(p)
	require.NoError(t, err)
	require.Equal(t, p.Size, int64(len(b)))
	return p, b
}

// zipFiles opens a ZIP with archive/zip and returns its files by name.
func zipFiles(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		data, err := io.ReadAll(rc)
		require.NoError(t, err, f.Name)
		require.NoError(t, rc.Close())
		out[f.Name] = data
	}
	return out
}

// protectedSetup makes two open assets and one in a protected folder, a
// viewer, and the viewer's collection of all three.
type protectedSetup struct {
	viewer       context.Context
	open1, open2 dam.Asset
	secret       dam.Asset
	collection   dam.Collection
}

func newProtectedSetup(t *testing.T, f *fixture) protectedSetup {
	t.Helper()
	var s protectedSetup
	s.open1, s.open2, s.secret = f.openAndEmbargoed(t, f.owner)
	var err error
	s.viewer = f.user(t, "viewer@example.com", dam.RoleViewer)
	s.collection, err = f.lib.CreateCollection(s.viewer, "Trip", "")
	require.NoError(t, err)
	_, err = f.lib.AddToCollection(s.viewer, s.collection.ID, []dam.CollectionItem{
		{AssetID: s.open1.ID}, {AssetID: s.secret.ID}, {AssetID: s.open2.ID}})
	require.NoError(t, err)
	return s
}

// openAndEmbargoed uploads, as ctx, beach.bin and forest.bin and, in a
// folder the owner protects, launch.bin.
func (f *fixture) openAndEmbargoed(t *testing.T, ctx context.Context) (open1, open2, secret dam.Asset) {
	t.Helper()
	open1 = f.upload(t, ctx, "beach.bin", noise(1, 3000))
	open2 = f.upload(t, ctx, "forest.bin", noise(2, 5000))
	folder, err := f.lib.CreateFolder(f.owner, "Embargoed", "", "")
	require.NoError(t, err)
	_, err = f.lib.SetFolderProtection(f.owner, folder.ID, dam.Protected)
	require.NoError(t, err)
	secret, err = f.lib.Upload(ctx, bytes.NewReader([]byte(noise(3, 4000))), dam.UploadOptions{Name: "launch.bin", FolderID: folder.ID})
	require.NoError(t, err)
	return open1, open2, secret
}

func TestDownloadCollectionSkipsProtected(t *testing.T) {
	f := newFixture(t, nil)
	s := newProtectedSetup(t, f)

	j, err := f.lib.CreateDownload(s.viewer, dam.DownloadRequest{CollectionID: s.collection.ID})
	require.NoError(t, err)
	assert.Equal(t, dam.JobReady, j.Status)
	assert.Equal(t, "Trip", j.Name)
	require.Len(t, j.Items, 2)
	require.Len(t, j.Skipped, 1)
	assert.Equal(t, s.secret.ID, j.Skipped[0].AssetID)
	assert.Equal(t, "protected", j.Skipped[0].Reason)
	assert.True(t, dam.Requestable(j.Skipped[0].Reason))
	require.Len(t, j.Parts, 1)

	p, b := readPart(t, s.viewer, f.lib, j.ID, 1)
	assert.Equal(t, "Trip.zip", p.Name)
	assert.Equal(t, j.Parts[0].ETag, p.ETag)
	files := zipFiles(t, b)
	assert.Equal(t, noise(1, 3000), string(files["beach.bin"]))
	assert.Equal(t, noise(2, 5000), string(files["forest.bin"]))
	assert.NotContains(t, files, "launch.bin")
	var man struct {
		Skipped []struct{ AssetID, Name, Reason string } `json:"skipped"`
	}
	require.NoError(t, json.Unmarshal(files["manifest.json"], &man))
	require.Len(t, man.Skipped, 1)
	assert.Equal(t, "launch.bin", man.Skipped[0].Name)
	assert.Contains(t, man.Skipped[0].Reason, "protected")

	// Rebuilt on every fetch, byte for byte.
	_, again := readPart(t, s.viewer, f.lib, j.ID, 1)
	assert.Equal(t, b, again)

	// The owner downloads everything.
	oj, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: []string{s.open1.ID, s.secret.ID}})
	require.NoError(t, err)
	assert.Empty(t, oj.Skipped)
	_, ob := readPart(t, f.owner, f.lib, oj.ID, 1)
	assert.Len(t, zipFiles(t, ob), 2)
}

func TestDownloadRefusals(t *testing.T) {
	f := newFixture(t, nil)
	s := newProtectedSetup(t, f)

	_, err := f.lib.CreateDownload(s.viewer, dam.DownloadRequest{AssetIDs: []string{s.secret.ID}})
	assert.Equal(t, dam.PermissionDenied, kindOf(t, err))
	var nothing *dam.NothingToDownloadError
	require.True(t, errors.As(err, &nothing))
	require.Len(t, nothing.Skipped, 1)
	assert.Equal(t, "protected", nothing.Skipped[0].Reason)

	_, err = f.lib.CreateDownload(s.viewer, dam.DownloadRequest{})
	assert.Equal(t, dam.Invalid, kindOf(t, err))

	empty, err := f.lib.CreateFolder(f.owner, "Empty", "", "")
	require.NoError(t, err)
	_, err = f.lib.CreateDownload(f.owner, dam.DownloadRequest{FolderID: empty.ID})
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, err))

	// An asset of another domain is not found, for the whole call.
	other := f.user(t, "other@example.com", dam.RoleOwner, "elsewhere")
	hidden := f.upload(t, other, "hidden.bin", "x")
	_, err = f.lib.CreateDownload(s.viewer, dam.DownloadRequest{AssetIDs: []string{s.open1.ID, hidden.ID}})
	assert.Equal(t, dam.NotFound, kindOf(t, err))

	// Another user's job is not found.
	j, err := f.lib.CreateDownload(s.viewer, dam.DownloadRequest{AssetIDs: []string{s.open1.ID, s.open2.ID}})
	require.NoError(t, err)
	stranger := f.user(t, "stranger@example.com", dam.RoleViewer)
	_, err = f.lib.OpenPart(stranger, j.ID, 1)
	assert.Equal(t, dam.NotFound, kindOf(t, err))
	_, err = f.lib.OpenPart(s.viewer, j.ID, 2)
	assert.Equal(t, dam.NotFound, kindOf(t, err))

	// Protection added after the job was made stops it at the next fetch.
	_, err = f.lib.SetAssetProtection(f.owner, s.open2.ID, dam.Protected)
	require.NoError(t, err)
	_, err = f.lib.OpenPart(s.viewer, j.ID, 1)
	assert.Equal(t, dam.NeedsRequest, kindOf(t, err))
}

func TestDownloadSingleOriginal(t *testing.T) {
	f := newFixture(t, nil)
	a := f.upload(t, f.owner, "notes.txt", "hello, archive\n")
	j, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: []string{a.ID}})
	require.NoError(t, err)
	assert.True(t, j.Single)
	p, b := readPart(t, f.owner, f.lib, j.ID, 1)
	assert.Equal(t, "hello, archive\n", string(b))
	assert.Equal(t, "notes.txt", p.Name)
	assert.Equal(t, "text/plain; charset=utf-8", p.MediaType)
}

func TestDownloadFolderWithSubfolders(t *testing.T) {
	f := newFixture(t, nil)
	top, err := f.lib.CreateFolder(f.owner, "Top", "", "")
	require.NoError(t, err)
	sub, err := f.lib.CreateFolder(f.owner, "Sub", top.ID, "")
	require.NoError(t, err)
	for i, folder := range []string{top.ID, sub.ID, ""} {
		_, err := f.lib.Upload(f.owner, bytes.NewReader([]byte(noise(uint64(i), 100))), dam.UploadOptions{Name: "f" + string(rune('a'+i)) + ".bin", FolderID: folder})
		require.NoError(t, err)
	}
	j, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{FolderID: top.ID, FolderPerAsset: true})
	require.NoError(t, err)
	assert.Len(t, j.Items, 2)
	_, b := readPart(t, f.owner, f.lib, j.ID, 1)
	files := zipFiles(t, b)
	assert.Contains(t, files, "fa.bin/fa.bin")
	assert.Contains(t, files, "Sub/fb.bin/fb.bin", "the subfolder stays a folder in the ZIP")
}

// asyncFixture has three assets of 200 kB and a 300 kB part cap, so an
// archive of all three has three parts.
func asyncFixture(t *testing.T, opts *dam.Options) (*fixture, []string) {
	t.Helper()
	if opts == nil {
		opts = &dam.Options{}
	}
	opts.MaxPartSize = 300_000
	f := newFixture(t, opts)
	var ids []string
	for i := range 3 {
		a := f.upload(t, f.owner, "photo-"+string(rune('1'+i))+".bin", noise(uint64(10+i), 200_000))
		ids = append(ids, a.ID)
	}
	return f, ids
}

func TestDownloadAsyncParts(t *testing.T) {
	f, ids := asyncFixture(t, nil)
	j, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: ids, Async: true})
	require.NoError(t, err)
	assert.Equal(t, dam.JobQueued, j.Status)

	n, err := f.lib.ProcessJobs(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	j, err = f.lib.Job(f.owner, j.ID)
	require.NoError(t, err)
	assert.Equal(t, dam.JobDone, j.Status)
	assert.Equal(t, 3, j.EntriesDone)
	assert.Equal(t, j.BytesTotal, j.BytesDone)
	require.Len(t, j.Parts, 3)
	seen := map[string]bool{}
	for _, part := range j.Parts {
		assert.True(t, part.Ready)
		assert.LessOrEqual(t, part.Size, int64(300_000))
		p, b := readPart(t, f.owner, f.lib, j.ID, part.Number)
		assert.Equal(t, part.ETag, p.ETag)
		for name := range zipFiles(t, b) {
			seen[name] = true
		}
	}
	assert.Len(t, seen, 4) // three photos and the manifest
	assert.Len(t, f.keys(t, "archives/"+j.ID+"/"), 3)

	ns, _, err := f.lib.Inbox(f.owner, false, "", 10)
	require.NoError(t, err)
	require.NotEmpty(t, ns)
	assert.Equal(t, dam.NotifyArchiveReady, ns[0].Kind)

	// Past the TTL the parts are deleted and the job is expired.
	f.clock.t = f.clock.t.Add(8 * 24 * time.Hour)
	expired, err := f.lib.SweepArchives(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, expired)
	assert.Empty(t, f.keys(t, "archives/"))
	_, err = f.lib.OpenPart(f.owner, j.ID, 1)
	assert.Equal(t, dam.Gone, kindOf(t, err))
	j, err = f.lib.Job(f.owner, j.ID)
	require.NoError(t, err)
	assert.Equal(t, dam.JobExpired, j.Status)
}

func TestDownloadJobSurvivesRestart(t *testing.T) {
	f, ids := asyncFixture(t, nil)
	j, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: ids, Async: true})
	require.NoError(t, err)
	// A worker claims it and dies.
	claimed, err := f.lib.Store().ClaimJob(t.Context(), "dead-worker", f.clock.t)
	require.NoError(t, err)
	assert.Equal(t, j.ID, claimed.ID)
	assert.Equal(t, dam.JobRunning, claimed.Status)

	// Restart: a new Library on the same store, some minutes later.
	clock := &stepClock{t: f.clock.t.Add(10 * time.Minute)}
	lib := dam.New(f.lib.Store(), f.bucket, clock.now, nil, &dam.Options{MaxPartSize: 300_000})
	requeued, err := lib.RecoverJobs(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, requeued)
	n, err := lib.ProcessJobs(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	j, err = lib.Job(f.owner, j.ID)
	require.NoError(t, err)
	assert.Equal(t, dam.JobDone, j.Status)
	assert.Equal(t, 2, j.Attempts)
}

func TestDownloadJobFailsAfterAttempts(t *testing.T) {
	f, ids := asyncFixture(t, &dam.Options{MaxJobAttempts: 1})
	j, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: ids, Async: true})
	require.NoError(t, err)
	_, err = f.lib.Store().ClaimJob(t.Context(), "dead-worker", f.clock.t)
	require.NoError(t, err)
	f.clock.t = f.clock.t.Add(time.Hour)
	requeued, err := f.lib.RecoverJobs(t.Context())
	require.NoError(t, err)
	assert.Zero(t, requeued)
	j, err = f.lib.Job(f.owner, j.ID)
	require.NoError(t, err)
	assert.Equal(t, dam.JobFailed, j.Status)
	assert.Contains(t, j.Error, "stopped")
	_, err = f.lib.OpenPart(f.owner, j.ID, 1)
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, err))
}

func TestDownloadLimits(t *testing.T) {
	f, ids := asyncFixture(t, &dam.Options{MaxConcurrentArchives: 1, MaxArchiveBytes: 500_000})
	_, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: ids})
	assert.Equal(t, dam.TooLarge, kindOf(t, err))

	queued, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: ids[:2], Async: true})
	require.NoError(t, err)
	_, err = f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: ids[:2], Async: true})
	assert.Equal(t, dam.ResourceExhausted, kindOf(t, err))
	ready, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: ids[:2]})
	require.NoError(t, err)
	_, err = f.lib.OpenPart(f.owner, ready.ID, 1)
	assert.Equal(t, dam.ResourceExhausted, kindOf(t, err))

	// Cancelling the queued job frees the slot; an open stream holds it
	// against another download, while a second connection to the same
	// part (a download manager's range) is the same download.
	require.NoError(t, f.lib.CancelJob(f.owner, queued.ID))
	other, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: ids[1:3]})
	require.NoError(t, err)
	p, err := f.lib.OpenPart(f.owner, ready.ID, 1)
	require.NoError(t, err)
	_, err = f.lib.OpenPart(f.owner, other.ID, 1)
	assert.Equal(t, dam.ResourceExhausted, kindOf(t, err))
	p2, err := f.lib.OpenPart(f.owner, ready.ID, 1)
	require.NoError(t, err)
	require.NoError(t, p.Close())
	_, err = f.lib.OpenPart(f.owner, other.ID, 1)
	assert.Equal(t, dam.ResourceExhausted, kindOf(t, err), "the part's second connection still holds the slot")
	require.NoError(t, p2.Close())
	p, err = f.lib.OpenPart(f.owner, other.ID, 1)
	require.NoError(t, err)
	require.NoError(t, p.Close())

	_, err = f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: ids[:2], Stream: true})
	require.NoError(t, err)
	small, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: ids[:1], Stream: true})
	require.NoError(t, err)
	assert.True(t, small.Single)
}

func TestDownloadJobsListAndCancel(t *testing.T) {
	f, ids := asyncFixture(t, nil)
	a, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: ids, Async: true})
	require.NoError(t, err)
	b, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: ids[:2]})
	require.NoError(t, err)
	js, next, err := f.lib.Jobs(f.owner, "", 10)
	require.NoError(t, err)
	assert.Empty(t, next)
	require.Len(t, js, 2)
	assert.Equal(t, b.ID, js[0].ID)
	assert.Equal(t, a.ID, js[1].ID)
	_, err = f.lib.ProcessJobs(t.Context())
	require.NoError(t, err)
	require.NotEmpty(t, f.keys(t, "archives/"+a.ID+"/"))
	require.NoError(t, f.lib.CancelJob(f.owner, a.ID))
	assert.Empty(t, f.keys(t, "archives/"+a.ID+"/"))
	_, err = f.lib.Job(f.owner, a.ID)
	assert.Equal(t, dam.NotFound, kindOf(t, err))
}

// TestDownloadProfilesInArchives: a collection's default profile and an
// item's own profile put renditions (known entries, so the ZIP stays
// rangeable) beside an original; a profile that cannot render an asset
// skips it with the reason.
func TestDownloadProfilesInArchives(t *testing.T) {
	f := newFixture(t, nil)
	f.profile(t, dam.Profile{Name: "small", Width: 64, Height: 64, Format: rendition.FormatPNG})
	photo := f.photo(t, f.owner, "beach.jpeg")
	other := f.photo(t, f.owner, "dune.jpeg")
	text := f.upload(t, f.owner, "notes.txt", "plain text")
	c, err := f.lib.CreateCollection(f.owner, "Press", "small")
	require.NoError(t, err)
	_, err = f.lib.AddToCollection(f.owner, c.ID, []dam.CollectionItem{
		{AssetID: photo.ID}, {AssetID: other.ID, Profile: "original"}, {AssetID: text.ID}})
	require.NoError(t, err)

	j, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{CollectionID: c.ID})
	require.NoError(t, err)
	// The text file, which the profile does not apply to, goes in as its
	// original (the manifest says so) rather than being skipped.
	require.Len(t, j.Items, 3)
	assert.Empty(t, j.Skipped)

	p, b := readPart(t, f.owner, f.lib, j.ID, 1)
	assert.NotEmpty(t, p.ETag, "renditions are known entries: the archive is rangeable")
	files := zipFiles(t, b)
	assert.Contains(t, files, "beach.png")
	assert.Contains(t, files, "dune.jpeg")
	assert.Equal(t, "plain text", string(files["notes.txt"]))
	assert.Contains(t, string(files["manifest.json"]), "export profile small does not apply to text/plain")
	_, again := readPart(t, f.owner, f.lib, j.ID, 1)
	assert.Equal(t, b, again)

	_, err = f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: []string{photo.ID}, Profile: "print"})
	assert.Equal(t, dam.Invalid, kindOf(t, err))
}

// A selection whose renditions are expected to take longer than
// SyncMaxPrep to prepare becomes a job, however few assets it has.
func TestDownloadSlowPreparationGoesAsync(t *testing.T) {
	f := newFixture(t, &dam.Options{RenderRate: 1000, SyncMaxPrep: time.Second})
	f.profile(t, dam.Profile{Name: "small", Width: 64, Height: 64, Format: rendition.FormatPNG})
	photo := f.photo(t, f.owner, "beach.jpeg")

	j, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: []string{photo.ID}})
	require.NoError(t, err)
	assert.Equal(t, dam.JobReady, j.Status, "an original needs no preparation")

	j, err = f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: []string{photo.ID}, Profile: "small"})
	require.NoError(t, err)
	assert.Equal(t, dam.JobQueued, j.Status, "a rendition of more pixels than a second's worth goes to the worker")
}
