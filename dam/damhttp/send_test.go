package damhttp_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// sentJob is the API's job body with what was sent and by whom.
type sentJob struct {
	downloadJob
	SentBy *dam.Sender `json:"sent_by"`
	Sent   []dam.Sent  `json:"sent"`
}

func TestSendArchiveHTTP(t *testing.T) {
	c := newAPI(t, nil)
	owner := c.owner()
	mk := func(email string, role dam.Role, domains ...string) (dam.User, *api) {
		u, key, err := c.lib.CreateUser(owner, dam.NewUser{Email: email, Role: role, Domains: domains})
		require.NoError(t, err)
		return u, c.as(key)
	}
	senderUser, sender := mk("sender@example.com", dam.RoleEditor, dam.DefaultDomain, "studio")
	viewerUser, viewer := mk("viewer@example.com", dam.RoleViewer, dam.DefaultDomain)
	ctx := dam.WithActor(owner, senderUser.Actor())
	upload := func(name, domain string, content []byte) dam.Asset {
		a, err := c.lib.Upload(ctx, bytes.NewReader(content), dam.UploadOptions{Name: name, Domain: domain})
		require.NoError(t, err)
		return a
	}
	open := upload("beach.jpg", "", noise(1, 10_000))
	studio := upload("studio-plan.pdf", "studio", noise(2, 10_000))
	ids := []string{open.ID, studio.ID}

	// An unknown recipient: 400 naming it, and nothing is made.
	resp, b := sender.do("POST", "/api/v1/downloads", strings.NewReader(`{"asset_ids":["`+open.ID+`"],"send_to":["viewer@example.com","ghost@example.com"]}`), nil)
	e := sender.wantError(resp, b, 400, "invalid")
	assert.Contains(t, e.Error.Message, "ghost@example.com")
	var page struct {
		Items []sentJob `json:"items"`
	}
	viewer.json("GET", "/api/v1/downloads", nil, 200, &page)
	assert.Empty(t, page.Items)

	// The JSON answer lists what each recipient got, by counts.
	var j sentJob
	sender.json("POST", "/api/v1/downloads", map[string]any{"asset_ids": ids, "send_to": []string{viewerUser.ID}}, 201, &j)
	require.Len(t, j.Sent, 1)
	assert.Equal(t, viewerUser.ID, j.Sent[0].UserID)
	assert.Equal(t, 1, j.Sent[0].Included)
	assert.Equal(t, 1, j.Sent[0].LeftOut)
	require.NotEmpty(t, j.Sent[0].JobID)
	assert.NotContains(t, string(mustJSON(t, j.Sent)), studio.ID, "the sender learns counts only")

	// A stream sends too: the recipients' jobs are made before it starts.
	resp, b = sender.do("POST", "/api/v1/downloads?stream=1", strings.NewReader(`{"asset_ids":["`+open.ID+`","`+studio.ID+`"],"send_to":["viewer@example.com"]}`), nil)
	require.Equal(t, 200, resp.StatusCode, string(b))
	assert.Equal(t, "1", resp.Header.Get("X-Damkit-Sent"))
	var streamed sentJob
	sender.json("GET", "/api/v1/downloads/"+resp.Header.Get("X-Damkit-Job"), nil, 200, &streamed)
	require.Len(t, streamed.Sent, 1)

	n, err := c.lib.ProcessJobs(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 2, n)

	viewer.json("GET", "/api/v1/downloads", nil, 200, &page)
	require.Len(t, page.Items, 2)
	got := page.Items[1]
	assert.Equal(t, j.Sent[0].JobID, got.ID)
	assert.Equal(t, streamed.Sent[0].JobID, page.Items[0].ID)
	assert.Equal(t, &dam.Sender{UserID: senderUser.ID, Email: "sender@example.com"}, got.SentBy)
	assert.Equal(t, dam.JobDone, got.Status)
	assert.Equal(t, 1, got.SkippedCount)
	assert.Equal(t, dam.ReasonNotAvailable, got.Skipped[0].Reason)
	assert.Empty(t, got.Skipped[0].AssetID)
	assert.Nil(t, got.Request, "nothing hidden is offered for request")
	require.Len(t, got.Parts, 1)

	resp, b = viewer.do("GET", got.Parts[0].URL, nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(b))
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "beach.jpg" {
			rc, err := f.Open()
			require.NoError(t, err)
			data, err := io.ReadAll(rc)
			require.NoError(t, err)
			assert.Equal(t, noise(1, 10_000), data)
		}
	}
	sort.Strings(names)
	assert.Equal(t, []string{"beach.jpg", "manifest.json"}, names)

	// The sender cannot see or fetch it.
	resp, b = sender.do("GET", "/api/v1/downloads/"+got.ID, nil, nil)
	sender.wantError(resp, b, 404, "not_found")
	resp, b = sender.do("GET", got.Parts[0].URL, nil, nil)
	sender.wantError(resp, b, 404, "not_found")

	var inbox struct {
		Items []dam.Notification `json:"items"`
	}
	viewer.json("GET", "/api/v1/inbox", nil, 200, &inbox)
	require.Len(t, inbox.Items, 2)
	assert.Equal(t, dam.NotifyArchiveReady, inbox.Items[0].Kind)
	assert.Contains(t, inbox.Items[0].Subject, "sender@example.com")
	assert.Contains(t, inbox.Items[0].Body, "1 item not available to you")
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
