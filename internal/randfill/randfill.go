// Package randfill fills values of any type with random contents by
// reflection, for differential tests: a field added to a type later takes
// part without a change to the test. The caller decides the leaves
// (strings, numbers, times); randfill walks the containers the same way
// for every test: pointers nil or set, slices and maps nil, empty or
// holding one to four or five elements, every exported struct field.
package randfill

import (
	"math/rand/v2"
	"reflect"
)

// Leaf sets v when its type is one the caller fills itself and reports
// whether it did; randfill then leaves v alone.
type Leaf func(v reflect.Value) bool

// Fill sets v at random: leaf first, then pointers, slices, maps and
// structs walked into. It reports false, at the first value neither leaf
// nor the walk can fill, with that value's type.
func Fill(rng *rand.Rand, v reflect.Value, leaf Leaf) (reflect.Type, bool) {
	if leaf(v) {
		return nil, true
	}
	switch v.Kind() {
	case reflect.Pointer:
		if rng.IntN(3) == 0 {
			v.SetZero()
			return nil, true
		}
		p := reflect.New(v.Type().Elem())
		if t, ok := Fill(rng, p.Elem(), leaf); !ok {
			return t, false
		}
		v.Set(p)
	case reflect.Slice:
		switch rng.IntN(4) {
		case 0:
			v.SetZero()
		case 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, rng.IntN(2)))
		default:
			n := 1 + rng.IntN(4)
			s := reflect.MakeSlice(v.Type(), n, n)
			for i := range n {
				if t, ok := Fill(rng, s.Index(i), leaf); !ok {
					return t, false
				}
			}
			v.Set(s)
		}
	case reflect.Map:
		switch rng.IntN(4) {
		case 0:
			v.SetZero()
		case 1:
			v.Set(reflect.MakeMap(v.Type()))
		default:
			m := reflect.MakeMap(v.Type())
			for range 1 + rng.IntN(5) {
				k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
				if t, ok := Fill(rng, k, leaf); !ok {
					return t, false
				}
				if t, ok := Fill(rng, e, leaf); !ok {
					return t, false
				}
				m.SetMapIndex(k, e)
			}
			v.Set(m)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				if t, ok := Fill(rng, v.Field(i), leaf); !ok {
					return t, false
				}
			}
		}
	default:
		return v.Type(), false
	}
	return nil, true
}
