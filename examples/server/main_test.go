package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net/http"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServerStartsSeedsAndShutsDown(t *testing.T) {
	c, err := parseConfig([]string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-demo", "-admin-key", "test-admin-key-0123456789"}, new(bytes.Buffer))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(c.store, "sqlite:///"))
	assert.True(t, strings.HasPrefix(c.bucket, "file:///"))

	ctx, cancel := context.WithCancel(t.Context())
	ready := make(chan string, 1)
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, c, &out, ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("server stopped early: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
	}

	req, err := http.NewRequestWithContext(t.Context(), "GET", "http://"+addr+"/api/v1/assets", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer test-admin-key-0123456789")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var list struct{ Items []map[string]any }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&list))
	resp.Body.Close()
	assert.Len(t, list.Items, 4, "the demo library is seeded")
	var withEXIF int
	for _, it := range list.Items {
		if cur, ok := it["current"].(map[string]any); ok && cur["exif"] != nil {
			withEXIF++
		}
	}
	assert.Equal(t, 1, withEXIF, "the demo JPEG carries EXIF")
	var categorised int
	for _, it := range list.Items {
		if cs, ok := it["categories"].([]any); ok && len(cs) > 0 {
			categorised++
		}
	}
	assert.Equal(t, 4, categorised, "every demo asset is in a category")
	for _, want := range []string{"web:      http://" + addr + "/", "API:      http://" + addr + "/api/v1",
		"OpenAPI:  http://" + addr + "/api/v1/openapi.json", "data:     " + c.data, "store:    " + c.store, "bucket:   " + c.bucket} {
		assert.Contains(t, out.String(), want)
	}
	assert.Contains(t, out.String(), "a guest's share page (open in a browser): http://"+addr+"/s/")
	assert.Contains(t, out.String(), "the press portal: http://"+addr+"/p/press-kit")
	for _, path := range []string{"/p/press-kit", shareLink(t, out.String())} {
		resp, err := http.Get("http://" + addr + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode, path)
	}
	assert.NotContains(t, out.String(), "test-admin-key", "a given key is never printed")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not shut down")
	}

	// A second start on the same data keeps the owner, does not seed
	// again, and prints the same demo pages.
	ctx2, cancel2 := context.WithCancel(t.Context())
	ready2 := make(chan string, 1)
	var out2 bytes.Buffer
	go func() { done <- run(ctx2, c, &out2, ready2) }()
	addr2 := <-ready2
	assert.Equal(t, 4, countAssets(t, addr2, "test-admin-key-0123456789"), "not seeded twice")
	cancel2()
	require.NoError(t, <-done)
	assert.Contains(t, out2.String(), "a guest's share page (open in a browser): http://"+addr2+shareLink(t, out.String()))
	assert.Contains(t, out2.String(), "the press portal: http://"+addr2+"/p/press-kit")
	assert.Contains(t, out2.String(), "the key from -admin-key is the key of owner admin@example.com")
}

func countAssets(t *testing.T, addr, key string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", "http://"+addr+"/api/v1/assets", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	var list struct{ Items []json.RawMessage }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&list))
	return len(list.Items)
}

// start runs the server on c until the test ends and returns its address
// and what it printed so far (the welcome is printed before ready).
func start(t *testing.T, c config) (string, *bytes.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	ready := make(chan string, 1)
	out := new(bytes.Buffer)
	done := make(chan error, 1)
	go func() { done <- run(ctx, c, out, ready) }()
	select {
	case addr := <-ready:
		t.Cleanup(func() {
			cancel()
			require.NoError(t, <-done)
		})
		return addr, out
	case err := <-done:
		cancel()
		t.Fatalf("server stopped early: %v", err)
	}
	return "", nil
}

