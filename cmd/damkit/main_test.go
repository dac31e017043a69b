package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/client"
	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/dam/sqlstore"
)

// testServer is a real damhttp server on a SQLite library.
type testServer struct {
	lib *dam.Library
	url string
	key string
	c   *client.Client
}

func newTestServer(t *testing.T, mw func(http.Handler) http.Handler) *testServer {
	t.Helper()
	dir := t.TempDir()
	lib, err := dam.Open(t.Context(), dam.Config{
		StoreURL:  "sqlite://" + filepath.Join(dir, "dam.db"),
		BucketURL: "file://" + filepath.ToSlash(filepath.Join(dir, "blobs")),
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
	c, err := client.New(hs.URL, key, nil)
	require.NoError(t, err)
	t.Setenv("DAMKIT_CONFIG", filepath.Join(t.TempDir(), "config.json"))
	t.Setenv("DAMKIT_SERVER", hs.URL)
	t.Setenv("DAMKIT_KEY", key)
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // the default journal's place
	return &testServer{lib: lib, url: hs.URL, key: key, c: c}
}

// damkit runs one command line and returns its exit code and output.
func damkit(ctx context.Context, stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(ctx, args, strings.NewReader(stdin), &out, &errb, false)
	return code, out.String(), errb.String()
}

// tree writes files (path → content) under a new directory.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(c), 0o644))
	}
	return dir
}

func TestLoginSavesAPrivateConfig(t *testing.T) {
	s := newTestServer(t, nil)
	t.Setenv("DAMKIT_KEY", "")
	t.Setenv("DAMKIT_SERVER", "")
	cfg := filepath.Join(t.TempDir(), "sub", "config.json")
	t.Setenv("DAMKIT_CONFIG", cfg)

	code, _, errs := damkit(t.Context(), "", "ls")
	assert.Equal(t, exitUsage, code, "no login yet: %s", errs)
	code, _, errs = damkit(t.Context(), "not-a-key\n", "login", "-server", s.url)
	assert.Equal(t, exitAuth, code, errs)
	assert.NoFileExists(t, cfg, "a refused key is not saved")

	code, out, errs := damkit(t.Context(), s.key+"\n", "login", "-server", s.url)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "as owner@example.com")
	st, err := os.Stat(cfg)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	code, _, errs = damkit(t.Context(), "", "ls")
	assert.Equal(t, exitOK, code, "the saved login is used: %s", errs)
}

func TestExitCodes(t *testing.T) {
	s := newTestServer(t, nil)
	ctx := t.Context()
	for _, tc := range []struct {
		args []string
		code int
	}{
		{nil, exitUsage},
		{[]string{"help"}, exitOK},
		{[]string{"frobnicate"}, exitUsage},
		{[]string{"upload", "-nope", "x"}, exitUsage},
		{[]string{"upload"}, exitUsage},
		{[]string{"upload", "-j", "0", "x"}, exitUsage},
		{[]string{"upload", "/does/not/exist"}, exitUsage},
		{[]string{"download", "asset", "nope"}, exitNotFound},
		{[]string{"download", "planet", "x"}, exitUsage},
		{[]string{"ls", "no/such/folder"}, exitNotFound},
		{[]string{"requests", "fly"}, exitUsage},
		{[]string{"-key", "x", "ls"}, exitUsage},
		{[]string{"ls", "-key", "wrong-key"}, exitAuth},
	} {
		code, _, errs := damkit(ctx, "", tc.args...)
		assert.Equal(t, tc.code, code, "%v: %s", tc.args, errs)
	}
	_ = s
}

// summary runs an upload with -json and decodes its summary.
func summary(t *testing.T, ctx context.Context, wantCode int, args ...string) uploadSummary {
	t.Helper()
	code, out, errs := damkit(ctx, "", append([]string{"upload", "-json"}, args...)...)
	require.Equal(t, wantCode, code, "%s\n%s", out, errs)
	var sum uploadSummary
	require.NoError(t, json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &sum), out)
	return sum
}

