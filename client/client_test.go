package client_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/client"
	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/dam/sqlstore"
)

// server is a real damhttp server on a SQLite library, and a client of it
// with the owner's key.
type server struct {
	lib *dam.Library
	url string
	key string
	c   *client.Client
}

// exercised records the operations the tests of this package sent to a
// real server; TestMain prints how many of the document's that is when
// DAMKIT_CLIENT_OPS is set (go test -v ./client with it set to 1).
var exercised sync.Map

func newServer(t *testing.T) *server {
	return newServerWith(t, nil, nil)
}

// newServerWith wraps the server's handler with mw (nil: none).
func newServerWith(t *testing.T, opts *dam.Options, mw func(http.Handler) http.Handler) *server {
	t.Helper()
	dir := t.TempDir()
	lib, err := dam.Open(t.Context(), dam.Config{
		StoreURL:  "sqlite://" + filepath.Join(dir, "dam.db"),
		BucketURL: "file://" + filepath.ToSlash(filepath.Join(dir, "blobs")),
		Options:   opts,
		OpenStore: func(ctx context.Context, url string) (dam.Store, error) { return sqlstore.Open(ctx, url, nil) },
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = lib.Close() })
	_, key, err := lib.CreateUser(t.Context(), dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	require.NoError(t, err)
	var h http.Handler = damhttp.New(lib, nil)
	if mw != nil {
		h = mw(h)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = lib.RunJobs(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	s := &server{lib: lib, url: hs.URL, key: key}
	s.c = s.client(t, key)
	return s
}

// client is a client of the server with key, recording what it sends.
func (s *server) client(t *testing.T, key string) *client.Client {
	c, err := client.New(s.url, key, nil)
	require.NoError(t, err)
	client.OnCall(c, func(op string) { exercised.Store(op, true) })
	return c
}

func hexSum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestNewRefusesBadURLs(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "localhost:8080", "http://"} {
		_, err := client.New(u, "k", nil)
		assert.Equal(t, dam.Invalid, dam.KindOf(err), u)
	}
}

func TestAssetsRoundTrip(t *testing.T) {
	s := newServer(t)
	ctx, c := t.Context(), s.c
	require.NoError(t, c.Health(ctx))
	me, err := c.Me(ctx)
	require.NoError(t, err)
	assert.Equal(t, "owner@example.com", me.Email)

	f, err := c.CreateFolder(ctx, "Press", "", "")
	require.NoError(t, err)
	var seen []int64
	content := bytes.Repeat([]byte("damkit "), 10_000)
	a, err := c.Upload(ctx, bytes.NewReader(content), client.UploadOptions{
		UploadOptions: dam.UploadOptions{Name: "a.txt", FolderID: f.ID, Meta: &dam.Metadata{Title: "Alpha", Keywords: []string{"one"}}},
		Progress:      func(n int64) { seen = append(seen, n) },
	})
	require.NoError(t, err)
	assert.Equal(t, "a.txt", a.Name)
	assert.Equal(t, "Alpha", a.Meta.Title)
	assert.Equal(t, f.ID, a.FolderID)
	require.NotEmpty(t, seen)
	assert.Equal(t, int64(len(content)), seen[len(seen)-1], "progress reaches the body's size")

	// A reader of unknown length goes chunked; an empty one is sent as
	// empty, which the server refuses.
	b, err := c.Upload(ctx, io.MultiReader(strings.NewReader("be"), strings.NewReader("ta")), client.UploadOptions{UploadOptions: dam.UploadOptions{Name: "b.txt"}})
	require.NoError(t, err)
	assert.Equal(t, int64(4), b.Current.Size)
	_, err = c.Upload(ctx, bytes.NewReader(nil), client.UploadOptions{UploadOptions: dam.UploadOptions{Name: "empty.txt"}})
	assert.Equal(t, dam.Invalid, dam.KindOf(err))

	got, err := c.Asset(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, a.Current.SHA256, got.Current.SHA256)

	// Errors are dam kinds across the wire, with the server's detail.
	_, err = c.Asset(ctx, "nope")
	assert.Equal(t, dam.NotFound, dam.KindOf(err))
	var apiErr *client.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.Status)
	assert.Equal(t, "not_found", apiErr.Code)
	for _, id := range []string{"a b", "a/b", "50%", "é?#"} {
		_, err = c.Asset(ctx, id)
		require.ErrorAs(t, err, &apiErr, id)
		assert.Equal(t, http.StatusNotFound, apiErr.Status, "%q reaches the asset route", id)
		assert.Contains(t, apiErr.Message, strconv.Quote(id), "the server reads the ID escaped once")
	}
	bad, err := client.New(s.url, "wrong key", nil)
	require.NoError(t, err)
	_, err = bad.Me(ctx)
	assert.Equal(t, dam.Unauthenticated, dam.KindOf(err))

	// Listings follow the cursor through every page.
	for i := range 5 {
		_, err := c.Upload(ctx, strings.NewReader(strings.Repeat("x", i+1)), client.UploadOptions{UploadOptions: dam.UploadOptions{Name: "p" + string(rune('a'+i)) + ".txt", FolderID: f.ID}})
		require.NoError(t, err)
	}
	all, err := client.Collect(c.Assets(ctx, dam.AssetQuery{FolderID: &f.ID, Limit: 2}))
	require.NoError(t, err)
	assert.Len(t, all, 6, "three pages of two")
	n := 0
	for range c.Assets(ctx, dam.AssetQuery{FolderID: &f.ID, Limit: 2}) {
		n++
		if n == 3 {
			break // stopping early is fine
		}
	}
	assert.Equal(t, 3, n)
	found, err := client.Collect(c.Assets(ctx, dam.AssetQuery{Text: "alpha"}))
	require.NoError(t, err)
	require.Len(t, found, 1)
	facets, err := c.AssetFacets(ctx, dam.AssetQuery{})
	require.NoError(t, err)
	assert.NotEmpty(t, facets.Kinds)

	// Ask by digest: what is in, in which folder.
	byHash, err := c.AssetsBySHA256(ctx, &f.ID, []string{hexSum(content), hexSum([]byte("beta")), hexSum([]byte("absent"))})
	require.NoError(t, err)
	require.Len(t, byHash, 1, "beta is at the root, not in the folder")
	assert.Equal(t, a.ID, byHash[0].ID)
	_, err = c.AssetsBySHA256(ctx, nil, []string{"NOT-HEX"})
	assert.Equal(t, dam.Invalid, dam.KindOf(err))

	title := "Alpha 2"
	edited, err := c.EditAsset(ctx, a.ID, dam.AssetPatch{Title: &title})
	require.NoError(t, err)
	assert.Equal(t, "Alpha 2", edited.Meta.Title)
	kw := []string{"bulk"}
	bulk, err := c.EditAssets(ctx, []string{a.ID, b.ID}, dam.AssetPatch{Keywords: &kw})
	require.NoError(t, err)
	assert.Len(t, bulk, 2)

	v2, err := c.AddVersion(ctx, a.ID, strings.NewReader("second version"), client.UploadOptions{})
	require.NoError(t, err)
	assert.Equal(t, 2, v2.Current.Number)
	vs, err := c.Versions(ctx, a.ID)
	require.NoError(t, err)
	assert.Len(t, vs, 2)
	require.NoError(t, c.DeleteVersion(ctx, a.ID, 2))

	note, err := c.AddNote(ctx, a.ID, "looks good")
	require.NoError(t, err)
	notes, err := c.Notes(ctx, a.ID)
	require.NoError(t, err)
	require.Len(t, notes, 1)
	assert.Equal(t, note.ID, notes[0].ID)
	cl, err := c.Clone(ctx, a.ID, dam.CloneOptions{Name: "a copy.txt"})
	require.NoError(t, err)
	assert.Equal(t, "a copy.txt", cl.Name)

	require.NoError(t, c.DeleteAsset(ctx, cl.ID))
	require.NoError(t, c.DeleteAssets(ctx, []string{b.ID}))
	trash, err := client.Collect(c.Trash(ctx))
	require.NoError(t, err)
	assert.Len(t, trash, 2)
	back, err := c.Restore(ctx, b.ID)
	require.NoError(t, err)
	assert.Equal(t, b.ID, back.ID)

	// Downloads: whole, and resumed after the connection breaks.
	var buf bytes.Buffer
	n64, err := c.Copy(ctx, c.AssetFile(a.ID, ""), &buf, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(len(content)), n64)
	assert.Equal(t, content, buf.Bytes())
	access, err := c.Access(ctx, a.ID)
	require.NoError(t, err)
	assert.True(t, access.CanDownload)

	folders, err := c.Folders(ctx)
	require.NoError(t, err)
	assert.Len(t, folders, 1)
	root := ""
	moved, err := c.EditFolder(ctx, f.ID, "Press 2026", &root)
	require.NoError(t, err)
	assert.Equal(t, "Press 2026", moved.Name)
	gotF, err := c.Folder(ctx, f.ID)
	require.NoError(t, err)
	assert.Equal(t, "Press 2026", gotF.Name)
	empty, err := c.CreateFolder(ctx, "Empty", f.ID, "")
	require.NoError(t, err)
	require.NoError(t, c.DeleteFolder(ctx, empty.ID))

	col, err := c.CreateCollection(ctx, "Picks", "")
	require.NoError(t, err)
	col, err = c.AddToCollection(ctx, col.ID, []dam.CollectionItem{{AssetID: a.ID}})
	require.NoError(t, err)
	gotCol, err := c.Collection(ctx, col.ID)
	require.NoError(t, err)
	assert.Len(t, gotCol.Items, 1)
	_, err = c.RemoveFromCollection(ctx, col.ID, []string{a.ID})
	require.NoError(t, err)
	cols, err := c.Collections(ctx)
	require.NoError(t, err)
	assert.Len(t, cols, 1)
	require.NoError(t, c.DeleteCollection(ctx, col.ID))

	events, err := client.Collect(c.Events(ctx, dam.EventQuery{AssetID: a.ID}))
	require.NoError(t, err)
	assert.NotEmpty(t, events)
	body, err := c.ExportEvents(ctx, dam.EventQuery{AssetID: a.ID}, "jsonl")
	require.NoError(t, err)
	lines, err := io.ReadAll(body)
	body.Close()
	require.NoError(t, err)
	assert.Equal(t, len(events), bytes.Count(lines, []byte("\n")), "every event, one a line")
	assert.True(t, bytes.HasPrefix(lines, []byte(`{"id":"`+events[len(events)-1].ID)), "oldest first")
	_, err = c.ExportEvents(ctx, dam.EventQuery{}, "xml")
	assert.Equal(t, dam.Invalid, dam.KindOf(err))
}

// flaky cuts the first answer of every download after a few bytes, as a
// dropped connection would.
func flaky(h http.Handler) http.Handler {
	var mu sync.Mutex
	cut := map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		first := !cut[r.URL.Path] && strings.HasSuffix(r.URL.Path, "/download")
		cut[r.URL.Path] = true
		mu.Unlock()
		if !first {
			h.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(&cutWriter{ResponseWriter: w, left: 1000}, r)
	})
}

