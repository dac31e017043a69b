package damweb

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Handler).schemaRoutes) }

// schemaRoutes are the owners' page of the metadata schema.
func (h *Handler) schemaRoutes() []route {
	return []route{
		{"GET", "/settings/fields", true, h.schemaPage},
		{"POST", "/settings/fields", true, h.saveSchema},
	}
}

// fieldInput is one schema field in a form: the input its type takes,
// with the asset's value and, when the value no longer fits the schema,
// the problem (the value then shows in a text input, so that it is seen
// and not silently dropped by a date or number input).
type fieldInput struct {
	dam.SchemaField
	ID       string // the input's (or the fieldset's) id
	Name     string // field.<key>
	Value    string
	Options  []fieldOption
	Problem  string
	AsText   bool // show the value in a text input whatever the type
	Enforce  bool // add the required attribute (edit forms; not uploads, where the file may fill it)
	Multiple bool
}

// fieldOption is one option of a select or multiselect field; Stale marks
// a stored value that is no longer an option.
type fieldOption struct {
	Value    string
	Selected bool
	Stale    bool
}

// fieldInputs lays out the schema's fields for a form, with the values
// of fields (nil: a blank form). flag reports values that do not fit.
func fieldInputs(s dam.MetadataSchema, fields map[string]string, prefix string, flag bool) []fieldInput {
	out := make([]fieldInput, 0, len(s.Fields))
	for _, f := range s.Fields {
		in := fieldInput{SchemaField: f, ID: prefix + f.Key, Name: "field." + f.Key, Value: fields[f.Key],
			Multiple: f.Type == dam.FieldMultiSelect}
		if flag {
			if _, err := f.FieldValue("", in.Value); err != nil {
				in.Problem = dam.ErrorMessage(err)
				in.AsText = in.Value != "" && (f.Type == dam.FieldNumber || f.Type == dam.FieldDate)
			}
		}
		picked := f.Values(in.Value)
		for _, o := range f.Options {
			in.Options = append(in.Options, fieldOption{Value: o, Selected: slices.Contains(picked, o)})
		}
		if f.Type == dam.FieldSelect || f.Type == dam.FieldMultiSelect {
			for _, v := range picked {
				if !slices.Contains(f.Options, v) {
					in.Options = append(in.Options, fieldOption{Value: v, Selected: true, Stale: true})
				}
			}
		}
		out = append(out, in)
	}
	return out
}

// fieldFact is a field's label and value for reading.
type fieldFact struct {
	Label, Value, Problem string
}

// fieldFacts lists m's custom fields for reading: the schema's in its
// order, labelled, then the others by name.
func fieldFacts(s dam.MetadataSchema, m dam.Metadata) []fieldFact {
	var out []fieldFact
	for _, f := range s.Fields {
		if v := m.Fields[f.Key]; v != "" {
			out = append(out, fieldFact{Label: f.Label, Value: v})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m.Fields)) {
		if _, ok := s.Field(k); !ok {
			out = append(out, fieldFact{Label: k, Value: m.Fields[k]})
		}
	}
	return out
}

// otherFields are m's custom fields outside the schema.
func otherFields(s dam.MetadataSchema, m dam.Metadata) map[string]string {
	out := map[string]string{}
	for k, v := range m.Fields {
		if _, ok := s.Field(k); !ok {
			out[k] = v
		}
	}
	return out
}

// formFieldValue is the value a form sent for one custom field: the
// ticked options of a multiselect (several values, joined by ", "), or
// the one value of any other field, trimmed.
func formFieldValue(vs []string) string {
	var parts []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ", ")
}

// schemaFieldsFromForm reads the schema's fields from an upload form's
// values (field.<key>); fields left blank are not given, so what is
// copied from another asset or read from the file fills them.
func schemaFieldsFromForm(vals url.Values) map[string]string {
	var out map[string]string
	for k, vs := range vals {
		key, ok := strings.CutPrefix(k, "field.")
		if !ok {
			continue
		}
		if v := formFieldValue(vs); v != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[key] = v
		}
	}
	return out
}

// schemaData is the metadata schema page's.
type schemaData struct {
	Schema    dam.MetadataSchema
	Rows      []schemaRow
	Types     []typeChoice
	CanChange bool
	UpdatedBy string
}

