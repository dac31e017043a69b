package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"hash/crc32"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/require"
)

// Run runs the conformance suite. open must return a new, empty store for
// each call; Run closes it when the test ends.
func Run(t *testing.T, open func(t *testing.T) dam.Store) {
	groups := []struct {
		name  string
		tests []test
	}{
		{"Users", userTests},
		{"Assets", assetTests},
		{"Trash", trashTests},
		{"BulkTrash", bulkTrashTests},
		{"Versions", versionTests},
		{"Folders", folderTests},
		{"Collections", collectionTests},
		{"Notes", noteTests},
		{"Events", eventTests},
		{"Settings", settingsTests},
		{"Requests", requestTests},
		{"Grants", grantTests},
		{"Notifications", notificationTests},
		{"Jobs", jobTests},
		{"Profiles", profileTests},
		{"Shares", shareTests},
		{"Concurrency", concurrencyTests},
		{"Claims", claimTests},
		{"Leases", leaseTests},
		{"Portals", portalTests},
		{"Licences", licenceTests},
		{"NotificationPrefs", notificationPrefTests},
		{"Categories", categoryTests},
		{"Sessions", sessionTests},
		{"CacheGeneration", authGenerationTests},
		{"ListingGeneration", listingGenerationTests},
		{"Revisions", revisionTests},
		{"Sorts", sortTests},
		{"Search", searchTests},
		{"Webhooks", webhookTests},
		{"MetadataSchema", schemaTests},
		{"Availability", availabilityTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					s := open(t)
					t.Cleanup(func() { _ = s.Close() })
					tc.run(t, &fixture{t: t, ctx: t.Context(), s: s, now: baseTime, domain: dam.DefaultDomain})
				})
			}
		})
	}
}

type test struct {
	name string
	run  func(t *testing.T, f *fixture)
}

// baseTime has microsecond precision, the precision stores keep.
var baseTime = time.Date(2026, 3, 14, 15, 9, 26, 535897000, time.UTC)

// fixture builds rows for one test against one store.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	s      dam.Store
	now    time.Time
	domain string
}

// tick advances the fixture clock by a little over a millisecond.
func (f *fixture) tick() time.Time {
	f.now = f.now.Add(time.Millisecond + 7*time.Microsecond)
	return f.now
}

// id returns a new ID; IDs made in sequence sort in that order.
func (f *fixture) id() string { return dam.NewID(time.Now()) }

// sha returns the SHA-256 hex of content, standing in for a blob.
func sha(content string) string {
	sum := sha256.Sum256([]byte(content))
	return hex.EncodeToString(sum[:])
}

// version builds a version with the given blob content.
func (f *fixture) version(content string) dam.Version {
	return dam.Version{
		SHA256:       sha(content),
		CRC32:        crc32.ChecksumIEEE([]byte(content)) | 0x80000000, // exercise the high bit
		Size:         int64(len(content)),
		MediaType:    "image/jpeg",
		Width:        640,
		Height:       480,
		OriginalName: content + ".jpg",
		CreatedBy:    "u1",
		CreatedAt:    f.tick(),
	}
}

// newAsset builds (without storing) an image asset in folderID.
func (f *fixture) newAsset(folderID, name string) dam.Asset {
	now := f.tick()
	id := f.id()
	v := f.version(name + "-" + id)
	v.AssetID, v.Number = id, 1
	return dam.Asset{
		ID:           id,
		Name:         name,
		FolderID:     folderID,
		Domain:       f.domain,
		Kind:         dam.MediaImage,
		Availability: dam.Available,
		Protection:   dam.Inherit,
		Current:      v,
		CreatedBy:    "u1",
		CreatedAt:    now,
		UpdatedBy:    "u1",
		UpdatedAt:    now,
	}
}

// asset stores a new asset and returns it as the store should read it back.
func (f *fixture) asset(folderID, name string) dam.Asset {
	f.t.Helper()
	a := f.newAsset(folderID, name)
	require.NoError(f.t, f.s.CreateAsset(f.ctx, a))
	return a
}

// put stores a prepared asset.
func (f *fixture) put(a dam.Asset) dam.Asset {
	f.t.Helper()
	require.NoError(f.t, f.s.CreateAsset(f.ctx, a))
	return a
}

// folder stores a new folder under parentID.
func (f *fixture) folder(parentID, name string) dam.Folder {
	f.t.Helper()
	now := f.tick()
	fo := dam.Folder{ID: f.id(), Name: name, ParentID: parentID, Domain: f.domain,
		Protection: dam.Inherit, CreatedBy: "u1", CreatedAt: now, UpdatedAt: now}
	require.NoError(f.t, f.s.CreateFolder(f.ctx, fo))
	return fo
}

// trash moves an asset to the trash.
func (f *fixture) trash(id string) time.Time {
	f.t.Helper()
	at := f.tick()
	require.NoError(f.t, f.s.TrashAsset(f.ctx, id, "u2", at))
	return at
}

// requireKind fails unless err is an error of the given kind.
func requireKind(t *testing.T, want dam.Kind, err error, why ...string) {
	t.Helper()
	require.Error(t, err, "want a %s error %v", want, why)
	require.Equal(t, want.String(), dam.KindOf(err).String(), "error: %v %v", err, why)
}

// winners counts the calls of a race that succeeded; every other one must
// have failed with the loser's kind.
func winners(t *testing.T, errs []error, loser dam.Kind) int {
	t.Helper()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			requireKind(t, loser, err)
		}
	}
	return ok
}

// ids returns the IDs of assets.
func ids(as []dam.Asset) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

// listAll follows the cursor through every page of q.
func (f *fixture) listAll(q dam.AssetQuery) []string {
	f.t.Helper()
	var all []string
	for range 10000 {
		page, next, err := f.s.Assets(f.ctx, q)
		require.NoError(f.t, err)
		all = append(all, ids(page)...)
		if next == "" {
			return all
		}
		require.NotEmpty(f.t, page, "a page with a next cursor must not be empty")
		q.Cursor = next
	}
	f.t.Fatal("the cursor never ended")
	return nil
}

func ptr[T any](v T) *T { return &v }