type cutWriter struct {
	http.ResponseWriter
	left int
}

func (w *cutWriter) Write(b []byte) (int, error) {
	if len(b) > w.left {
		b = b[:w.left]
	}
	n, _ := w.ResponseWriter.Write(b)
	w.left -= n
	if w.left == 0 {
		panic(http.ErrAbortHandler) // the connection drops mid-body
	}
	return n, nil
}

func TestDownloadResumesWithRange(t *testing.T) {
	s := newServerWith(t, nil, flaky)
	ctx := t.Context()
	content := bytes.Repeat([]byte("0123456789"), 50_000)
	a, err := s.c.Upload(ctx, bytes.NewReader(content), client.UploadOptions{UploadOptions: dam.UploadOptions{Name: "big.bin"}})
	require.NoError(t, err)

	var buf bytes.Buffer
	n, err := s.c.Copy(ctx, s.c.AssetFile(a.ID, ""), &buf, nil)
	require.NoError(t, err, "the cut after 1,000 bytes is resumed with a Range request")
	assert.Equal(t, int64(len(content)), n)
	assert.True(t, bytes.Equal(content, buf.Bytes()))

	_, err = s.c.Copy(ctx, s.c.AssetFile("nope", ""), io.Discard, nil)
	assert.Equal(t, dam.NotFound, dam.KindOf(err))
}

