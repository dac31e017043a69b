package dam

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// FieldType is the type of a schema field's values. Values are kept as
// text in Metadata.Fields whatever the type, in a canonical spelling.
type FieldType string

// The field types.
const (
	// FieldText is any text.
	FieldText FieldType = "text"
	// FieldNumber is a decimal number: "12", "-0.5", "1e6".
	FieldNumber FieldType = "number"
	// FieldDate is a calendar date, YYYY-MM-DD.
	FieldDate FieldType = "date"
	// FieldSelect is one of the field's options.
	FieldSelect FieldType = "select"
	// FieldMultiSelect is several of the field's options, kept in the
	// options' order joined by ", " ("red, blue").
	FieldMultiSelect FieldType = "multiselect"
)

// Valid reports whether t is a known type.
func (t FieldType) Valid() bool {
	switch t {
	case FieldText, FieldNumber, FieldDate, FieldSelect, FieldMultiSelect:
		return true
	}
	return false
}

// SchemaField is one custom field of the metadata schema. Its values live
// in Metadata.Fields under Key.
type SchemaField struct {
	// Key is the name the value is kept under and searched with
	// (key:value): lower-case letters, digits and underscores, starting
	// with a letter.
	Key   string    `json:"key"`
	Label string    `json:"label"` // what forms and pages show
	Type  FieldType `json:"type"`
	// Options are the choices of a select or multiselect field, in the
	// order forms show them (none for the other types).
	Options  []string `json:"options,omitempty"`
	Required bool     `json:"required"`
}

