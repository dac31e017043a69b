package dam

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestRenditionBytesBudget: what is kept never passes the budget, a new
// rendition displaces old ones, one larger than the budget is not kept,
// and a key already kept keeps its bytes.
func TestRenditionBytesBudget(t *testing.T) {
	var c renditionBytes
	const budget = 10_000
	for i := range 100 {
		c.put(fmt.Sprint(i), make([]byte, 1000+i), budget)
		assert.LessOrEqual(t, c.used, int64(budget))
		assert.NotNil(t, c.get(fmt.Sprint(i)), "the newest is kept")
	}
	var sum int64
	for _, b := range c.m {
		sum += int64(len(b))
	}
	assert.Equal(t, c.used, sum, "used counts what is kept")
	c.put("huge", make([]byte, budget+1), budget)
	assert.Nil(t, c.get("huge"))
	first := []byte("first")
	c.put("k", first, budget)
	c.put("k", []byte("other"), budget)
	assert.Equal(t, first, c.get("k"))
}