func TestAdminKeyOnAnExistingLibrary(t *testing.T) {
	data := t.TempDir()
	cfg := func(args ...string) config {
		c, err := parseConfig(append([]string{"-addr", "127.0.0.1:0", "-data", data}, args...), new(bytes.Buffer))
		require.NoError(t, err)
		return c
	}
	// A first start without a key: a random one, printed once.
	c := cfg()
	first := startAndStop(t, c)
	_, generated, ok := strings.Cut(first, "owner API key (shown once, keep it): ")
	require.True(t, ok, first)
	generated, _, _ = strings.Cut(generated, "\n")

	tests := []struct {
		name    string
		args    []string
		key     string // key that must then work, as an owner
		printed string
		err     string
	}{
		{name: "the owner's own key", args: []string{"-admin-key", generated}, key: generated,
			printed: "the key from -admin-key is the key of owner admin@example.com"},
		{name: "a lost key and the first owner's address", args: []string{"-admin-key", "another-key-0123456789abc"},
			err: "admin@example.com already has another one"},
		{name: "a new key and a new address adds an owner", args: []string{"-admin-key", "another-key-0123456789abc", "-admin-email", "ops@example.com"},
			key: "another-key-0123456789abc", printed: "owner ops@example.com added with the key from -admin-key"},
		{name: "the added owner's key on the next start", args: []string{"-admin-key", "another-key-0123456789abc", "-admin-email", "ops@example.com"},
			key: "another-key-0123456789abc", printed: "the key from -admin-key is the key of owner ops@example.com"},
		{name: "a key too short to be one", args: []string{"-admin-key", "short", "-admin-email", "x@example.com"},
			err: "20 to 200 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg(tt.args...)
			if tt.err != "" {
				err := run(t.Context(), c, new(bytes.Buffer), nil)
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				assert.Contains(t, err.Error(), "-admin-key")
				return
			}
			addr, out := start(t, c)
			assert.Contains(t, out.String(), tt.printed)
			assert.NotContains(t, out.String(), "shown once")
			assert.Equal(t, 0, countAssets(t, addr, tt.key))
		})
	}
	t.Run("a viewer's key", func(t *testing.T) {
		addr, _ := start(t, cfg("-admin-key", generated))
		body := strings.NewReader(`{"email":"viewer@example.com","role":"viewer"}`)
		req, err := http.NewRequestWithContext(t.Context(), "POST", "http://"+addr+"/api/v1/users", body)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+generated)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, 201, resp.StatusCode)
		var viewer struct {
			APIKey string `json:"api_key"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&viewer))
		err = run(t.Context(), cfg("-admin-key", viewer.APIKey), new(bytes.Buffer), nil)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "-admin-key is the key of viewer@example.com, who is a viewer, not an owner")
	})
}

// startAndStop runs the server once and returns what it printed.
func startAndStop(t *testing.T, c config) string {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	ready := make(chan string, 1)
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, c, &out, ready) }()
	<-ready
	cancel()
	require.NoError(t, <-done)
	return out.String()
}

func TestDemoOnALibraryThatWasNotSeeded(t *testing.T) {
	data := t.TempDir()
	c, err := parseConfig([]string{"-addr", "127.0.0.1:0", "-data", data}, new(bytes.Buffer))
	require.NoError(t, err)
	startAndStop(t, c)
	c.demo = true
	out := startAndStop(t, c)
	assert.Contains(t, out, "-demo seeds only a new library, and "+data+" already held one")
	assert.NotContains(t, out, "/s/")
}

func TestDefaultDataDir(t *testing.T) {
	home := func() (string, error) { return "/home/ana", nil }
	noHome := func() (string, error) { return "", errors.New("$HOME is not defined") }
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	tests := []struct {
		goos   string
		getenv func(string) string
		home   func() (string, error)
		want   string
		err    string
	}{
		{"linux", env(), home, filepath.Join("/home/ana", ".local", "share", "damkit"), ""},
		{"linux", env("XDG_DATA_HOME", "/data"), home, filepath.Join("/data", "damkit"), ""},
		{"linux", env("XDG_DATA_HOME", "relative"), home, filepath.Join("/home/ana", ".local", "share", "damkit"), ""},
		{"freebsd", env(), home, filepath.Join("/home/ana", ".local", "share", "damkit"), ""},
		{"darwin", env(), home, filepath.Join("/home/ana", "Library", "Application Support", "damkit"), ""},
		{"windows", env("LocalAppData", `C:\Users\ana\AppData\Local`), home, filepath.Join(`C:\Users\ana\AppData\Local`, "damkit"), ""},
		{"linux", env(), noHome, "", "pass -data DIR"},
	}
	for _, tt := range tests {
		got, err := defaultDataDir(tt.goos, tt.getenv, tt.home)
		if tt.err != "" {
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, tt.goos)
	}
}

func TestDefaultDataDirIsOutsideTheWorkingDirectory(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", t.TempDir())
	t.Setenv("DAMKIT_DATA", "")
	os.Unsetenv("DAMKIT_DATA")
	c, err := parseConfig(nil, new(bytes.Buffer))
	require.NoError(t, err)
	wd, err := os.Getwd()
	require.NoError(t, err)
	rel, err := filepath.Rel(wd, c.data)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(rel, ".."), "the data directory %s is inside the working directory %s", c.data, wd)
	assert.Equal(t, "sqlite://"+filepath.Join(c.data, "dam.db"), c.store)
}

func TestFirstStartPrintsAGeneratedKeyOnce(t *testing.T) {
	c, err := parseConfig([]string{"-addr", "127.0.0.1:0", "-data", t.TempDir()}, new(bytes.Buffer))
	require.NoError(t, err)
	for i, want := range []bool{true, false} {
		out := startAndStop(t, c)
		assert.Equal(t, want, strings.Contains(out, "owner API key (shown once, keep it): dk_"), "start %d", i+1)
	}
}

// shareLink picks the share path out of the welcome text.
func shareLink(t *testing.T, out string) string {
	t.Helper()
	_, rest, ok := strings.Cut(out, "/s/")
	require.True(t, ok)
	token, _, _ := strings.Cut(rest, "\n")
	return "/s/" + token
}

func TestEnvironmentSetsFlags(t *testing.T) {
	t.Setenv("DAMKIT_MAX_LICENCE_TEXT", "1000")
	t.Setenv("DAMKIT_ARCHIVE_TTL", "2h")
	t.Setenv("DAMKIT_DEMO", "true")
	t.Setenv("DAMKIT_ADDR", "127.0.0.1:9999")
	t.Setenv("DAMKIT_TEMP_MAX_AGE", "3h")
	c, err := parseConfig([]string{"-addr", "127.0.0.1:0", "-data", t.TempDir()}, new(bytes.Buffer))
	require.NoError(t, err)
	assert.Equal(t, 3*time.Hour, c.tempMaxAge)
	assert.Equal(t, 1000, c.maxLicenceText)
	assert.Equal(t, 2*time.Hour, c.archiveTTL)
	assert.True(t, c.demo)
	assert.Equal(t, "127.0.0.1:0", c.addr, "the command line wins")

	t.Setenv("DAMKIT_MAX_SEND_TO", "twenty")
	_, err = parseConfig(nil, new(bytes.Buffer))
	require.Error(t, err, "a bad value is refused, not replaced by the default")
	assert.Contains(t, err.Error(), "DAMKIT_MAX_SEND_TO")
}

func TestMailSinks(t *testing.T) {
	mail := filepath.Join(t.TempDir(), "mail")
	c, err := parseConfig([]string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-smtp", "file:" + mail,
		"-demo"}, new(bytes.Buffer))
	require.NoError(t, err)
	addr, out := start(t, c)
	assert.Contains(t, out.String(), "mail:     file:"+mail)
	// A request on the demo's portal emails the owner: one .eml file appears.
	resp, err := http.Post("http://"+addr+"/p/press-kit/requests", "application/json", strings.NewReader(`{"email":"press@example.org","message":"hello"}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 201, resp.StatusCode)
	files, err := filepath.Glob(filepath.Join(mail, "*.eml"))
	require.NoError(t, err)
	var to []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		m, err := netmail.ReadMessage(bytes.NewReader(data))
		require.NoError(t, err)
		to = append(to, m.Header.Get("To"))
	}
	assert.Contains(t, to, `"Owner" <admin@example.com>`, "the owner is told of the request")

	_, err = parseConfig([]string{"-smtp", "log:"}, new(bytes.Buffer))
	require.NoError(t, err)
	c.smtp = "log:nowhere"
	err = run(t.Context(), c, new(bytes.Buffer), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "log: takes no path")
}

// The README's configuration table lists every flag with its variable.
func TestREADMEListsEveryFlag(t *testing.T) {
	var usage bytes.Buffer
	_, err := parseConfig([]string{"-h"}, &usage)
	require.ErrorIs(t, err, flag.ErrHelp)
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	var n int
	for _, line := range strings.Split(usage.String(), "\n") {
		name, ok := strings.CutPrefix(line, "  -")
		if !ok {
			continue
		}
		name, _, _ = strings.Cut(name, " ")
		n++
		env := "DAMKIT_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		assert.Contains(t, string(readme), "| `-"+name+"` | `"+env+"` |", "README.md's configuration table lists -%s", name)
	}
	assert.Greater(t, n, 10, "flags found in the usage text")
}
