package client_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// operationLiteral is how the client names a route: "GET /api/v1/assets/{id}".
var operationLiteral = regexp.MustCompile(`^(GET|POST|PUT|PATCH|DELETE|HEAD) /\S*$`)

// clientOperations are the operations the client's code names.
func clientOperations(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && operationLiteral.MatchString(s) {
					seen[s] = true
				}
			}
			return true
		})
	}
	var ops []string
	for op := range seen {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	return ops
}

// documentOperations are the operations of the served OpenAPI document.
func documentOperations(t *testing.T, doc []byte) []string {
	t.Helper()
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(doc, &d))
	var ops []string
	for p, methods := range d.Paths {
		for m := range methods {
			switch m {
			case "get", "post", "put", "patch", "delete", "head":
				ops = append(ops, strings.ToUpper(m)+" "+p)
			}
		}
	}
	slices.Sort(ops)
	return ops
}

// Every operation of the server's OpenAPI document has a method in this
// package: an operation added to the server and not to the client fails
// here, named.
func TestEveryOperationHasAMethod(t *testing.T) {
	s := newServer(t)
	doc, err := s.c.OpenAPI(t.Context())
	require.NoError(t, err)
	documented, covered := documentOperations(t, doc), clientOperations(t)
	require.NotEmpty(t, documented)

	var missing, stale []string
	for _, op := range documented {
		if !slices.Contains(covered, op) {
			missing = append(missing, op)
		}
	}
	for _, op := range covered {
		if !slices.Contains(documented, op) {
			stale = append(stale, op)
		}
	}
	assert.Empty(t, missing, "operations of the OpenAPI document without a client method (add one per operation, "+
		"naming the route as \"METHOD /path/{param}\"):\n  %s", strings.Join(missing, "\n  "))
	assert.Empty(t, stale, "client methods for operations the document does not have:\n  %s", strings.Join(stale, "\n  "))
}

func TestMain(m *testing.M) {
	code := m.Run()
	if os.Getenv("DAMKIT_CLIENT_OPS") != "" {
		var ops []string
		exercised.Range(func(k, _ any) bool { ops = append(ops, k.(string)); return true })
		slices.Sort(ops)
		fmt.Printf("operations sent to a real server by these tests: %d\n  %s\n", len(ops), strings.Join(ops, "\n  "))
	}
	os.Exit(code)
}
