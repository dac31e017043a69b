package damhttp_test

import (
	"bufio"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestEventExportFormats(t *testing.T) {
	a := newAPI(t, nil)
	ctx := t.Context()
	var ids []string
	for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
		resp, b := a.do("POST", "/api/v1/assets?name="+name, strings.NewReader(name), nil)
		require.Equal(t, 201, resp.StatusCode, string(b))
		var as dam.Asset
		require.NoError(t, json.Unmarshal(b, &as))
		ids = append(ids, as.ID)
	}
	a.json("PATCH", "/api/v1/assets/"+ids[0], map[string]any{"title": "A"}, 200, nil)
	owner, err := a.lib.Store().UserByEmail(ctx, "owner@example.com")
	require.NoError(t, err)
	formula := dam.Event{ID: dam.NewID(time.Now()), Time: time.Now().UTC(), ActorID: owner.ID, Action: dam.EventNote, Detail: "=HYPERLINK(\"http://evil\")"}
	require.NoError(t, a.lib.Store().AppendEvents(ctx, formula))

	resp, body := a.do("GET", "/api/v1/events?format=csv", nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	assert.Equal(t, "text/csv; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Equal(t, `attachment; filename="events.csv"`, resp.Header.Get("Content-Disposition"))
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+5)
	assert.Equal(t, []string{"id", "time", "action", "actor_id", "asset_id", "detail"}, rows[0])
	assert.Equal(t, []string{"upload", "upload", "upload", "edit", "note"}, []string{rows[1][2], rows[2][2], rows[3][2], rows[4][2], rows[5][2]}, "oldest first")
	assert.Equal(t, ids[0], rows[1][4])
	assert.Equal(t, `'=HYPERLINK("http://evil")`, rows[5][5], "a formula is defused")

	resp, body = a.do("GET", "/api/v1/events?action=upload", nil, map[string]string{"Accept": "application/x-ndjson"})
	require.Equal(t, 200, resp.StatusCode, string(body))
	assert.Equal(t, "application/jsonl", resp.Header.Get("Content-Type"))
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	require.Len(t, lines, 3)
	var e dam.Event
	require.NoError(t, json.Unmarshal([]byte(lines[2]), &e))
	assert.Equal(t, ids[2], e.AssetID)

	// A range: since is inclusive, until exclusive.
	var all []dam.Event
	for _, l := range strings.Split(strings.TrimSpace(string(mustGet(t, a, "/api/v1/events?format=jsonl"))), "\n") {
		var e dam.Event
		require.NoError(t, json.Unmarshal([]byte(l), &e))
		all = append(all, e)
	}
	require.Len(t, all, 5)
	q := url.Values{"format": {"jsonl"}, "since": {all[1].Time.Format(time.RFC3339Nano)}, "until": {all[3].Time.Format(time.RFC3339Nano)}}
	got := strings.Split(strings.TrimSpace(string(mustGet(t, a, "/api/v1/events?"+q.Encode()))), "\n")
	assert.Len(t, got, 2)

	// Nothing selected: the CSV header alone.
	body = mustGet(t, a, "/api/v1/events?format=csv&action=purge")
	assert.Equal(t, "id,time,action,actor_id,asset_id,detail\n", string(body))

	// The JSON listing is unchanged, paged, newest first.
	var page struct {
		Items      []dam.Event `json:"items"`
		NextCursor string      `json:"next_cursor"`
	}
	a.json("GET", "/api/v1/events?limit=2", nil, 200, &page)
	require.Len(t, page.Items, 2)
	assert.Equal(t, dam.EventNote, page.Items[0].Action)
	assert.NotEmpty(t, page.NextCursor)

	for _, tc := range []struct{ path, want string }{
		{"/api/v1/events?format=xml", "format must be json, csv or jsonl"},
		{"/api/v1/events?format=csv&limit=10", "limit pages the JSON listing"},
		{"/api/v1/events?format=csv&since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z", "until must be after since"},
		{"/api/v1/events?format=csv&until=yesterday", "until"},
		{"/api/v1/events?format=csv&asset=nope", "bad asset id"},
	} {
		resp, b := a.do("GET", tc.path, nil, nil)
		e := a.wantError(resp, b, 400, "invalid")
		assert.Contains(t, e.Error.Message, tc.want, tc.path)
	}
}

func mustGet(t *testing.T, a *api, path string) []byte {
	t.Helper()
	resp, b := a.do("GET", path, nil, nil)
	require.Equal(t, 200, resp.StatusCode, "%s: %s", path, b)
	return b
}

func TestEventExportKeepsToReach(t *testing.T) {
	a := newAPI(t, nil)
	ctx := t.Context()
	admin, err := a.lib.Store().UserByEmail(ctx, "owner@example.com")
	require.NoError(t, err)
	_, keyB, err := a.lib.CreateUser(dam.WithActor(ctx, admin.Actor()), dam.NewUser{Email: "owner-b@example.com", Role: dam.RoleOwner, Domains: []string{"b"}})
	require.NoError(t, err)
	resp, b := a.do("POST", "/api/v1/assets?name=secret.txt", strings.NewReader("s"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	other := &api{t: t, url: a.url, key: keyB, lib: a.lib}
	body := mustGet(t, other, "/api/v1/events?format=jsonl")
	assert.NotContains(t, string(body), "secret.txt")
	assert.NotContains(t, string(body), `"upload"`)
}

// TestEventExportMillion exports 1,000,000 events as CSV through the real
// server, reading the answer as it streams, and checks that the heap
// stays small: the export holds a page of the store, never the range.
// DAMKIT_EXPORT_EVENTS changes the count (for bench/webhooks/RESULTS.md).
func TestEventExportMillion(t *testing.T) {
	n := 1_000_000
	if v := os.Getenv("DAMKIT_EXPORT_EVENTS"); v != "" {
		_, err := fmt.Sscan(v, &n)
		require.NoError(t, err)
	}
	if raceEnabled {
		n /= 100 // under the race detector SQLite's every row costs ~40 times more; the shape is the same
	}
	a := newAPI(t, nil)
	ctx := t.Context()
	resp, b := a.do("POST", "/api/v1/assets?name=busy.txt", strings.NewReader("busy"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	var asset dam.Asset
	require.NoError(t, json.Unmarshal(b, &asset))
	owner, err := a.lib.Store().UserByEmail(ctx, "owner@example.com")
	require.NoError(t, err)
	// Rows are made in SQL, in one statement: IDs in time order (the
	// time prefix of a real ID, then a counter).
	db, ok := a.lib.Store().(interface{ DB() *sql.DB })
	require.True(t, ok, "the store is sqlstore's")
	at := time.Now().Add(-time.Hour).UTC()
	prefix := dam.NewID(at)[:10]
	t0 := time.Now()
	_, err = db.DB().ExecContext(ctx, `WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
		INSERT INTO events (id, time, actor_id, action, asset_id, detail)
		SELECT ? || printf('%016d', x), ?, ?, 'download', ?, 'original' FROM n`, n, prefix, at.Format("2006-01-02T15:04:05.000000Z"), owner.ID, asset.ID)
	require.NoError(t, err)
	made := time.Since(t0)

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	t0 = time.Now()
	req, err := http.NewRequestWithContext(ctx, "GET", a.url+"/api/v1/events?format=csv&action=download", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+a.key)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	sc := bufio.NewScanner(res.Body)
	lines, bytes := 0, 0
	var last string
	for sc.Scan() {
		lines++
		bytes += len(sc.Bytes()) + 1
		if lines == n+1 {
			last = sc.Text()
		}
	}
	require.NoError(t, sc.Err())
	took := time.Since(t0)
	close(stop)
	<-done
	assert.Equal(t, n+1, lines, "the header and every event")
	assert.Contains(t, last, ",download,"+owner.ID+","+asset.ID+",original")
	grew := int64(peak.Load()) - int64(base.HeapInuse)
	t.Logf("EXPORT %d events (%.1f MB of CSV) in %s: %.0f events/s; heap in use grew by at most %.1f MiB (before: %.1f MiB); rows made in %s",
		n, float64(bytes)/1e6, took.Round(time.Millisecond), float64(n)/took.Seconds(), float64(grew)/(1<<20), float64(base.HeapInuse)/(1<<20), made.Round(time.Millisecond))
	assert.Less(t, grew, int64(64<<20), "the export holds pages, not the range (%d bytes of CSV)", bytes)
}
