package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var assetTests = []test{
	{"RoundTrip", func(t *testing.T, f *fixture) {
		fo := f.folder("", "Photos")
		a := f.newAsset(fo.ID, "beach.jpg")
		a.Meta = dam.Metadata{Title: "Beach", Description: "Sunset at the beach", Keywords: []string{"sun", "sea"},
			Fields: map[string]string{"photographer": "Ann", "licence": "CC-BY"}}
		a.Availability = dam.Unavailable
		a.Protection = dam.Protected
		a.ExpiresAt = ptr(f.tick().Add(24 * time.Hour))
		lat, lon := 48.8584, 2.2945
		a.Current.EXIF = &dam.EXIF{CapturedAt: ptr(f.tick()), Make: "Canon", Model: "EOS", Orientation: 6,
			Latitude: &lat, Longitude: &lon, HasThumbnail: true, Lens: "50mm", Artist: "Ann", Copyright: "(c) Ann",
			Description: "Sunset"}
		a.Current.Embedded = &dam.Embedded{Title: "Beach", Description: "Sunset", Keywords: []string{"sun"},
			Creators: []string{"Ann", "Bo"}, Copyright: "© Ann", Credit: "Agency", Source: "Archive",
			UsageTerms: "Editorial only", CapturedAt: ptr(f.tick()), CameraMake: "Canon", CameraModel: "EOS",
			Lens: "50mm", Latitude: &lat, Longitude: &lon,
			IPTC: map[string][]string{"Keywords": {"sun", "sea"}}, XMP: map[string][]string{"dc:title": {"Beach", "Plage"}}}
		a.Current.Media = &dam.Media{DurationMS: 61500, Codec: "h264", AudioCodec: "aac", Rotation: 90, Pages: 3}
		f.put(a)
		got, err := f.s.Asset(f.ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, a, got)
	}},
	{"MinimalRoundTrip", func(t *testing.T, f *fixture) {
		a := f.newAsset("", "plain.bin")
		a.Kind, a.Protection, a.Availability = dam.MediaOther, "", ""
		a.Current.Width, a.Current.Height, a.Current.MediaType = 0, 0, "application/octet-stream"
		a.Current.Number = 0 // the store numbers the first version 1
		f.put(a)
		got, err := f.s.Asset(f.ctx, a.ID)
		require.NoError(t, err)
		a.Current.Number = 1
		assert.Equal(t, a, got)
	}},
	{"TimesAreUTCMicroseconds", func(t *testing.T, f *fixture) {
		zone := time.FixedZone("UTC+5:30", 5*3600+1800)
		precise := time.Date(2026, 7, 1, 9, 30, 15, 123456789, zone)
		a := f.newAsset("", "t.jpg")
		a.CreatedAt, a.UpdatedAt, a.Current.CreatedAt = precise, precise, precise
		a.ExpiresAt = ptr(precise)
		f.put(a)
		got, err := f.s.Asset(f.ctx, a.ID)
		require.NoError(t, err)
		want := time.Date(2026, 7, 1, 4, 0, 15, 123456000, time.UTC)
		assert.Equal(t, want, got.CreatedAt)
		assert.Equal(t, want, got.UpdatedAt)
		assert.Equal(t, want, got.Current.CreatedAt)
		assert.Equal(t, want, *got.ExpiresAt)
	}},
	{"CreateRefusals", func(t *testing.T, f *fixture) {
		a := f.asset("", "a.jpg")
		dup := f.newAsset("", "b.jpg")
		dup.ID = a.ID
		requireKind(t, dam.AlreadyExists, f.s.CreateAsset(f.ctx, dup))
		requireKind(t, dam.NotFound, f.s.CreateAsset(f.ctx, f.newAsset(f.id(), "c.jpg")))
		noID := f.newAsset("", "d.jpg")
		noID.ID = ""
		requireKind(t, dam.Invalid, f.s.CreateAsset(f.ctx, noID))
		_, err := f.s.Asset(f.ctx, f.id())
		requireKind(t, dam.NotFound, err)
	}},
	{"Paging", func(t *testing.T, f *fixture) {
		fo := f.folder("", "Many")
		var want []string
		for range 25 {
			want = append(want, f.asset(fo.ID, "x.jpg").ID)
		}
		f.asset("", "elsewhere.jpg")
		q := dam.AssetQuery{Domains: []string{f.domain}, FolderID: &fo.ID, Limit: 10}
		var sizes []int
		var got []string
		for {
			page, next, err := f.s.Assets(f.ctx, q)
			require.NoError(t, err)
			sizes = append(sizes, len(page))
			got = append(got, ids(page)...)
			if next == "" {
				break
			}
			assert.Equal(t, page[len(page)-1].ID, next, "the cursor is the last ID of the page")
			q.Cursor = next
		}
		assert.Equal(t, []int{10, 10, 5}, sizes)
		assert.Equal(t, want, got)
		// A page that ends exactly at the last asset says so.
		page, next, err := f.s.Assets(f.ctx, dam.AssetQuery{Domains: []string{f.domain}, FolderID: &fo.ID, Limit: 25})
		require.NoError(t, err)
		assert.Len(t, page, 25)
		assert.Empty(t, next)
		// The default page size is used when Limit is zero.
		page, _, err = f.s.Assets(f.ctx, dam.AssetQuery{Domains: []string{f.domain}, FolderID: &fo.ID})
		require.NoError(t, err)
		assert.Len(t, page, 25)
	}},
	{"Filters", testAssetFilters},
	{"NoDomainsSelectNothing", func(t *testing.T, f *fixture) {
		f.asset("", "a.jpg")
		page, next, err := f.s.Assets(f.ctx, dam.AssetQuery{})
		require.NoError(t, err)
		assert.Empty(t, page)
		assert.Empty(t, next)
	}},
	{"UpdateAssets", func(t *testing.T, f *fixture) {
		fo := f.folder("", "Target")
		a, b := f.asset("", "a.jpg"), f.asset("", "b.jpg")
		a.Name, a.FolderID = "renamed.jpg", fo.ID
		a.Meta = dam.Metadata{Title: "T", Description: "D", Keywords: []string{"k"}, Fields: map[string]string{"f": "v"}}
		a.Availability, a.Protection, a.ExpiresAt = dam.Unavailable, dam.Unprotected, ptr(f.tick())
		a.UpdatedBy, a.UpdatedAt = "u9", f.tick()
		b.Meta.Title = "B"
		b.UpdatedAt = f.tick()
		require.NoError(t, f.s.UpdateAssets(f.ctx, []dam.Asset{a, b}))
		for _, want := range []dam.Asset{a, b} {
			got, err := f.s.Asset(f.ctx, want.ID)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		}
		// Clearing lists, maps and the expiry.
		a.Meta.Keywords, a.Meta.Fields, a.ExpiresAt = nil, nil, nil
		require.NoError(t, f.s.UpdateAssets(f.ctx, []dam.Asset{a}))
		got, err := f.s.Asset(f.ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, a, got)
	}},
	{"UpdateAssetsAllOrNothing", func(t *testing.T, f *fixture) {
		a, trashed := f.asset("", "a.jpg"), f.asset("", "t.jpg")
		f.trash(trashed.ID)
		changed := a
		changed.Meta.Title = "changed"
		for _, tc := range []struct {
			name  string
			other dam.Asset
		}{
			{"missing", f.newAsset("", "never-stored.jpg")},
			{"trashed", trashed},
			{"missing folder", func() dam.Asset { x := f.asset("", "x.jpg"); x.FolderID = f.id(); return x }()},
		} {
			t.Run(tc.name, func(t *testing.T) {
				requireKind(t, dam.NotFound, f.s.UpdateAssets(f.ctx, []dam.Asset{changed, tc.other}))
				got, err := f.s.Asset(f.ctx, a.ID)
				require.NoError(t, err)
				assert.Empty(t, got.Meta.Title, "nothing changes when one asset is refused")
			})
		}
	}},
}

