// The walkthroughs under docs/ are tested: each page's shell blocks,
// joined, are its script (docs/<page>.sh); the script runs against a
// freshly built server, and what each block prints must be what the page
// shows after it. go test ./docs -update rewrites the pages' output blocks.
package docs_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the output blocks of the pages from what the scripts print")

// ownerKey is the key the pages' scripts use by default (DAMKIT_KEY).
const ownerKey = "docs-owner-key-0123456789"

// shownBase is the server address the pages show.
const shownBase = "http://127.0.0.1:8080"

// scriptHeader opens every docs/<page>.sh; the page's blocks follow.
const scriptHeader = "#!/usr/bin/env bash\n# The commands of docs/%s.md, in order (docs/docs_test.go runs them).\nset -euo pipefail\n"

// block is a fenced block of a page.
type block struct {
	lang  string // sh or text
	body  string
	start int // byte offsets of the body in the page
	end   int
}

var fence = regexp.MustCompile("(?m)^```([a-z]*)\\n")

func blocks(page string) []block {
	var bs []block
	pos := 0
	for {
		m := fence.FindStringSubmatchIndex(page[pos:])
		if m == nil {
			return bs
		}
		start := pos + m[1]
		end := strings.Index(page[start:], "\n```")
		if end < 0 {
			return bs
		}
		end += start + 1
		bs = append(bs, block{lang: page[pos+m[2] : pos+m[3]], body: page[start:end], start: start, end: end})
		pos = end + 3
	}
}

// walkthrough is a page with its script and the server flags it needs.
type walkthrough struct {
	name   string
	page   string
	sh     []block // the sh blocks
	output map[int]block
	flags  []string
}

var flagsComment = regexp.MustCompile(`<!-- server flags: (.*?) -->`)

func readWalkthrough(t *testing.T, name string) walkthrough {
	t.Helper()
	b, err := os.ReadFile(name + ".md")
	require.NoError(t, err)
	w := walkthrough{name: name, page: string(b), output: map[int]block{}}
	all := blocks(w.page)
	for i, bl := range all {
		switch bl.lang {
		case "sh":
			w.sh = append(w.sh, bl)
		case "text":
			// An output block directly follows its sh block.
			if i > 0 && all[i-1].lang == "sh" && strings.TrimSpace(w.page[all[i-1].end+3:bl.start-len("```text\n")]) == "" {
				w.output[len(w.sh)-1] = bl
			}
		}
	}
	if m := flagsComment.FindStringSubmatch(w.page); m != nil {
		w.flags = strings.Fields(m[1])
	}
	return w
}

func (w walkthrough) script() string {
	var s strings.Builder
	fmt.Fprintf(&s, scriptHeader, w.name)
	for _, b := range w.sh {
		s.WriteString("\n" + b.body)
	}
	return s.String()
}

func TestWalkthroughs(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: the walkthroughs' scripts need bash, curl and jq", tool)
		}
	}
	pages, err := filepath.Glob("*.md")
	require.NoError(t, err)
	scripts, err := filepath.Glob("*.sh")
	require.NoError(t, err)
	for _, sh := range scripts {
		assert.FileExists(t, strings.TrimSuffix(sh, ".sh")+".md", "%s has no page", sh)
	}
	server := buildServer(t)
	// The README's tour runs too, against a demo server; its commands have
	// no script file of their own.
	for _, md := range append(pages, "../README.md") {
		name := strings.TrimSuffix(md, ".md")
		w := readWalkthrough(t, name)
		if len(w.sh) == 0 {
			continue // a page without commands
		}
		t.Run(filepath.Base(name), func(t *testing.T) {
			t.Parallel()
			sh := name + ".sh"
			switch {
			case md == "../README.md":
			case *update:
				require.NoError(t, os.WriteFile(sh, []byte(w.script()), 0o755))
			default:
				script, err := os.ReadFile(sh)
				require.NoError(t, err, "the page's script")
				require.Equal(t, w.script(), string(script), "%s is not the page's sh blocks: go test ./docs -update", sh)
			}
			outs := runWalkthrough(t, server, w)
			require.Len(t, outs, len(w.sh), "every block ran")
			page := w.page
			// Rewrite from the end so that offsets stay valid.
			for i := len(w.sh) - 1; i >= 0; i-- {
				got := outs[i]
				shown, ok := w.output[i]
				if *update {
					switch {
					case ok && got == "":
						page = page[:w.sh[i].end+3] + page[shown.end+3:]
					case ok:
						page = page[:shown.start] + got + page[shown.end:]
					case got != "":
						page = page[:w.sh[i].end+3] + "\n```text\n" + got + "```" + page[w.sh[i].end+3:]
					}
					continue
				}
				if got == "" {
					assert.False(t, ok, "%s.md block %d prints nothing but shows output", name, i+1)
					continue
				}
				if assert.True(t, ok, "%s.md block %d prints this, which the page does not show:\n%s", name, i+1, got) {
					assert.Equal(t, shown.body, got, "%s.md block %d:\n%s", name, i+1, w.sh[i].body)
				}
			}
			if *update {
				require.NoError(t, os.WriteFile(name+".md", []byte(page), 0o644))
			}
		})
	}
}

