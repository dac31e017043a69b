package storetest

import (
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
)

var availabilityTests = []test{
	{"AvailabilityAndExpiry", testAvailabilityFilters},
}

// testAvailabilityFilters: availability is judged at the query's Now (set
// unavailable, or expired, is unavailable), with text search and without,
// and in the facet counts; the expiry range keeps assets with an expiry
// date in it.
func testAvailabilityFilters(t *testing.T, f *fixture) {
	now := f.tick()
	past, soon, later := now.Add(-time.Hour), now.Add(24*time.Hour), now.Add(30*24*time.Hour)
	mk := func(name string, avail dam.Availability, expires *time.Time) dam.Asset {
		a := f.newAsset("", name)
		a.Availability, a.ExpiresAt = avail, expires
		return f.put(a)
	}
	open := mk("sun open", dam.Available, nil)
	off := mk("sun off", dam.Unavailable, nil)
	expired := mk("sun expired", dam.Available, &past)
	expiring := mk("sun expiring", dam.Available, &soon)
	lasting := mk("moon lasting", dam.Available, &later)
	for _, tc := range []struct {
		name string
		q    dam.AssetQuery
		want []dam.Asset
	}{
		{"available now", dam.AssetQuery{Availability: dam.Available, Now: now}, []dam.Asset{open, expiring, lasting}},
		{"unavailable now", dam.AssetQuery{Availability: dam.Unavailable, Now: now}, []dam.Asset{off, expired}},
		{"available, searched", dam.AssetQuery{Availability: dam.Available, Now: now, Text: "sun"}, []dam.Asset{open, expiring}},
		{"available later", dam.AssetQuery{Availability: dam.Available, Now: soon}, []dam.Asset{open, lasting}},
		{"expiring before", dam.AssetQuery{ExpiresTo: later}, []dam.Asset{expired, expiring}},
		{"expiring from", dam.AssetQuery{ExpiresFrom: now}, []dam.Asset{expiring, lasting}},
		{"expiring in a range", dam.AssetQuery{ExpiresFrom: now, ExpiresTo: later}, []dam.Asset{expiring}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q
			q.Domains, q.Sort, q.Limit = []string{f.domain}, "created", 1
			assert.Equal(t, ids(tc.want), f.listAll(q))
		})
	}
	fc, err := f.s.AssetFacets(f.ctx, dam.AssetQuery{Domains: []string{f.domain}, Availability: dam.Unavailable, Now: now}, 10)
	if assert.NoError(t, err) {
		total := int64(0)
		for _, k := range fc.Kinds {
			total += k.Count
		}
		assert.Equal(t, int64(2), total, "facets count the unavailable ones only")
	}
}
