package damhttp

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

type shapeLeaf struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

type shapeTree struct {
	Tags     []string          `json:"tags"`
	Fields   map[string]string `json:"fields"`
	Opt      *shapeLeaf        `json:"opt"`
	Omitted  []string          `json:"omitted,omitempty"`
	Children []shapeTree       `json:"children"`
	Any      any               `json:"any"`
}

type shapeEmbed struct {
	shapeTree
	Extra []int `json:"extra"`
}

func TestEmptyLists(t *testing.T) {
	var nilTags []string
	cases := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, `null`},
		{"a leaf is unchanged", shapeLeaf{Name: "x"}, `{"name":"x","n":0}`},
		{"nil slice", nilTags, `[]`},
		{"nil map", map[string]int(nil), `{}`},
		{"nested", shapeTree{Children: []shapeTree{{Tags: []string{"a"}}}},
			`{"tags":[],"fields":{},"opt":null,"children":[{"tags":["a"],"fields":{},"opt":null,"children":[],"any":null}],"any":null}`},
		{"through an interface", map[string]any{"items": nilTags, "n": 1}, `{"items":[],"n":1}`},
		{"through a pointer", &shapeTree{Any: []shapeTree{{}}},
			`{"tags":[],"fields":{},"opt":null,"children":[],"any":[{"tags":[],"fields":{},"opt":null,"children":[],"any":null}]}`},
		{"embedded", shapeEmbed{}, `{"tags":[],"fields":{},"opt":null,"children":[],"any":null,"extra":[]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(emptyLists(tc.in))
			require.NoError(t, err)
			assert.JSONEq(t, tc.want, string(b))
		})
	}
	// The value given is not modified.
	tree := &shapeTree{Children: []shapeTree{{}}}
	_ = emptyLists(tree)
	assert.Nil(t, tree.Tags)
	assert.Nil(t, tree.Children[0].Tags)
}

// BenchmarkEmptyLists measures the cost emptyLists adds to a page of 500
// assets (go test -bench EmptyLists ./dam/damhttp).
func BenchmarkEmptyLists(b *testing.B) {
	items := make([]dam.Asset, 500)
	for i := range items {
		items[i] = dam.Asset{ID: "a", Name: "n", Meta: dam.Metadata{Keywords: []string{"k"}}}
	}
	v := newPage(items, "")
	for b.Loop() {
		_ = emptyLists(v)
	}
}
