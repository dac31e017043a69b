package damweb

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

// The library's filter sidebar ("Refine"): facets with their counts, each
// value a link that narrows the view to it, and a plain GET form for the
// date and size ranges and the orientation. Everything stays in the URL,
// so a refined view can be bookmarked and works without JavaScript.

// URL parameters of the sidebar besides folder, category, kind, q, sort
// and view.
const (
	paramMedia        = "media"   // media type of the current version: image/jpeg
	paramCreator      = "creator" // the "creator" custom field, as a phrase
	paramCreatedFrom  = "created_from"
	paramCreatedTo    = "created_to" // dates, YYYY-MM-DD, the last day included
	paramCapturedFrom = "captured_from"
	paramCapturedTo   = "captured_to"
	paramMinMB        = "min_mb" // megabytes (1,000,000 bytes), decimals allowed
	paramMaxMB        = "max_mb"
	paramOrientation  = "orientation"
	paramUpdatedFrom  = "updated_from" // dates, as created_from
	paramUpdatedTo    = "updated_to"
	paramMinWidth     = "min_width" // pixels
	paramMinHeight    = "min_height"
	// The access filters, as the download policy decides them for the
	// caller: "yes" or "no".
	paramDownloadable = "downloadable"
	paramProtected    = "protected"
	paramLicence      = "licence"
	paramAvailability = "availability" // dam.Available or dam.Unavailable
	paramExpiresFrom  = "expires_from" // dates, as created_from
	paramExpiresTo    = "expires_to"
	paramCreatedBy    = "created_by"    // a user ID: who uploaded the asset
	paramCollection   = "collection"    // one of the caller's collections
	paramSubcats      = "subcategories" // "no": only the assets directly in the category
	paramSubfolders   = "subfolders"    // "yes": the folder's subfolders too
)

// facetParams are the sidebar's parameters that its links set, which both
// of the page's forms carry along.
var facetParams = []string{"folder", paramSubfolders, "category", paramSubcats, "kind", paramMedia, paramCreator}

// formParams are the fields of the sidebar's form, which the search form
// carries along.
var formParams = []string{paramCreatedFrom, paramCreatedTo, paramUpdatedFrom, paramUpdatedTo,
	paramCapturedFrom, paramCapturedTo, paramMinMB, paramMaxMB, paramMinWidth, paramMinHeight, paramOrientation,
	paramDownloadable, paramProtected, paramLicence, paramAvailability, paramExpiresFrom, paramExpiresTo,
	paramCreatedBy, paramCollection}

// maxPixels bounds the pixel size's fields: no image is wider.
const maxPixels = 1_000_000

// dateLayout is the value of an <input type="date">.
const dateLayout = "2006-01-02"

// maxMB bounds the size range's megabytes (a petabyte): beyond it a
// number cannot be a file size, and its bytes would overflow.
const maxMB = 1e9

// refineData is the sidebar's.
type refineData struct {
	Groups      []facetGroup
	Approximate bool           // the counts are estimates: "about"
	PolicyOn    bool           // an access filter is on, which the counts do not apply
	Active      []activeFilter // the filters in force, each with its clear link
	ClearAll    string         // the view without any filter (query, folder, view and sort kept)
	Keep        []hiddenInput  // what the ranges form carries along
	SearchKeep  []hiddenInput  // what the search form carries along: every filter
	// The form's current values: its fields by parameter name.
	Form         map[string]string
	Orientations []sortChoice
	Selects      refineSelects
}

// refineSelects are the form's drop-down lists.
type refineSelects struct {
	Download, Protection, Licence, Usable selectField
	AddedBy                               selectField // "Me", or every user for owners
	Collection                            selectField // the caller's collections
}

// selectField is a drop-down list: its id, name, value and choices.
type selectField struct {
	ID, Name, Value string
	Choices         []sortChoice
}

// refineLists are what the sidebar names and offers besides the facets:
// the caller's collections, the people it may pick as uploaders (all
// users for an owner; nil otherwise) and the caller's user ID.
type refineLists struct {
	Folder      *dam.Folder // the folder in view
	Categories  []dam.Category
	Collections []dam.Collection
	People      []dam.User
	Me          string
}

