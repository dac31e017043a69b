// Command ingest measures dam's upload ingest (SHA-256, CRC-32, sniffing and
// writing to a file:// bucket in one pass) side by side with plain copies of
// the same file on the same disk, interleaved in one run, and prints the
// medians and the ratio. Run it through run.sh, which also measures the peak
// RSS of an ingest alone.
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/storage"
)

func main() {
	size := flag.Int64("size", 1<<30, "bytes in the test file")
	rounds := flag.Int("rounds", 5, "rounds of each contestant")
	dir := flag.String("dir", "", "work folder on the disk to test (default: a temp dir)")
	only := flag.String("only", "", "run only this contestant once: ingest (for peak-memory runs)")
	flag.Parse()
	if *dir == "" {
		d, err := os.MkdirTemp("", "damkit-ingest")
		check(err)
		defer os.RemoveAll(d)
		*dir = d
	}
	src := filepath.Join(*dir, "source.bin")
	check(writeSource(src, *size))
	ctx := context.Background()

	contestants := []struct {
		name string
		run  func(i int) error
	}{
		{"ingest (dam.Upload to file://)", func(i int) error { return ingest(ctx, *dir, src, i) }},
		{"read+write loop (1 MiB buffer)", func(i int) error { return copyLoop(src, filepath.Join(*dir, fmt.Sprintf("copy-%d", i))) }},
		{"cp", func(i int) error { return exec.Command("cp", src, filepath.Join(*dir, fmt.Sprintf("cp-%d", i))).Run() }},
	}
	if *only == "ingest" {
		check(contestants[0].run(0))
		return
	}
	times := make([][]time.Duration, len(contestants))
	for i := range *rounds {
		for c, ct := range contestants {
			start := time.Now()
			check(ct.run(i))
			times[c] = append(times[c], time.Since(start))
			cleanup(*dir)
		}
	}
	fmt.Printf("file %d MiB, %d rounds, interleaved\n", *size>>20, *rounds)
	base := median(times[0])
	for c, ct := range contestants {
		m := median(times[c])
		fmt.Printf("%-34s median %8.1f ms  %7.0f MiB/s  ingest speed ratio vs this: %.2f\n",
			ct.name, ms(m), float64(*size)/(1<<20)/m.Seconds(), float64(m)/float64(base))
	}
}

func ingest(ctx context.Context, dir, src string, i int) error {
	work := filepath.Join(dir, fmt.Sprintf("lib-%d", i))
	st, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(work, "dam.db"), nil)
	if err != nil {
		return err
	}
	defer st.Close()
	b, err := storage.Open(ctx, "file://"+filepath.ToSlash(filepath.Join(work, "blobs")))
	if err != nil {
		return err
	}
	defer b.Close()
	lib := dam.New(st, b, nil, nil, &dam.Options{MaxUploadSize: 1 << 40})
	u, _, err := lib.CreateUser(ctx, dam.NewUser{Email: "bench@example.com", Role: dam.RoleOwner})
	if err != nil {
		return err
	}
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	// Hide *os.File so no contestant gets a kernel-side copy shortcut.
	_, err = lib.Upload(dam.WithActor(ctx, u.Actor()), struct{ io.Reader }{f}, dam.UploadOptions{Name: "big.bin"})
	return err
}

func copyLoop(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	buf := make([]byte, 1<<20)
	if _, err := io.CopyBuffer(struct{ io.Writer }{out}, struct{ io.Reader }{in}, buf); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func writeSource(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	block := make([]byte, 1<<20)
	_, _ = rand.Read(block)
	for n := int64(0); n < size; n += int64(len(block)) {
		block[0]++ // no two blocks alike
		if _, err := f.Write(block[:min(int64(len(block)), size-n)]); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

func cleanup(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "source.bin" {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