func TestFetchFileResumesAcrossRuns(t *testing.T) {
	s := newServer(t)
	ctx := t.Context()
	content := bytes.Repeat([]byte("abcdefghij"), 30_000)
	a, err := s.c.Upload(ctx, bytes.NewReader(content), client.UploadOptions{UploadOptions: dam.UploadOptions{Name: "f.bin"}})
	require.NoError(t, err)
	dst := filepath.Join(t.TempDir(), "f.bin")

	// An earlier run stopped after 100,000 bytes (its .part and ETag remain).
	b, err := s.c.Open(ctx, s.c.AssetFile(a.ID, ""), 0, "")
	require.NoError(t, err)
	head := make([]byte, 100_000)
	_, err = io.ReadFull(b, head)
	require.NoError(t, err)
	b.Close()
	require.NoError(t, os.WriteFile(dst+".part", head, 0o644))
	require.NoError(t, os.WriteFile(dst+".part.etag", []byte(b.ETag), 0o644))

	var from int64 = -1
	n, err := s.c.FetchFile(ctx, s.c.AssetFile(a.ID, ""), dst, &client.FetchOptions{Progress: func(done, size int64) {
		if from < 0 {
			from = done
		}
	}})
	require.NoError(t, err)
	assert.Equal(t, int64(len(content)), n)
	assert.Greater(t, from, int64(100_000), "the first progress is past what the earlier run held")
	got, err := os.ReadFile(dst)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(content, got))
	assert.NoFileExists(t, dst+".part")
	assert.NoFileExists(t, dst+".part.etag")

	// A .part that holds every byte (stopped before its rename) is fetched again whole.
	require.NoError(t, os.WriteFile(dst+".part", content, 0o644))
	require.NoError(t, os.WriteFile(dst+".part.etag", []byte(b.ETag), 0o644))
	require.NoError(t, os.Remove(dst))
	_, err = s.c.FetchFile(ctx, s.c.AssetFile(a.ID, ""), dst, nil)
	require.NoError(t, err)
	got, err = os.ReadFile(dst)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(content, got))

	// A stale .part of another version (its ETag differs) is started over.
	require.NoError(t, os.WriteFile(dst+".part", []byte("stale bytes"), 0o644))
	require.NoError(t, os.WriteFile(dst+".part.etag", []byte(`"other"`), 0o644))
	require.NoError(t, os.Remove(dst))
	_, err = s.c.FetchFile(ctx, s.c.AssetFile(a.ID, ""), dst, nil)
	require.NoError(t, err)
	got, err = os.ReadFile(dst)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(content, got))
}

