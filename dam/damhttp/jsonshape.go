package damhttp

import (
	"reflect"
	"sync"
	"unsafe"
)

// Every JSON answer shows an empty list as [] and an empty map as {},
// never null: the OpenAPI document declares arrays and objects, and
// clients iterate them without a nil check. Go encodes a nil slice or map
// as null, so writeJSON passes each answer through emptyLists first; that
// one place covers every route, dam type and response shape, present and
// future. Nil pointers stay null: they are the optional values.

// emptyLists returns v with every nil slice and nil map reachable through
// exported fields, elements, map values, pointers and interfaces made
// empty. v itself is not modified: what changes is copied.
func emptyLists(v any) any {
	if v == nil {
		return nil
	}
	rv := reflect.ValueOf(v)
	if !mayHoldNil(rv.Type()) {
		return v
	}
	return fillLists(rv).Interface()
}

// fillLists is emptyLists on a reflect.Value; the result has v's type.
func fillLists(v reflect.Value) reflect.Value {
	t := v.Type()
	switch t.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return reflect.MakeSlice(t, 0, 0)
		}
		if !mayHoldNil(t.Elem()) {
			return v
		}
		out := reflect.MakeSlice(t, v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(fillLists(v.Index(i)))
		}
		return out
	case reflect.Array:
		if !mayHoldNil(t.Elem()) {
			return v
		}
		out := reflect.New(t).Elem()
		for i := range v.Len() {
			out.Index(i).Set(fillLists(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return reflect.MakeMap(t)
		}
		if !mayHoldNil(t.Elem()) {
			return v
		}
		out := reflect.MakeMapWithSize(t, v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), fillLists(it.Value()))
		}
		return out
	case reflect.Pointer:
		if v.IsNil() || !mayHoldNil(t.Elem()) {
			return v
		}
		out := reflect.New(t.Elem())
		out.Elem().Set(fillLists(v.Elem()))
		return out
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(t).Elem()
		out.Set(fillLists(v.Elem()))
		return out
	case reflect.Struct:
		if !mayHoldNil(t) {
			return v
		}
		out := reflect.New(t).Elem()
		out.Set(v)
		for i := range t.NumField() {
			sf := t.Field(i)
			if !shownField(sf) || !mayHoldNil(sf.Type) {
				continue
			}
			f := out.Field(i)
			if !f.CanSet() {
				// An embedded struct of an unexported type, whose exported
				// fields JSON shows: reach it through its address in out.
				f = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
			}
			f.Set(fillLists(f))
		}
		return out
	}
	return v
}

// holdsNil caches mayHoldNil per type.
var holdsNil sync.Map // reflect.Type → bool

// mayHoldNil reports whether a value of type t can contain a nil slice or
// map that JSON would show: through exported fields, elements, pointers
// and interfaces. A recursive type is assumed to.
func mayHoldNil(t reflect.Type) bool {
	if b, ok := holdsNil.Load(t); ok {
		return b.(bool)
	}
	return computeHoldsNil(t, map[reflect.Type]bool{})
}

func computeHoldsNil(t reflect.Type, visiting map[reflect.Type]bool) bool {
	if b, ok := holdsNil.Load(t); ok {
		return b.(bool)
	}
	if visiting[t] {
		return true
	}
	visiting[t] = true
	var b bool
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Interface:
		b = true
	case reflect.Pointer, reflect.Array:
		b = computeHoldsNil(t.Elem(), visiting)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); shownField(f) && computeHoldsNil(f.Type, visiting) {
				b = true
				break
			}
		}
	}
	delete(visiting, t)
	holdsNil.Store(t, b)
	return b
}

// shownField reports whether encoding/json shows f or what it embeds: an
// exported field, or an embedded struct (or pointer to one) of any type.
func shownField(f reflect.StructField) bool {
	if f.IsExported() {
		return true
	}
	if !f.Anonymous {
		return false
	}
	t := f.Type
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct
}
