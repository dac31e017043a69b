package dam_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/storage"
)

// fixture is a library on SQLite and a file bucket in a temp dir, with an
// owner actor in ctx.
type fixture struct {
	lib    *dam.Library
	bucket *storage.Bucket
	owner  context.Context
	clock  *stepClock
}

// stepClock is a settable clock for retention and expiry tests.
type stepClock struct{ t time.Time }

func (c *stepClock) now() time.Time { return c.t }

func newFixture(t testing.TB, opts *dam.Options) *fixture {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	st, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(dir, "dam.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	b, err := storage.Open(ctx, "file://"+filepath.ToSlash(filepath.Join(dir, "blobs")))
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	clock := &stepClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	lib := dam.New(st, b, clock.now, nil, opts)
	u, _, err := lib.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	require.NoError(t, err)
	return &fixture{lib: lib, bucket: b, owner: dam.WithActor(ctx, u.Actor()), clock: clock}
}

// user creates another user and returns a context acting as them.
func (f *fixture) user(t *testing.T, email string, role dam.Role, domains ...string) context.Context {
	t.Helper()
	u, _, err := f.lib.CreateUser(f.owner, dam.NewUser{Email: email, Role: role, Domains: domains})
	require.NoError(t, err)
	return dam.WithActor(f.owner, u.Actor())
}

func (f *fixture) upload(t *testing.T, ctx context.Context, name, content string) dam.Asset {
	t.Helper()
	a, err := f.lib.Upload(ctx, strings.NewReader(content), dam.UploadOptions{Name: name})
	require.NoError(t, err)
	return a
}

// keys lists the bucket's keys under prefix.
func (f *fixture) keys(t *testing.T, prefix string) []string {
	t.Helper()
	var ks []string
	require.NoError(t, f.bucket.List(t.Context(), prefix, func(k string, _ int64) error {
		ks = append(ks, k)
		return nil
	}))
	return ks
}

func kindOf(t *testing.T, err error) dam.Kind {
	t.Helper()
	require.Error(t, err)
	return dam.KindOf(err)
}

// failingReader yields n bytes and then fails, like a client that
// disconnects halfway through an upload.
type failingReader struct {
	r   *bytes.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err != nil {
		return n, f.err
	}
	return n, nil
}