// The choices of the access drop-downs: "" is any.
var (
	downloadableChoices = []sortChoice{{"", "Any"}, {"yes", "Downloadable by me"}, {"no", "Not downloadable by me"}}
	protectedChoices    = []sortChoice{{"", "Any"}, {"yes", "Protected"}, {"no", "Not protected"}}
	licenceChoices      = []sortChoice{{"", "Any"}, {"yes", "With a licence"}, {"no", "Without a licence"}}
	availabilityChoices = []sortChoice{{"", "Any"}, {string(dam.Available), "Available now"}, {string(dam.Unavailable), "Unavailable or expired"}}
)

// choiceLabel is the label of value among choices ("" when none has it).
func choiceLabel(choices []sortChoice, value string) string {
	for _, c := range choices {
		if c.Value == value {
			return c.Label
		}
	}
	return ""
}

// facetGroup is one facet: its most frequent values in the current view.
type facetGroup struct {
	ID, Label string
	Any       string // the label of the link that clears it: "Any kind"
	Values    []facetLink
	Clear     string    // the view without this facet's filter; "" when none is set
	Scope     facetLink // the folder's or category's: with or without what is below it
}

// facetLink is one value of a facet and the view narrowed to it.
type facetLink struct {
	Label   string
	Count   int64
	URL     string
	Current bool
}

// activeFilter is a filter in force, as "Kind: image", and the view without it.
type activeFilter struct{ Label, Clear string }

// hiddenInput is a parameter a form carries along unchanged.
type hiddenInput struct{ Name, Value string }

// refineQuery reads the sidebar's parameters into q: the media type, the
// creator (a creator:"…" term added to the search text), the date ranges
// (whole days, UTC), the size range, the pixel size, the orientation, the
// access filters, the availability, the uploader, the collection and
// whether the category takes its subcategories. Values dam checks itself
// (media type, orientation, availability, ranges in the wrong order, the
// uploader's ID, the collection) are left to it.
func refineQuery(qs url.Values, q *dam.AssetQuery) error {
	const op = "damweb.library"
	q.MediaType = qs.Get(paramMedia)
	if len(q.MediaType) > 255 {
		return dam.E(op, dam.Invalid, "the media type is longer than 255 bytes")
	}
	if c := strings.TrimSpace(qs.Get(paramCreator)); c != "" {
		q.Text = strings.TrimSpace(q.Text + " " + dam.SearchFieldTerm(dam.FacetCreatorField, c))
	}
	for _, d := range []struct {
		name, label string
		dst         *time.Time
		end         bool
	}{
		{paramCreatedFrom, "added from", &q.CreatedFrom, false}, {paramCreatedTo, "added until", &q.CreatedTo, true},
		{paramCapturedFrom, "taken from", &q.CapturedFrom, false}, {paramCapturedTo, "taken until", &q.CapturedTo, true},
		{paramUpdatedFrom, "changed from", &q.UpdatedFrom, false}, {paramUpdatedTo, "changed until", &q.UpdatedTo, true},
		{paramExpiresFrom, "expires from", &q.ExpiresFrom, false}, {paramExpiresTo, "expires until", &q.ExpiresTo, true},
	} {
		v := qs.Get(d.name)
		if v == "" {
			continue
		}
		t, err := time.Parse(dateLayout, v)
		if err != nil {
			return dam.E(op, dam.Invalid, "the date %s must be a day as 2024-06-30, not %.20q", d.label, v)
		}
		if d.end {
			t = t.AddDate(0, 0, 1) // the day itself is included
		}
		*d.dst = t
	}
	for _, n := range []struct {
		name, label string
		dst         *int64
	}{{paramMinMB, "smallest size", &q.MinSize}, {paramMaxMB, "largest size", &q.MaxSize}} {
		v := strings.TrimSpace(qs.Get(n.name))
		if v == "" {
			continue
		}
		mb, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(mb) || mb < 0 || mb > maxMB {
			return dam.E(op, dam.Invalid, "the %s must be a number of megabytes from 0 to %.0f, not %.20q", n.label, maxMB, v)
		}
		*n.dst = int64(math.Round(mb * 1e6))
	}
	if qs.Get(paramMaxMB) != "" && q.MaxSize == 0 {
		q.MaxSize = 1 // "at most 0 MB": only empty files, and MaxSize 0 means no bound
		if q.MinSize > 0 {
			return dam.E(op, dam.Invalid, "the smallest size is above the largest")
		}
	}
	for _, n := range []struct {
		name, label string
		dst         *int
	}{{paramMinWidth, "smallest width", &q.MinWidth}, {paramMinHeight, "smallest height", &q.MinHeight}} {
		v := strings.TrimSpace(qs.Get(n.name))
		if v == "" {
			continue
		}
		px, err := strconv.Atoi(v)
		if err != nil || px < 0 || px > maxPixels {
			return dam.E(op, dam.Invalid, "the %s must be a whole number of pixels from 0 to %d, not %.20q", n.label, maxPixels, v)
		}
		*n.dst = px
	}
	for _, b := range []struct {
		name, label string
		dst         **bool
	}{{paramDownloadable, "“Download” filter", &q.Downloadable}, {paramProtected, "“Protection” filter", &q.Protected},
		{paramLicence, "“Licence” filter", &q.HasLicence}} {
		switch v := qs.Get(b.name); v {
		case "":
		case "yes", "no":
			yes := v == "yes"
			*b.dst = &yes
		default:
			return dam.E(op, dam.Invalid, "the %s must be yes or no, not %.20q", b.label, v)
		}
	}
	switch v := qs.Get(paramSubfolders); v {
	case "", "no":
	case "yes":
		q.Subfolders = true
	default:
		return dam.E(op, dam.Invalid, "subfolders must be yes or no, not %.20q", v)
	}
	switch v := qs.Get(paramSubcats); v {
	case "", "yes":
	case "no":
		q.CategoryOnly = true
	default:
		return dam.E(op, dam.Invalid, "subcategories must be yes or no, not %.20q", v)
	}
	q.Orientation = qs.Get(paramOrientation)
	q.Availability = dam.Availability(qs.Get(paramAvailability))
	q.CreatedBy = qs.Get(paramCreatedBy)
	q.CollectionID = qs.Get(paramCollection)
	return nil
}

