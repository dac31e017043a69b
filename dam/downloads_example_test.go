package dam_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/damkit/damkit/dam"
)

// Download two assets as one ZIP: the job is ready at once and its part is
// built on the fly, with an exact size and ETag for http.ServeContent.
func ExampleLibrary_CreateDownload() {
	lib, owner, done := exampleLibrary("")
	defer done()
	ctx := context.Background()
	ctx = dam.WithActor(ctx, owner.Actor())
	var ids []string
	for _, name := range []string{"hello.txt", "world.txt"} {
		a, err := lib.Upload(ctx, strings.NewReader("content of "+name+"\n"), dam.UploadOptions{Name: name})
		if err != nil {
			log.Fatal(err)
		}
		ids = append(ids, a.ID)
	}

	job, err := lib.CreateDownload(ctx, dam.DownloadRequest{AssetIDs: ids})
	if err != nil {
		log.Fatal(err)
	}
	part, err := lib.OpenPart(ctx, job.ID, 1)
	if err != nil {
		log.Fatal(err)
	}
	defer part.Close()
	b, err := io.ReadAll(part) // or http.ServeContent(w, r, part.Name, part.ModTime, part)
	if err != nil {
		log.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(job.Status, part.Name, part.Size == int64(len(b)))
	for _, f := range zr.File {
		fmt.Println(f.Name, f.UncompressedSize64)
	}
	// Output:
	// ready download.zip true
	// hello.txt 21
	// world.txt 21
}
