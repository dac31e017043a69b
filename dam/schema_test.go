package dam_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func ptrTo[T any](v T) *T { return &v }

// testSchema is a schema with one field of each type.
func testSchema() []dam.SchemaField {
	return []dam.SchemaField{
		{Key: "client", Label: "Client", Type: dam.FieldText, Required: true},
		{Key: "budget", Label: "Budget", Type: dam.FieldNumber},
		{Key: "shot_on", Label: "Shot on", Type: dam.FieldDate},
		{Key: "usage", Label: "Usage", Type: dam.FieldSelect, Options: []string{"Web", "Print"}},
		{Key: "colours", Label: "Colours", Type: dam.FieldMultiSelect, Options: []string{"red", "green", "blue"}},
	}
}

func setSchema(t *testing.T, f *fixture, fields []dam.SchemaField) dam.MetadataSchema {
	t.Helper()
	cur, err := f.lib.MetadataSchema(f.owner)
	require.NoError(t, err)
	s, err := f.lib.SetMetadataSchema(f.owner, dam.MetadataSchema{Fields: fields, Version: cur.Version})
	require.NoError(t, err)
	return s
}

func TestSetMetadataSchemaChecksFields(t *testing.T) {
	cases := []struct {
		name   string
		fields []dam.SchemaField
		want   string // in the message
	}{
		{"bad key", []dam.SchemaField{{Key: "Client Name", Type: dam.FieldText}}, "lower-case"},
		{"key of an own field", []dam.SchemaField{{Key: "title", Type: dam.FieldText}}, "own field"},
		{"two keys the same for search", []dam.SchemaField{{Key: "usage_terms"}, {Key: "usageterms"}}, "two fields"},
		{"unknown type", []dam.SchemaField{{Key: "a", Type: "colour"}}, "not text, number"},
		{"select without options", []dam.SchemaField{{Key: "a", Type: dam.FieldSelect}}, "at least one option"},
		{"options on text", []dam.SchemaField{{Key: "a", Type: dam.FieldText, Options: []string{"x"}}}, "only select"},
		{"comma in a multiselect option", []dam.SchemaField{{Key: "a", Type: dam.FieldMultiSelect, Options: []string{"x, y"}}}, "comma"},
		{"option twice", []dam.SchemaField{{Key: "a", Type: dam.FieldSelect, Options: []string{"x", "x"}}}, "twice"},
		{"long label", []dam.SchemaField{{Key: "a", Label: strings.Repeat("l", 101)}}, "label"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			_, err := f.lib.SetMetadataSchema(f.owner, dam.MetadataSchema{Fields: tc.fields})
			require.Error(t, err)
			assert.Equal(t, dam.Invalid, kindOf(t, err))
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestSetMetadataSchemaVersionsAndPower(t *testing.T) {
	f := newFixture(t, nil)
	s := setSchema(t, f, []dam.SchemaField{{Key: "a", Label: " ", Type: ""}})
	assert.Equal(t, 1, s.Version)
	assert.Equal(t, []dam.SchemaField{{Key: "a", Label: "a", Type: dam.FieldText}}, s.Fields, "defaults: label is the key, type text")
	_, err := f.lib.SetMetadataSchema(f.owner, dam.MetadataSchema{Version: 0})
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, err), "a stale version loses")

	owner := f.user(t, "o2@example.com", dam.RoleOwner, dam.DefaultDomain)
	_, err = f.lib.SetMetadataSchema(owner, dam.MetadataSchema{Version: 1})
	assert.Equal(t, dam.PermissionDenied, kindOf(t, err), "the schema is the library's: administrators change it")
	viewer := f.user(t, "v@example.com", dam.RoleViewer, dam.DefaultDomain)
	got, err := f.lib.MetadataSchema(viewer)
	require.NoError(t, err, "anyone signed in reads it")
	assert.Equal(t, s, got)
}

func TestFieldValues(t *testing.T) {
	fields := testSchema()
	byKey := map[string]dam.SchemaField{}
	for _, f := range fields {
		byKey[f.Key] = f
	}
	cases := []struct {
		key, in, want, err string
	}{
		{"budget", " 12.50 ", "12.5", ""},
		{"budget", "-3e2", "-300", ""},
		{"budget", "12,5", "", `"budget" (Budget) must be a number`},
		{"budget", "Inf", "", "must be a number"},
		{"budget", "0x10", "", "must be a number"},
		{"shot_on", "2026-02-28", "2026-02-28", ""},
		{"shot_on", "2026-02-30", "", `"shot_on" (Shot on) must be a date`},
		{"usage", "print", "Print", ""},
		{"usage", "Radio", "", `must be one of "Web", "Print"`},
		{"colours", "blue, RED,,", "red, blue", ""},
		{"colours", "red, pink", "", `not "pink"`},
		{"client", "", "", `"client" (Client) is required`},
		{"usage", "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.key+"="+tc.in, func(t *testing.T) {
			got, err := byKey[tc.key].FieldValue("op", tc.in)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestUploadsAndEditsFollowTheSchema(t *testing.T) {
	f := newFixture(t, nil)
	setSchema(t, f, testSchema())
	up := func(fields map[string]string) (dam.Asset, error) {
		return f.lib.Upload(f.owner, strings.NewReader("x"), dam.UploadOptions{Name: "a.txt", Meta: &dam.Metadata{Fields: fields}})
	}
	_, err := up(map[string]string{"budget": "10"})
	require.Error(t, err)
	assert.Equal(t, dam.Invalid, kindOf(t, err))
	assert.Contains(t, err.Error(), `"client" (Client) is required`)
	_, err = up(map[string]string{"client": "Acme", "shot_on": "yesterday"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"shot_on"`)

	a, err := up(map[string]string{"client": "Acme", "budget": "1000.0", "colours": "blue,red", "free": "anything"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"client": "Acme", "budget": "1000", "colours": "red, blue", "free": "anything"}, a.Meta.Fields,
		"values are kept in their canonical spelling; fields outside the schema stay free")

	_, err = f.lib.EditAsset(f.owner, a.ID, dam.AssetPatch{Fields: map[string]*string{"usage": ptrTo("Radio")}})
	assert.Contains(t, err.Error(), `"usage"`)
	_, err = f.lib.EditAsset(f.owner, a.ID, dam.AssetPatch{Fields: map[string]*string{"client": nil}})
	assert.Contains(t, err.Error(), `"client" (Client) is required`, "an edit may not empty a required field")
	_, err = f.lib.Upload(f.owner, strings.NewReader("y"), dam.UploadOptions{Name: "b.txt"})
	assert.Contains(t, err.Error(), `"client" (Client) is required`, "an upload without metadata too")

	_, err = f.lib.EditAssets(f.owner, []string{a.ID}, dam.AssetPatch{Fields: map[string]*string{"budget": ptrTo("lots")}})
	assert.Contains(t, err.Error(), `"budget"`, "bulk edits are checked the same way")
	e, err := f.lib.EditAsset(f.owner, a.ID, dam.AssetPatch{Fields: map[string]*string{"usage": ptrTo("web"), "budget": nil}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"client": "Acme", "colours": "red, blue", "free": "anything", "usage": "Web"}, e.Meta.Fields)

	_, err = f.lib.AddVersion(f.owner, a.ID, strings.NewReader("v2"), dam.NewVersionOptions{Meta: &dam.Metadata{Fields: map[string]string{"shot_on": "2026-13-01"}}})
	assert.Contains(t, err.Error(), `"shot_on"`, "new versions too")
	v, err := f.lib.AddVersion(f.owner, a.ID, strings.NewReader("v2"), dam.NewVersionOptions{Meta: &dam.Metadata{Title: "two"}})
	require.NoError(t, err)
	assert.Equal(t, "Acme", v.Meta.Fields["client"], "a version that gives no field keeps them")

	c, err := f.lib.Upload(f.owner, strings.NewReader("z"), dam.UploadOptions{Name: "c.txt", CopyMetaFrom: a.ID})
	require.NoError(t, err, "a required field copied from another asset counts")
	assert.Equal(t, "Acme", c.Meta.Fields["client"])
}

func TestSchemaChangeKeepsValues(t *testing.T) {
	f := newFixture(t, nil)
	a, err := f.lib.Upload(f.owner, strings.NewReader("x"), dam.UploadOptions{Name: "a.txt",
		Meta: &dam.Metadata{Fields: map[string]string{"usage": "Radio", "budget": "cheap"}}})
	require.NoError(t, err)
	s := setSchema(t, f, testSchema())
	got, err := f.lib.Asset(f.owner, a.ID)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"usage": "Radio", "budget": "cheap"}, got.Meta.Fields, "a schema change deletes nothing")
	assert.Equal(t, map[string]string{
		"client": `field "client" (Client) is required`,
		"usage":  `field "usage" (Usage) must be one of "Web", "Print", not "Radio"`,
		"budget": `field "budget" (Budget) must be a number, not "cheap"`,
	}, s.Problems(got.Meta), "the stale values are flagged")

	e, err := f.lib.EditAsset(f.owner, a.ID, dam.AssetPatch{Title: ptrTo("renamed")})
	require.NoError(t, err, "an edit that leaves the stale fields alone goes through")
	assert.Equal(t, "Radio", e.Meta.Fields["usage"])
	_, err = f.lib.EditAsset(f.owner, a.ID, dam.AssetPatch{Fields: map[string]*string{"usage": ptrTo("Radio")}})
	assert.Contains(t, err.Error(), `"usage"`, "an edit that sets it again must fix it")
}

// TestRequiredFieldFilledByTheFile: a required field the file's own
// metadata fills (the creator) lets the upload through; without it the
// upload is refused.
func TestRequiredFieldFilledByTheFile(t *testing.T) {
	f := newFixture(t, nil)
	setSchema(t, f, []dam.SchemaField{{Key: dam.FieldCreator, Label: "Creator", Type: dam.FieldText, Required: true}})
	a, err := f.lib.Upload(f.owner, bytes.NewReader(photoJPEG(t)), dam.UploadOptions{Name: "photo.jpg"})
	require.NoError(t, err)
	assert.Equal(t, "Jane Doe", a.Meta.Fields[dam.FieldCreator])
	_, err = f.lib.Upload(f.owner, strings.NewReader("no metadata inside"), dam.UploadOptions{Name: "b.txt"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"creator" (Creator) is required`)
}

// TestSchemaFieldsAreSearchable: key:value finds a schema field's value,
// a multiselect's options one by one and a date by its parts.
func TestSchemaFieldsAreSearchable(t *testing.T) {
	f := newFixture(t, nil)
	setSchema(t, f, testSchema())
	a, err := f.lib.Upload(f.owner, strings.NewReader("a"), dam.UploadOptions{Name: "a.txt",
		Meta: &dam.Metadata{Fields: map[string]string{"client": "Acme", "colours": "red,blue", "shot_on": "2026-02-28"}}})
	require.NoError(t, err)
	_, err = f.lib.Upload(f.owner, strings.NewReader("b"), dam.UploadOptions{Name: "b.txt",
		Meta: &dam.Metadata{Fields: map[string]string{"client": "Globex", "colours": "green"}}})
	require.NoError(t, err)
	for _, q := range []string{"client:acme", "colours:blue", "shot_on:2026", `client:"Acme"`} {
		got, _, err := f.lib.Assets(f.owner, dam.AssetQuery{Text: q})
		require.NoError(t, err, q)
		if assert.Len(t, got, 1, q) {
			assert.Equal(t, a.ID, got[0].ID, q)
		}
	}
}