func TestJobPartsInParallel(t *testing.T) {
	s := newServerWith(t, &dam.Options{MaxPartSize: 120_000, SyncMaxAssets: 1}, nil)
	ctx := t.Context()
	var ids []string
	for i := range 6 {
		a, err := s.c.Upload(ctx, bytes.NewReader(bytes.Repeat([]byte{byte('a' + i)}, 50_000)),
			client.UploadOptions{UploadOptions: dam.UploadOptions{Name: string(rune('a'+i)) + ".bin"}})
		require.NoError(t, err)
		ids = append(ids, a.ID)
	}
	j, err := s.c.CreateDownload(ctx, dam.DownloadRequest{AssetIDs: ids, Async: true})
	require.NoError(t, err)
	var states []dam.JobStatus
	j, err = s.c.WaitDownload(ctx, j.ID, 20*time.Millisecond, func(j client.Job) { states = append(states, j.Status) })
	require.NoError(t, err)
	require.NotEmpty(t, states)
	require.Greater(t, len(j.Parts), 1, "several parts")

	dir := t.TempDir()
	paths, err := s.c.FetchParts(ctx, j, dir, &client.PartsOptions{Connections: 3, Verify: true})
	require.NoError(t, err)
	require.Len(t, paths, len(j.Parts))
	for i, p := range paths {
		st, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, j.Parts[i].Size, st.Size())
	}
	// A corrupt part fails the ZIP check.
	b, err := os.ReadFile(paths[0])
	require.NoError(t, err)
	i := bytes.Index(b, bytes.Repeat([]byte{'a'}, 100))
	require.Positive(t, i)
	b[i] = 'z'
	require.NoError(t, os.WriteFile(paths[0], b, 0o644))
	assert.Equal(t, dam.FailedPrecondition, dam.KindOf(client.VerifyZip(paths[0])))

	jobs, err := client.Collect(s.c.Downloads(ctx))
	require.NoError(t, err)
	assert.Len(t, jobs, 1)
	zipBody, err := s.c.StreamDownload(ctx, dam.DownloadRequest{AssetIDs: ids[:2]})
	require.NoError(t, err)
	zb, err := io.ReadAll(zipBody)
	zipBody.Close()
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(zb, []byte("PK")), "a ZIP")
	require.NoError(t, s.c.CancelDownload(ctx, j.ID))
	_, err = s.c.Download(ctx, j.ID)
	assert.Error(t, err)
}

