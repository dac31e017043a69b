package dam_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// full is metadata with every field set, the starting point of the
// inheritance cases.
func fullMetadata() dam.Metadata {
	return dam.Metadata{Title: "Sales deck", Description: "Q3 figures", Keywords: []string{"sales", "q3"},
		Fields: map[string]string{"client": "Acme", "region": "EMEA"}}
}

// TestGivenMetadataFieldsReplaceOnlyThemselves is the regression test of the
// two data-loss bugs: a new version with only a title wiped the description,
// keywords and custom fields, and so did copy_metadata_from with a title.
func TestGivenMetadataFieldsReplaceOnlyThemselves(t *testing.T) {
	cases := []struct {
		name  string
		given dam.Metadata
		want  dam.Metadata
	}{
		{"title only", dam.Metadata{Title: "Sales deck 2027"},
			dam.Metadata{Title: "Sales deck 2027", Description: "Q3 figures", Keywords: []string{"sales", "q3"},
				Fields: map[string]string{"client": "Acme", "region": "EMEA"}}},
		{"description only", dam.Metadata{Description: "Q4 figures"},
			dam.Metadata{Title: "Sales deck", Description: "Q4 figures", Keywords: []string{"sales", "q3"},
				Fields: map[string]string{"client": "Acme", "region": "EMEA"}}},
		{"keywords replace the list", dam.Metadata{Keywords: []string{"q4"}},
			dam.Metadata{Title: "Sales deck", Description: "Q3 figures", Keywords: []string{"q4"},
				Fields: map[string]string{"client": "Acme", "region": "EMEA"}}},
		{"an empty keyword list clears them", dam.Metadata{Keywords: []string{}},
			dam.Metadata{Title: "Sales deck", Description: "Q3 figures",
				Fields: map[string]string{"client": "Acme", "region": "EMEA"}}},
		{"one custom field replaced, one added, one removed",
			dam.Metadata{Fields: map[string]string{"client": "Globex", "owner": "Ann", "region": ""}},
			dam.Metadata{Title: "Sales deck", Description: "Q3 figures", Keywords: []string{"sales", "q3"},
				Fields: map[string]string{"client": "Globex", "owner": "Ann"}}},
	}
	for _, tc := range cases {
		t.Run("new version/"+tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			m := fullMetadata()
			a, err := f.lib.Upload(f.owner, strings.NewReader("v1"), dam.UploadOptions{Name: "deck.txt", Meta: &m})
			require.NoError(t, err)
			given := tc.given
			v, err := f.lib.AddVersion(f.owner, a.ID, strings.NewReader("v2"), dam.NewVersionOptions{Meta: &given})
			require.NoError(t, err)
			assert.Equal(t, tc.want, v.Meta, "the answer")
			got, err := f.lib.Asset(f.owner, a.ID)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Meta, "what is stored")
		})
		t.Run("copy_metadata_from/"+tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			m := fullMetadata()
			src, err := f.lib.Upload(f.owner, strings.NewReader("src"), dam.UploadOptions{Name: "deck.txt", Meta: &m})
			require.NoError(t, err)
			given := tc.given
			n, err := f.lib.Upload(f.owner, strings.NewReader("new"), dam.UploadOptions{Name: "new.txt", CopyMetaFrom: src.ID, Meta: &given})
			require.NoError(t, err)
			assert.Equal(t, tc.want, n.Meta)
			got, err := f.lib.Asset(f.owner, n.ID)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Meta)
			orig, err := f.lib.Asset(f.owner, src.ID)
			require.NoError(t, err)
			assert.Equal(t, fullMetadata(), orig.Meta, "the source is untouched")
		})
	}

	t.Run("no metadata keeps all of it", func(t *testing.T) {
		f := newFixture(t, nil)
		m := fullMetadata()
		a, err := f.lib.Upload(f.owner, strings.NewReader("v1"), dam.UploadOptions{Name: "deck.txt", Meta: &m})
		require.NoError(t, err)
		v, err := f.lib.AddVersion(f.owner, a.ID, strings.NewReader("v2"), dam.NewVersionOptions{})
		require.NoError(t, err)
		assert.Equal(t, fullMetadata(), v.Meta)
	})

	t.Run("merged custom fields past the limit are refused", func(t *testing.T) {
		f := newFixture(t, nil)
		m := dam.Metadata{Fields: map[string]string{}}
		for i := range 150 {
			m.Fields[strings.Repeat("a", 1+i%50)+string(rune('A'+i/50))] = "x"
		}
		a, err := f.lib.Upload(f.owner, strings.NewReader("v1"), dam.UploadOptions{Name: "many.txt", Meta: &m})
		require.NoError(t, err)
		more := dam.Metadata{Fields: map[string]string{}}
		for i := range 100 {
			more.Fields[strings.Repeat("b", 1+i%50)+string(rune('A'+i/50))] = "y"
		}
		_, err = f.lib.AddVersion(f.owner, a.ID, strings.NewReader("v2"), dam.NewVersionOptions{Meta: &more})
		assert.Equal(t, dam.Invalid, kindOf(t, err))
		got, err := f.lib.Asset(f.owner, a.ID)
		require.NoError(t, err)
		assert.Len(t, got.Meta.Fields, 150, "nothing changed")
		assert.Equal(t, 1, got.Current.Number)
	})
}
