package randfill_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/internal/randfill"
)

type inner struct{ S string }

type sample struct {
	P      *inner
	L      []string
	M      map[string][]int
	In     inner
	hidden string
}

func leaf(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Int:
		v.SetInt(7)
	default:
		return false
	}
	return true
}

// Every container shape turns up (nil, empty, filled), leaves are the
// caller's, unexported fields stay alone, and a type nobody fills is named.
func TestFill(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var nilP, setP, nilL, emptyL, fullL, nilM, fullM bool
	for range 200 {
		var s sample
		_, ok := randfill.Fill(rng, reflect.ValueOf(&s).Elem(), leaf)
		require.True(t, ok)
		assert.Equal(t, "x", s.In.S)
		assert.Empty(t, s.hidden)
		nilP, setP = nilP || s.P == nil, setP || s.P != nil && s.P.S == "x"
		nilL, emptyL, fullL = nilL || s.L == nil, emptyL || s.L != nil && len(s.L) == 0, fullL || len(s.L) > 0 && s.L[0] == "x"
		nilM, fullM = nilM || s.M == nil, fullM || s.M["x"] != nil
	}
	assert.True(t, nilP && setP && nilL && emptyL && fullL && nilM && fullM, "every shape")

	var c struct{ C chan int }
	typ, ok := randfill.Fill(rng, reflect.ValueOf(&c).Elem(), leaf)
	assert.False(t, ok)
	assert.Equal(t, reflect.TypeOf(c.C), typ)
}
