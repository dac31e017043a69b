package command

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func tool(t *testing.T, name string) Tool {
	t.Helper()
	tl, err := Find(name)
	if err != nil {
		t.Skipf("%v", err)
	}
	return tl
}

func TestRun(t *testing.T) {
	wd, err := NewWorkdir()
	require.NoError(t, err)
	defer wd.Close()
	st, err := os.Stat(wd.Dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), st.Mode().Perm(), "the work directory is private")

	t.Run("environment is not inherited", func(t *testing.T) {
		t.Setenv("DAMKIT_SECRET_FOR_TEST", "s3cret")
		out, err := tool(t, "env").Run(t.Context(), Spec{Dir: wd.Dir, MaxStdout: 4096})
		require.NoError(t, err)
		assert.NotContains(t, string(out), "s3cret")
		assert.Contains(t, string(out), "HOME="+wd.Dir)
	})
	t.Run("failure carries stderr", func(t *testing.T) {
		_, err := tool(t, "ls").Run(t.Context(), Spec{Dir: wd.Dir, Args: []string{"/no/such/path"}})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "ls failed")
		assert.Contains(t, err.Error(), "/no/such/path")
	})
	t.Run("output is bounded", func(t *testing.T) {
		_, err := tool(t, "yes").Run(t.Context(), Spec{Dir: wd.Dir, MaxStdout: 1000})
		require.ErrorIs(t, err, ErrOutputTooLarge)
	})
	t.Run("deadline kills", func(t *testing.T) {
		_, err := tool(t, "sleep").Run(t.Context(), Spec{Dir: wd.Dir, Args: []string{"30"}, Timeout: 50 * time.Millisecond})
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})
	t.Run("cancel kills", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(50*time.Millisecond, cancel)
		_, err := tool(t, "sleep").Run(ctx, Spec{Dir: wd.Dir, Args: []string{"30"}})
		require.ErrorIs(t, err, context.Canceled)
	})
	t.Run("memory limit", func(t *testing.T) {
		if prlimit == "" {
			t.Skip("prlimit (util-linux) not installed: no memory limit to check")
		}
		// prlimit run under the limit reports its own address-space limit.
		out, err := tool(t, "prlimit").Run(t.Context(), Spec{Dir: wd.Dir, MemoryLimit: 512 << 20, MaxStdout: 4096,
			Args: []string{"--as", "--output", "SOFT", "--noheadings", "--raw"}})
		require.NoError(t, err)
		assert.Equal(t, strconv.Itoa(512<<20), strings.TrimSpace(string(out)))
	})
}

func TestWorkdirFiles(t *testing.T) {
	wd, err := NewWorkdir()
	require.NoError(t, err)
	p, err := wd.Write(t.Context(), "in", strings.NewReader("hello world"), 5)
	require.NoError(t, err)
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(b))
	_, err = wd.Write(t.Context(), "in", strings.NewReader("x"), 1)
	require.Error(t, err, "an existing file is never overwritten")
	got, err := wd.ReadFile("in", 5)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(got))
	_, err = wd.ReadFile("in", 4)
	require.ErrorIs(t, err, ErrOutputTooLarge)
	require.NoError(t, wd.Close())
	_, err = os.Stat(wd.Dir)
	assert.True(t, os.IsNotExist(err))
}
