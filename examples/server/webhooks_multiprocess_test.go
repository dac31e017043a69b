package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// hookReceiver counts the deliveries of each webhook-id, checking every
// signature; hang, when set, holds the first request until released.
type hookReceiver struct {
	mu      sync.Mutex
	secret  string
	count   map[string]int
	events  map[string]bool // data.event_id of verified deliveries
	bad     int
	hang    chan struct{}
	hanging chan string // the webhook-id held
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	id := r.Header.Get("webhook-id")
	h.mu.Lock()
	hang := h.hang
	h.hang = nil
	h.mu.Unlock()
	if hang != nil {
		h.hanging <- id
		select {
		case <-hang:
		case <-r.Context().Done():
		}
		return // the sender was killed: this attempt never answers
	}
	var p struct {
		Data struct {
			EventID string `json:"event_id"`
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &p)
	h.mu.Lock()
	defer h.mu.Unlock()
	if dam.VerifyWebhook(h.secret, id, r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature"), body, time.Now()) != nil {
		h.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	h.count[id]++
	h.events[p.Data.EventID] = true
}

func (h *hookReceiver) snapshot() (map[string]int, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]int, len(h.count))
	for k, v := range h.count {
		out[k] = v
	}
	return out, h.bad
}

// TestWebhooksTwoProcesses runs two server processes on one PostgreSQL
// database: every upload's webhook is delivered exactly once although both
// processes deliver, and a delivery whose process is SIGKILLed mid-request
// is delivered by the other once its lease runs out.
func TestWebhooksTwoProcesses(t *testing.T) {
	pg := os.Getenv("DAMKIT_POSTGRES_URL")
	if pg == "" {
		t.Skip("needs PostgreSQL (DAMKIT_POSTGRES_URL, set by bench/sqlstore/with-postgres.sh)")
	}
	storeURL := postgresSchema(t, pg)
	bucketURL := "file://" + filepath.ToSlash(t.TempDir())
	bin := filepath.Join(t.TempDir(), "server")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	extra := []string{"-webhooks-allow-private", "-webhook-lease", "3s"}
	a := startProcess(t, bin, os.Environ(), "a", storeURL, bucketURL, extra...)
	b := startProcess(t, bin, os.Environ(), "b", storeURL, bucketURL, extra...)

	rc := &hookReceiver{count: map[string]int{}, events: map[string]bool{}, hanging: make(chan string, 1)}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	var hook dam.Webhook
	a.json(mpAdminKey, "POST", "/api/v1/webhooks", map[string]any{"url": srv.URL, "events": []string{"asset.uploaded"}}, 201, &hook)
	rc.mu.Lock()
	rc.secret = hook.Secret
	rc.mu.Unlock()

	n := 100
	if v, err := strconv.Atoi(os.Getenv("DAMKIT_WEBHOOK_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	t.Run("each event once", func(t *testing.T) {
		start := time.Now()
		for i := range n {
			p := a
			if i%2 == 1 {
				p = b
			}
			p.upload(fmt.Sprintf("f%04d.txt", i), "", []byte(fmt.Sprint(i)))
		}
		require.Eventually(t, func() bool {
			got, _ := rc.snapshot()
			return len(got) >= n
		}, 60*time.Second, 50*time.Millisecond)
		took := time.Since(start)
		time.Sleep(1500 * time.Millisecond) // a duplicate would show up now
		got, bad := rc.snapshot()
		assert.Zero(t, bad, "every signature verifies")
		assert.Len(t, got, n)
		for id, c := range got {
			assert.Equal(t, 1, c, "delivery %s", id)
		}
		db, err := sql.Open("pgx", storeURL)
		require.NoError(t, err)
		defer db.Close()
		rows, err := db.QueryContext(t.Context(), "SELECT claimed_by, count(*) FROM webhook_deliveries GROUP BY claimed_by")
		require.NoError(t, err)
		defer rows.Close()
		per := map[string]int{}
		for rows.Next() {
			var by string
			var c int
			require.NoError(t, rows.Scan(&by, &c))
			per[by] = c
		}
		t.Logf("%d uploads and deliveries in %s (%.0f/s, uploads included); per process: %v", n, took.Round(time.Millisecond), float64(n)/took.Seconds(), per)
	})

	if os.Getenv("DAMKIT_WEBHOOK_BENCH_N") != "" {
		t.Run("throughput", func(t *testing.T) {
			// Uploads while the endpoint is off queue up; enabling it
			// sends them all: the time to deliver them is the figure.
			a.json(mpAdminKey, "PATCH", "/api/v1/webhooks/"+hook.ID, map[string]any{"enabled": false}, 200, nil)
			for i := range n {
				a.upload(fmt.Sprintf("g%05d.txt", i), "", []byte(fmt.Sprint(i)))
			}
			before, _ := rc.snapshot()
			start := time.Now()
			a.json(mpAdminKey, "PATCH", "/api/v1/webhooks/"+hook.ID, map[string]any{"enabled": true}, 200, nil)
			require.Eventually(t, func() bool {
				got, _ := rc.snapshot()
				return len(got) >= len(before)+n
			}, 5*time.Minute, 20*time.Millisecond)
			took := time.Since(start)
			db, err := sql.Open("pgx", storeURL)
			require.NoError(t, err)
			defer db.Close()
			rows, err := db.QueryContext(t.Context(), "SELECT claimed_by, count(*) FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE e.asset_id IN (SELECT id FROM assets WHERE name LIKE 'g%') GROUP BY claimed_by")
			require.NoError(t, err)
			defer rows.Close()
			var per []string
			for rows.Next() {
				var by string
				var c int
				require.NoError(t, rows.Scan(&by, &c))
				per = append(per, fmt.Sprintf("%s: %d", by, c))
			}
			t.Logf("THROUGHPUT %d deliveries in %s: %.0f/s for two processes; deliveries per process: %v",
				n, took.Round(time.Millisecond), float64(n)/took.Seconds(), per)
		})
	}

	t.Run("SIGKILL mid-delivery retries", func(t *testing.T) {
		release := make(chan struct{})
		rc.mu.Lock()
		rc.hang = release
		rc.mu.Unlock()
		a.upload("killed.txt", "", []byte("killed"))
		var held string
		select {
		case held = <-rc.hanging:
		case <-time.After(30 * time.Second):
			t.Fatal("no delivery arrived")
		}
		// Find which process holds the delivery and kill it.
		db, err := sql.Open("pgx", storeURL)
		require.NoError(t, err)
		defer db.Close()
		var claimedBy string
		require.NoError(t, db.QueryRowContext(t.Context(), "SELECT claimed_by FROM webhook_deliveries WHERE id = $1", held).Scan(&claimedBy))
		victim, survivor := a, b
		if strings.Contains(claimedBy, ":"+strconv.Itoa(b.cmd.Process.Pid)+"-") {
			victim, survivor = b, a
		}
		require.Contains(t, claimedBy, ":"+strconv.Itoa(victim.cmd.Process.Pid)+"-")
		require.NoError(t, victim.cmd.Process.Signal(syscall.SIGKILL))
		close(release)
		require.Eventually(t, func() bool {
			got, _ := rc.snapshot()
			return got[held] == 1
		}, 30*time.Second, 50*time.Millisecond, "the survivor delivers it after the lease")
		rc.mu.Lock()
		assert.Len(t, rc.events, len(rc.count))
		rc.mu.Unlock()
		var log struct {
			Items []dam.WebhookDelivery `json:"items"`
		}
		// The receiver answers before the survivor writes the outcome down:
		// wait for the log to say so.
		require.Eventually(t, func() bool {
			log.Items = nil
			survivor.json(mpAdminKey, "GET", "/api/v1/webhooks/"+hook.ID+"/deliveries?limit=1", nil, 200, &log)
			return len(log.Items) == 1 && log.Items[0].Status == dam.DeliveryDelivered
		}, 30*time.Second, 50*time.Millisecond, "the survivor records the delivery")
		assert.Equal(t, held, log.Items[0].ID)
		assert.Equal(t, dam.DeliveryDelivered, log.Items[0].Status)
		assert.Equal(t, 2, log.Items[0].Attempts, "the killed attempt counts")
	})
}
