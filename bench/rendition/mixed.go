package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"golang.org/x/image/draw"
)

// mixedSizes are the 20 photos of mixed sizes: phone, compact and DSLR
// sizes, landscape and portrait, from 2 to 24 megapixels.
var mixedSizes = [][2]int{
	{1920, 1080}, {1600, 1200}, {2048, 1536}, {2400, 1600}, {2592, 1944},
	{3000, 2000}, {3024, 4032}, {4032, 3024}, {3264, 2448}, {3648, 5472},
	{4000, 3000}, {4288, 2848}, {4608, 3456}, {4896, 3264}, {5184, 3456},
	{5472, 3648}, {6000, 4000}, {4000, 6000}, {2736, 1824}, {3840, 2160},
}

// mixedName is photo i's file name.
func mixedName(dir string, i int) string {
	return filepath.Join(dir, fmt.Sprintf("mixed-%02d.jpg", i+1))
}

// genMixedCmd writes the 20 photos. Every third one is re-encoded by
// libjpeg through vips (quality 92; one in two of those 4:4:4), as a
// camera or an editor would write it; the rest come from Go's encoder
// (quality 90, 4:2:0).
func genMixedCmd(args []string) error {
	fs := flag.NewFlagSet("gen-mixed", flag.ExitOnError)
	dir := fs.String("dir", ".", "output folder")
	fs.Parse(args)
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	vips, _ := exec.LookPath("vips")
	for i, s := range mixedSizes {
		name := mixedName(*dir, i)
		if _, err := os.Stat(name); err == nil {
			continue
		}
		var b bytes.Buffer
		if err := jpeg.Encode(&b, photo(s[0], s[1]), &jpeg.Options{Quality: 90}); err != nil {
			return err
		}
		if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
			return err
		}
		if i%3 == 2 && vips != "" {
			mode := "on"
			if i%6 == 5 {
				mode = "off"
			}
			tmp := name + ".tmp.jpg"
			if out, err := exec.Command(vips, "copy", name, tmp+"[Q=92,subsample-mode="+mode+",strip]").CombinedOutput(); err != nil {
				return fmt.Errorf("vips copy: %v: %s", err, out)
			}
			if err := os.Rename(tmp, name); err != nil {
				return err
			}
		}
	}
	return nil
}

