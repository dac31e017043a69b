package damweb

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// schemaForm is the fields page's form for the schema s as it shows it,
// with the given changes.
func schemaForm(s dam.MetadataSchema) url.Values {
	f := url.Values{"version": {strconv.Itoa(s.Version)}}
	for i, fd := range s.Fields {
		f.Add("key", fd.Key)
		f.Set("label."+fd.Key, fd.Label)
		f.Set("type."+fd.Key, string(fd.Type))
		f.Set("options."+fd.Key, strings.Join(fd.Options, "\n"))
		f.Set("order."+fd.Key, strconv.Itoa(i+1))
		if fd.Required {
			f.Set("required."+fd.Key, "1")
		}
	}
	return f
}

func TestMetadataFieldsPage(t *testing.T) {
	s := newSite(t, nil)
	o := s.signIn(t, "owner")
	resp, body := o.get("/settings/fields")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "No fields yet.")
	assert.Contains(t, body, `name="new_key"`)

	add := func(key, label, typ, options string, required bool) {
		t.Helper()
		cur, err := s.lib.MetadataSchema(s.owner)
		require.NoError(t, err)
		f := schemaForm(cur)
		f.Set("new_key", key)
		f.Set("new_label", label)
		f.Set("new_type", typ)
		f.Set("new_options", options)
		if required {
			f.Set("new_required", "1")
		}
		resp, body := o.post("/settings/fields", f)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	}
	add("client", "Client", "text", "", true)
	add("shot_on", "Shot on", "date", "", false)
	add("usage", "Usage", "select", "Web\nPrint\n", false)
	add("colours", "Colours", "multiselect", "red\r\ngreen\r\nblue", false)
	ms, err := s.lib.MetadataSchema(s.owner)
	require.NoError(t, err)
	assert.Equal(t, []dam.SchemaField{
		{Key: "client", Label: "Client", Type: dam.FieldText, Required: true},
		{Key: "shot_on", Label: "Shot on", Type: dam.FieldDate},
		{Key: "usage", Label: "Usage", Type: dam.FieldSelect, Options: []string{"Web", "Print"}},
		{Key: "colours", Label: "Colours", Type: dam.FieldMultiSelect, Options: []string{"red", "green", "blue"}},
	}, ms.Fields)

	t.Run("reorder and remove", func(t *testing.T) {
		f := schemaForm(ms)
		f.Set("order.colours", "0")
		f.Set("remove.shot_on", "1")
		resp, body := o.post("/settings/fields", f)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		got, err := s.lib.MetadataSchema(s.owner)
		require.NoError(t, err)
		keys := []string{}
		for _, fd := range got.Fields {
			keys = append(keys, fd.Key)
		}
		assert.Equal(t, []string{"colours", "client", "usage"}, keys)
		resp, body = o.post("/settings/fields", f)
		assert.Equal(t, http.StatusPreconditionFailed, resp.StatusCode, "the form of an older version is refused")
		assert.Contains(t, body, "changed since version")
		// Put shot_on back for the rest.
		f = schemaForm(got)
		f.Set("new_key", "shot_on")
		f.Set("new_type", "date")
		f.Set("new_label", "Shot on")
		f.Set("new_order", "3")
		resp, body = o.post("/settings/fields", f)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	})

	t.Run("others read it, nobody below owner sees it", func(t *testing.T) {
		resp, body := s.signIn(t, "stranger").get("/settings/fields")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, body, "Only administrators change the fields")
		assert.NotContains(t, body, `name="new_key"`)
		resp, _ = s.signIn(t, "editor").get("/settings/fields")
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	})

	t.Run("asset page shows the fields in order with their inputs", func(t *testing.T) {
		_, body := o.get("/assets/" + s.photo.ID)
		iColours, iClient, iShot, iUsage := strings.Index(body, `for="ms-colours-0"`), strings.Index(body, `for="ms-client"`),
			strings.Index(body, `for="ms-shot_on"`), strings.Index(body, `for="ms-usage"`)
		require.True(t, iColours > 0 && iClient > iColours && iShot > iClient && iUsage > iShot, "in the schema's order: %d %d %d %d", iColours, iClient, iShot, iUsage)
		assert.Contains(t, body, `<input id="ms-shot_on" name="field.shot_on" value="" type="date">`)
		assert.Contains(t, body, `<select id="ms-usage" name="field.usage"><option value="">—</option><option value="Web">Web</option>`)
		assert.Contains(t, body, `<input type="checkbox" id="ms-colours-2" name="field.colours" value="blue">`)
		assert.Contains(t, body, `<input id="ms-client" name="field.client" value="" maxlength="4000" required aria-invalid="true"`, "flagged: the required field has no value")
		assert.Contains(t, body, `Client <span class="muted">(required)</span>`)
	})

	t.Run("the edit form is checked and names the field", func(t *testing.T) {
		f := url.Values{"title": {"Sunrise"}, "field.client": {"Acme"}, "field.shot_on": {"2026-02-30"}, "field.usage": {""}, "field.colours": {"", "blue", "red"}}
		resp, body := o.post("/assets/"+s.photo.ID, f)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Contains(t, body, "shot_on")
		f.Set("field.shot_on", "2026-02-28")
		resp, body = o.post("/assets/"+s.photo.ID, f)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		a, err := s.lib.Asset(s.owner, s.photo.ID)
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"client": "Acme", "shot_on": "2026-02-28", "colours": "red, blue"}, a.Meta.Fields)
		_, body = o.get("/assets/" + s.photo.ID)
		assert.Contains(t, body, `value="2026-02-28" type="date"`)
		assert.Contains(t, body, `value="blue" checked>`)
		_, body = s.signIn(t, "viewer").get("/assets/" + s.photo.ID)
		assert.Contains(t, body, "<dt>Colours</dt><dd>red, blue</dd><dt>Client</dt><dd>Acme</dd><dt>Shot on</dt><dd>2026-02-28</dd>", "readers see labels in order")
	})

	t.Run("a value that no longer fits shows and is flagged", func(t *testing.T) {
		cur, err := s.lib.MetadataSchema(s.owner)
		require.NoError(t, err)
		f := schemaForm(cur)
		f.Set("options.colours", "red\ngreen")
		f.Set("type.shot_on", "number")
		resp, body := o.post("/settings/fields", f)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		_, body = o.get("/assets/" + s.photo.ID)
		assert.Contains(t, body, `value="2026-02-28" type="text"`, "a stale number shows as text, not blanked by a number input")
		assert.Contains(t, body, `blue <span class="muted">(no longer an option)</span>`)
		assert.Contains(t, body, "no longer fit the library")
	})

	t.Run("upload form carries the fields", func(t *testing.T) {
		_, body := o.get("/upload")
		assert.Contains(t, body, "Details for every file")
		assert.Contains(t, body, `<input id="uf-client" name="field.client" value="" maxlength="4000">`, "not required in the browser: the file or the copied asset may fill it")
		resp, body := o.postFiles("/upload", url.Values{"field.client": {"Globex"}, "field.colours": {"", "green"}}, []filePart{{"a.txt", []byte("a")}}, true)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		var ans uploadAnswer
		require.NoError(t, json.Unmarshal([]byte(body), &ans))
		require.Equal(t, 1, ans.Uploaded, body)
		a, err := s.lib.Asset(s.owner, ans.Files[0].ID)
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"client": "Globex", "colours": "green"}, a.Meta.Fields)
		_, body = o.postFiles("/upload", url.Values{}, []filePart{{"b.txt", []byte("b")}}, true)
		require.NoError(t, json.Unmarshal([]byte(body), &ans))
		assert.Equal(t, 1, ans.Refused)
		assert.Contains(t, ans.Files[0].Message, `"client" (Client) is required`)
	})
}
