// Command rendition compares the rendition package with libvips'
// vipsthumbnail on a generated 6000x4000 photo-like JPEG.
//
//	go run ./bench/rendition compare -n 7 -dir /tmp/rendition-bench
//
// Subcommands: gen (write the fixtures), render (one render, the process
// that is timed), compare (both tools side by side on what gen wrote, medians and
// ratios as Markdown), gen-mixed and mixed (20 photos of mixed sizes at
// 1024 px, interleaved rounds; -smart adds the smart crop's extra cost).
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/damkit/damkit/rendition"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: rendition gen|render|compare [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = genCmd(os.Args[2:])
	case "render":
		err = renderCmd(os.Args[2:])
	case "compare":
		err = compareCmd(os.Args[2:])
	case "gen-mixed":
		err = genMixedCmd(os.Args[2:])
	case "mixed":
		err = mixedCmd(os.Args[2:])
	default:
		err = fmt.Errorf("unknown subcommand %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rendition:", err)
		os.Exit(1)
	}
}

func genCmd(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	dir := fs.String("dir", ".", "output folder")
	w := fs.Int("w", 6000, "width")
	h := fs.Int("h", 4000, "height")
	fs.Parse(args)
	return gen(*dir, *w, *h)
}

// gen writes photo.jpg (with a 384x256 EXIF thumbnail) and larger.jpg, the
// 1024 px rendition a cache would hold.
func gen(dir string, w, h int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := photoJPEG(w, h, 384)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "photo.jpg"), b, 0o644); err != nil {
		return err
	}
	res, err := rendition.Render(context.Background(), rendition.BytesSource(b),
		rendition.Profile{Width: 1024, Format: rendition.FormatJPEG, Quality: 90}, &rendition.Options{NoThumbnail: true})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "larger.jpg"), res.Data, 0o644)
}

