package damkit_test

import (
	"errors"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/damkit/damkit"

// rule states what the non-test code of one package may import. DESIGN.md
// fixes these directions; this table is where they are enforced.
type rule struct {
	pkg     string   // package directory, relative to the module root
	damkit  []string // damkit packages it may import (prefix match)
	modules []string // outside modules it may import (prefix match)
	banned  []string // standard library packages it must not import
}

var rules = []rule{
	{pkg: "policy", banned: []string{"net", "os", "database/sql", "context", "time/tzdata"}},
	{pkg: "share", banned: []string{"net/http", "database/sql"}},
	{pkg: "archive", modules: []string{"github.com/klauspost/compress", "golang.org/x/text"}, banned: []string{"net/http", "database/sql"}},
	{pkg: "rendition", damkit: []string{"internal/exif"}, modules: []string{"golang.org/x/image", "github.com/gen2brain/webp"}, banned: []string{"net/http", "database/sql"}},
	// The engines for other media run external tools through one package.
	{pkg: "rendition/internal/command", damkit: []string{"rendition"}, banned: []string{"net/http", "database/sql"}},
	{pkg: "rendition/video", damkit: []string{"rendition", "rendition/internal/"}, banned: []string{"net/http", "database/sql"}},
	{pkg: "rendition/pdf", damkit: []string{"rendition", "rendition/internal/"}, banned: []string{"net/http", "database/sql"}},
	{pkg: "rendition/svg", damkit: []string{"rendition", "rendition/internal/"}, banned: []string{"net/http", "database/sql"}},
	{pkg: "storage", modules: []string{"gocloud.dev"}, banned: []string{"net/http", "database/sql"}},
	{pkg: "storage/storagetest", damkit: []string{"storage"}, modules: []string{"gocloud.dev", "github.com/stretchr/testify"}, banned: []string{"net/http", "database/sql"}},
	{pkg: "dam", damkit: []string{"policy", "share", "archive", "rendition", "storage", "internal/"},
		modules: []string{"github.com/gabriel-vasile/mimetype", "golang.org/x/crypto", "golang.org/x/image", "golang.org/x/text"},
		banned:  []string{"net/http", "database/sql"}},
	{pkg: "dam/sqlstore", damkit: []string{"dam"}, modules: []string{"modernc.org/sqlite", "github.com/jackc/pgx/v5"}, banned: []string{"net/http"}},
	{pkg: "dam/storetest", damkit: []string{"dam"}, modules: []string{"github.com/stretchr/testify"}, banned: []string{"net/http", "database/sql"}},
	{pkg: "dam/damhttp", damkit: []string{"dam", "internal/"}, banned: []string{"database/sql"}},
	{pkg: "dam/damweb", damkit: []string{"dam", "internal/"}, banned: []string{"database/sql"}},
	{pkg: "client", damkit: []string{"dam"}, banned: []string{"database/sql"}},
	{pkg: "cmd/damkit", damkit: []string{"client", "dam", "internal/xmp"},
		modules: []string{"github.com/vbauerster/mpb/v8", "github.com/mattn/go-isatty"}, banned: []string{"database/sql"}},
	{pkg: "examples/server", damkit: []string{"dam", "dam/damhttp", "dam/damweb", "dam/sqlstore", "internal/", "rendition", "rendition/video", "rendition/pdf", "rendition/svg"}, modules: []string{"gocloud.dev/blob/s3blob"}},
}

var topLevel = []string{"dam", "policy", "rendition", "archive", "share", "storage", "examples", "client", "cmd", "docs", "internal", "bench"}

func TestImportDirections(t *testing.T) {
	byPkg := map[string]rule{}
	for _, r := range rules {
		byPkg[r.pkg] = r
	}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && p != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(p))
		if dir == "." || strings.HasPrefix(dir, "bench/") || strings.HasPrefix(dir, "internal/") {
			return nil
		}
		r, ok := byPkg[dir]
		if !ok {
			// Subpackages of a rule (e.g. storage/storagetest) follow their parent's.
			for parent := path.Dir(dir); parent != "."; parent = path.Dir(parent) {
				if r, ok = byPkg[parent]; ok {
					break
				}
			}
		}
		if !ok {
			t.Errorf("%s: package %s has no rule in deps_test.go", p, dir)
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range f.Imports {
			checkImport(t, p, dir, strings.Trim(imp.Path.Value, `"`), r)
		}
		return nil
	})
	require.NoError(t, err)
}

func checkImport(t *testing.T, file, dir, imp string, r rule) {
	t.Helper()
	switch {
	case imp == module || strings.HasPrefix(imp, module+"/"):
		rel := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
		if strings.HasPrefix(rel, dir+"/") { // own subpackages
			return
		}
		if !slices.ContainsFunc(r.damkit, func(p string) bool { return rel == p || strings.HasSuffix(p, "/") && strings.HasPrefix(rel, p) }) {
			t.Errorf("%s imports %s: %s may import only %v of damkit", file, rel, dir, r.damkit)
		}
	case strings.Contains(strings.SplitN(imp, "/", 2)[0], "."):
		if !slices.ContainsFunc(r.modules, func(m string) bool { return imp == m || strings.HasPrefix(imp, m+"/") }) {
			t.Errorf("%s imports %s: %s may import only the modules %v", file, imp, dir, r.modules)
		}
	default:
		for _, b := range r.banned {
			if imp == b || strings.HasPrefix(imp, b+"/") {
				t.Errorf("%s imports %s, which %s must not use", file, imp, dir)
			}
		}
	}
}

func TestTopLevelLayout(t *testing.T) {
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			dirs = append(dirs, e.Name())
		}
	}
	// What git ignores (an old ./damkit-data, build output) is not part of
	// the layout: only what would be committed is.
	ignored := gitIgnored(t, dirs)
	for _, d := range dirs {
		if !ignored[d] {
			assert.Contains(t, topLevel, d, "top-level folder %q is not in DESIGN.md's layout", d)
		}
	}
	for _, f := range []string{"go.mod", "doc.go", "README.md", "LICENSE", "deps_test.go"} {
		assert.FileExists(t, f)
	}
}

// gitIgnored returns which of the top-level folders git ignores: git
// check-ignore when git and a work tree are there, else the plain entries
// of the root .gitignore ("name", "name/", "/name/"), for a checkout
// without git.
func gitIgnored(t *testing.T, dirs []string) map[string]bool {
	t.Helper()
	ignored := map[string]bool{}
	if _, err := exec.LookPath("git"); err == nil {
		cmd := exec.Command("git", "check-ignore", "--stdin")
		cmd.Stdin = strings.NewReader(strings.Join(dirs, "\n") + "\n")
		out, err := cmd.Output()
		var exit *exec.ExitError
		// Exit 1: none is ignored; 128: not a git work tree.
		if err == nil || errors.As(err, &exit) && exit.ExitCode() == 1 {
			for _, d := range strings.Fields(string(out)) {
				ignored[strings.TrimSuffix(d, "/")] = true
			}
			return ignored
		}
	}
	b, err := os.ReadFile(".gitignore")
	if errors.Is(err, fs.ErrNotExist) {
		return ignored
	}
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(line), "/"), "/")
		if line != "" && !strings.ContainsAny(line, "*?[!#/\\") {
			ignored[line] = true
		}
	}
	return ignored
}
