package damweb

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// BenchmarkListPages renders the collection, trash, notifications and
// account pages when they are long, on SQLite: a collection of 10,000
// assets (its first page and its last), a trash of 10,000 assets, an inbox
// of 5,000 notifications. It reports the server time's median and 99th
// percentile and the page's size.
//
//	go test ./dam/damweb -run '^$' -bench ListPages -benchtime 300x
func BenchmarkListPages(b *testing.B) {
	const n = 10_000
	s := newSite(b, nil)
	st := s.lib.Store()
	ctx := b.Context()
	big, err := s.lib.CreateFolder(s.owner, "Big", "", dam.DefaultDomain)
	require.NoError(b, err)
	fillFolder(b, s, big.ID, 2*n)
	assets, err := allAssets(b, s, big.ID)
	require.NoError(b, err)
	owner, err := s.lib.Authenticate(ctx, s.keys["owner"])
	require.NoError(b, err)

	c, err := s.lib.CreateCollection(s.owner, "Big collection", "")
	require.NoError(b, err)
	items := make([]dam.CollectionItem, n)
	for i := range items {
		items[i] = dam.CollectionItem{AssetID: assets[i].ID, AddedAt: time.Now()}
	}
	require.NoError(b, st.AddCollectionItems(ctx, c.ID, items))
	last := items[n-collectionPageSize-1].AssetID

	for _, a := range assets[n:] {
		require.NoError(b, st.TrashAsset(ctx, a.ID, owner.ID, time.Now()))
	}
	start := time.Now().Add(-time.Hour)
	var ns []dam.Notification
	for i := range 5000 {
		at := start.Add(time.Duration(i) * time.Millisecond)
		ns = append(ns, dam.Notification{ID: dam.NewID(at), UserID: owner.ID, Kind: dam.NotifyRequestReceived,
			Subject: fmt.Sprintf("Request %d", i), Body: "viewer@example.com asks to download protected assets.",
			Link: "http://dam.example/requests", CreatedAt: at})
	}
	require.NoError(b, st.AddNotifications(ctx, ns...))

	secret, _, err := s.lib.SignInWithKey(ctx, s.keys["owner"], "bench")
	require.NoError(b, err)
	cookie := &http.Cookie{Name: sessionCookie, Value: secret}
	for _, p := range []struct{ name, path string }{
		{"collections", "/collections"},
		{"collection-first", "/collections/" + c.ID},
		{"collection-last", "/collections/" + c.ID + "?cursor=" + last},
		{"trash", "/trash"},
		{"notifications", "/notifications"},
		{"account", "/account"},
	} {
		b.Run(p.name, func(b *testing.B) { benchPage(b, s.h, cookie, p.path) })
	}
}

// allAssets lists every asset of a folder, in ID order.
func allAssets(tb testing.TB, s *site, folderID string) ([]dam.Asset, error) {
	var out []dam.Asset
	cursor := ""
	for {
		page, next, err := s.lib.Assets(s.owner, dam.AssetQuery{FolderID: &folderID, Limit: 1000, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" {
			return out, nil
		}
		cursor = next
	}
}
