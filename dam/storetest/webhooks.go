package storetest

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func (f *fixture) webhook() dam.Webhook {
	f.t.Helper()
	at := f.tick()
	w := dam.Webhook{ID: f.id(), URL: "https://hooks.example.com/in", Events: []dam.WebhookEvent{dam.HookAssetUploaded},
		Description: "d", Secret: "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0", CreatedBy: "u1", CreatedAt: at, UpdatedAt: at}
	w.Cursor = w.ID
	require.NoError(f.t, f.s.CreateWebhook(f.ctx, w))
	return w
}

func (f *fixture) delivery(w dam.Webhook, eventID string) dam.WebhookDelivery {
	at := f.tick()
	return dam.WebhookDelivery{ID: f.id(), WebhookID: w.ID, EventID: eventID, Type: dam.HookAssetUploaded,
		Payload: json.RawMessage(`{"type":"asset.uploaded"}`), Status: dam.DeliveryPending, NextAt: at, CreatedAt: at}
}

var webhookTests = []test{
	{"CRUD", func(t *testing.T, f *fixture) {
		w := f.webhook()
		got, err := f.s.Webhook(f.ctx, w.ID)
		require.NoError(t, err)
		assert.Equal(t, w, got)
		_, err = f.s.Webhook(f.ctx, f.id())
		assert.Equal(t, dam.NotFound, dam.KindOf(err))

		at := f.tick()
		w.URL, w.Events, w.UpdatedAt, w.DisabledAt, w.DisabledReason = "https://other.example.com/", []dam.WebhookEvent{dam.HookShareCreated, dam.HookShareOpened}, at, &at, "off"
		require.NoError(t, f.s.UpdateWebhook(f.ctx, w))
		got, err = f.s.Webhook(f.ctx, w.ID)
		require.NoError(t, err)
		assert.Equal(t, w, got)
		assert.Equal(t, dam.NotFound, dam.KindOf(f.s.UpdateWebhook(f.ctx, dam.Webhook{ID: f.id()})))

		ok, err := f.s.DisableWebhook(f.ctx, w.ID, "again", f.tick())
		require.NoError(t, err)
		assert.False(t, ok, "already disabled")
		w2 := f.webhook()
		ok, err = f.s.DisableWebhook(f.ctx, w2.ID, "failing", f.tick())
		require.NoError(t, err)
		assert.True(t, ok)

		all, err := f.s.Webhooks(f.ctx)
		require.NoError(t, err)
		require.Len(t, all, 2)
		assert.Equal(t, w.ID, all[0].ID)
		assert.Equal(t, "failing", all[1].DisabledReason)

		require.NoError(t, f.s.QueueWebhookDeliveries(f.ctx, w.ID, "", "", []dam.WebhookDelivery{f.delivery(w, "e1")}))
		require.NoError(t, f.s.DeleteWebhook(f.ctx, w.ID))
		assert.Equal(t, dam.NotFound, dam.KindOf(f.s.DeleteWebhook(f.ctx, w.ID)))
		ds, _, err := f.s.WebhookDeliveries(f.ctx, w.ID, "", 10)
		require.NoError(t, err)
		assert.Empty(t, ds, "deliveries go with their webhook")
	}},
	{"QueueSkipsRepeatsAndMovesCursor", func(t *testing.T, f *fixture) {
		w := f.webhook()
		d1, d2 := f.delivery(w, "e1"), f.delivery(w, "e2")
		require.NoError(t, f.s.QueueWebhookDeliveries(f.ctx, w.ID, w.Cursor, "e1", []dam.WebhookDelivery{d1, d2}))
		again := f.delivery(w, "e2")
		require.NoError(t, f.s.QueueWebhookDeliveries(f.ctx, w.ID, "e1", "", []dam.WebhookDelivery{again}))
		err := f.s.QueueWebhookDeliveries(f.ctx, w.ID, w.Cursor, "e9", []dam.WebhookDelivery{f.delivery(w, "e3")})
		assert.Equal(t, dam.FailedPrecondition, dam.KindOf(err), "a cursor that moved")
		got, err := f.s.Webhook(f.ctx, w.ID)
		require.NoError(t, err)
		assert.Equal(t, "e1", got.Cursor)
		ds, next, err := f.s.WebhookDeliveries(f.ctx, w.ID, "", 10)
		require.NoError(t, err)
		assert.Empty(t, next)
		require.Len(t, ds, 2, "the repeat and the refused batch are not queued")
		assert.Equal(t, d2.ID, ds[0].ID, "newest first")
		assert.JSONEq(t, string(d1.Payload), string(ds[1].Payload))
		page, next, err := f.s.WebhookDeliveries(f.ctx, w.ID, "", 1)
		require.NoError(t, err)
		require.Len(t, page, 1)
		page, _, err = f.s.WebhookDeliveries(f.ctx, w.ID, next, 1)
		require.NoError(t, err)
		assert.Equal(t, d1.ID, page[0].ID)
	}},
	{"ClaimLeaseFinish", func(t *testing.T, f *fixture) {
		w := f.webhook()
		off := f.webhook()
		d := f.delivery(w, "e1")
		later := f.delivery(w, "e2")
		later.NextAt = d.NextAt.Add(time.Hour)
		require.NoError(t, f.s.QueueWebhookDeliveries(f.ctx, w.ID, "", "", []dam.WebhookDelivery{d, later}))
		require.NoError(t, f.s.QueueWebhookDeliveries(f.ctx, off.ID, "", "", []dam.WebhookDelivery{f.delivery(off, "e1")}))
		_, err := f.s.DisableWebhook(f.ctx, off.ID, "off", f.tick())
		require.NoError(t, err)

		now := f.tick()
		got, err := f.s.ClaimWebhookDeliveries(f.ctx, "a", now, now.Add(time.Minute), 10)
		require.NoError(t, err)
		require.Len(t, got, 1, "only the due one of the enabled webhook")
		assert.Equal(t, d.ID, got[0].ID)
		assert.Equal(t, dam.DeliveryDelivering, got[0].Status)
		assert.Equal(t, "a", got[0].ClaimedBy)
		assert.Equal(t, 1, got[0].Attempts)
		none, err := f.s.ClaimWebhookDeliveries(f.ctx, "b", now.Add(time.Second), now.Add(time.Minute), 10)
		require.NoError(t, err)
		assert.Empty(t, none, "claimed until the lease runs out")

		// a dies mid-delivery: b claims it once the lease has run out.
		after := now.Add(2 * time.Minute)
		again, err := f.s.ClaimWebhookDeliveries(f.ctx, "b", after, after.Add(time.Minute), 1)
		require.NoError(t, err)
		require.Len(t, again, 1)
		assert.Equal(t, d.ID, again[0].ID)
		assert.Equal(t, 2, again[0].Attempts)

		late := got[0]
		late.Status, late.LastAt = dam.DeliveryDelivered, &after
		assert.Equal(t, dam.FailedPrecondition, dam.KindOf(f.s.FinishWebhookDelivery(f.ctx, late)), "a's claim is gone")

		done := again[0]
		done.Status, done.LastStatus, done.LastResponse, done.LastAt = dam.DeliveryDelivered, 204, "ok", &after
		require.NoError(t, f.s.FinishWebhookDelivery(f.ctx, done))
		hw, err := f.s.Webhook(f.ctx, w.ID)
		require.NoError(t, err)
		require.NotNil(t, hw.LastSuccessAt)
		assert.True(t, hw.LastSuccessAt.Equal(after))
		log, _, err := f.s.WebhookDeliveries(f.ctx, w.ID, "", 10)
		require.NoError(t, err)
		require.Len(t, log, 2)
		assert.Equal(t, dam.DeliveryDelivered, log[1].Status)
		assert.Equal(t, 204, log[1].LastStatus)
		assert.Equal(t, "ok", log[1].LastResponse)
		assert.Nil(t, log[1].LeaseUntil)

		n, err := f.s.PruneWebhookDeliveries(f.ctx, after.Add(24*time.Hour), 100)
		require.NoError(t, err)
		assert.Equal(t, 1, n, "only finished deliveries are pruned")
	}},
	{"ConcurrentClaimersNeverShare", func(t *testing.T, f *fixture) {
		w := f.webhook()
		var ds []dam.WebhookDelivery
		for i := range 40 {
			ds = append(ds, f.delivery(w, "e"+string(rune('A'+i))))
		}
		require.NoError(t, f.s.QueueWebhookDeliveries(f.ctx, w.ID, "", "", ds))
		now := f.tick()
		var mu sync.Mutex
		seen := map[string]string{}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for c := range 4 {
			worker := "w" + string(rune('a'+c))
			wg.Go(func() {
				for {
					got, err := f.s.ClaimWebhookDeliveries(f.ctx, worker, now, now.Add(time.Minute), 3)
					if err != nil {
						errs <- err
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, d := range got {
						if prev, dup := seen[d.ID]; dup {
							errs <- dam.E("", dam.Internal, "delivery %s claimed by %s and %s", d.ID, prev, worker)
						}
						seen[d.ID] = worker
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		assert.Len(t, seen, 40)
	}},
}