// buildServer builds examples/server once for all pages, and beside it
// the command line (cmd/damkit), which the scripts find on their PATH.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "damkit-server")
	cmd := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "../examples/server")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "building the server: %s", out)
	cmd = exec.CommandContext(t.Context(), "go", "build", "-o", filepath.Join(filepath.Dir(bin), "damkit"), "../cmd/damkit")
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "building the command line: %s", out)
	return bin
}

// runWalkthrough starts a fresh server for the page and runs its blocks in
// one bash, with a marker line before each; it returns each block's
// output, with the server's address shown as the page shows it.
func runWalkthrough(t *testing.T, server string, w walkthrough) []string {
	t.Helper()
	tmp := t.TempDir()
	mail := filepath.Join(tmp, "mail")
	base := startServer(t, server, tmp, append([]string{"-smtp", "file:" + mail}, w.flags...))

	const marker = "@@docs-block@@"
	var s strings.Builder
	fmt.Fprintf(&s, scriptHeader, filepath.Base(w.name))
	for _, b := range w.sh {
		s.WriteString("echo " + marker + "\n" + b.body)
	}
	work := filepath.Join(tmp, "work") // the page's own sample files go here
	require.NoError(t, os.Mkdir(work, 0o755))
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", s.String())
	cmd.Dir = work
	// The command line's login and upload journals stay in the test's
	// directories, not the user's.
	cmd.Env = append(os.Environ(), "DAMKIT_URL="+base, "DAMKIT_KEY="+ownerKey, "DAMKIT_MAIL="+mail,
		"PATH="+filepath.Dir(server)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"XDG_CONFIG_HOME="+filepath.Join(tmp, "config"), "XDG_CACHE_HOME="+filepath.Join(tmp, "cache"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	out := strings.ReplaceAll(stdout.String(), base, shownBase)
	out = strings.ReplaceAll(out, strings.TrimPrefix(base, "http://"), strings.TrimPrefix(shownBase, "http://"))
	parts := strings.Split(out, marker+"\n")
	require.NoError(t, err, "%s.sh failed in block %d:\n%s\nstderr:\n%s", w.name, len(parts)-1, parts[len(parts)-1], stderr.String())
	return parts[1:]
}

// startServer runs the built server on a free port with its own data and
// waits until it answers /healthz. It stops with the test.
func startServer(t *testing.T, server, dir string, flags []string) string {
	t.Helper()
	args := append([]string{"-addr", "127.0.0.1:0", "-data", filepath.Join(dir, "data"), "-admin-key", ownerKey, "-log-level", "warn"}, flags...)
	cmd := exec.Command(server, args...)
	var out, logs syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &logs
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		<-exited
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	// The address is in the start-up text: "  API:      http://127.0.0.1:port/api/v1".
	var b string
	for deadline := time.Now().Add(time.Minute); b == ""; time.Sleep(20 * time.Millisecond) {
		for _, line := range strings.Split(out.String(), "\n") {
			if u, ok := strings.CutPrefix(strings.TrimSpace(line), "API:"); ok {
				b = strings.TrimSuffix(strings.TrimSpace(u), "/api/v1")
			}
		}
		select {
		case <-exited:
			t.Fatalf("the server stopped before it printed its address:\n%s", logs.String())
		default:
		}
		require.True(t, time.Now().Before(deadline), "the server printed no address within a minute")
	}
	for i := 0; ; i++ {
		resp, err := http.Get(b + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return b
			}
		}
		require.Less(t, i, 300, "the server at %s does not answer /healthz", b)
		time.Sleep(100 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer that a process writes while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