// mixedCmd renders each of the 20 photos to 1024 px with both tools,
// round after round, alternating which tool goes first, and prints each
// photo's medians and ratio, the median of the ratios and the ratio of the
// summed medians.
func mixedCmd(args []string) error {
	fs := flag.NewFlagSet("mixed", flag.ExitOnError)
	n := fs.Int("n", 5, "rounds")
	size := fs.Int("size", 1024, "fit inside size x size")
	quality := fs.Bool("quality", false, "also print each output's luma PSNR against a Catmull-Rom reference")
	smart := fs.Bool("smart", false, "also time a 1024x576 smart crop (ours: fit smart; vips: --smartcrop attention)")
	dir := fs.String("dir", filepath.Join(os.TempDir(), "rendition-bench"), "work folder")
	fs.Parse(args)
	vips, err := exec.LookPath("vipsthumbnail")
	if err != nil {
		return fmt.Errorf("vipsthumbnail not installed: apt-get install -y libvips-tools")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if _, err := os.Stat(mixedName(*dir, len(mixedSizes)-1)); err != nil {
		return fmt.Errorf("run gen-mixed -dir %s first", *dir)
	}
	type tool struct {
		name string
		cmd  string
		args func(in, out string) []string
	}
	sz := fmt.Sprint(*size)
	tools := []tool{
		{"ours", self, func(in, out string) []string { return []string{"render", "-in", in, "-size", sz, "-o", out} }},
		{"vips", vips, func(in, out string) []string { return []string{in, "--size", sz, "-o", out + "[Q=85,strip]"} }},
	}
	if *smart {
		tools = append(tools,
			tool{"ours-smart", self, func(in, out string) []string {
				return []string{"render", "-in", in, "-w", "1024", "-h", "576", "-fit", "smart", "-o", out}
			}},
			tool{"ours-cover", self, func(in, out string) []string {
				return []string{"render", "-in", in, "-w", "1024", "-h", "576", "-fit", "cover", "-o", out}
			}})
	}
	times := make([][][]time.Duration, len(tools)) // tool, photo, round
	cpu := make([][][]time.Duration, len(tools))
	for t := range tools {
		times[t] = make([][]time.Duration, len(mixedSizes))
		cpu[t] = make([][]time.Duration, len(mixedSizes))
	}
	for r := 0; r < *n; r++ {
		for i := range mixedSizes {
			in := mixedName(*dir, i)
			for k := range tools {
				t := (k + r + i) % len(tools) // rotate who goes first
				out := filepath.Join(*dir, fmt.Sprintf("out-%s-%02d.jpg", tools[t].name, i+1))
				res, err := timeCmd(tools[t].cmd, tools[t].args(in, out)...)
				if err != nil {
					return err
				}
				times[t][i] = append(times[t][i], res.wall)
				cpu[t][i] = append(cpu[t][i], res.cpu)
			}
		}
	}
	fmt.Printf("| # | photo | ours wall | vips wall | wall ratio | ours CPU | vips CPU | CPU ratio |")
	if *quality {
		fmt.Printf(" ours PSNR | vips PSNR |")
	}
	if *smart {
		fmt.Printf(" smart | cover | smart extra |")
	}
	fmt.Printf("\n|---|---|---|---|---|---|---|---|")
	if *quality {
		fmt.Printf("---|---|")
	}
	if *smart {
		fmt.Printf("---|---|---|")
	}
	fmt.Println()
	var ratios, cpuRatios, extras []float64
	var sumOurs, sumVips, cpuOurs, cpuVips time.Duration
	for i, s := range mixedSizes {
		o, v := median(times[0][i]), median(times[1][i])
		oc, vc := median(cpu[0][i]), median(cpu[1][i])
		ratio := float64(o) / float64(v)
		ratios, cpuRatios = append(ratios, ratio), append(cpuRatios, float64(oc)/float64(vc))
		sumOurs, sumVips, cpuOurs, cpuVips = sumOurs+o, sumVips+v, cpuOurs+oc, cpuVips+vc
		fmt.Printf("| %d | %dx%d | %d ms | %d ms | %.2fx | %d ms | %d ms | %.2fx |", i+1, s[0], s[1], o.Milliseconds(), v.Milliseconds(), ratio,
			oc.Milliseconds(), vc.Milliseconds(), float64(oc)/float64(vc))
		if *quality {
			po, pv, err := psnrPair(mixedName(*dir, i), filepath.Join(*dir, fmt.Sprintf("out-ours-%02d.jpg", i+1)),
				filepath.Join(*dir, fmt.Sprintf("out-vips-%02d.jpg", i+1)))
			if err != nil {
				return err
			}
			fmt.Printf(" %.2f dB | %.2f dB |", po, pv)
		}
		if *smart {
			sm, cv := median(times[2][i]), median(times[3][i])
			extra := float64(sm-cv) / float64(cv)
			extras = append(extras, extra)
			fmt.Printf(" %d ms | %d ms | %+.1f %% |", sm.Milliseconds(), cv.Milliseconds(), 100*extra)
		}
		fmt.Println()
	}
	fmt.Printf("\nwall: median of the ratios %.2fx; summed medians: ours %d ms, vips %d ms, ratio %.2fx; ratios from %.2fx to %.2fx\n",
		median(ratios), sumOurs.Milliseconds(), sumVips.Milliseconds(), float64(sumOurs)/float64(sumVips), slices.Min(ratios), slices.Max(ratios))
	fmt.Printf("CPU: median of the ratios %.2fx; summed medians: ours %d ms, vips %d ms, ratio %.2fx\n",
		median(cpuRatios), cpuOurs.Milliseconds(), cpuVips.Milliseconds(), float64(cpuOurs)/float64(cpuVips))
	if *smart {
		fmt.Printf("smart crop over cover: median %+.1f %%\n", 100*median(extras))
	}
	return nil
}

// psnrPair is the luma PSNR of two outputs of photo against a Catmull-Rom
// reference of their size made from the full decode (qualityReport's measure).
func psnrPair(photo, a, b string) (float64, float64, error) {
	orig, err := decodeFile(photo)
	if err != nil {
		return 0, 0, err
	}
	var out [2]float64
	for k, path := range []string{a, b} {
		m, err := decodeFile(path)
		if err != nil {
			return 0, 0, err
		}
		r := m.Bounds()
		ref := image.NewRGBA(r)
		draw.CatmullRom.Scale(ref, r, orig, orig.Bounds(), draw.Src, nil)
		out[k] = psnr(luma(m), luma(ref))
	}
	return out[0], out[1], nil
}
