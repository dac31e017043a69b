package dam_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestPolicyFilters lists a library through the eyes of a viewer: the
// downloadable, protected and licensed filters answer as Access does for
// each asset, and paging with any page size lists each match once.
func TestPolicyFilters(t *testing.T) {
	f := newFixture(t, nil)
	viewer := f.user(t, "v@example.com", dam.RoleViewer, dam.DefaultDomain)
	vault, err := f.lib.CreateFolder(f.owner, "Vault", "", dam.DefaultDomain)
	require.NoError(t, err)
	_, err = f.lib.SetFolderProtection(f.owner, vault.ID, dam.Protected)
	require.NoError(t, err)
	lic, err := f.lib.CreateLicence(f.owner, "Editorial", "Editorial use only.")
	require.NoError(t, err)
	var all []dam.Asset
	for i := range 12 {
		o := dam.UploadOptions{Name: "a.txt"}
		if i%3 == 0 {
			o.FolderID = vault.ID
		}
		a, err := f.lib.Upload(f.owner, strings.NewReader(strings.Repeat("x", i+1)), o)
		require.NoError(t, err)
		if i%4 == 1 {
			a, err = f.lib.SetAssetLicence(f.owner, a.ID, lic.ID)
			require.NoError(t, err)
		}
		all = append(all, a)
	}
	// A granted protected asset is downloadable by the viewer.
	res, err := f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{all[3].ID}})
	require.NoError(t, err)
	_, err = f.lib.Decide(f.owner, []dam.Decision{{RequestID: res.Requests[0].ID, Approve: true}})
	require.NoError(t, err)

	access, err := f.lib.AccessAll(viewer, all)
	require.NoError(t, err)
	want := func(keep func(dam.AccessInfo) bool) []string {
		var ids []string
		for _, a := range all {
			if keep(access[a.ID]) {
				ids = append(ids, a.ID)
			}
		}
		return ids
	}
	yes, no := new(bool), new(bool)
	*yes = true
	cases := []struct {
		name string
		q    dam.AssetQuery
		want []string
	}{
		{"downloadable", dam.AssetQuery{Downloadable: yes}, want(func(a dam.AccessInfo) bool { return a.CanDownload || a.LicencePending })},
		{"not downloadable", dam.AssetQuery{Downloadable: no}, want(func(a dam.AccessInfo) bool { return !a.CanDownload && !a.LicencePending })},
		{"protected", dam.AssetQuery{Protected: yes}, want(func(a dam.AccessInfo) bool { return a.Protected })},
		{"licensed and not protected", dam.AssetQuery{HasLicence: yes, Protected: no}, want(func(a dam.AccessInfo) bool { return a.LicencePending && !a.Protected })},
	}
	for _, tc := range cases {
		require.NotEmpty(t, tc.want, tc.name)
		for _, limit := range []int{1, 2, 5, 100} {
			for _, sort := range []string{"", "-created", "name"} {
				q := tc.q
				q.Limit, q.Sort = limit, sort
				var got []string
				for range 100 {
					page, next, err := f.lib.Assets(viewer, q)
					require.NoError(t, err)
					assert.LessOrEqual(t, len(page), limit)
					for _, a := range page {
						got = append(got, a.ID)
					}
					if next == "" {
						break
					}
					q.Cursor = next
				}
				slices.Sort(got)
				w := slices.Sorted(slices.Values(tc.want))
				assert.Equal(t, w, got, "%s, %d a page, sort %q", tc.name, limit, sort)
			}
		}
	}
	assert.Contains(t, cases[0].want, all[3].ID, "the granted protected asset is downloadable")
	assert.NotContains(t, cases[0].want, all[6].ID, "a protected asset without a grant is not")
	assert.Contains(t, cases[0].want, all[1].ID, "a licensed asset is downloadable once the licence is accepted")

	// The owner downloads everything.
	page, _, err := f.lib.Assets(f.owner, dam.AssetQuery{Downloadable: no})
	require.NoError(t, err)
	assert.Empty(t, page)
}

// TestAvailabilityFilterFollowsTheClock: an asset whose expiry passes
// leaves the available listing without any write.
func TestAvailabilityFilterFollowsTheClock(t *testing.T) {
	f := newFixture(t, nil)
	exp := f.clock.t.Add(time.Hour)
	a, err := f.lib.Upload(f.owner, strings.NewReader("x"), dam.UploadOptions{Name: "a.txt", ExpiresAt: &exp})
	require.NoError(t, err)
	list := func(av dam.Availability) []string {
		page, _, err := f.lib.Assets(f.owner, dam.AssetQuery{Availability: av})
		require.NoError(t, err)
		var ids []string
		for _, a := range page {
			ids = append(ids, a.ID)
		}
		return ids
	}
	assert.Equal(t, []string{a.ID}, list(dam.Available))
	assert.Empty(t, list(dam.Unavailable))
	f.clock.t = exp
	assert.Empty(t, list(dam.Available))
	assert.Equal(t, []string{a.ID}, list(dam.Unavailable))
	_, _, err = f.lib.Assets(f.owner, dam.AssetQuery{Availability: "soon"})
	assert.Equal(t, dam.Invalid, kindOf(t, err))
}

// TestPolicyFilterPagingDuringUploads pages through a policy-filtered
// listing while another goroutine uploads: no asset twice, and every
// matching asset that was there before is listed. (New uploads come first
// newest-first: a page cut needed a second read that they kept moving,
// and the listing used to end at once, empty.)
func TestPolicyFilterPagingDuringUploads(t *testing.T) {
	f := newFixture(t, nil)
	viewer := f.user(t, "v@example.com", dam.RoleViewer, dam.DefaultDomain)
	vault, err := f.lib.CreateFolder(f.owner, "Vault", "", dam.DefaultDomain)
	require.NoError(t, err)
	_, err = f.lib.SetFolderProtection(f.owner, vault.ID, dam.Protected)
	require.NoError(t, err)
	var before []string
	for i := range 40 {
		o := dam.UploadOptions{Name: "a.txt"}
		if i%2 == 0 {
			o.FolderID = vault.ID
		}
		a, err := f.lib.Upload(f.owner, strings.NewReader(strings.Repeat("b", i+1)), o)
		require.NoError(t, err)
		if i%2 == 1 {
			before = append(before, a.ID)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 30 {
			o := dam.UploadOptions{Name: "new.txt"}
			if i%2 == 0 {
				o.FolderID = vault.ID
			}
			if _, err := f.lib.Upload(f.owner, strings.NewReader(strings.Repeat("n", i+1)), o); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	yes := true
	q := dam.AssetQuery{Downloadable: &yes, Limit: 3, Sort: "-created"}
	seen := map[string]bool{}
	for range 200 {
		page, next, err := f.lib.Assets(viewer, q)
		require.NoError(t, err)
		for _, a := range page {
			assert.False(t, seen[a.ID], "listed twice: %s", a.ID)
			seen[a.ID] = true
		}
		if next == "" {
			break
		}
		q.Cursor = next
	}
	<-done
	for _, id := range before {
		assert.True(t, seen[id], "missed %s", id)
	}
}
