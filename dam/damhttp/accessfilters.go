package damhttp

import (
	"net/url"
	"time"

	"github.com/damkit/damkit/dam"
)

// accessFilters reads the filters of a listing that follow the download
// policy and the clock: downloadable, protected and has_licence (true or
// false, as the policy decides for the caller), availability (available
// or unavailable, now) and the expiry range (expires_from, expires_to:
// RFC 3339 times).
func accessFilters(q url.Values, aq *dam.AssetQuery) error {
	for _, b := range []struct {
		name string
		dst  **bool
	}{{"downloadable", &aq.Downloadable}, {"protected", &aq.Protected}, {"has_licence", &aq.HasLicence}} {
		if !q.Has(b.name) {
			continue
		}
		v, err := queryBool(q, b.name)
		if err != nil {
			return err
		}
		*b.dst = &v
	}
	aq.Availability = dam.Availability(q.Get("availability"))
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"expires_from", &aq.ExpiresFrom}, {"expires_to", &aq.ExpiresTo}} {
		if v := q.Get(t.name); v != "" {
			at, err := parseTime(t.name, v)
			if err != nil {
				return err
			}
			*t.dst = at
		}
	}
	return nil
}
