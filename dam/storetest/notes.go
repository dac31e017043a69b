package storetest

import (
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var noteTests = []test{
	{"AddAndList", func(t *testing.T, f *fixture) {
		a, other := f.asset("", "a.jpg"), f.asset("", "b.jpg")
		var want []dam.Note
		for _, text := range []string{"first", "second, with 'quotes' and ünïcode", "third"} {
			n := dam.Note{ID: f.id(), AssetID: a.ID, AuthorID: "u1", Text: text, CreatedAt: f.tick()}
			require.NoError(t, f.s.AddNote(f.ctx, n))
			want = append(want, n)
		}
		require.NoError(t, f.s.AddNote(f.ctx, dam.Note{ID: f.id(), AssetID: other.ID, AuthorID: "u1", Text: "x", CreatedAt: f.tick()}))
		got, err := f.s.Notes(f.ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, want, got, "oldest first")
		requireKind(t, dam.AlreadyExists, f.s.AddNote(f.ctx, want[0]))

		f.trash(a.ID)
		got, err = f.s.Notes(f.ctx, a.ID)
		require.NoError(t, err, "notes of a trashed asset stay readable")
		assert.Equal(t, want, got)
	}},
	{"Refusals", func(t *testing.T, f *fixture) {
		a := f.asset("", "a.jpg")
		got, err := f.s.Notes(f.ctx, a.ID)
		require.NoError(t, err)
		assert.Empty(t, got)
		_, err = f.s.Notes(f.ctx, f.id())
		requireKind(t, dam.NotFound, err)
		requireKind(t, dam.NotFound, f.s.AddNote(f.ctx, dam.Note{ID: f.id(), AssetID: f.id(), Text: "x", CreatedAt: f.tick()}))
		f.trash(a.ID)
		requireKind(t, dam.NotFound, f.s.AddNote(f.ctx, dam.Note{ID: f.id(), AssetID: a.ID, Text: "x", CreatedAt: f.tick()}))
		requireKind(t, dam.Invalid, f.s.AddNote(f.ctx, dam.Note{AssetID: a.ID, Text: "x"}))
	}},
}