func TestUploadRecreatesTheTreeWithMetadata(t *testing.T) {
	s := newTestServer(t, nil)
	ctx := t.Context()
	dir := tree(t, map[string]string{
		"photos/a.txt":             "alpha",
		"photos/2024/b.txt":        "beta",
		"photos/2024/summer/c.txt": "gamma",
		"photos/2024/summer/c.txt.xmp": `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Sea at noon</rdf:li></rdf:Alt></dc:title>
<dc:subject><rdf:Bag><rdf:li>sea</rdf:li><rdf:li>noon</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>`,
		"photos/.hidden/x.txt": "not sent",
		"photos/.DS_Store":     "not sent",
	})
	man := filepath.Join(dir, "manifest.csv")
	require.NoError(t, os.WriteFile(man, []byte("path,title,keywords,credit\n"+
		filepath.Join(dir, "photos/a.txt")+",The A,one;two,ACME\n"), 0o644))

	sum := summary(t, ctx, exitOK, "-manifest", man, filepath.Join(dir, "photos"))
	assert.Equal(t, 3, sum.Files)
	assert.Equal(t, 3, sum.Uploaded)

	all, err := client.Collect(s.c.Assets(ctx, dam.AssetQuery{}))
	require.NoError(t, err)
	require.Len(t, all, 3)
	byName := map[string]dam.Asset{}
	for _, a := range all {
		byName[a.Name] = a
	}
	assert.Equal(t, "The A", byName["a.txt"].Meta.Title)
	assert.Equal(t, []string{"one", "two"}, byName["a.txt"].Meta.Keywords)
	assert.Equal(t, "ACME", byName["a.txt"].Meta.Fields["credit"])
	assert.Equal(t, "Sea at noon", byName["c.txt"].Meta.Title)
	assert.Equal(t, []string{"sea", "noon"}, byName["c.txt"].Meta.Keywords)

	tr, err := loadFolders(ctx, s.c)
	require.NoError(t, err)
	assert.Equal(t, "/photos/2024/summer", tr.path(byName["c.txt"].FolderID))
	assert.Equal(t, "/photos/2024", tr.path(byName["b.txt"].FolderID))
	assert.Equal(t, "/photos", tr.path(byName["a.txt"].FolderID))

	// Into another folder: the same bytes there are not "present".
	code, _, errs := damkit(ctx, "", "upload", "-to", "photos/2024", filepath.Join(dir, "photos/a.txt"))
	require.Equal(t, exitOK, code, errs)
	bFolder := byName["b.txt"].FolderID
	in, err := client.Collect(s.c.Assets(ctx, dam.AssetQuery{FolderID: &bFolder}))
	require.NoError(t, err)
	assert.Len(t, in, 2)
}

// stopAfter cancels the command's context once n uploads have been
// answered, as Ctrl-C would midway through a run. Its busy counts the
// requests the server is still handling, which may outlive the command.
func stopAfter(n int64, cancel context.CancelFunc) (mw func(http.Handler) http.Handler, busy *atomic.Int64) {
	var done atomic.Int64
	busy = new(atomic.Int64)
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			busy.Add(1)
			defer busy.Add(-1)
			h.ServeHTTP(w, r)
			if r.Method == "POST" && r.URL.Path == "/api/v1/assets" && done.Add(1) == n {
				cancel()
			}
		})
	}, busy
}

