package main

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/internal/s3test"
	"github.com/damkit/damkit/storage"
)

const mpAdminKey = "multiprocess-admin-key-0123456789"

// process is one server binary sharing the database and the bucket.
type process struct {
	t    testing.TB
	cmd  *exec.Cmd
	base string
	log  string
}

// TestTwoProcesses runs two server processes on one PostgreSQL database
// and one S3 bucket: an approval on one is seen at once on the other, async
// archive jobs are each built exactly once even when a process is killed
// mid-job, and the trash sweep runs in one process only.
func TestTwoProcesses(t *testing.T) {
	pg := os.Getenv("DAMKIT_POSTGRES_URL")
	_, vgwErr := exec.LookPath("versitygw")
	if pg == "" || (vgwErr != nil && os.Getenv("DAMKIT_S3_URL") == "") {
		t.Skip("needs PostgreSQL (DAMKIT_POSTGRES_URL, set by bench/sqlstore/with-postgres.sh) and versitygw on PATH (or DAMKIT_S3_URL)")
	}
	s3 := s3test.Start(t)
	bucketURL := s3.NewBucket(t)
	storeURL := postgresSchema(t, pg)

	bin := filepath.Join(t.TempDir(), "server")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	env := append(os.Environ(), s3.Env...)
	a := startProcess(t, bin, env, "a", storeURL, bucketURL, "-presign", "60s")
	b := startProcess(t, bin, env, "b", storeURL, bucketURL)

	st, err := sqlstore.Open(t.Context(), storeURL, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	bucket, err := storage.Open(t.Context(), bucketURL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = bucket.Close() })

	t.Run("approval on A is seen at once on B", func(t *testing.T) {
		var viewer struct {
			APIKey string `json:"api_key"`
		}
		a.json(mpAdminKey, "POST", "/api/v1/users", map[string]any{"email": "viewer@example.com", "role": "viewer"}, 201, &viewer)
		var folder dam.Folder
		a.json(mpAdminKey, "POST", "/api/v1/folders", map[string]any{"name": "Press"}, 201, &folder)
		asset := a.upload("logo.bin", folder.ID, []byte("the logo bytes"))
		a.json(mpAdminKey, "PUT", "/api/v1/folders/"+folder.ID+"/protection", map[string]any{"protection": "protected"}, 200, nil)

		status, _, _ := b.get(viewer.APIKey, "/api/v1/assets/"+asset.ID+"/download")
		require.Equal(t, http.StatusForbidden, status, "protected before the approval")
		var created struct{ Requests []dam.Request }
		b.json(viewer.APIKey, "POST", "/api/v1/requests", map[string]any{"asset_ids": []string{asset.ID}, "reason": "press"}, 201, &created)
		require.Len(t, created.Requests, 1)
		a.json(mpAdminKey, "POST", "/api/v1/requests/decisions", map[string]any{
			"decisions": []map[string]any{{"request_id": created.Requests[0].ID, "approve": true}}}, 200, nil)
		status, body, _ := b.get(viewer.APIKey, "/api/v1/assets/"+asset.ID+"/download")
		require.Equal(t, http.StatusOK, status, "B sees A's approval on the next request: %s", body)
		assert.Equal(t, "the logo bytes", string(body))

		// A presigns: the viewer is sent to the bucket, which serves the bytes.
		status, _, loc := a.get(viewer.APIKey, "/api/v1/assets/"+asset.ID+"/download")
		require.Equal(t, http.StatusFound, status)
		resp, err := http.Get(loc)
		require.NoError(t, err)
		direct, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, "the logo bytes", string(direct))
	})

	t.Run("the trash sweep runs once", func(t *testing.T) {
		asset := b.upload("old.bin", "", []byte("to be purged"))
		b.json(mpAdminKey, "DELETE", "/api/v1/assets/"+asset.ID, nil, 204, nil)
		purges := func() int { // -1 when the log cannot be read
			es, _, err := st.Events(t.Context(), dam.EventQuery{AssetID: asset.ID, Action: dam.EventPurge, Limit: 10})
			if err != nil {
				return -1
			}
			return len(es)
		}
		require.Eventually(t, func() bool { return purges() > 0 }, 30*time.Second, 100*time.Millisecond, "the trash is purged")
		time.Sleep(2 * time.Second) // two more sweep rounds of both processes
		assert.Equal(t, 1, purges(), "one process purged it, once")
		var holder string
		require.NoError(t, st.DB().QueryRowContext(t.Context(), "SELECT holder FROM leases WHERE name = 'dam.sweep'").Scan(&holder))
		assert.True(t, strings.Contains(holder, ":"+strconv.Itoa(a.cmd.Process.Pid)+"-") ||
			strings.Contains(holder, ":"+strconv.Itoa(b.cmd.Process.Pid)+"-"), "the sweep lease is held by A or B: %s", holder)
	})

	t.Run("jobs survive SIGKILL of a process", func(t *testing.T) {
		const assets, jobs = 10, 4
		var ids []string
		for i := range assets {
			ids = append(ids, a.upload(fmt.Sprintf("photo-%02d.bin", i), "", noise(uint64(i), 1_500_000)).ID)
		}
		var jobIDs []string
		for range jobs {
			var j dam.Job
			b.json(mpAdminKey, "POST", "/api/v1/downloads", map[string]any{"asset_ids": ids, "async": true}, 202, &j)
			jobIDs = append(jobIDs, j.ID)
		}
		// Kill B while it builds one: its pid is part of its worker's name.
		mark := ":" + strconv.Itoa(b.cmd.Process.Pid) + "-"
		var killed string
		deadline := time.Now().Add(30 * time.Second)
		for killed == "" && time.Now().Before(deadline) {
			for _, id := range jobIDs {
				j, err := st.Job(t.Context(), id)
				require.NoError(t, err)
				if j.Status == dam.JobRunning && strings.Contains(j.ClaimedBy, mark) {
					require.NoError(t, b.cmd.Process.Kill())
					killed = id
					break
				}
			}
		}
		require.NotEmpty(t, killed, "B never was caught building a job")
		_ = b.cmd.Wait()

		// A takes over once B's heartbeat is stale; nothing hangs.
		require.Eventually(t, func() bool {
			for _, id := range jobIDs {
				j, err := st.Job(t.Context(), id)
				if err != nil || j.Active() {
					return false
				}
			}
			return true
		}, 90*time.Second, 100*time.Millisecond, "every job ends, none hangs")

		for _, id := range jobIDs {
			j, err := st.Job(t.Context(), id)
			require.NoError(t, err)
			if j.Status == dam.JobFailed {
				assert.NotEmpty(t, j.Error, "a failed job says why")
				continue
			}
			require.Equal(t, dam.JobDone, j.Status, "job %s: %s", id, j.Error)
			if id == killed {
				assert.Equal(t, 2, j.Attempts, "the killed job was built again, once, by A")
				assert.NotContains(t, j.ClaimedBy, mark)
				t.Logf("job %s: B was killed building it; A built it (attempt %d)", id, j.Attempts)
			}
			var keys []string
			require.NoError(t, bucket.List(t.Context(), "archives/"+id+"/", func(k string, _ int64) error {
				keys = append(keys, k)
				return nil
			}))
			assert.Len(t, keys, len(j.Parts), "job %s: one object per part, no leftovers", id)
			files := 0
			for _, p := range j.Parts {
				status, body, _ := a.get(mpAdminKey, fmt.Sprintf("/api/v1/downloads/%s/parts/%d", id, p.Number))
				require.Equal(t, http.StatusOK, status)
				zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
				require.NoError(t, err, "job %s part %d is a whole ZIP", id, p.Number)
				files += len(zr.File)
			}
			assert.Equal(t, assets+1, files, "job %s: every photo and the manifest", id)
		}
	})
}

