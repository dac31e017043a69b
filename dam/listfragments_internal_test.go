package dam

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFragmentCacheBound: the kept encodings never count more than
// maxFragmentBytes, an encoding past maxFragment is not kept, and a
// revision older than the one kept does not replace it.
func TestFragmentCacheBound(t *testing.T) {
	var c fragmentCache
	body := bytes.Repeat([]byte("x"), 1200)
	for i := range 40_000 { // ~50 MB offered
		id := fmt.Sprintf("asset-%06d", i)
		c.keep("f", []string{id}, []fragment{{rev: int64(i), body: body}})
		require.LessOrEqual(t, c.size, maxFragmentBytes)
	}
	total := 0
	for k, f := range c.byID {
		total += fragmentSize(k, f)
	}
	assert.Equal(t, total, c.size, "size counts what is kept")
	assert.Greater(t, c.size, maxFragmentBytes/2, "eviction forgets a part, not all")

	c.keep("f", []string{"big"}, []fragment{{rev: 1, body: make([]byte, maxFragment+1)}})
	assert.NotContains(t, c.byID, fragmentKey{"f", "big"})

	c.keep("f", []string{"a"}, []fragment{{rev: 7, body: []byte("new")}})
	c.keep("f", []string{"a"}, []fragment{{rev: 5, body: []byte("old")}})
	bodies, cursors := make([][]byte, 2), make([]AssetCursor, 2)
	missing := c.lookup("f", []AssetRevision{{"a", 5}, {"a", 7}}, bodies, cursors)
	assert.Equal(t, []int{0}, missing, "only the revision kept is found")
	assert.Equal(t, "new", string(bodies[1]))
	missing = c.lookup("g", []AssetRevision{{"a", 7}}, bodies, cursors)
	assert.Equal(t, []int{0}, missing, "another format keeps its own")
}
