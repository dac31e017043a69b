package dam_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/dam/sqlstore"
)

// The Go quick start (the README shows this file): open a library, create
// its owner, upload, and serve it over HTTP until a signal comes.
func Example_quickStart() {
	if err := quickStart(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// uploaded hello.txt: text/plain; charset=utf-8, 13 bytes
	// GET /api/v1/assets: 200 OK
}

func quickStart() error {
	// Ctrl-C or SIGTERM cancels ctx, and everything below stops.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	dir, err := os.MkdirTemp("", "damkit-quickstart") // a real server keeps its data
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	lib, err := dam.Open(ctx, dam.Config{
		StoreURL:  "sqlite://" + filepath.Join(dir, "dam.db"),
		BucketURL: "file://" + filepath.ToSlash(filepath.Join(dir, "blobs")),
		OpenStore: func(ctx context.Context, url string) (dam.Store, error) { return sqlstore.Open(ctx, url, nil) },
	})
	if err != nil {
		return err
	}
	defer lib.Close()

	// The first user is an owner. Every call says who acts: the actor
	// travels in the context.
	owner, key, err := lib.CreateUser(ctx, dam.NewUser{Email: "me@example.com", Role: dam.RoleOwner})
	if err != nil {
		return err
	}
	a, err := lib.Upload(dam.WithActor(ctx, owner.Actor()), strings.NewReader("hello, world\n"),
		dam.UploadOptions{Name: "hello.txt"})
	if err != nil {
		return err
	}
	fmt.Printf("uploaded %s: %s, %d bytes\n", a.Name, a.Current.MediaType, a.Current.Size)

	// Serve the same library over HTTP, with its background work: Run
	// sweeps the trash and upload leftovers, RunJobs builds large downloads.
	ln, err := net.Listen("tcp", "127.0.0.1:0") // e.g. ":8080" in a real server
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: damhttp.New(lib, nil), ReadHeaderTimeout: 10 * time.Second}
	var wg sync.WaitGroup
	errc := make(chan error, 4) // one per goroutine
	wg.Go(func() { errc <- lib.Run(ctx) })
	wg.Go(func() { errc <- lib.RunJobs(ctx) })
	wg.Go(func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			errc <- err
			stop()
		}
	})

	// Try it: curl -H "Authorization: Bearer $KEY" http://127.0.0.1:8080/api/v1/assets
	// Here the example asks once itself, then stops as Ctrl-C would.
	wg.Go(func() {
		defer stop()
		req, err := http.NewRequestWithContext(ctx, "GET", "http://"+ln.Addr().String()+"/api/v1/assets", nil)
		if err != nil {
			errc <- err
			return
		}
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			errc <- err
			return
		}
		resp.Body.Close()
		fmt.Println("GET /api/v1/assets:", resp.Status)
	})

	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown) // finishes the requests under way
	wg.Wait()                    // Run and RunJobs are done: lib.Close is safe
	close(errc)
	for e := range errc {
		err = errors.Join(err, e)
	}
	return err
}