func TestRequestsAndShares(t *testing.T) {
	s := newServer(t)
	ctx, c := t.Context(), s.c
	a, err := c.Upload(ctx, strings.NewReader("secret plans"), client.UploadOptions{UploadOptions: dam.UploadOptions{Name: "plans.txt"}})
	require.NoError(t, err)
	_, err = c.SetAssetProtection(ctx, a.ID, dam.Protected)
	require.NoError(t, err)
	viewer, err := c.CreateUser(ctx, dam.NewUser{Email: "v@example.com", Role: dam.RoleViewer})
	require.NoError(t, err)
	require.NotEmpty(t, viewer.APIKey)
	vc := s.client(t, viewer.APIKey)

	_, err = vc.Copy(ctx, vc.AssetFile(a.ID, ""), io.Discard, nil)
	require.Equal(t, dam.NeedsRequest, dam.KindOf(err), "%v", err)
	var apiErr *client.APIError
	require.True(t, errors.As(err, &apiErr))
	require.NotNil(t, apiErr.Request, "the refusal says how to ask")

	res, err := vc.RequestDownload(ctx, dam.NewRequest{AssetIDs: []string{a.ID}, Reason: "press kit"})
	require.NoError(t, err)
	require.Len(t, res.Requests, 1)
	pending, err := client.Collect(c.Requests(ctx, dam.RequestQuery{Status: dam.RequestStatus("pending")}))
	require.NoError(t, err)
	require.Len(t, pending, 1)
	decided, err := c.Decide(ctx, []dam.Decision{{RequestID: pending[0].ID, Approve: true, Message: "ok"}})
	require.NoError(t, err)
	require.Len(t, decided, 1)
	assert.Equal(t, "approved", decided[0].Status)
	var buf bytes.Buffer
	_, err = vc.Copy(ctx, vc.AssetFile(a.ID, ""), &buf, nil)
	require.NoError(t, err)
	assert.Equal(t, "secret plans", buf.String())
	grants, err := c.Grants(ctx, dam.GrantQuery{UserID: viewer.ID})
	require.NoError(t, err)
	require.Len(t, grants, 1)
	_, err = c.RevokeGrant(ctx, grants[0].ID)
	require.NoError(t, err)
	_, err = c.Decide(ctx, []dam.Decision{{RequestID: pending[0].ID, Approve: false}})
	assert.Error(t, err, "a decided request cannot be decided again")
	inbox, err := client.Collect(vc.Inbox(ctx, false))
	require.NoError(t, err)
	assert.NotEmpty(t, inbox)
	_, err = vc.MarkRead(ctx, nil)
	require.NoError(t, err)

	_, err = c.SetAssetProtection(ctx, a.ID, dam.Unprotected)
	require.NoError(t, err)
	st, err := c.Settings(ctx)
	require.NoError(t, err)
	st.SharesEnabled = true
	st, err = c.UpdateSettings(ctx, st)
	require.NoError(t, err)
	assert.True(t, st.SharesEnabled)
	yes := true
	prot, err := client.Collect(c.Assets(ctx, dam.AssetQuery{Protected: &yes, Availability: dam.Available}))
	require.NoError(t, err)
	for _, pa := range prot {
		assert.NotEqual(t, a.ID, pa.ID, "the asset made unprotected above is not listed as protected")
	}
	no := false
	unprot, err := client.Collect(c.Assets(ctx, dam.AssetQuery{Protected: &no, Availability: dam.Available}))
	require.NoError(t, err)
	assert.True(t, slices.ContainsFunc(unprot, func(u dam.Asset) bool { return u.ID == a.ID }), "it is listed as unprotected")
	ms, err := c.MetadataSchema(ctx)
	require.NoError(t, err)
	ms.Fields = []dam.SchemaField{{Key: "client", Label: "Client", Type: dam.FieldText}}
	ms, err = c.SetMetadataSchema(ctx, ms)
	require.NoError(t, err)
	assert.Equal(t, 1, ms.Version)
	_, err = c.SetMetadataSchema(ctx, dam.MetadataSchema{Version: 0})
	assert.Equal(t, dam.FailedPrecondition, dam.KindOf(err), "a stale version loses")
	sh, err := c.CreateShare(ctx, dam.NewShare{Title: "For the press", AssetIDs: []string{a.ID}, Days: 7, Guests: "guest@example.com"})
	require.NoError(t, err)
	require.NotEmpty(t, sh.Links, "the guest's link comes back once")
	token := sh.Links[0].Token
	anon, err := client.New(s.url, "", nil)
	require.NoError(t, err)
	gs, err := anon.GuestShare(ctx, token)
	require.NoError(t, err)
	require.Len(t, gs.Assets, 1)
	buf.Reset()
	_, err = anon.Copy(ctx, anon.ShareFile(token, a.ID, ""), &buf, nil)
	require.NoError(t, err)
	assert.Equal(t, "secret plans", buf.String())
	_, err = anon.GuestShare(ctx, "not-a-token")
	assert.Equal(t, dam.NotFound, dam.KindOf(err))
	shares, err := c.Shares(ctx)
	require.NoError(t, err)
	assert.Len(t, shares, 1)
	usage, err := c.ShareUsage(ctx, sh.ID)
	require.NoError(t, err)
	assert.NotNil(t, usage)
	require.NoError(t, c.DeleteShare(ctx, sh.ID))
}

func TestDownloadCrops(t *testing.T) {
	s := newServer(t)
	ctx := t.Context()
	var img bytes.Buffer
	require.NoError(t, png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 40, 30))))
	a, err := s.c.Upload(ctx, &img, client.UploadOptions{UploadOptions: dam.UploadOptions{Name: "photo.png"}})
	require.NoError(t, err)
	_, err = s.c.CreateProfile(ctx, dam.Profile{Name: "square", Width: 20, Height: 20, Fit: "smart", Format: "png", SmartCrop: true})
	require.NoError(t, err)
	j, err := s.c.DownloadCrops(ctx, a.ID, &client.CropsOptions{Original: true, Async: true})
	require.NoError(t, err)
	j, err = s.c.WaitDownload(ctx, j.ID, 20*time.Millisecond, nil)
	require.NoError(t, err)
	paths, err := s.c.FetchParts(ctx, j, t.TempDir(), nil)
	require.NoError(t, err)
	require.Len(t, paths, 1)
	zr, err := zip.OpenReader(paths[0])
	require.NoError(t, err)
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	assert.ElementsMatch(t, []string{"photo.png", "photo_square.png"}, names)
}
