package damweb_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/dam/damweb"
	"github.com/damkit/damkit/dam/sqlstore"
)

// A host that signs people in itself (here: a reverse proxy that has
// already authenticated them and passes their email in a header) plugs
// the same Authenticate into the pages and the API.
func ExampleNew_authenticate() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "damweb-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	lib, err := dam.Open(ctx, dam.Config{
		StoreURL:  "sqlite://" + filepath.Join(dir, "dam.db"),
		BucketURL: "file://" + filepath.ToSlash(filepath.Join(dir, "blobs")),
		OpenStore: func(ctx context.Context, url string) (dam.Store, error) { return sqlstore.Open(ctx, url, nil) },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer lib.Close()
	if _, _, err := lib.CreateUser(ctx, dam.NewUser{Email: "ana@example.com", Role: dam.RoleOwner}); err != nil {
		log.Fatal(err)
	}

	// The proxy strips the header from outside requests and sets it for
	// the people it signed in.
	fromProxy := func(r *http.Request) (dam.Actor, error) {
		email := r.Header.Get("X-Forwarded-Email")
		if email == "" {
			return dam.Actor{}, dam.E("host", dam.Unauthenticated, "not signed in at the proxy")
		}
		u, err := lib.Store().UserByEmail(r.Context(), email)
		if err != nil {
			return dam.Actor{}, dam.E("host", dam.Unauthenticated, "no library user %s", email)
		}
		return u.Actor(), nil
	}
	api := damhttp.New(lib, &damhttp.Options{Authenticate: fromProxy})
	web := damweb.New(lib, &damweb.Options{Authenticate: fromProxy, LibraryName: "Acme assets"})
	site := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			api.ServeHTTP(w, r)
			return
		}
		web.ServeHTTP(w, r)
	})

	for _, path := range []string{"/", "/api/v1/me"} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("X-Forwarded-Email", "ana@example.com")
		rec := httptest.NewRecorder()
		site.ServeHTTP(rec, req)
		fmt.Println(path, rec.Code, strings.Contains(rec.Body.String(), "ana@example.com"))
	}
	// Output:
	// / 200 true
	// /api/v1/me 200 true
}
