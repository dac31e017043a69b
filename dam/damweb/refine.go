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
)

// dateLayout is the value of an <input type="date">.
const dateLayout = "2006-01-02"

// maxMB bounds the size range's megabytes (a petabyte): beyond it a
// number cannot be a file size, and its bytes would overflow.
const maxMB = 1e9

// refineData is the sidebar's.
type refineData struct {
	Groups      []facetGroup
	Approximate bool           // the counts are estimates: "about"
	Active      []activeFilter // the filters in force, each with its clear link
	ClearAll    string         // the view without any filter (query, folder, view and sort kept)
	Keep        []hiddenInput  // what the ranges form carries along
	SearchKeep  []hiddenInput  // what the search form carries along: every filter
	// The ranges form's current values.
	CreatedFrom, CreatedTo, CapturedFrom, CapturedTo, MinMB, MaxMB, Orientation string
	Orientations                                                                []sortChoice
}

// facetGroup is one facet: its most frequent values in the current view.
type facetGroup struct {
	ID, Label string
	Any       string // the label of the link that clears it: "Any kind"
	Values    []facetLink
	Clear     string // the view without this facet's filter; "" when none is set
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
// (whole days, UTC), the size range and the orientation. Values dam checks
// itself (media type, orientation, ranges in the wrong order) are left to it.
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
	q.Orientation = qs.Get(paramOrientation)
	return nil
}

// refineFor builds the sidebar of the view qs from its facets.
func refineFor(qs url.Values, f dam.Facets, cats []dam.Category) refineData {
	d := refineData{Approximate: f.Approximate,
		CreatedFrom: qs.Get(paramCreatedFrom), CreatedTo: qs.Get(paramCreatedTo),
		CapturedFrom: qs.Get(paramCapturedFrom), CapturedTo: qs.Get(paramCapturedTo),
		MinMB: qs.Get(paramMinMB), MaxMB: qs.Get(paramMaxMB), Orientation: qs.Get(paramOrientation)}
	for _, o := range dam.Orientations {
		d.Orientations = append(d.Orientations, sortChoice{o, strings.ToUpper(o[:1]) + o[1:]})
	}
	catNames := map[string]string{}
	for _, c := range cats {
		catNames[c.ID] = c.Name
	}
	single := func(id, label, param string, values []dam.FacetCount, name func(string) string) {
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
		}
	}
	same := func(s string) string { return s }
	single("kind", "Kind", "kind", f.Kinds, func(k string) string {
		if k == "" {
			return k
		}
		return strings.ToUpper(k[:1]) + k[1:]
	})
	single("media", "File type", paramMedia, f.MediaTypes, mediaLabel)
	single("category", "Category", "category", f.Categories, func(id string) string {
		if n, ok := catNames[id]; ok {
			return n
		}
		return "(removed category)"
	})
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
	if from, to := qs.Get(paramCreatedFrom), qs.Get(paramCreatedTo); from != "" || to != "" {
		d.Active = append(d.Active, activeFilter{Label: "Added: " + rangeLabel(from, to),
			Clear: withParams(qs, paramCreatedFrom, "", paramCreatedTo, "")})
	}
	if lo, hi := qs.Get(paramMinMB), qs.Get(paramMaxMB); lo != "" || hi != "" {
		d.Active = append(d.Active, activeFilter{Label: "Size: " + rangeLabel(lo, hi) + " MB",
			Clear: withParams(qs, paramMinMB, "", paramMaxMB, "")})
	}
	if o := qs.Get(paramOrientation); o != "" {
		d.Active = append(d.Active, activeFilter{Label: "Orientation: " + o, Clear: withParams(qs, paramOrientation, "")})
	}
	keep := url.Values{}
	for _, k := range []string{"q", "folder", "view", "sort"} {
		if v := qs.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	d.ClearAll = viewURL(keep, "", "")
	for _, k := range []string{"q", "folder", "category", "kind", paramMedia, paramCreator, "view", "sort",
		paramCreatedFrom, paramCreatedTo, paramCapturedFrom, paramCapturedTo, paramMinMB, paramMaxMB, paramOrientation} {
		v := qs.Get(k)
		switch {
		case v == "":
		case k == "q" || k == "view" || k == "sort": // the search form's own fields
			d.Keep = append(d.Keep, hiddenInput{k, v})
		case k == "folder" || k == "category" || k == "kind" || k == paramMedia || k == paramCreator:
			d.Keep = append(d.Keep, hiddenInput{k, v})
			d.SearchKeep = append(d.SearchKeep, hiddenInput{k, v})
		default: // the ranges form's own fields
			d.SearchKeep = append(d.SearchKeep, hiddenInput{k, v})
		}
	}
	return d
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
