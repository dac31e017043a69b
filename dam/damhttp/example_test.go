package damhttp_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/dam/sqlstore"
)

// Serve a library over HTTP: upload with one request, download with another.
func ExampleNew() {
	dir, _ := os.MkdirTemp("", "damhttp-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	lib, err := dam.Open(ctx, dam.Config{
		StoreURL:  "sqlite://" + filepath.Join(dir, "dam.db"),
		BucketURL: "file://" + filepath.ToSlash(filepath.Join(dir, "blobs")),
		OpenStore: func(ctx context.Context, url string) (dam.Store, error) { return sqlstore.Open(ctx, url, nil) },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer lib.Close()
	_, key, err := lib.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(damhttp.New(lib, nil))
	defer srv.Close()

	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/assets?name=hello.txt", strings.NewReader("hello"))
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status)

	req, _ = http.NewRequest("GET", srv.URL+"/api/v1/assets/nope/download", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Status, strings.TrimSpace(string(body)))
	// Output:
	// 201 Created
	// 404 Not Found {"error":{"code":"not_found","message":"asset \"nope\" not found"}}
}
