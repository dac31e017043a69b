// Package s3test gives tests a real S3-compatible server: the one named by
// DAMKIT_S3_URL, or a versitygw process (posix backend in a temporary
// directory, on 127.0.0.1, fixed test credentials) started for the test.
// Tests skip, naming versitygw, when neither is available.
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Credentials of the versitygw root account Start runs.
const (
	AccessKey = "damkit-test"
	SecretKey = "damkit-test-secret-key"
)

// Install is how CI gets versitygw onto PATH.
const Install = "GOBIN=/usr/local/bin go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"

// Server is an S3-compatible server for one test.
type Server struct {
	// Endpoint is the server's base URL, e.g. http://127.0.0.1:40123.
	Endpoint string
	// Env holds the AWS_* variables a client process needs.
	Env []string

	root     string   // versitygw's posix root; "" for DAMKIT_S3_URL
	external *url.URL // DAMKIT_S3_URL
}

// Start returns a running server for t and sets AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_REGION for the test. With DAMKIT_S3_URL
// set (an s3:// bucket URL whose credentials are in the environment), the
// buckets Start hands out are fresh prefixes of that bucket.
func Start(t testing.TB) *Server {
	t.Helper()
	if raw := os.Getenv("DAMKIT_S3_URL"); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "s3" {
			t.Fatalf("DAMKIT_S3_URL=%q is not an s3:// URL", raw)
		}
		return &Server{Endpoint: u.Query().Get("endpoint"), external: u}
	}
	bin, err := exec.LookPath("versitygw")
	if err != nil {
		t.Skipf("versitygw not installed and DAMKIT_S3_URL not set; .ci/run installs it: %s", Install)
	}
	root := t.TempDir()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--port", addr, "--access", AccessKey, "--secret", SecretKey,
		"--region", "us-east-1", "--quiet", "posix", root)
	logf, err := os.Create(filepath.Join(t.TempDir(), "versitygw.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("starting versitygw: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		_ = logf.Close()
	})
	waitListening(t, addr, logf.Name())
	s := &Server{Endpoint: "http://" + addr, root: root, Env: []string{
		"AWS_ACCESS_KEY_ID=" + AccessKey, "AWS_SECRET_ACCESS_KEY=" + SecretKey, "AWS_REGION=us-east-1",
	}}
	for _, kv := range s.Env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return s
}

// NewBucket returns the gocloud.dev URL of a new, empty bucket (or, for
// DAMKIT_S3_URL, of a new prefix in its bucket).
func (s *Server) NewBucket(t testing.TB) string {
	t.Helper()
	name := "t" + randomHex(t)
	if s.external != nil {
		u := *s.external
		q := u.Query()
		q.Set("prefix", strings.TrimSuffix(q.Get("prefix"), "/")+name+"/")
		u.RawQuery = q.Encode()
		return u.String()
	}
	// A posix-backend bucket is a directory under the root.
	if err := os.Mkdir(filepath.Join(s.root, name), 0o755); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("s3://%s?endpoint=%s&region=us-east-1&use_path_style=true", name, url.QueryEscape(s.Endpoint))
}

func randomHex(t testing.TB) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

// freeAddr picks a free local port for the server.
func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String()
}

// waitListening waits up to 20 s for the server to accept connections.
func waitListening(t testing.TB, addr, logPath string) {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	out, _ := os.ReadFile(logPath)
	t.Fatalf("versitygw did not start listening on %s:\n%s", addr, out)
}
