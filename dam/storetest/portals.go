package storetest

import (
	"bytes"
	"sync"
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// portal builds an enabled request-mode portal of assets by user u1.
func (f *fixture) portal(slug string, assets ...string) dam.Portal {
	now := f.tick()
	return dam.Portal{ID: f.id(), Slug: slug, Title: "Press kit", Description: "logos and photos", AssetIDs: assets,
		CollectionIDs: []string{"c1"}, Mode: dam.PortalRequest, Enabled: true, CreatedBy: "u1", CreatedAt: now, UpdatedAt: now}
}

var portalTests = []test{
	{"OpensPerDay", func(t *testing.T, f *fixture) {
		p := f.portal("press-kit")
		require.NoError(t, f.s.CreatePortal(f.ctx, p))
		other := f.portal("other")
		require.NoError(t, f.s.CreatePortal(f.ctx, other))
		for _, day := range []string{"2026-03-01", "2026-03-01", "2026-03-01", "2026-03-03", "2026-02-28"} {
			require.NoError(t, f.s.CountPortalOpen(f.ctx, p.ID, day))
		}
		require.NoError(t, f.s.CountPortalOpen(f.ctx, other.ID, "2026-03-01"))
		got, err := f.s.PortalOpens(f.ctx, p.ID, "2026-03-01", "2026-03-31")
		require.NoError(t, err)
		assert.Equal(t, []dam.DayCount{{Day: "2026-03-01", Count: 3}, {Day: "2026-03-03", Count: 1}}, got)
		none, err := f.s.PortalOpens(f.ctx, p.ID, "2026-04-01", "2026-04-30")
		require.NoError(t, err)
		assert.Empty(t, none)
		require.NoError(t, f.s.DeletePortal(f.ctx, p.ID))
		gone, err := f.s.PortalOpens(f.ctx, p.ID, "2026-01-01", "2026-12-31")
		require.NoError(t, err)
		assert.Empty(t, gone, "a deleted portal's counters go with it")
		kept, err := f.s.PortalOpens(f.ctx, other.ID, "2026-01-01", "2026-12-31")
		require.NoError(t, err)
		assert.Equal(t, []dam.DayCount{{Day: "2026-03-01", Count: 1}}, kept)

		// Concurrent opens are all counted, in one row.
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 10 {
					assert.NoError(t, f.s.CountPortalOpen(f.ctx, other.ID, "2026-03-02"))
				}
			})
		}
		wg.Wait()
		kept, err = f.s.PortalOpens(f.ctx, other.ID, "2026-03-02", "2026-03-02")
		require.NoError(t, err)
		assert.Equal(t, []dam.DayCount{{Day: "2026-03-02", Count: 80}}, kept)
	}},
	{"CreateGetListUpdateDelete", func(t *testing.T, f *fixture) {
		p := f.portal("press-kit", "a1", "a2")
		require.NoError(t, f.s.CreatePortal(f.ctx, p))
		got, err := f.s.Portal(f.ctx, p.ID)
		require.NoError(t, err)
		assert.Equal(t, p, got)
		got, err = f.s.PortalBySlug(f.ctx, "press-kit")
		require.NoError(t, err)
		assert.Equal(t, p, got)

		other := f.portal("brand", "a3")
		other.CollectionIDs = nil
		require.NoError(t, f.s.CreatePortal(f.ctx, other))
		all, err := f.s.Portals(f.ctx)
		require.NoError(t, err)
		require.Len(t, all, 2)
		assert.Equal(t, other, all[0], "newest first")

		p.Title, p.Mode, p.Enabled, p.AssetIDs, p.Licence, p.UpdatedAt = "Kit", dam.PortalOpen, false, []string{"a9"}, "lic1", f.tick()
		require.NoError(t, f.s.UpdatePortal(f.ctx, p))
		got, err = f.s.Portal(f.ctx, p.ID)
		require.NoError(t, err)
		assert.Equal(t, p, got)

		require.NoError(t, f.s.DeletePortal(f.ctx, p.ID))
		_, err = f.s.Portal(f.ctx, p.ID)
		requireKind(t, dam.NotFound, err)
		requireKind(t, dam.NotFound, f.s.DeletePortal(f.ctx, p.ID))
		_, err = f.s.PortalBySlug(f.ctx, "press-kit")
		requireKind(t, dam.NotFound, err)
	}},
	{"SlugTaken", func(t *testing.T, f *fixture) {
		p := f.portal("press-kit")
		require.NoError(t, f.s.CreatePortal(f.ctx, p))
		requireKind(t, dam.AlreadyExists, f.s.CreatePortal(f.ctx, f.portal("press-kit")))
		q := f.portal("other")
		require.NoError(t, f.s.CreatePortal(f.ctx, q))
		q.Slug = "press-kit"
		requireKind(t, dam.AlreadyExists, f.s.UpdatePortal(f.ctx, q))
		missing := f.portal("missing")
		requireKind(t, dam.NotFound, f.s.UpdatePortal(f.ctx, missing))
	}},
	{"VisitorRequests", func(t *testing.T, f *fixture) {
		p := f.portal("press-kit", "a1")
		require.NoError(t, f.s.CreatePortal(f.ctx, p))
		r := f.request("a1")
		r.RequesterID, r.RequesterEmail = "", "visitor@example.com"
		g := f.grant(r.ID, "a1")
		g.UserID, g.Email = "", "visitor@example.com"
		require.NoError(t, f.s.CreatePortalRequests(f.ctx, p.ID, []dam.Request{r}, []dam.Grant{g}))
		got, err := f.s.Request(f.ctx, r.ID)
		require.NoError(t, err)
		want := r
		want.PortalID = p.ID
		assert.Equal(t, want, got, "read with the portal it came through")
		gs, err := f.s.Grants(f.ctx, dam.GrantQuery{Email: "visitor@example.com"})
		require.NoError(t, err)
		require.Len(t, gs, 1)
		assert.Equal(t, g.ID, gs[0].ID)
		pid, err := f.s.RequestPortal(f.ctx, r.ID)
		require.NoError(t, err)
		assert.Equal(t, p.ID, pid)

		user := f.request("a1")
		require.NoError(t, f.s.CreateRequests(f.ctx, []dam.Request{user}, nil))
		_, err = f.s.RequestPortal(f.ctx, user.ID)
		requireKind(t, dam.NotFound, err, "a user's request came through no portal")
	}},
	{"SecretMadeOnce", func(t *testing.T, f *fixture) {
		first := bytes.Repeat([]byte{1}, 32)
		var wg sync.WaitGroup
		got := make([][]byte, 4)
		for i := range got {
			wg.Go(func() {
				c := bytes.Repeat([]byte{byte(i + 1)}, 32)
				s, err := f.s.PortalSecret(f.ctx, c)
				assert.NoError(t, err)
				got[i] = s
			})
		}
		wg.Wait()
		for _, s := range got {
			assert.Len(t, s, 32)
			assert.Equal(t, got[0], s, "every caller gets the same secret")
		}
		again, err := f.s.PortalSecret(f.ctx, first)
		require.NoError(t, err)
		assert.Equal(t, got[0], again)
	}},
}