func renderCmd(args []string) error {
	fs := flag.NewFlagSet("render", flag.ExitOnError)
	in := fs.String("in", "photo.jpg", "source")
	out := fs.String("o", "out.jpg", "output")
	size := fs.Int("size", 1024, "fit inside size x size")
	larger := fs.String("larger", "", "a cached larger rendition")
	thumb := fs.Bool("thumb", false, "allow the EXIF thumbnail")
	w := fs.Int("w", 0, "box width (with -h, instead of -size)")
	h := fs.Int("h", 0, "box height")
	fit := fs.String("fit", "contain", "contain, cover or smart")
	repeat := fs.Int("repeat", 1, "render this many times (for -cpuprofile)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the renders here")
	fs.Parse(args)
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	opts := &rendition.Options{NoThumbnail: !*thumb}
	if *larger != "" {
		lf, err := os.Open(*larger)
		if err != nil {
			return err
		}
		defer lf.Close()
		lst, err := lf.Stat()
		if err != nil {
			return err
		}
		opts.Larger = &rendition.Source{Data: lf, Size: lst.Size()}
	}
	p := rendition.Profile{Width: *size, Height: *size, Fit: rendition.Fit(*fit), Format: rendition.FormatJPEG, Quality: 85}
	if *w > 0 && *h > 0 {
		p.Width, p.Height = *w, *h
	}
	var res rendition.Result
	for range max(*repeat, 1) {
		if res, err = rendition.Render(context.Background(), rendition.Source{Data: f, Size: st.Size()}, p, opts); err != nil {
			return err
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(os.Stderr, "%dx%d from %s, heap sys %d MiB\n", res.Width, res.Height, res.Served, ms.HeapSys>>20)
	return os.WriteFile(*out, res.Data, 0o644)
}

type run struct {
	wall  time.Duration
	cpu   time.Duration // user + system
	maxRS int64         // KiB
}

// timeCmd runs the command under /usr/bin/time, so the peak RSS is the
// command's own and not inherited from this process across fork.
func timeCmd(name string, args ...string) (run, error) {
	cmd := exec.Command("/usr/bin/time", append([]string{"-f", "TIME %e %U %S %M", name}, args...)...)
	var errb strings.Builder
	cmd.Stderr = &errb
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return run{}, fmt.Errorf("%s: %v: %s", name, err, errb.String())
	}
	wall := time.Since(start)
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	var e, u, sy float64
	var rss int64
	if _, err := fmt.Sscanf(lines[len(lines)-1], "TIME %f %f %f %d", &e, &u, &sy, &rss); err != nil {
		return run{}, fmt.Errorf("parsing /usr/bin/time output %q: %v", errb.String(), err)
	}
	return run{wall: wall, cpu: time.Duration((u + sy) * float64(time.Second)), maxRS: rss}, nil
}

func median[T cmp.Ordered](v []T) T {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func compareCmd(args []string) error {
	fs := flag.NewFlagSet("compare", flag.ExitOnError)
	n := fs.Int("n", 7, "runs per case")
	dir := fs.String("dir", filepath.Join(os.TempDir(), "rendition-bench"), "work folder")
	fs.Parse(args)
	vips, err := exec.LookPath("vipsthumbnail")
	if err != nil {
		return fmt.Errorf("vipsthumbnail not installed: apt-get install -y libvips-tools")
	}
	if _, err := os.Stat(filepath.Join(*dir, "photo.jpg")); err != nil {
		return fmt.Errorf("run gen -dir %s first (in its own process, so this one stays small)", *dir)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	photo := filepath.Join(*dir, "photo.jpg")
	larger := filepath.Join(*dir, "larger.jpg")
	out := func(s string) string { return filepath.Join(*dir, s) }
	// A progressive 4:2:0 copy, written by libjpeg through vips.
	prog := out("progressive.jpg")
	if b, err := exec.Command(filepath.Join(filepath.Dir(vips), "vips"), "copy", photo,
		prog+"[Q=90,interlace,subsample-mode=on,strip]").CombinedOutput(); err != nil {
		return fmt.Errorf("vips copy: %v: %s", err, b)
	}
	type bench struct {
		name   string
		ours   []string
		peer   []string
		target float64
	}
	cases := []bench{
		{"1024 px JPEG from the original",
			[]string{"render", "-in", photo, "-size", "1024", "-o", out("ours-1024.jpg")},
			[]string{photo, "--size", "1024", "-o", out("vips-1024.jpg") + "[Q=85,strip]"}, 2.0},
		{"256 px from the original",
			[]string{"render", "-in", photo, "-size", "256", "-o", out("ours-256.jpg")},
			[]string{photo, "--size", "256", "-o", out("vips-256.jpg") + "[Q=85,strip]"}, 2.0},
		{"1024 px JPEG from a progressive original",
			[]string{"render", "-in", prog, "-size", "1024", "-o", out("ours-1024-prog.jpg")},
			[]string{prog, "--size", "1024", "-o", out("vips-1024-prog.jpg") + "[Q=85,strip]"}, 2.0},
		{"256 px from the EXIF thumbnail",
			[]string{"render", "-in", photo, "-size", "256", "-thumb", "-o", out("ours-256-thumb.jpg")},
			[]string{photo, "--size", "256", "-o", out("vips-256.jpg") + "[Q=85,strip]"}, 1.0},
		{"256 px from a cached 1024 px rendition",
			[]string{"render", "-in", photo, "-size", "256", "-larger", larger, "-o", out("ours-256-larger.jpg")},
			[]string{photo, "--size", "256", "-o", out("vips-256.jpg") + "[Q=85,strip]"}, 1.0},
	}
	fmt.Printf("| case | ours wall | vips wall | wall ratio | target | ours CPU | vips CPU | ours peak RSS | vips peak RSS |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|\n")
	for _, c := range cases {
		var ours, peer, oursCPU, peerCPU []time.Duration
		var oursRSS, peerRSS []int64
		for i := 0; i < *n; i++ {
			// Alternate so drift in machine load hits both sides alike.
			o, err := timeCmd(self, c.ours...)
			if err != nil {
				return err
			}
			p, err := timeCmd(vips, c.peer...)
			if err != nil {
				return err
			}
			ours, peer = append(ours, o.wall), append(peer, p.wall)
			oursCPU, peerCPU = append(oursCPU, o.cpu), append(peerCPU, p.cpu)
			oursRSS, peerRSS = append(oursRSS, o.maxRS), append(peerRSS, p.maxRS)
		}
		mo, mp := median(ours), median(peer)
		ratio := float64(mo) / float64(mp)
		verdict := "ok"
		if ratio > c.target {
			verdict = "MISSED"
		}
		fmt.Printf("| %s | %d ms | %d ms | %.2fx | <= %.1fx %s | %d ms | %d ms | %d MiB | %d MiB |\n", c.name,
			mo.Milliseconds(), mp.Milliseconds(), ratio, c.target, verdict,
			median(oursCPU).Milliseconds(), median(peerCPU).Milliseconds(),
			slices.Max(oursRSS)>>10, slices.Max(peerRSS)>>10)
	}
	fmt.Printf("\nQuality: luma PSNR against a Catmull-Rom reference from the full decode\n\n")
	fmt.Printf("| output | size | PSNR |\n|---|---|---|\n")
	return qualityReport(photo, [][2]string{
		{"ours 1024", out("ours-1024.jpg")},
		{"vipsthumbnail 1024", out("vips-1024.jpg")},
		{"ours 256 (original)", out("ours-256.jpg")},
		{"vipsthumbnail 256", out("vips-256.jpg")},
		{"ours 256 (EXIF thumbnail)", out("ours-256-thumb.jpg")},
		{"ours 256 (cached 1024)", out("ours-256-larger.jpg")},
	})
}