// typeChoice is a field type as the form offers it.
type typeChoice struct {
	Value dam.FieldType
	Label string
}

var typeChoices = []typeChoice{
	{dam.FieldText, "Text"}, {dam.FieldNumber, "Number"}, {dam.FieldDate, "Date"},
	{dam.FieldSelect, "One of a list"}, {dam.FieldMultiSelect, "Several of a list"},
}

// schemaRow is one field in the schema form.
type schemaRow struct {
	dam.SchemaField
	Order   int
	Options string // one per line
}

func (h *Handler) schemaPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	me := actorOf(ctx)
	if !me.IsOwner() {
		return h.noPage(w, r)
	}
	s, err := h.lib.MetadataSchema(ctx)
	if err != nil {
		return err
	}
	d := schemaData{Schema: s, CanChange: me.IsAdmin(), Types: typeChoices}
	for i, f := range s.Fields {
		d.Rows = append(d.Rows, schemaRow{SchemaField: f, Order: i + 1, Options: strings.Join(f.Options, "\n")})
	}
	if s.UpdatedBy != "" {
		if users, err := h.lib.Users(ctx); err == nil {
			for _, u := range users {
				if u.ID == s.UpdatedBy {
					d.UpdatedBy = u.Email
				}
			}
		}
	}
	return h.render(w, r, http.StatusOK, "fields", "Metadata fields", "settings", d)
}

// saveSchema reads the schema form: one block per field it showed (key
// repeated, then label.<key>, type.<key>, options.<key>, required.<key>,
// order.<key>, remove.<key>) and the new field's (new_*). Fields are put
// in the order of their order numbers (ties keep the form's order, the
// new field first: order 2 makes it the second); a new field without an
// order number goes last.
func (h *Handler) saveSchema(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	if !actorOf(ctx).IsOwner() {
		return h.noPage(w, r)
	}
	f := r.PostForm
	const op = "damweb.saveSchema"
	version, err := strconv.Atoi(f.Get("version"))
	if err != nil {
		return dam.E(op, dam.Invalid, "the form has no schema version: reload the page")
	}
	keys := f["key"]
	if len(keys) > 200 {
		return dam.E(op, dam.Invalid, "at most 200 fields at once")
	}
	type ordered struct {
		field dam.SchemaField
		order int
		added bool // the new field goes before a shown one of the same order
	}
	var rows []ordered
	orderOf := func(v string, dflt int) (int, error) {
		v = strings.TrimSpace(v)
		if v == "" {
			return dflt, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 10000 {
			return 0, dam.E(op, dam.Invalid, "an order must be a whole number from 0 to 10000, not %.20q", v)
		}
		return n, nil
	}
	for i, k := range keys {
		if f.Get("remove."+k) != "" {
			continue
		}
		n, err := orderOf(f.Get("order."+k), i+1)
		if err != nil {
			return err
		}
		rows = append(rows, ordered{dam.SchemaField{Key: k, Label: f.Get("label." + k), Type: dam.FieldType(f.Get("type." + k)),
			Options: splitLines(f.Get("options." + k)), Required: f.Get("required."+k) != ""}, n, false})
	}
	if k := strings.TrimSpace(f.Get("new_key")); k != "" {
		n, err := orderOf(f.Get("new_order"), 10001)
		if err != nil {
			return err
		}
		rows = append(rows, ordered{dam.SchemaField{Key: k, Label: f.Get("new_label"), Type: dam.FieldType(f.Get("new_type")),
			Options: splitLines(f.Get("new_options")), Required: f.Get("new_required") != ""}, n, true})
	}
	slices.SortStableFunc(rows, func(a, b ordered) int {
		if a.order != b.order {
			return a.order - b.order
		}
		switch {
		case a.added && !b.added:
			return -1
		case b.added && !a.added:
			return 1
		}
		return 0
	})
	fields := make([]dam.SchemaField, len(rows))
	for i, o := range rows {
		fields[i] = o.field
	}
	if _, err := h.lib.SetMetadataSchema(ctx, dam.MetadataSchema{Version: version, Fields: fields}); err != nil {
		return err
	}
	return redirect(w, r, "/settings/fields", "Metadata fields saved.")
}

// splitLines splits a textarea into its trimmed, non-empty lines.
func splitLines(s string) []string {
	var out []string
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