// waitIdle returns once no request has been in the server for 200 ms.
func waitIdle(t *testing.T, busy *atomic.Int64) {
	t.Helper()
	idleSince := time.Now()
	for time.Since(idleSince) < 200*time.Millisecond {
		if busy.Load() != 0 {
			idleSince = time.Now()
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestUploadResumesAndSkips(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	mw, busy := stopAfter(20, cancel)
	s := newTestServer(t, mw)
	files := map[string]string{}
	for i := range 60 {
		files["set/f"+strconv.Itoa(i)+".txt"] = "file number " + strconv.Itoa(i)
	}
	dir := tree(t, files)
	journal := filepath.Join(t.TempDir(), "journal.jsonl")

	first := summary(t, ctx, exitInterrupted, "-j", "2", "-journal", journal, filepath.Join(dir, "set"))
	assert.GreaterOrEqual(t, first.Uploaded, 18, "most of the first 20 made it")
	assert.Less(t, first.Uploaded, 60)
	// An upload the interrupted run gave up on may still be committing.
	waitIdle(t, busy)
	n1, err := client.Collect(s.c.Assets(t.Context(), dam.AssetQuery{}))
	require.NoError(t, err)

	// Rerun: only the rest is sent; what reached the server without
	// reaching the journal is found by its digest.
	second := summary(t, t.Context(), exitOK, "-j", "2", "-journal", journal, filepath.Join(dir, "set"))
	assert.Equal(t, 60-len(n1), second.Uploaded, "only the rest")
	assert.Equal(t, len(n1), second.SkippedJourn+second.SkippedServer)
	all, err := client.Collect(s.c.Assets(t.Context(), dam.AssetQuery{}))
	require.NoError(t, err)
	names := map[string]int{}
	for _, a := range all {
		names[a.Name]++
	}
	assert.Len(t, names, 60)
	for n, c := range names {
		assert.Equal(t, 1, c, "%s is there once", n)
	}

	third := summary(t, t.Context(), exitOK, "-journal", journal, filepath.Join(dir, "set"))
	assert.Equal(t, 60, third.SkippedJourn, "a third run reads nothing: the journal knows every file")
	assert.Zero(t, third.Uploaded)

	// Without the journal (another machine), the server's digests skip all.
	fourth := summary(t, t.Context(), exitOK, "-journal", journal+".other", filepath.Join(dir, "set"))
	assert.Equal(t, 60, fourth.SkippedServer)
	// A changed file is sent again, as a new version of its asset.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "set", "f1.txt"), []byte("changed"), 0o644))
	fifth := summary(t, t.Context(), exitOK, "-journal", journal, filepath.Join(dir, "set"))
	assert.Equal(t, 1, fifth.Uploaded)
	assert.Equal(t, 1, fifth.Versions)
	f1, err := client.Collect(s.c.Assets(t.Context(), dam.AssetQuery{Text: "f1.txt", Limit: 100}))
	require.NoError(t, err)
	var versions int
	var f1ID string
	for _, a := range f1 {
		if a.Name == "f1.txt" {
			versions, f1ID = a.Current.Number, a.ID
		}
	}
	assert.Equal(t, 2, versions, "f1.txt has a second version, not a twin")
	all, err = client.Collect(s.c.Assets(t.Context(), dam.AssetQuery{}))
	require.NoError(t, err)
	assert.Len(t, all, 60)

	// Deleted on the server since: the changed file becomes a new asset.
	require.NoError(t, s.c.DeleteAsset(t.Context(), f1ID))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "set", "f1.txt"), []byte("changed again"), 0o644))
	sixth := summary(t, t.Context(), exitOK, "-journal", journal, filepath.Join(dir, "set"))
	assert.Equal(t, 1, sixth.Uploaded)
	assert.Zero(t, sixth.Versions)
}

func TestJournalIgnoresACutLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(`{"path":"/a","size":1,"mtime_ns":2,"sha256":"x","folder_id":"","asset_id":"A"}`+"\n"+`{"path":"/b","si`), 0o600))
	j, err := openJournal(path)
	require.NoError(t, err)
	assert.True(t, j.has("/a", 1, 2, ""))
	assert.False(t, j.has("/a", 1, 3, ""), "a changed file is not done")
	assert.False(t, j.has("/b", 1, 2, ""))
	require.NoError(t, j.Close())
}

