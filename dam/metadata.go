package dam

import "maps"

// overlayMetadata returns base with the fields that given gives replacing
// base's, and the fields it leaves out inherited: an upload's or a new
// version's metadata never wipes what it does not mention.
//
// A field is given when it is a non-empty title or description, keywords
// that are not nil (an empty, non-nil list clears them), or a custom field
// (each one replaces only itself; an empty value removes it). given is
// checked as metadata from outside and its custom fields against the
// schema, and so is the result (the merged custom fields must still be
// within their limit).
func overlayMetadata(op string, schema MetadataSchema, base, given Metadata) (Metadata, error) {
	clean, err := checkMetadata(op, given)
	if err != nil {
		return Metadata{}, err
	}
	if clean.Fields, err = schema.checkGiven(op, clean.Fields); err != nil {
		return Metadata{}, err
	}
	out := base
	if clean.Title != "" {
		out.Title = clean.Title
	}
	if clean.Description != "" {
		out.Description = clean.Description
	}
	if given.Keywords != nil {
		out.Keywords = clean.Keywords
	}
	if len(clean.Fields) > 0 {
		fields := maps.Clone(base.Fields)
		if fields == nil {
			fields = make(map[string]string, len(clean.Fields))
		}
		for k, v := range clean.Fields {
			if v == "" {
				delete(fields, k)
			} else {
				fields[k] = v
			}
		}
		out.Fields = fields
	} else {
		out.Fields = maps.Clone(base.Fields)
	}
	if len(out.Fields) == 0 {
		out.Fields = nil
	}
	if len(out.Fields) > maxFields {
		return Metadata{}, E(op, Invalid, "more than %d custom fields once the given ones are added to the inherited ones", maxFields)
	}
	return out, nil
}