// refineFor builds the sidebar of the view qs from its facets.
func refineFor(qs url.Values, f dam.Facets, lists refineLists) refineData {
	d := refineData{Approximate: f.Approximate, Form: map[string]string{},
		PolicyOn: qs.Get(paramDownloadable) != "" || qs.Get(paramProtected) != "" || qs.Get(paramLicence) != ""}
	for _, k := range formParams {
		d.Form[k] = qs.Get(k)
	}
	for _, o := range dam.Orientations {
		d.Orientations = append(d.Orientations, sortChoice{o, strings.ToUpper(o[:1]) + o[1:]})
	}
	collections := []sortChoice{{"", "Any"}}
	for _, c := range lists.Collections {
		collections = append(collections, sortChoice{c.ID, c.Name})
	}
	sel := func(id, name string, choices []sortChoice) selectField {
		return selectField{ID: id, Name: name, Value: qs.Get(name), Choices: choices}
	}
	d.Selects = refineSelects{
		Download: sel("r-dl", paramDownloadable, downloadableChoices), Protection: sel("r-pr", paramProtected, protectedChoices),
		Licence: sel("r-li", paramLicence, licenceChoices), Usable: sel("r-av", paramAvailability, availabilityChoices),
		AddedBy: sel("r-by", paramCreatedBy, peopleChoices(lists, qs.Get(paramCreatedBy))), Collection: sel("r-col", paramCollection, collections),
	}
	catNames := map[string]string{}
	for _, c := range lists.Categories {
		catNames[c.ID] = c.Name
	}
	single := func(id, label, param string, values []dam.FacetCount, name func(string) string) *facetGroup {
		g := facetGroup{ID: id, Label: label, Any: "Any " + strings.ToLower(label)}
		cur := qs.Get(param)
		for _, v := range values {
			g.Values = append(g.Values, facetLink{Label: name(v.Value), Count: v.Count,
				URL: withParams(qs, param, v.Value), Current: v.Value == cur})
		}
		if cur != "" {
			g.Clear = withParams(qs, param, "")
			d.Active = append(d.Active, activeFilter{Label: label + ": " + name(cur), Clear: g.Clear})
		}
		if len(g.Values) > 0 || cur != "" {
			d.Groups = append(d.Groups, g)
			return &d.Groups[len(d.Groups)-1]
		}
		return nil
	}
	same := func(s string) string { return s }
	if lists.Folder != nil {
		// A folder's view takes its subfolders, or only what is directly in it.
		g := facetGroup{ID: "folder", Label: "Folder"}
		if qs.Get(paramSubfolders) == "yes" {
			g.Scope = facetLink{Label: "Only directly in “" + lists.Folder.Name + "”", URL: withParams(qs, paramSubfolders, "")}
			d.Active = append(d.Active, activeFilter{Label: "With the subfolders of " + lists.Folder.Name,
				Clear: withParams(qs, paramSubfolders, "")})
		} else {
			g.Scope = facetLink{Label: "Include the subfolders of “" + lists.Folder.Name + "”", URL: withParams(qs, paramSubfolders, "yes")}
		}
		d.Groups = append(d.Groups, g)
	}
	single("kind", "Kind", "kind", f.Kinds, func(k string) string {
		if k == "" {
			return k
		}
		return strings.ToUpper(k[:1]) + k[1:]
	})
	single("media", "File type", paramMedia, f.MediaTypes, mediaLabel)
	catName := func(id string) string {
		if n, ok := catNames[id]; ok {
			return n
		}
		return "(removed category)"
	}
	if g := single("category", "Category", "category", f.Categories, catName); g != nil && g.Clear != "" {
		// A category takes its subcategories, or only what is directly in it.
		if qs.Get(paramSubcats) == "no" {
			g.Scope = facetLink{Label: "Include its subcategories", URL: withParams(qs, paramSubcats, "")}
			d.Active = append(d.Active, activeFilter{Label: "Only directly in " + catName(qs.Get("category")),
				Clear: withParams(qs, paramSubcats, "")})
		} else {
			g.Scope = facetLink{Label: "Only directly in it", URL: withParams(qs, paramSubcats, "no")}
		}
	}
	// Years of capture set the capture range to the whole year.
	years := facetGroup{ID: "year", Label: "Year taken", Any: "Any time"}
	from, to := qs.Get(paramCapturedFrom), qs.Get(paramCapturedTo)
	for _, y := range f.Years {
		yf, yt := y.Value+"-01-01", y.Value+"-12-31"
		years.Values = append(years.Values, facetLink{Label: y.Value, Count: y.Count,
			URL: withParams(qs, paramCapturedFrom, yf, paramCapturedTo, yt), Current: from == yf && to == yt})
	}
	if from != "" || to != "" {
		years.Clear = withParams(qs, paramCapturedFrom, "", paramCapturedTo, "")
		d.Active = append(d.Active, activeFilter{Label: "Taken: " + rangeLabel(from, to), Clear: years.Clear})
	}
	if len(years.Values) > 0 || years.Clear != "" {
		d.Groups = append(d.Groups, years)
	}
	single("creator", "Creator", paramCreator, f.Creators, same)
	ranged := func(label, lo, hi, unit string) {
		if from, to := qs.Get(lo), qs.Get(hi); from != "" || to != "" {
			d.Active = append(d.Active, activeFilter{Label: label + ": " + rangeLabel(from, to) + unit,
				Clear: withParams(qs, lo, "", hi, "")})
		}
	}
	ranged("Added", paramCreatedFrom, paramCreatedTo, "")
	ranged("Changed", paramUpdatedFrom, paramUpdatedTo, "")
	ranged("Size", paramMinMB, paramMaxMB, " MB")
	if w, h := qs.Get(paramMinWidth), qs.Get(paramMinHeight); w != "" || h != "" {
		label := "At least "
		switch {
		case w != "" && h != "":
			label += w + " × " + h + " px"
		case w != "":
			label += w + " px wide"
		default:
			label += h + " px high"
		}
		d.Active = append(d.Active, activeFilter{Label: label, Clear: withParams(qs, paramMinWidth, "", paramMinHeight, "")})
	}
	if o := qs.Get(paramOrientation); o != "" {
		d.Active = append(d.Active, activeFilter{Label: "Orientation: " + o, Clear: withParams(qs, paramOrientation, "")})
	}
	for _, c := range []struct {
		param   string
		choices []sortChoice
	}{{paramDownloadable, downloadableChoices}, {paramProtected, protectedChoices}, {paramLicence, licenceChoices},
		{paramAvailability, availabilityChoices}} {
		if v := qs.Get(c.param); v != "" {
			label := choiceLabel(c.choices, v)
			if label == "" {
				label = c.param + ": " + v
			}
			d.Active = append(d.Active, activeFilter{Label: label, Clear: withParams(qs, c.param, "")})
		}
	}
	ranged("Expires", paramExpiresFrom, paramExpiresTo, "")
	if v := qs.Get(paramCreatedBy); v != "" {
		d.Active = append(d.Active, activeFilter{Label: "Added by: " + choiceLabel(d.Selects.AddedBy.Choices, v), Clear: withParams(qs, paramCreatedBy, "")})
	}
	if v := qs.Get(paramCollection); v != "" {
		name := choiceLabel(collections, v)
		if name == "" {
			name = "(not one of yours)"
		}
		d.Active = append(d.Active, activeFilter{Label: "Collection: " + name, Clear: withParams(qs, paramCollection, "")})
	}
	keep := url.Values{}
	for _, k := range []string{"q", "folder", "view", "sort"} {
		if v := qs.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	d.ClearAll = viewURL(keep, "", "")
	for _, k := range []string{"q", "view", "sort"} { // the search form's own fields
		if v := qs.Get(k); v != "" {
			d.Keep = append(d.Keep, hiddenInput{k, v})
		}
	}
	for _, k := range facetParams {
		if v := qs.Get(k); v != "" {
			d.Keep = append(d.Keep, hiddenInput{k, v})
			d.SearchKeep = append(d.SearchKeep, hiddenInput{k, v})
		}
	}
	for _, k := range formParams { // the sidebar form's own fields
		if v := qs.Get(k); v != "" {
			d.SearchKeep = append(d.SearchKeep, hiddenInput{k, v})
		}
	}
	return d
}

// maxPeopleChoices bounds the "Added by" list: past it, only "Me" (and
// the person chosen) are offered.
const maxPeopleChoices = 200

// peopleChoices are the "Added by" drop-down's choices: anyone, the
// caller, and for owners every user (by name), with cur among them.
func peopleChoices(lists refineLists, cur string) []sortChoice {
	out := []sortChoice{{"", "Anyone"}}
	if lists.Me != "" {
		out = append(out, sortChoice{lists.Me, "Me"})
	}
	var others []sortChoice
	for _, u := range lists.People {
		if u.ID == lists.Me || (len(lists.People) > maxPeopleChoices && u.ID != cur) {
			continue
		}
		name := u.Name
		if name == "" {
			name = u.Email
		}
		others = append(others, sortChoice{u.ID, name})
	}
	slices.SortFunc(others, func(a, b sortChoice) int { return strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)) })
	out = append(out, others...)
	if cur != "" && choiceLabel(out, cur) == "" {
		out = append(out, sortChoice{cur, "someone else"})
	}
	return out
}

// rangeLabel is "from – to", "from on" or "until to".
func rangeLabel(from, to string) string {
	switch {
	case from != "" && to != "":
		return from + " – " + to
	case from != "":
		return "from " + from
	}
	return "until " + to
}

// mediaLabel names a media type as people know it: JPEG, PDF, MP4.
func mediaLabel(mt string) string {
	if base, _, _ := strings.Cut(mt, ";"); strings.TrimSpace(base) == "text/plain" {
		return "Text"
	}
	return kindLabel(dam.Asset{Current: dam.Version{MediaType: mt}})
}

// withParams is the view qs with pairs of parameters set (a value of ""
// removes one), from its first page.
func withParams(qs url.Values, kv ...string) string {
	v := url.Values{}
	for k, vs := range qs {
		v[k] = slices.Clone(vs)
	}
	v.Del("cursor")
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return "/"
	}
	return "/?" + v.Encode()
}
