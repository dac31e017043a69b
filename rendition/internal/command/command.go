// Package command runs the external tools of the rendition engines (ffmpeg,
// pdftoppm, rsvg-convert) the one way they may be run: found once on PATH,
// started without a shell with a fixed argument list, in a private
// temporary directory holding the input, under a deadline and, where the
// platform allows, an address-space limit; their whole process group is
// killed when the deadline passes or the caller gives up, and their output
// is bounded.
package command

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ErrOutputTooLarge: the tool wrote more than the bound.
var ErrOutputTooLarge = errors.New("command: output too large")

// Tool is an external program found on PATH.
type Tool struct {
	Name string // "ffmpeg"
	Path string // "/usr/bin/ffmpeg"
}

// Find looks name up on PATH; the error says the tool is missing.
func Find(name string) (Tool, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return Tool{}, fmt.Errorf("%s not found on PATH", name)
	}
	return Tool{Name: name, Path: p}, nil
}

// prlimit is util-linux's prlimit(1), which sets the limits of the program
// it then executes; found once. Without it no memory limit is set.
var prlimit, _ = exec.LookPath("prlimit")

// Spec is one run.
type Spec struct {
	Args []string
	// Dir is the working directory (the private temporary directory).
	Dir string
	// Timeout bounds the run (besides ctx); zero means none.
	Timeout time.Duration
	// MemoryLimit bounds the address space of the process in bytes
	// (RLIMIT_AS); zero means none.
	MemoryLimit int64
	// MaxStdout bounds what is kept of standard output; past it the run
	// fails with ErrOutputTooLarge. Zero discards standard output.
	MaxStdout int64
}

// Run runs t and returns its standard output. A failure carries the end
// of its standard error; a deadline or cancellation wraps the context error.
func (t Tool) Run(ctx context.Context, s Spec) ([]byte, error) {
	if s.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.Timeout)
		defer cancel()
	}
	// An overflow of the output ends the run at once.
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	name, args := t.Path, s.Args
	if s.MemoryLimit > 0 && prlimit != "" {
		args = append([]string{fmt.Sprintf("--as=%d", s.MemoryLimit), "--", t.Path}, args...)
		name = prlimit
	}
	cmd := exec.CommandContext(runCtx, name, args...)
	cmd.Dir = s.Dir
	// No inherited environment: nothing of the server's (keys, proxies)
	// reaches the tool. HOME is the private directory for caches.
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", "HOME=" + s.Dir}
	cmd.Stdin = nil
	out := &boundedBuffer{max: s.MaxStdout, full: stop}
	errTail := &tailBuffer{max: 2048}
	cmd.Stdout, cmd.Stderr = out, errTail
	setGroup(cmd)
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	if out.overflow {
		return nil, fmt.Errorf("%w: %s wrote more than %d bytes", ErrOutputTooLarge, t.Name, s.MaxStdout)
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, fmt.Errorf("%s: %w", t.Name, ctxErr)
	}
	if err != nil {
		msg := strings.TrimSpace(lastLines(errTail.String(), 3))
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("%s failed: %s", t.Name, msg)
	}
	return out.Bytes(), nil
}

// Version returns the first line the tool prints for flag ("-version").
func (t Tool) Version(ctx context.Context, flag string) string {
	dir, err := os.MkdirTemp("", "damkit-version-")
	if err != nil {
		return ""
	}
	defer os.RemoveAll(dir)
	cmd := exec.CommandContext(ctx, t.Path, flag)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", "HOME=" + dir}
	setGroup(cmd)
	var b boundedBuffer
	b.max = 4096
	cmd.Stdout, cmd.Stderr = &b, &b
	_ = cmd.Run()
	line, _, _ := strings.Cut(b.String(), "\n")
	return strings.TrimSpace(line)
}

// Workdir is a private temporary directory (mode 0700) for one run.
type Workdir struct{ Dir string }

// NewWorkdir makes one.
func NewWorkdir() (*Workdir, error) {
	dir, err := os.MkdirTemp("", "damkit-render-")
	if err != nil {
		return nil, err
	}
	return &Workdir{Dir: dir}, nil
}

// Close removes the directory and what it holds.
func (w *Workdir) Close() error { return os.RemoveAll(w.Dir) }

// Path is the path of name inside the directory.
func (w *Workdir) Path(name string) string { return filepath.Join(w.Dir, name) }

// Write copies size bytes of r into the file name (mode 0600) and returns
// its path.
func (w *Workdir) Write(ctx context.Context, name string, r io.ReaderAt, size int64) (string, error) {
	p := w.Path(name)
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(f, &ctxReader{ctx: ctx, r: io.NewSectionReader(r, 0, size)})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	return p, nil
}

// ReadFile reads the file name, refusing one larger than max bytes.
func (w *Workdir) ReadFile(name string, max int64) ([]byte, error) {
	f, err := os.Open(w.Path(name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%w: %s is %d bytes, limit %d", ErrOutputTooLarge, name, st.Size(), max)
	}
	b := make([]byte, st.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, err
	}
	return b, nil
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// boundedBuffer keeps at most max bytes (none when max is 0); past it, it
// calls full (which kills the tool) and discards the rest, so the tool
// never blocks on a pipe nobody reads.
// (Not embedding bytes.Buffer: its ReadFrom would let io.Copy bypass Write.)
type boundedBuffer struct {
	buf      bytes.Buffer
	max      int64
	full     func()
	overflow bool
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if b.max <= 0 || b.overflow {
		return len(p), nil
	}
	if int64(b.buf.Len()+len(p)) > b.max {
		b.overflow = true
		b.buf.Reset()
		if b.full != nil {
			b.full()
		}
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *boundedBuffer) Bytes() []byte  { return b.buf.Bytes() }
func (b *boundedBuffer) String() string { return b.buf.String() }

// tailBuffer keeps the last max bytes written.
type tailBuffer struct {
	buf []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.buf) }

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
