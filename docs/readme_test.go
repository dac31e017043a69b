package docs_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}

// The README is the front door: short, the two set-up commands first,
// and its Go quick start is the example go test runs.
func TestREADME(t *testing.T) {
	readme := readFile(t, "../README.md")
	assert.LessOrEqual(t, len(readme), 12_000, "README.md is over 12 kB: move detail to docs/")

	setup := strings.Index(readme, "\n## ")
	require.Positive(t, setup)
	for _, cmd := range []string{"\ngo run ./examples/server -demo\n", "\ngo test -race -timeout 30m ./...\n"} {
		i := strings.Index(readme, cmd)
		assert.True(t, i > 0 && i < 3000, "the set-up command %q is near the top of README.md", strings.TrimSpace(cmd))
	}

	example := readFile(t, "../dam/example_quickstart_test.go")
	assert.Contains(t, readme, "```go\n"+example+"```\n", "README.md shows dam/example_quickstart_test.go exactly")
}

var mdLink = regexp.MustCompile(`\]\(([^)#:]+)(#[^)]*)?\)`)

// Every relative link of the README and the pages points at a file of the
// repository, and every page is linked from the README.
func TestDocLinks(t *testing.T) {
	readme := readFile(t, "../README.md")
	pages, err := filepath.Glob("*.md")
	require.NoError(t, err)
	for _, p := range pages {
		if p != "README.md" {
			assert.Contains(t, readme, "(docs/"+p+")", "README.md links to docs/%s", p)
		}
	}
	for _, f := range append([]string{"../README.md"}, pages...) {
		for _, m := range mdLink.FindAllStringSubmatch(readFile(t, f), -1) {
			target := filepath.Join(filepath.Dir(f), m[1])
			_, err := os.Stat(target)
			assert.NoError(t, err, "%s links to %s", f, m[1])
		}
	}
}
