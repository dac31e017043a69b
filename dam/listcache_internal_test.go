package dam

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestListingKeyHoldsEveryQueryField: a field added to AssetQuery is part
// of the listing cache's key, or two different queries would share a page.
func TestListingKeyHoldsEveryQueryField(t *testing.T) {
	base, err := listingKey("f", AssetQuery{})
	require.NoError(t, err)
	typ := reflect.TypeFor[AssetQuery]()
	for i := range typ.NumField() {
		field := typ.Field(i)
		t.Run(field.Name, func(t *testing.T) {
			var q AssetQuery
			v := reflect.ValueOf(&q).Elem().Field(i)
			require.True(t, v.CanSet(), "AssetQuery.%s is unexported: listingKey cannot see it", field.Name)
			setNonZero(t, v)
			k, err := listingKey("f", q)
			require.NoError(t, err)
			assert.NotEqual(t, base, k, "AssetQuery.%s changes the key", field.Name)
		})
	}
	other, err := listingKey("g", AssetQuery{})
	require.NoError(t, err)
	assert.NotEqual(t, base, other, "the format is part of the key")
	ab, err := listingKey("f", AssetQuery{Domains: []string{"a", "b"}})
	require.NoError(t, err)
	ba, err := listingKey("f", AssetQuery{Domains: []string{"b", "a"}})
	require.NoError(t, err)
	assert.Equal(t, ab, ba, "the order of the domains does not matter")
}

func setNonZero(t *testing.T, v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint64, reflect.Uint32:
		v.SetUint(7)
	case reflect.Float64:
		v.SetFloat(1.5)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		setNonZero(t, s.Index(0))
		v.Set(s)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		setNonZero(t, p.Elem())
		v.Set(p)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				setNonZero(t, v.Field(i))
			}
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		setNonZero(t, k)
		setNonZero(t, e)
		m.SetMapIndex(k, e)
		v.Set(m)
	default:
		t.Fatalf("setNonZero: no value for kind %s; teach it one", v.Kind())
	}
}
