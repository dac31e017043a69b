package storetest

import (
	"sync"
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var schemaTests = []test{
	{"EmptyThenRoundTrip", func(t *testing.T, f *fixture) {
		got, err := f.s.MetadataSchema(f.ctx)
		require.NoError(t, err)
		assert.Equal(t, 0, got.Version, "a fresh store has version 0")
		assert.Empty(t, got.Fields)
		want := dam.MetadataSchema{Version: 1, UpdatedBy: "o1", UpdatedAt: f.tick(), Fields: []dam.SchemaField{
			{Key: "shot_on", Label: "Shot on", Type: dam.FieldDate, Required: true},
			{Key: "colours", Label: "Colours", Type: dam.FieldMultiSelect, Options: []string{"red", "blue"}},
			{Key: "budget", Label: "Budget", Type: dam.FieldNumber},
		}}
		require.NoError(t, f.s.PutMetadataSchema(f.ctx, want, 0))
		got, err = f.s.MetadataSchema(f.ctx)
		require.NoError(t, err)
		assert.Equal(t, want, got, "fields come back in their order")
		want.Fields, want.Version = want.Fields[1:], 2
		require.NoError(t, f.s.PutMetadataSchema(f.ctx, want, 1))
		got, err = f.s.MetadataSchema(f.ctx)
		require.NoError(t, err)
		assert.Equal(t, want, got, "putting again replaces")
	}},
	{"StaleVersionLoses", func(t *testing.T, f *fixture) {
		one := dam.MetadataSchema{Version: 1, UpdatedAt: f.tick(), Fields: []dam.SchemaField{{Key: "a", Label: "A", Type: dam.FieldText}}}
		require.NoError(t, f.s.PutMetadataSchema(f.ctx, one, 0))
		other := dam.MetadataSchema{Version: 1, UpdatedAt: f.tick(), Fields: []dam.SchemaField{{Key: "b", Label: "B", Type: dam.FieldText}}}
		requireKind(t, dam.FailedPrecondition, f.s.PutMetadataSchema(f.ctx, other, 0))
		got, err := f.s.MetadataSchema(f.ctx)
		require.NoError(t, err)
		assert.Equal(t, one, got, "the loser changed nothing")
	}},
	{"ConcurrentPutsOneWins", func(t *testing.T, f *fixture) {
		const n = 4
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				s := dam.MetadataSchema{Version: 1, UpdatedAt: baseTime, Fields: []dam.SchemaField{{Key: "k", Label: string(rune('A' + i)), Type: dam.FieldText}}}
				errs[i] = f.s.PutMetadataSchema(f.ctx, s, 0)
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else {
				requireKind(t, dam.FailedPrecondition, err)
			}
		}
		assert.Equal(t, 1, won, "exactly one writer from version 0 wins")
		got, err := f.s.MetadataSchema(f.ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, got.Version)
	}},
}