// postgresSchema returns url pointed at a new schema, dropped at the end.
func postgresSchema(t testing.TB, url string) string {
	db, err := sql.Open("pgx", url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	schema := "damkit_mp_" + strings.ToLower(rand.Text()[:12])
	_, err = db.ExecContext(t.Context(), "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE") })
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + "search_path=" + schema
}

// startProcess runs the server binary and waits until it answers.
func startProcess(t testing.TB, bin string, env []string, name, storeURL, bucketURL string, extra ...string) *process {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	dir := t.TempDir()
	args := append([]string{"-addr", addr, "-data", dir, "-store", storeURL, "-bucket", bucketURL,
		"-admin-key", mpAdminKey, "-base-url", "http://" + addr, "-log-level", "warn",
		"-sweep-interval", "500ms", "-trash-retention", "1s",
		"-job-poll", "200ms", "-job-stale-after", "2s",
		"-max-part-size", "5000000", "-max-concurrent-archives", "10"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	logPath := filepath.Join(dir, name+".log")
	logf, err := os.Create(logPath)
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = logf, logf
	require.NoError(t, cmd.Start())
	p := &process{t: t, cmd: cmd, base: "http://" + addr, log: logPath}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("process %s log:\n%s", name, b)
		}
	})
	require.Eventually(t, func() bool {
		resp, err := http.Get(p.base + "/api/v1/openapi.json")
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 30*time.Second, 50*time.Millisecond, "process %s starts", name)
	return p
}

// noRedirect reads a redirect's Location instead of following it.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (p *process) do(key, method, path string, body io.Reader) (int, []byte, string) {
	p.t.Helper()
	req, err := http.NewRequestWithContext(p.t.Context(), method, p.base+path, body)
	require.NoError(p.t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := noRedirect.Do(req)
	require.NoError(p.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(p.t, err)
	return resp.StatusCode, b, resp.Header.Get("Location")
}

func (p *process) get(key, path string) (int, []byte, string) {
	p.t.Helper()
	return p.do(key, "GET", path, nil)
}

func (p *process) json(key, method, path string, in any, want int, out any) {
	p.t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		require.NoError(p.t, err)
		body = bytes.NewReader(b)
	}
	status, b, _ := p.do(key, method, path, body)
	require.Equal(p.t, want, status, "%s %s: %s", method, path, b)
	if out != nil {
		require.NoError(p.t, json.Unmarshal(b, out))
	}
}

func (p *process) upload(name, folder string, content []byte) dam.Asset {
	p.t.Helper()
	var a dam.Asset
	status, b, _ := p.do(mpAdminKey, "POST", "/api/v1/assets?name="+name+"&folder="+folder, bytes.NewReader(content))
	require.Equal(p.t, http.StatusCreated, status, "%s", b)
	require.NoError(p.t, json.Unmarshal(b, &a))
	return a
}

// noise returns n incompressible bytes, the same for the same seed.
func noise(seed uint64, n int) []byte {
	r := mathrand.New(mathrand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}
