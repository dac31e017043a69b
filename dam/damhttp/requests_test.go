package damhttp_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestProtectRequestApproveRevoke walks the README's flow through HTTP.
func TestProtectRequestApproveRevoke(t *testing.T) {
	c := newAPI(t, nil)
	var viewer struct {
		dam.User
		APIKey string `json:"api_key"`
	}
	c.json("POST", "/api/v1/users", map[string]any{"email": "viewer@example.com", "role": "viewer"}, 201, &viewer)
	v := &api{t: t, url: c.url, key: viewer.APIKey}

	var folder dam.Folder
	c.json("POST", "/api/v1/folders", map[string]any{"name": "Press"}, 201, &folder)
	resp, b := c.do("POST", "/api/v1/assets?name=logo.txt&folder="+folder.ID, strings.NewReader("logo"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	var a dam.Asset
	require.NoError(t, json.Unmarshal(b, &a))
	c.json("PUT", "/api/v1/folders/"+folder.ID+"/protection", map[string]any{"protection": "protected"}, 200, nil)

	resp, b = v.do("GET", "/api/v1/assets/"+a.ID+"/download", nil, nil)
	e := v.wantError(resp, b, 403, "needs_request")
	var body struct {
		Error struct {
			Reason  string `json:"reason"`
			Request struct {
				Method string         `json:"method"`
				Path   string         `json:"path"`
				Body   map[string]any `json:"body"`
			} `json:"request"`
		} `json:"error"`
	}
	require.NoError(t, json.Unmarshal(b, &body))
	assert.Equal(t, "protected", body.Error.Reason)
	assert.Equal(t, "POST", body.Error.Request.Method)
	assert.Equal(t, "/api/v1/requests", body.Error.Request.Path)
	assert.Equal(t, []any{a.ID}, body.Error.Request.Body["asset_ids"])
	assert.Contains(t, e.Error.Message, "protected")

	var created struct {
		Requests []dam.Request `json:"requests"`
		Skipped  []dam.Skipped `json:"skipped"`
	}
	v.json("POST", "/api/v1/requests", map[string]any{"asset_ids": []string{a.ID}, "reason": "press release"}, 201, &created)
	require.Len(t, created.Requests, 1)
	reqID := created.Requests[0].ID

	var dash struct{ Items []dam.RequestView }
	c.json("GET", "/api/v1/requests?status=pending", nil, 200, &dash)
	require.Len(t, dash.Items, 1)
	assert.Equal(t, "/Press", dash.Items[0].FolderPath)
	assert.Equal(t, "press release", dash.Items[0].Reason)
	// The dashboard's filters and sort, as the web dashboard has them.
	for _, tc := range []struct {
		query string
		n     int
	}{
		{"folder=" + folder.ID + "&sort=-asset", 1},
		{"requester_email=VIEWER&from=2000-01-01&to=9999-12-31&sort=requester", 1},
		{"to=2000-01-01", 0},
	} {
		var got struct{ Items []dam.RequestView }
		c.json("GET", "/api/v1/requests?"+tc.query, nil, 200, &got)
		assert.Len(t, got.Items, tc.n, tc.query)
	}
	resp, b = c.do("GET", "/api/v1/requests?from=yesterday", nil, nil)
	c.wantError(resp, b, 400, "invalid")
	resp, b = c.do("GET", "/api/v1/requests?sort=reason", nil, nil)
	c.wantError(resp, b, 400, "invalid")
	resp, b = c.do("GET", "/api/v1/requests?folder=01zzzzzzzzzzzzzzzzzzzzzzzz", nil, nil)
	c.wantError(resp, b, 404, "not_found")

	resp, b = v.do("POST", "/api/v1/requests/decisions", strings.NewReader(`{"decisions":[{"request_id":"`+reqID+`","approve":true}]}`), nil)
	v.wantError(resp, b, 403, "permission_denied")

	var decided struct{ Items []dam.DecisionResult }
	c.json("POST", "/api/v1/requests/decisions", map[string]any{"decisions": []map[string]any{{"request_id": reqID, "approve": true, "message": "Enjoy"}}}, 200, &decided)
	require.Len(t, decided.Items, 1)
	require.NotNil(t, decided.Items[0].Grant)
	resp, b = c.do("POST", "/api/v1/requests/decisions", strings.NewReader(`{"decisions":[{"request_id":"`+reqID+`","approve":false}]}`), nil)
	c.wantError(resp, b, 409, "conflict")

	var inbox struct{ Items []dam.Notification }
	v.json("GET", "/api/v1/inbox?unread=1", nil, 200, &inbox)
	require.Len(t, inbox.Items, 1)
	assert.Equal(t, "request_approved", inbox.Items[0].Kind)
	var marked map[string]int
	v.json("POST", "/api/v1/inbox/read", map[string]any{"ids": []string{}}, 200, &marked)
	assert.Equal(t, 1, marked["marked"])

	resp, b = v.do("GET", "/api/v1/assets/"+a.ID+"/download", nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(b))
	assert.Equal(t, "logo", string(b))

	c.json("DELETE", "/api/v1/grants/"+decided.Items[0].Grant.ID, nil, 200, nil)
	resp, b = v.do("GET", "/api/v1/assets/"+a.ID+"/download", nil, nil)
	v.wantError(resp, b, 403, "needs_request")

	var events struct{ Items []dam.Event }
	c.json("GET", "/api/v1/events?asset="+a.ID+"&action=download", nil, 200, &events)
	require.Len(t, events.Items, 1, "who downloaded what, and when")
	assert.Equal(t, viewer.ID, events.Items[0].ActorID)
}

func TestSettingsAPI(t *testing.T) {
	c := newAPI(t, nil)
	var st map[string]any
	c.json("GET", "/api/v1/settings", nil, 200, &st)
	assert.Equal(t, false, st["protect_by_default"])
	assert.EqualValues(t, 7, st["grant_validity_days"])
	c.json("PUT", "/api/v1/settings", map[string]any{"auto_approve": true, "grant_validity_days": 0}, 200, &st)
	assert.Equal(t, true, st["auto_approve"])
	assert.EqualValues(t, 0, st["grant_validity_days"], "0 means until revoked")
	resp, b := c.do("PUT", "/api/v1/settings", strings.NewReader(`{"grant_validity_days": -1}`), nil)
	c.wantError(resp, b, 400, "invalid")
	resp, b = c.do("PUT", "/api/v1/settings", strings.NewReader(`{"not_downloadable_kinds": ["spaceship"]}`), nil)
	c.wantError(resp, b, 400, "invalid")
	resp, b = c.do("PUT", "/api/v1/settings", strings.NewReader(`{"deselected_recipients": ["nobody"]}`), nil)
	c.wantError(resp, b, 400, "invalid")
}