// MetadataSchema is the custom fields owners define for every asset of the
// library, in the order forms and pages show them.
//
// Uploads, new versions and edits are checked against it: a value a call
// sets must fit its field's type (Invalid, naming the field, otherwise), a
// new asset must have every required field (given, copied or read from
// the file), and an edit may not empty a required field. Fields outside
// the schema stay free text. Changing the schema never changes stored
// values: a value that no longer fits stays and shows, Problems reports
// it, and the next edit that sets it must fix it.
type MetadataSchema struct {
	Fields []SchemaField `json:"fields"`
	// Version counts the changes; SetMetadataSchema takes the version it
	// replaces, so two owners editing at once cannot undo each other.
	Version   int       `json:"version"`
	UpdatedBy string    `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Limits of a schema.
const (
	maxSchemaFields = 100
	maxSchemaKey    = 64
	maxSchemaLabel  = 100
	maxFieldOptions = 200
	maxFieldOption  = 100
)

// Field returns the schema's field with key, if there is one.
func (s MetadataSchema) Field(key string) (SchemaField, bool) {
	i := slices.IndexFunc(s.Fields, func(f SchemaField) bool { return f.Key == key })
	if i < 0 {
		return SchemaField{}, false
	}
	return s.Fields[i], true
}

// MetadataSchema returns the library's metadata schema (any signed-in user
// may read it: forms are built from it).
func (l *Library) MetadataSchema(ctx context.Context) (MetadataSchema, error) {
	const op = "dam.MetadataSchema"
	if _, err := actorFor(ctx, op); err != nil {
		return MetadataSchema{}, err
	}
	s, err := l.store.MetadataSchema(ctx)
	if err != nil {
		return MetadataSchema{}, wrap(op, Internal, err)
	}
	return s, nil
}

// SetMetadataSchema replaces the schema's fields with s.Fields, in their
// order, when the stored schema is still at s.Version (FailedPrecondition
// otherwise); it returns the new schema, one version on. The schema
// belongs to the whole library, so only administrators change it.
func (l *Library) SetMetadataSchema(ctx context.Context, s MetadataSchema) (MetadataSchema, error) {
	const op = "dam.SetMetadataSchema"
	actor, err := administrator(ctx, op, "the metadata schema")
	if err != nil {
		return MetadataSchema{}, err
	}
	fields, err := checkSchemaFields(op, s.Fields)
	if err != nil {
		return MetadataSchema{}, err
	}
	out := MetadataSchema{Fields: fields, Version: s.Version + 1, UpdatedBy: actor.UserID, UpdatedAt: l.now().UTC()}
	if err := l.store.PutMetadataSchema(ctx, out, s.Version); err != nil {
		if KindOf(err) == FailedPrecondition {
			return MetadataSchema{}, E(op, FailedPrecondition, "the metadata schema changed since version %d: reload it and apply the change again", s.Version)
		}
		return MetadataSchema{}, wrap(op, Internal, err)
	}
	return out, nil
}

// checkSchemaFields validates fields from outside and returns them cleaned.
func checkSchemaFields(op string, fields []SchemaField) ([]SchemaField, error) {
	if len(fields) > maxSchemaFields {
		return nil, E(op, Invalid, "more than %d fields in the schema", maxSchemaFields)
	}
	out := make([]SchemaField, 0, len(fields))
	keys := map[string]bool{}
	for i, f := range fields {
		f.Key = strings.TrimSpace(f.Key)
		if !validSchemaKey(f.Key) {
			return nil, E(op, Invalid, "field %d: key %.70q must be 1 to %d lower-case letters, digits or underscores, starting with a letter", i+1, f.Key, maxSchemaKey)
		}
		sk := SearchFieldKey(f.Key)
		if _, own := knownFields[sk]; own || sk != strings.ReplaceAll(f.Key, "_", "") {
			return nil, E(op, Invalid, "field %q: the key is the name of an asset's own field (title, name, keywords...)", f.Key)
		}
		if keys[sk] {
			return nil, E(op, Invalid, "field %q: two fields have this key (underscores do not count)", f.Key)
		}
		keys[sk] = true
		f.Label = cleanText(strings.ReplaceAll(f.Label, "\n", " "), maxSchemaLabel+1)
		if f.Label == "" {
			f.Label = f.Key
		}
		if utf8.RuneCountInString(f.Label) > maxSchemaLabel {
			return nil, E(op, Invalid, "field %q: the label is longer than %d characters", f.Key, maxSchemaLabel)
		}
		if f.Type == "" {
			f.Type = FieldText
		}
		if !f.Type.Valid() {
			return nil, E(op, Invalid, "field %q: type %.30q is not text, number, date, select or multiselect", f.Key, f.Type)
		}
		opts, err := checkFieldOptions(op, f)
		if err != nil {
			return nil, err
		}
		f.Options = opts
		out = append(out, f)
	}
	return out, nil
}

func checkFieldOptions(op string, f SchemaField) ([]string, error) {
	if f.Type != FieldSelect && f.Type != FieldMultiSelect {
		if len(f.Options) > 0 {
			return nil, E(op, Invalid, "field %q: only select and multiselect fields have options", f.Key)
		}
		return nil, nil
	}
	if len(f.Options) == 0 {
		return nil, E(op, Invalid, "field %q: a %s field needs at least one option", f.Key, f.Type)
	}
	if len(f.Options) > maxFieldOptions {
		return nil, E(op, Invalid, "field %q: more than %d options", f.Key, maxFieldOptions)
	}
	out := make([]string, 0, len(f.Options))
	for _, o := range f.Options {
		o = cleanText(strings.ReplaceAll(o, "\n", " "), maxFieldOption+1)
		switch {
		case o == "":
			continue
		case utf8.RuneCountInString(o) > maxFieldOption:
			return nil, E(op, Invalid, "field %q: option %.20q... is longer than %d characters", f.Key, o, maxFieldOption)
		case f.Type == FieldMultiSelect && strings.Contains(o, ","):
			return nil, E(op, Invalid, "field %q: option %q has a comma (a multiselect value is a list of options separated by commas)", f.Key, o)
		case slices.Contains(out, o):
			return nil, E(op, Invalid, "field %q: option %q is given twice", f.Key, o)
		}
		out = append(out, o)
	}
	if len(out) == 0 {
		return nil, E(op, Invalid, "field %q: a %s field needs at least one option", f.Key, f.Type)
	}
	return out, nil
}

func validSchemaKey(k string) bool {
	if k == "" || len(k) > maxSchemaKey || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for _, c := range []byte(k) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// FieldValue checks v (cleaned text) against field f and returns it in
// its canonical spelling, or an Invalid error naming the field. The empty
// string is valid for a field that is not required (it means no value).
func (f SchemaField) FieldValue(op, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		if f.Required {
			return "", E(op, Invalid, "field %q (%s) is required", f.Key, f.Label)
		}
		return "", nil
	}
	switch f.Type {
	case FieldNumber:
		n, ok := parseFieldNumber(v)
		if !ok {
			return "", E(op, Invalid, "field %q (%s) must be a number, not %.30q", f.Key, f.Label, v)
		}
		return strconv.FormatFloat(n, 'g', -1, 64), nil
	case FieldDate:
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return "", E(op, Invalid, "field %q (%s) must be a date, YYYY-MM-DD, not %.30q", f.Key, f.Label, v)
		}
		return d.Format(time.DateOnly), nil
	case FieldSelect:
		if o, ok := matchOption(f.Options, v); ok {
			return o, nil
		}
		return "", E(op, Invalid, "field %q (%s) must be one of %s, not %.30q", f.Key, f.Label, quoteList(f.Options), v)
	case FieldMultiSelect:
		picked := map[string]bool{}
		for p := range strings.SplitSeq(v, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			o, ok := matchOption(f.Options, p)
			if !ok {
				return "", E(op, Invalid, "field %q (%s) takes options among %s, not %.30q", f.Key, f.Label, quoteList(f.Options), p)
			}
			picked[o] = true
		}
		var out []string
		for _, o := range f.Options {
			if picked[o] {
				out = append(out, o)
			}
		}
		if len(out) == 0 && f.Required {
			return "", E(op, Invalid, "field %q (%s) is required", f.Key, f.Label)
		}
		return strings.Join(out, ", "), nil
	}
	return v, nil
}

// Values splits a multiselect field's stored value into its options (any
// other field's value is one value).
func (f SchemaField) Values(v string) []string {
	if v == "" {
		return nil
	}
	if f.Type != FieldMultiSelect {
		return []string{v}
	}
	var out []string
	for p := range strings.SplitSeq(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseFieldNumber reads a plain decimal number (digits, one point, an
// optional sign and exponent), refusing what ParseFloat also takes but no
// user means: hexadecimal, underscores, Inf and NaN.
func parseFieldNumber(v string) (float64, bool) {
	if len(v) > 64 || strings.IndexFunc(v, func(r rune) bool {
		return (r < '0' || r > '9') && r != '.' && r != '-' && r != '+' && r != 'e' && r != 'E'
	}) >= 0 {
		return 0, false
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
		return 0, false
	}
	return n, true
}

// matchOption finds v among options, ignoring case.
func matchOption(options []string, v string) (string, bool) {
	for _, o := range options {
		if strings.EqualFold(o, v) {
			return o, true
		}
	}
	return "", false
}

func quoteList(options []string) string {
	const show = 10
	q := make([]string, 0, min(len(options), show)+1)
	for i, o := range options {
		if i == show {
			q = append(q, "...")
			break
		}
		q = append(q, strconv.Quote(o))
	}
	return strings.Join(q, ", ")
}

// Problems lists, by key, what is wrong with m's values for the schema: a
// required field without a value, a value that does not fit its field (a
// value stored before the schema changed). Nil when all is well.
func (s MetadataSchema) Problems(m Metadata) map[string]string {
	var out map[string]string
	for _, f := range s.Fields {
		if _, err := f.FieldValue("", m.Fields[f.Key]); err != nil {
			if out == nil {
				out = map[string]string{}
			}
			out[f.Key] = err.Error() // op "": the message alone
		}
	}
	return out
}

// checkGiven checks the custom fields a call sets (given: the cleaned
// values; an empty value removes the field) against the schema and
// returns them in their canonical spelling.
func (s MetadataSchema) checkGiven(op string, given map[string]string) (map[string]string, error) {
	if len(s.Fields) == 0 || len(given) == 0 {
		return given, nil
	}
	out := make(map[string]string, len(given))
	for k, v := range given {
		f, ok := s.Field(k)
		if !ok {
			out[k] = v
			continue
		}
		c, err := f.FieldValue(op, v)
		if err != nil {
			return nil, err
		}
		out[k] = c
	}
	return out, nil
}

// checkRequired refuses metadata of a new asset that lacks a required field.
func (s MetadataSchema) checkRequired(op string, m Metadata) error {
	for _, f := range s.Fields {
		if f.Required && strings.TrimSpace(m.Fields[f.Key]) == "" {
			return E(op, Invalid, "field %q (%s) is required", f.Key, f.Label)
		}
	}
	return nil
}

// schema loads the metadata schema for a check under op.
func (l *Library) schema(ctx context.Context, op string) (MetadataSchema, error) {
	s, err := l.store.MetadataSchema(ctx)
	if err != nil {
		return MetadataSchema{}, wrap(op, Internal, err)
	}
	return s, nil
}

// fileFields are the custom fields metadata inside a file may fill in.
var fileFields = []string{
	FieldCreator, FieldCopyright, FieldCredit, FieldSource, FieldUsageTerms, FieldCapturedAt,
	FieldCameraMake, FieldCameraModel, FieldLens, FieldGPSLatitude, FieldGPSLongitude,
}

// fileMayFill reports whether every required field m lacks is one that
// metadata inside the file may fill in, so the check must wait for it.
func (s MetadataSchema) fileMayFill(m Metadata) bool {
	for _, f := range s.Fields {
		if f.Required && strings.TrimSpace(m.Fields[f.Key]) == "" && !slices.Contains(fileFields, f.Key) {
			return false
		}
	}
	return true
}

// checkPatched checks the custom fields an edit sets or removes (the keys
// of patch) in m, the edited metadata, and rewrites them in their
// canonical spelling: a value that does not fit, or a required field left
// empty, is Invalid. Fields the edit does not touch are not checked, so a
// value stored before the schema changed does not block other edits.
func (s MetadataSchema) checkPatched(op string, m *Metadata, patch map[string]*string) error {
	if len(s.Fields) == 0 || len(patch) == 0 {
		return nil
	}
	for k := range patch {
		f, ok := s.Field(k)
		if !ok {
			continue
		}
		c, err := f.FieldValue(op, m.Fields[k])
		if err != nil {
			return err
		}
		if c == "" {
			delete(m.Fields, k)
		} else {
			m.Fields[k] = c
		}
	}
	return nil
}