func TestDownloadCommands(t *testing.T) {
	s := newTestServer(t, nil)
	ctx := t.Context()
	dir := tree(t, map[string]string{"kit/a.txt": strings.Repeat("a", 5000), "kit/b.txt": "bee"})
	summary(t, ctx, exitOK, filepath.Join(dir, "kit"))
	all, err := client.Collect(s.c.Assets(ctx, dam.AssetQuery{Sort: "name"}))
	require.NoError(t, err)
	require.Len(t, all, 2)

	out := t.TempDir()
	code, stdout, errs := damkit(ctx, "", "download", "-json", "-o", out, "asset", all[0].ID, all[1].ID)
	require.Equal(t, exitOK, code, errs)
	var res downloadResult
	require.NoError(t, json.Unmarshal([]byte(stdout), &res))
	assert.Len(t, res.Files, 2)
	b, err := os.ReadFile(filepath.Join(out, "a.txt"))
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("a", 5000), string(b))

	code, stdout, errs = damkit(ctx, "", "download", "-json", "-o", out, "folder", "kit")
	require.Equal(t, exitOK, code, errs)
	res = downloadResult{}
	require.NoError(t, json.Unmarshal([]byte(stdout), &res))
	require.Len(t, res.Files, 1)
	assert.Equal(t, filepath.Join(out, "kit.zip"), res.Files[0])
	require.NoError(t, client.VerifyZip(res.Files[0]))

	col, err := s.c.CreateCollection(ctx, "Picks", "")
	require.NoError(t, err)
	_, err = s.c.AddToCollection(ctx, col.ID, []dam.CollectionItem{{AssetID: all[0].ID}, {AssetID: all[1].ID}})
	require.NoError(t, err)
	code, stdout, errs = damkit(ctx, "", "download", "-json", "-o", out, "collection", col.ID)
	require.Equal(t, exitOK, code, errs)
	res2 := downloadResult{}
	require.NoError(t, json.Unmarshal([]byte(stdout), &res2))
	require.Len(t, res2.Files, 1)
	require.NoError(t, client.VerifyZip(res2.Files[0]))

	code, _, errs = damkit(ctx, "", "download", "-o", out, "job", res.Job)
	assert.Equal(t, exitOK, code, "an existing job is fetched again: %s", errs)
	code, _, errs = damkit(ctx, "", "download", "-o", out, "search", "b")
	assert.Equal(t, exitOK, code, errs)
	code, _, _ = damkit(ctx, "", "download", "-o", out, "search", "nothing-like-this")
	assert.Equal(t, exitNotFound, code)
}

// A profile that changes the format gives the file its format's
// extension: a PNG fetched with a JPEG profile is saved as .jpg.
func TestDownloadWithProfileTakesItsExtension(t *testing.T) {
	s := newTestServer(t, nil)
	ctx := t.Context()
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 64, 48))))
	a, err := s.c.Upload(ctx, &buf, client.UploadOptions{UploadOptions: dam.UploadOptions{Name: "chart.png"}})
	require.NoError(t, err)
	_, err = s.c.CreateProfile(ctx, dam.Profile{Name: "small", Width: 32, Format: "jpeg"})
	require.NoError(t, err)
	out := t.TempDir()
	code, stdout, errs := damkit(ctx, "", "download", "-json", "-o", out, "-profile", "small", "asset", a.ID)
	require.Equal(t, exitOK, code, errs)
	var res downloadResult
	require.NoError(t, json.Unmarshal([]byte(stdout), &res))
	require.Equal(t, []string{filepath.Join(out, "chart.jpg")}, res.Files)
	b, err := os.ReadFile(res.Files[0])
	require.NoError(t, err)
	assert.Equal(t, []byte{0xFF, 0xD8}, b[:2], "a JPEG")
	_, err = os.Stat(filepath.Join(out, "chart.png"))
	assert.True(t, os.IsNotExist(err), "no file under the original's name")
}

