package sqlstore

import (
	"fmt"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/require"
)

// BenchmarkRequestsDashboard20k reads one page (50) of the requests
// dashboard over 20,200 pending requests of 500 people for 20,000 assets
// in a folder below another and 200 in a folder of their own, on SQLite (and PostgreSQL when
// DAMKIT_POSTGRES_URL is set), in each order and with each filter; one op
// is one page.
func BenchmarkRequestsDashboard20k(b *testing.B) {
	onBothStores(b, func(b *testing.B, s *Store) {
		ctx := b.Context()
		top := dam.Folder{ID: dam.NewID(time.Now()), Name: "Top", Domain: dam.DefaultDomain}
		require.NoError(b, s.CreateFolder(ctx, top))
		sub := dam.Folder{ID: dam.NewID(time.Now()), Name: "Sub", ParentID: top.ID, Domain: dam.DefaultDomain}
		require.NoError(b, s.CreateFolder(ctx, sub))
		fill(ctx, b, s, sub.ID, 20_000)
		small := dam.Folder{ID: dam.NewID(time.Now()), Name: "Small", Domain: dam.DefaultDomain}
		require.NoError(b, s.CreateFolder(ctx, small))
		fill(ctx, b, s, small.ID, 200)
		rows, err := s.w.QueryContext(ctx, "SELECT id FROM assets")
		require.NoError(b, err)
		var ids []string
		for rows.Next() {
			var id string
			require.NoError(b, rows.Scan(&id))
			ids = append(ids, id)
		}
		require.NoError(b, rows.Close())
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var rs []dam.Request
		for i, id := range ids {
			at := start.Add(time.Duration(i) * time.Minute)
			email := fmt.Sprintf("person-%03d@example.com", i*7919%500)
			rs = append(rs, dam.Request{ID: dam.NewID(at), Batch: "b", AssetID: id, Domain: dam.DefaultDomain, RequesterID: "u-" + email,
				RequesterEmail: email, Status: dam.RequestPending, Validity: 7 * 24 * time.Hour, CreatedAt: at})
			if len(rs) == 1000 {
				require.NoError(b, s.CreateRequests(ctx, rs, nil))
				rs = rs[:0]
			}
		}
		require.NoError(b, s.CreateRequests(ctx, rs, nil))
		_, err = s.w.ExecContext(ctx, "ANALYZE")
		require.NoError(b, err)
		base := dam.RequestQuery{Domains: []string{dam.DefaultDomain}, Status: dam.RequestPending, Limit: 50}
		for _, tc := range []struct {
			name string
			edit func(*dam.RequestQuery)
		}{
			{"newest", func(*dam.RequestQuery) {}},
			{"requester", func(q *dam.RequestQuery) { q.Sort = "requester" }},
			{"asset", func(q *dam.RequestQuery) { q.Sort = "-asset" }},
			{"folder-subtree", func(q *dam.RequestQuery) { q.FolderID = top.ID }},
			{"folder-small", func(q *dam.RequestQuery) { q.FolderID = small.ID }},
			{"days", func(q *dam.RequestQuery) { q.From, q.Before = start.AddDate(0, 0, 5), start.AddDate(0, 0, 6) }},
			{"email-part", func(q *dam.RequestQuery) { q.RequesterEmail = "person-42" }},
		} {
			q := base
			tc.edit(&q)
			b.Run(tc.name, func(b *testing.B) {
				for b.Loop() {
					page, _, err := s.Requests(ctx, q)
					if err != nil || len(page) == 0 {
						b.Fatalf("%d rows, %v", len(page), err)
					}
				}
			})
		}
	})
}
