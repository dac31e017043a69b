package rendition_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"

	"github.com/damkit/damkit/rendition"
)

// photo is a small generated JPEG standing in for an uploaded original.
func photo() []byte {
	m := image.NewRGBA(image.Rect(0, 0, 1200, 800))
	for y := 0; y < 800; y++ {
		for x := 0; x < 1200; x++ {
			m.Set(x, y, color.RGBA{uint8(x / 5), uint8(y / 4), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, nil); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func ExampleParseProfile() {
	p, err := rendition.ParseProfile("w1024-h768-cover-jpeg-q85-gray")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Width, p.Height, p.Fit, p.Format, p.Quality, p.Grayscale)
	fmt.Println(p.String())
	fmt.Println(len(p.Hash()))

	_, err = rendition.ParseProfile("w0-jpeg")
	fmt.Println(err)
	// Output:
	// 1024 768 cover jpeg 85 true
	// w1024-h768-cover-jpeg-q85-gray
	// 64
	// rendition: invalid profile: width and height must be positive
}

func ExampleRender() {
	src := rendition.BytesSource(photo())
	p := rendition.Profile{Name: "web", Width: 600, Format: rendition.FormatJPEG, Quality: 80}
	res, err := rendition.Render(context.Background(), src, p, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.MediaType, res.Width, res.Height, res.Served)
	// Output: image/jpeg 600 400 original
}

func ExampleRenderMany() {
	src := rendition.BytesSource(photo())
	profiles := []rendition.Profile{
		{Width: 1024, Format: rendition.FormatJPEG},
		{Width: 200, Height: 200, Fit: rendition.FitCover, Format: rendition.FormatPNG},
		{Width: 64, Height: 64, Fit: rendition.FitFill, Grayscale: true},
	}
	results, err := rendition.RenderMany(context.Background(), src, profiles, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range results {
		fmt.Println(r.MediaType, r.Width, r.Height)
	}
	// Output:
	// image/jpeg 1024 683
	// image/png 200 200
	// image/jpeg 64 64
}

func ExampleProbe() {
	info, err := rendition.Probe(context.Background(), rendition.BytesSource(photo()), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	w, h := info.UprightSize()
	fmt.Println(info.MediaType, w, h, info.Orientation)

	_, err = rendition.Probe(context.Background(), rendition.BytesSource([]byte("<html>")), nil)
	fmt.Println(err)
	// Output:
	// image/jpeg 1200 800 1
	// rendition: unsupported source: not a JPEG, PNG, GIF, BMP, TIFF or WebP image
}

func ExampleRegistry() {
	reg := rendition.DefaultRegistry()
	// A host would register its libvips or PDF engine here:
	// reg.Register(myVipsEngine)
	res, err := reg.Render(context.Background(), "image/jpeg", rendition.BytesSource(photo()),
		rendition.Profile{Width: 300}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.MediaType, res.Width, res.Height)
	_, err = reg.Lookup("application/pdf")
	fmt.Println(err)
	// Output:
	// image/jpeg 300 200
	// rendition: unsupported source: no engine renders "application/pdf"
}