func testAssetFilters(t *testing.T, f *fixture) {
	fo := f.folder("", "Folder")
	mk := func(folderID, name string, edit func(*dam.Asset)) dam.Asset {
		a := f.newAsset(folderID, name)
		if edit != nil {
			edit(&a)
		}
		return f.put(a)
	}
	rootImg := mk("", "red car.jpg", nil)
	folderImg := mk(fo.ID, "blue boat.jpg", func(a *dam.Asset) { a.Meta.Title = "Harbour at NIGHT" })
	video := mk(fo.ID, "clip.mp4", func(a *dam.Asset) {
		a.Kind = dam.MediaVideo
		a.Meta.Description = "100% organic_footage"
	})
	keyword := mk("", "k.jpg", func(a *dam.Asset) { a.Meta.Keywords = []string{"Mountain", "snow", "R&D <draft>"} })
	other := mk("", "red car other domain.jpg", func(a *dam.Asset) { a.Domain = "other" })
	trashed := mk("", "red car trashed.jpg", nil)
	f.trash(trashed.ID)
	trashedByU3 := mk("", "trashed by u3.jpg", nil)
	require.NoError(t, f.s.TrashAsset(f.ctx, trashedByU3.ID, "u3", f.tick()))

	sub := f.folder(fo.ID, "Sub")
	subsub := f.folder(sub.ID, "Subsub")
	subImg := mk(sub.ID, "sub.jpg", nil)
	subsubImg := mk(subsub.ID, "subsub.jpg", nil)

	mine := []string{f.domain}
	tests := []struct {
		name string
		q    dam.AssetQuery
		want []dam.Asset
	}{
		{"folder and subfolders", dam.AssetQuery{Domains: mine, FolderID: &fo.ID, Subfolders: true}, []dam.Asset{folderImg, video, subImg, subsubImg}},
		{"subfolder and its own", dam.AssetQuery{Domains: mine, FolderID: &sub.ID, Subfolders: true}, []dam.Asset{subImg, subsubImg}},
		{"subfolders of a leaf", dam.AssetQuery{Domains: mine, FolderID: &subsub.ID, Subfolders: true}, []dam.Asset{subsubImg}},
		{"root and subfolders", dam.AssetQuery{Domains: mine, FolderID: ptr(""), Subfolders: true},
			[]dam.Asset{rootImg, folderImg, video, keyword, subImg, subsubImg}},
		{"subfolders with a filter", dam.AssetQuery{Domains: mine, FolderID: &fo.ID, Subfolders: true, Kind: dam.MediaImage},
			[]dam.Asset{folderImg, subImg, subsubImg}},
		{"domain", dam.AssetQuery{Domains: mine}, []dam.Asset{rootImg, folderImg, video, keyword, subImg, subsubImg}},
		{"domains", dam.AssetQuery{Domains: []string{f.domain, "other"}}, []dam.Asset{rootImg, folderImg, video, keyword, other, subImg, subsubImg}},
		{"other domain", dam.AssetQuery{Domains: []string{"other"}}, []dam.Asset{other}},
		{"root", dam.AssetQuery{Domains: mine, FolderID: ptr("")}, []dam.Asset{rootImg, keyword}},
		{"folder", dam.AssetQuery{Domains: mine, FolderID: &fo.ID}, []dam.Asset{folderImg, video}},
		{"kind", dam.AssetQuery{Domains: mine, Kind: dam.MediaVideo}, []dam.Asset{video}},
		{"ids", dam.AssetQuery{Domains: mine, IDs: []string{keyword.ID, rootImg.ID, other.ID}}, []dam.Asset{rootImg, keyword}},
		{"text in name", dam.AssetQuery{Domains: mine, Text: "car"}, []dam.Asset{rootImg}},
		{"text in title any case", dam.AssetQuery{Domains: mine, Text: "night"}, []dam.Asset{folderImg}},
		{"text in description", dam.AssetQuery{Domains: mine, Text: "organic"}, []dam.Asset{video}},
		{"text in keywords", dam.AssetQuery{Domains: mine, Text: "mountain"}, []dam.Asset{keyword}},
		{"keywords with & < >", dam.AssetQuery{Domains: mine, Text: "r&d <draft>"}, []dam.Asset{keyword}},
		{"every word must match", dam.AssetQuery{Domains: mine, Text: "red  car"}, []dam.Asset{rootImg}},
		{"words match different fields", dam.AssetQuery{Domains: mine, Text: "boat harbour"}, []dam.Asset{folderImg}},
		{"no match", dam.AssetQuery{Domains: mine, Text: "red boat"}, nil},
		{"percent is literal", dam.AssetQuery{Domains: mine, Text: "100%"}, []dam.Asset{video}},
		{"underscore is literal", dam.AssetQuery{Domains: mine, Text: "c_r"}, nil},
		{"underscore matches itself", dam.AssetQuery{Domains: mine, Text: "organic_"}, []dam.Asset{video}},
		{"quote and backslash are not words", dam.AssetQuery{Domains: mine, Text: `'car\`}, []dam.Asset{rootImg}},
		{"trash", dam.AssetQuery{Domains: mine, Deleted: true}, []dam.Asset{trashed, trashedByU3}},
		{"trash with text", dam.AssetQuery{Domains: mine, Deleted: true, Text: "car"}, []dam.Asset{trashed}},
		{"trash of one user", dam.AssetQuery{Domains: mine, Deleted: true, DeletedBy: "u3"}, []dam.Asset{trashedByU3}},
		{"trash of a user who deleted nothing", dam.AssetQuery{Domains: mine, Deleted: true, DeletedBy: "u1"}, nil},
		{"combined", dam.AssetQuery{Domains: mine, FolderID: &fo.ID, Kind: dam.MediaImage, Text: "boat"}, []dam.Asset{folderImg}},
		{"sha256", dam.AssetQuery{Domains: mine, SHA256: []string{video.Current.SHA256, other.Current.SHA256, trashed.Current.SHA256, sha("absent")}},
			[]dam.Asset{video}},
		{"sha256 in a folder", dam.AssetQuery{Domains: mine, FolderID: ptr(""), SHA256: []string{video.Current.SHA256, keyword.Current.SHA256}},
			[]dam.Asset{keyword}},
		{"sha256 in the trash", dam.AssetQuery{Domains: mine, Deleted: true, SHA256: []string{trashed.Current.SHA256}}, []dam.Asset{trashed}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, next, err := f.s.Assets(f.ctx, tc.q)
			require.NoError(t, err)
			assert.Empty(t, next)
			var want []string
			for _, a := range tc.want {
				want = append(want, a.ID)
			}
			slices.Sort(want)
			assert.Equal(t, want, emptyNil(ids(got)))
		})
	}
	t.Run("sha256 of the current version only", func(t *testing.T) {
		a := mk("", "versioned.jpg", nil)
		_, err := f.s.AddVersion(f.ctx, a, f.version("versioned v2"))
		require.NoError(t, err)
		got, _, err := f.s.Assets(f.ctx, dam.AssetQuery{Domains: mine, SHA256: []string{a.Current.SHA256}})
		require.NoError(t, err)
		assert.Empty(t, got, "an older version's digest does not find the asset")
		got, _, err = f.s.Assets(f.ctx, dam.AssetQuery{Domains: mine, SHA256: []string{sha("versioned v2")}})
		require.NoError(t, err)
		assert.Equal(t, []string{a.ID}, ids(got))
	})
	t.Run("rows are complete", func(t *testing.T) {
		got, _, err := f.s.Assets(f.ctx, dam.AssetQuery{Domains: mine, IDs: []string{folderImg.ID}})
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, folderImg, got[0])
	})
}

func emptyNil(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
