package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/client"
	"github.com/damkit/damkit/dam"
)

// tmux drives a real terminal on its own socket.
type tmux struct {
	t      *testing.T
	socket string
}

func (x tmux) cmd(args ...string) string {
	x.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", x.socket}, args...)...).CombinedOutput()
	require.NoError(x.t, err, "tmux %v: %s", args, out)
	return string(out)
}

// screen is what the terminal of a session shows.
func (x tmux) screen(session string) string {
	return x.cmd("capture-pane", "-p", "-J", "-t", session)
}

// waitFor polls cond every 10 ms until it holds or within has passed.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// fileLine is the first line of a file the shell in the terminal writes.
func fileLine(path string) (string, bool) {
	b, err := os.ReadFile(path)
	if err != nil || !bytes.HasSuffix(b, []byte("\n")) {
		return "", false
	}
	return strings.TrimSpace(string(b)), true
}

// goBuild builds a package of this module into dir/name.
func goBuild(t *testing.T, dir, name, pkg string) string {
	t.Helper()
	bin := filepath.Join(dir, name)
	out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, pkg).CombinedOutput()
	require.NoError(t, err, "go build %s: %s", pkg, out)
	return bin
}

// startServer starts the built reference server on a free port.
func startServer(t *testing.T, bin, data, key string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	var logs bytes.Buffer
	srv := exec.Command(bin, "-addr", addr, "-data", data, "-admin-key", key, "-log-level", "warn")
	srv.Stdout, srv.Stderr = &logs, &logs
	require.NoError(t, srv.Start())
	t.Cleanup(func() {
		_ = srv.Process.Kill()
		_ = srv.Wait()
		if t.Failed() {
			t.Logf("server output:\n%s", logs.String())
		}
	})
	url := "http://" + addr
	waitFor(t, 20*time.Second, "the server answers /healthz", func() bool {
		resp, err := http.Get(url + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return url
}

// In a real terminal, against the built server: an upload of 2,000 files
// is killed half-way (SIGKILL, as a crash), run again, and sends only the
// rest; every file is on the server once.
func TestTerminalUploadKilledAndResumed(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: this test drives the command line in a real terminal")
	}
	if testing.Short() {
		t.Skip("-short: this test builds the command and the server and runs them in tmux")
	}
	const files, half = 2000, 1000
	work := t.TempDir()
	start := time.Now()
	bin := goBuild(t, work, "damkit", ".")
	server := goBuild(t, work, "server", "../../examples/server")
	t.Logf("built in %s", time.Since(start).Round(time.Millisecond))
	const key = "terminal-test-key-0123456789"
	url := startServer(t, server, filepath.Join(work, "data"), key)
	c, err := client.New(url, key, nil)
	require.NoError(t, err)

	src := filepath.Join(work, "import")
	for i := range files {
		p := filepath.Join(src, fmt.Sprintf("d%02d", i%20), fmt.Sprintf("f%04d.txt", i))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(fmt.Sprintf("file %d of the import\n", i)), 0o644))
	}
	journal := filepath.Join(work, "journal.jsonl")
	x := tmux{t: t, socket: filepath.Join(work, "tmux.sock")}
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", x.socket, "kill-server").Run() })
	env := fmt.Sprintf("env DAMKIT_SERVER=%s DAMKIT_KEY=%s DAMKIT_CONFIG=%s", url, key, filepath.Join(work, "config.json"))
	upload := fmt.Sprintf("%s upload -j 4 -journal %s %s", bin, journal, src)

	// First run: killed once the journal holds half the files.
	x.cmd("new-session", "-d", "-s", "first", "-x", "160", "-y", "40",
		fmt.Sprintf("sh -c 'echo $$ > %s/pid; exec %s %s'; sleep 600", work, env, upload))
	var pid int
	waitFor(t, 10*time.Second, "the first run starts", func() bool {
		s, ok := fileLine(filepath.Join(work, "pid"))
		pid, _ = strconv.Atoi(s)
		return ok
	})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the first run's terminal:\n%s", x.screen("first"))
		}
	})
	waitFor(t, 60*time.Second, "half the files are in the journal", func() bool {
		b, _ := os.ReadFile(journal)
		return bytes.Count(b, []byte("\n")) >= half
	})
	drawn := x.screen("first")
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	t.Logf("killed half-way after %s", time.Since(start).Round(time.Millisecond))
	assert.Regexp(t, `uploaded\s+\d+ / 2000`, drawn, "the terminal shows the total bar:\n%s", drawn)
	assert.Regexp(t, `d\d\d/f\d{4}\.txt\s+\d`, drawn, "and the files being sent:\n%s", drawn)

	// Uploads cut by the kill end on the server (or commit: then the
	// journal misses them and the second run finds them by digest).
	time.Sleep(200 * time.Millisecond)
	before, err := client.Collect(c.Assets(t.Context(), dam.AssetQuery{Limit: 1000}))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(before), half)
	require.Less(t, len(before), files, "the first run did not finish")

	x.cmd("new-session", "-d", "-s", "second", "-x", "160", "-y", "40",
		fmt.Sprintf("%s %s; echo $? > %s/exit2; sleep 600", env, upload, work))
	var code string
	waitFor(t, 60*time.Second, "the second run ends", func() bool {
		var ok bool
		code, ok = fileLine(filepath.Join(work, "exit2"))
		return ok
	})
	t.Logf("second run done after %s", time.Since(start).Round(time.Millisecond))
	screen := x.screen("second")
	require.Equal(t, "0", code, "%s", screen)
	m := regexp.MustCompile(`(\d+) files: (\d+) uploaded .*?(\d+) skipped \((\d+) in the journal, (\d+) on the server already\), (\d+) failed`).FindStringSubmatch(screen)
	require.NotNil(t, m, "the summary line: %s", screen)
	assert.Equal(t, "2000", m[1])
	assert.Equal(t, strconv.Itoa(files-len(before)), m[2], "only the rest is sent")
	assert.Equal(t, strconv.Itoa(len(before)), m[3], "what went before is skipped")
	assert.Equal(t, "0", m[6])

	after, err := client.Collect(c.Assets(t.Context(), dam.AssetQuery{Limit: 1000}))
	require.NoError(t, err)
	names := map[string]int{}
	for _, a := range after {
		names[a.Name]++
	}
	assert.Len(t, names, files, "every file is there")
	for n, c := range names {
		if c != 1 {
			t.Errorf("%s is there %d times", n, c)
		}
	}
}