func TestRequestsShareAndEvents(t *testing.T) {
	s := newTestServer(t, nil)
	ctx := t.Context()
	a, err := s.c.Upload(ctx, strings.NewReader("plans"), client.UploadOptions{UploadOptions: dam.UploadOptions{Name: "plans.txt", Protection: dam.Protected}})
	require.NoError(t, err)
	v, err := s.c.CreateUser(ctx, dam.NewUser{Email: "v@example.com", Role: dam.RoleViewer})
	require.NoError(t, err)
	vc, err := client.New(s.url, v.APIKey, nil)
	require.NoError(t, err)
	_, err = vc.RequestDownload(ctx, dam.NewRequest{AssetIDs: []string{a.ID}, Reason: "press"})
	require.NoError(t, err)

	code, out, errs := damkit(ctx, "", "requests", "list", "-json")
	require.Equal(t, exitOK, code, errs)
	var r client.RequestView
	require.NoError(t, json.Unmarshal([]byte(out), &r), out)
	assert.Equal(t, "plans.txt", r.AssetName)
	code, out, errs = damkit(ctx, "", "requests", "approve", "-m", "ok", r.ID)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "approved")
	code, _, errs = damkit(ctx, "", "requests", "deny", r.ID)
	assert.Equal(t, exitConflict, code, "decided already: %s", errs)

	code, _, _ = damkit(ctx, "", "share", a.ID)
	assert.Equal(t, exitConflict, code, "shares are off until an owner turns them on")
	st, err := s.c.Settings(ctx)
	require.NoError(t, err)
	st.SharesEnabled = true
	_, err = s.c.UpdateSettings(ctx, st)
	require.NoError(t, err)
	code, out, errs = damkit(ctx, "", "share", "-guests", "g@example.com", a.ID)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "g@example.com  "+s.url+"/s/")

	code, out, errs = damkit(ctx, "", "export-events", "-asset", a.ID)
	require.Equal(t, exitOK, code, errs)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.NotEmpty(t, lines)
	for _, l := range lines {
		var ev dam.Event
		require.NoError(t, json.Unmarshal([]byte(l), &ev), l)
		assert.Equal(t, a.ID, ev.AssetID)
	}
	code, out, errs = damkit(ctx, "", "export-events", "-csv", "-since", "1h")
	require.Equal(t, exitOK, code, errs)
	assert.True(t, strings.HasPrefix(out, "id,time,action,actor_id,asset_id,detail\n"))
}

// flakyUploads refuses the first upload with a 503, and drops the answer
// of the second after the server has stored it (as a lost connection).
func flakyUploads() func(http.Handler) http.Handler {
	var n atomic.Int64
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != "POST" || r.URL.Path != "/api/v1/assets" {
				h.ServeHTTP(w, r)
				return
			}
			switch n.Add(1) {
			case 1:
				http.Error(w, "try later", http.StatusServiceUnavailable)
			case 2:
				h.ServeHTTP(httptest.NewRecorder(), r) // stored; the answer is lost
				panic(http.ErrAbortHandler)
			default:
				h.ServeHTTP(w, r)
			}
		})
	}
}

func TestUploadRetriesWithoutDoubling(t *testing.T) {
	s := newTestServer(t, flakyUploads())
	dir := tree(t, map[string]string{"r/a.txt": "first", "r/b.txt": "second", "r/c.txt": "third"})
	sum := summary(t, t.Context(), exitOK, "-j", "1", filepath.Join(dir, "r"))
	assert.Equal(t, 3, sum.Uploaded)
	assert.Zero(t, sum.Failed)
	all, err := client.Collect(s.c.Assets(t.Context(), dam.AssetQuery{}))
	require.NoError(t, err)
	assert.Len(t, all, 3, "the upload whose answer was lost is not sent twice")
}
