package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var concurrencyTests = []test{
	{"SixteenWriters", func(t *testing.T, f *fixture) {
		const writers, rounds = 16, 4
		fo := f.folder("", "Shared")
		// Build the rows first: the fixture is not safe for concurrent use.
		work := make([][]dam.Asset, writers)
		for w := range work {
			for r := range rounds {
				work[w] = append(work[w], f.newAsset(fo.ID, fmt.Sprintf("w%d-r%d.jpg", w, r)))
			}
		}
		errs := make(chan error, writers*rounds*6)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for r, a := range work[w] {
					errs <- f.s.CreateAsset(f.ctx, a)
					a.Meta.Title = "edited"
					errs <- f.s.UpdateAssets(f.ctx, []dam.Asset{a})
					errs <- f.s.AddNote(f.ctx, dam.Note{ID: dam.NewID(baseTime), AssetID: a.ID, AuthorID: "u1", Text: "n", CreatedAt: baseTime})
					errs <- f.s.AppendEvents(f.ctx, dam.Event{ID: dam.NewID(baseTime), Time: baseTime, ActorID: fmt.Sprint(w), Action: dam.EventUpload, AssetID: a.ID})
					if r%2 == 0 {
						errs <- f.s.TrashAsset(f.ctx, a.ID, "u1", baseTime)
					}
				}
			})
			wg.Go(func() { // a reader alongside each writer
				for range rounds {
					_, _, err := f.s.Assets(f.ctx, dam.AssetQuery{Domains: []string{f.domain}, FolderID: &fo.ID})
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err, "no writer may see a busy or lost-update error")
		}
		live := f.listAll(dam.AssetQuery{Domains: []string{f.domain}, FolderID: &fo.ID, Limit: 50})
		trashed := f.listAll(dam.AssetQuery{Domains: []string{f.domain}, FolderID: &fo.ID, Deleted: true, Limit: 50})
		assert.Len(t, live, writers*rounds/2)
		assert.Len(t, trashed, writers*rounds/2)
		events, _, err := f.s.Events(f.ctx, dam.EventQuery{Limit: 1000})
		require.NoError(t, err)
		assert.Len(t, events, writers*rounds)
		a, err := f.s.Asset(f.ctx, live[0])
		require.NoError(t, err)
		assert.Equal(t, "edited", a.Meta.Title)
	}},
}
