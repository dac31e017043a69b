package damhttp

import (
	"encoding/json"
	"time"

	"github.com/damkit/damkit/dam"
)

// Durations in the API are whole numbers with their unit in the name
// (grant_validity_days, validity_days), never Go's nanoseconds: the dam
// types hold time.Duration, and the shapes below are how this package
// writes and reads them.

const day = 24 * time.Hour

// wholeDays is d in whole days, rounded up: a permission that lasts 36
// hours (possible only from Go) is said to last 2 days, never 1.
func wholeDays(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + day - 1) / day)
}

// hidden shadows a field of an embedded dam type so that it is not
// written; a body that sends it gets a 400 naming its replacement.
type hidden = json.RawMessage

// requestJSON is a download request as the API shows it.
type requestJSON struct {
	dam.Request
	Validity     hidden `json:"validity,omitempty"`
	ValidityDays int64  `json:"validity_days"` // how long the permission would last; 0 = until revoked
}

func requestsJSON(rs []dam.Request) []requestJSON {
	out := make([]requestJSON, len(rs))
	for i, r := range rs {
		out[i] = requestJSON{Request: r, ValidityDays: wholeDays(r.Validity)}
	}
	return out
}

// requestViewJSON is a row of the requests dashboard.
type requestViewJSON struct {
	dam.RequestView
	Validity     hidden `json:"validity,omitempty"`
	ValidityDays int64  `json:"validity_days"`
}

func requestViewsJSON(rs []dam.RequestView) []requestViewJSON {
	out := make([]requestViewJSON, len(rs))
	for i, r := range rs {
		out[i] = requestViewJSON{RequestView: r, ValidityDays: wholeDays(r.Validity)}
	}
	return out
}

// requestResultJSON is dam.RequestResult with its requests as the API
// shows them; Skipped is never null.
type requestResultJSON struct {
	Requests []requestJSON `json:"requests"`
	Skipped  []dam.Skipped `json:"skipped"`
}

func requestResult(res dam.RequestResult) requestResultJSON {
	if res.Skipped == nil {
		res.Skipped = []dam.Skipped{}
	}
	return requestResultJSON{Requests: requestsJSON(res.Requests), Skipped: res.Skipped}
}

// settingsBody is Settings with the grant validity in whole days (0 =
// until revoked), the unit people choose it in.
type settingsBody struct {
	dam.Settings
	GrantValidity     hidden `json:"grant_validity,omitempty"`
	GrantValidityDays *int64 `json:"grant_validity_days"`
}

func settingsJSON(st dam.Settings) settingsBody {
	days := wholeDays(st.GrantValidity)
	return settingsBody{Settings: st, GrantValidityDays: &days}
}

// shareBody is what POST /api/v1/shares reads: dam.NewShare with its
// length as validity_days. "days", the name it had before, is still read.
type shareBody struct {
	dam.NewShare
	ValidityDays *int `json:"validity_days"`
}

func (b shareBody) newShare(op string) (dam.NewShare, error) {
	ns := b.NewShare
	if b.ValidityDays != nil {
		if ns.Days != 0 && ns.Days != *b.ValidityDays {
			return ns, dam.E(op, dam.Invalid, "validity_days and days (its older name) disagree: send validity_days only")
		}
		ns.Days = *b.ValidityDays
	}
	return ns, nil
}
