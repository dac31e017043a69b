package dam_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// streamShare is a library with shares on (opts added), an editor, one
// large asset and a share of it for ana and bo.
type streamShare struct {
	*fixture
	editor   context.Context
	asset    dam.Asset
	share    dam.ShareView
	ana, bo  dam.GuestLink
	contents string
}

func newStreamShare(t *testing.T, opts *dam.Options) *streamShare {
	t.Helper()
	opts.Links = shareLinks{}
	f := newFixture(t, opts)
	s, err := f.lib.Settings(f.owner)
	require.NoError(t, err)
	s.SharesEnabled = true
	_, err = f.lib.UpdateSettings(f.owner, s)
	require.NoError(t, err)
	ss := &streamShare{fixture: f, contents: noise(7, 256<<10)}
	ss.editor = f.user(t, "ed@example.com", dam.RoleEditor, dam.DefaultDomain)
	ss.asset = f.upload(t, ss.editor, "film.bin", ss.contents)
	ss.share, err = f.lib.CreateShare(ss.editor, dam.NewShare{Title: "Rushes", Days: 7, AssetIDs: []string{ss.asset.ID},
		Guests: "ana@example.com, bo@example.org"})
	require.NoError(t, err)
	require.Len(t, ss.share.Links, 2)
	ss.ana, ss.bo = ss.share.Links[0], ss.share.Links[1]
	if ss.ana.Email != "ana@example.com" {
		ss.ana, ss.bo = ss.bo, ss.ana
	}
	return ss
}

func (ss *streamShare) guest(t *testing.T, l dam.GuestLink) context.Context {
	t.Helper()
	ctx, _, err := ss.lib.GuestActor(t.Context(), l.Token)
	require.NoError(t, err)
	return ctx
}

func (ss *streamShare) removeAna(t *testing.T) {
	t.Helper()
	for _, g := range ss.share.ActiveGuests {
		if g.Email == "ana@example.com" {
			_, err := ss.lib.RemoveGuest(ss.editor, ss.share.ID, g.ID)
			require.NoError(t, err)
			return
		}
	}
	t.Fatal("ana is not a guest")
}

func readN(t *testing.T, r io.Reader, n int) {
	t.Helper()
	_, err := io.ReadFull(r, make([]byte, n))
	require.NoError(t, err)
}

// The ZIP slots of a share are counted per guest, and one ZIP counts once
// however many connections read it: two (or sixteen) slow connections of
// one guest no longer lock every other guest out.
func TestGuestZipSlotsArePerGuest(t *testing.T) {
	ss := newStreamShare(t, &dam.Options{MaxConcurrentArchives: 1, MaxArchiveConnections: 3})
	ana := ss.guest(t, ss.ana)
	var open []*dam.Part
	t.Cleanup(func() {
		for _, p := range open {
			_ = p.Close()
		}
	})
	for range 3 {
		p, err := ss.lib.GuestArchive(ana)
		require.NoError(t, err, "a download manager's connections are one download")
		open = append(open, p)
	}
	_, err := ss.lib.GuestArchive(ana)
	assert.Equal(t, dam.ResourceExhausted, kindOf(t, err))
	assert.Contains(t, dam.ErrorMessage(err), "3 connections")
	assert.GreaterOrEqual(t, dam.RetryAfter(err), time.Duration(0))

	p, err := ss.lib.GuestArchive(ss.guest(t, ss.bo))
	require.NoError(t, err, "another guest of the share is not locked out")
	open = append(open, p)
}

// A stream holding a slot that reads below MinTransferRate over
// MinRateWindow is dropped, and its slot freed; a fast one goes on.
func TestSlowArchiveStreamIsDropped(t *testing.T) {
	ss := newStreamShare(t, &dam.Options{MaxConcurrentArchives: 1, MinTransferRate: 1000, MinRateWindow: 30 * time.Second})
	ana := ss.guest(t, ss.ana)

	slow, err := ss.lib.GuestArchive(ana)
	require.NoError(t, err)
	readN(t, slow, 100)
	ss.clock.t = ss.clock.t.Add(31 * time.Second) // 100 bytes in 31 s
	_, err = slow.Read(make([]byte, 100))
	require.Error(t, err)
	assert.ErrorIs(t, err, dam.ErrTooSlow)
	assert.Equal(t, dam.ResourceExhausted, kindOf(t, err))
	assert.ErrorIs(t, slow.ReadError(), dam.ErrTooSlow, "the HTTP layer aborts the connection on it")
	require.NoError(t, slow.Close())

	fast, err := ss.lib.GuestArchive(ana)
	require.NoError(t, err, "the dropped stream's slot is free")
	defer fast.Close()
	readN(t, fast, 64<<10)
	ss.clock.t = ss.clock.t.Add(31 * time.Second) // 64 KiB in 31 s: over 1000 bytes/s
	readN(t, fast, 64<<10)
	ss.clock.t = ss.clock.t.Add(31 * time.Second)
	readN(t, fast, 64<<10)
	assert.NoError(t, fast.ReadError())
}

// A download refused for want of a slot says when one should free: the
// bytes left of the stream under way at the rate it has read so far; with
// only a queued job (no pace yet), the job poll interval.
func TestRetryAfterTellsWhenASlotFrees(t *testing.T) {
	f, ids := asyncFixture(t, &dam.Options{MaxConcurrentArchives: 1})
	a, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: ids[:2]})
	require.NoError(t, err)
	b, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: ids[1:3]})
	require.NoError(t, err)

	p, err := f.lib.OpenPart(f.owner, a.ID, 1)
	require.NoError(t, err)
	const n = 100_000
	readN(t, p, n)
	f.clock.t = f.clock.t.Add(10 * time.Second)
	_, err = f.lib.OpenPart(f.owner, b.ID, 1)
	require.Equal(t, dam.ResourceExhausted, kindOf(t, err))
	rate := float64(n) / 10
	want := time.Duration(float64(p.Size-n) / rate * float64(time.Second))
	assert.Equal(t, want, dam.RetryAfter(err), "%d bytes left at %.0f bytes/s", p.Size-n, rate)
	require.NoError(t, p.Close())

	_, err = f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: ids, Async: true})
	require.NoError(t, err)
	_, err = f.lib.OpenPart(f.owner, b.ID, 1)
	require.Equal(t, dam.ResourceExhausted, kindOf(t, err))
	assert.Equal(t, f.lib.Options().JobPollInterval, dam.RetryAfter(err), "a queued job has no pace yet")
}

// A download under way stops once the reader loses access: checked again
// every RecheckBytes (here 4 KiB) or RecheckInterval (5 s), whichever
// comes first.
func TestStreamsStopWhenAccessIsWithdrawn(t *testing.T) {
	type opened struct {
		r      io.ReadCloser
		revoke func()
	}
	tests := []struct {
		name    string
		byClock bool // the check comes from time passing, not bytes
		open    func(t *testing.T, ss *streamShare) opened
	}{
		{"user original, grant revoked", false, func(t *testing.T, ss *streamShare) opened {
			folder, err := ss.lib.CreateFolder(ss.owner, "Vault", "", "")
			require.NoError(t, err)
			a, err := ss.lib.Upload(ss.owner, strings.NewReader(ss.contents), dam.UploadOptions{Name: "vault.bin", FolderID: folder.ID})
			require.NoError(t, err)
			_, err = ss.lib.SetFolderProtection(ss.owner, folder.ID, dam.Protected)
			require.NoError(t, err)
			viewer := ss.user(t, "viewer@example.com", dam.RoleViewer)
			res, err := ss.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{a.ID}, Reason: "edit"})
			require.NoError(t, err)
			out, err := ss.lib.Decide(ss.owner, []dam.Decision{{RequestID: res.Requests[0].ID, Approve: true}})
			require.NoError(t, err)
			require.NotNil(t, out[0].Grant)
			d, err := ss.lib.Open(viewer, a.ID, 0)
			require.NoError(t, err)
			return opened{d, func() {
				_, err := ss.lib.RevokeGrant(ss.owner, out[0].Grant.ID)
				require.NoError(t, err)
			}}
		}},
		{"user ZIP part, grant revoked", false, func(t *testing.T, ss *streamShare) opened {
			folder, err := ss.lib.CreateFolder(ss.owner, "Vault", "", "")
			require.NoError(t, err)
			a, err := ss.lib.Upload(ss.owner, strings.NewReader(ss.contents), dam.UploadOptions{Name: "vault.bin", FolderID: folder.ID})
			require.NoError(t, err)
			b := ss.upload(t, ss.owner, "open.txt", "open to all")
			_, err = ss.lib.SetFolderProtection(ss.owner, folder.ID, dam.Protected)
			require.NoError(t, err)
			viewer := ss.user(t, "viewer@example.com", dam.RoleViewer)
			res, err := ss.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{a.ID}, Reason: "edit"})
			require.NoError(t, err)
			out, err := ss.lib.Decide(ss.owner, []dam.Decision{{RequestID: res.Requests[0].ID, Approve: true}})
			require.NoError(t, err)
			j, err := ss.lib.CreateDownload(viewer, dam.DownloadRequest{AssetIDs: []string{a.ID, b.ID}})
			require.NoError(t, err)
			p, err := ss.lib.OpenPart(viewer, j.ID, 1)
			require.NoError(t, err)
			return opened{p, func() {
				_, err := ss.lib.RevokeGrant(ss.owner, out[0].Grant.ID)
				require.NoError(t, err)
			}}
		}},
		{"guest download, share disabled", false, func(t *testing.T, ss *streamShare) opened {
			d, err := ss.lib.GuestOpen(ss.guest(t, ss.ana), ss.asset.ID, "")
			require.NoError(t, err)
			return opened{d, func() {
				off := false
				_, err := ss.lib.EditShare(ss.editor, ss.share.ID, dam.SharePatch{Enabled: &off})
				require.NoError(t, err)
			}}
		}},
		{"guest download, guest removed", true, func(t *testing.T, ss *streamShare) opened {
			d, err := ss.lib.GuestOpen(ss.guest(t, ss.ana), ss.asset.ID, "")
			require.NoError(t, err)
			return opened{d, func() { ss.removeAna(t) }}
		}},
		{"guest ZIP of one entry, share disabled", false, func(t *testing.T, ss *streamShare) opened {
			p, err := ss.lib.GuestArchive(ss.guest(t, ss.ana))
			require.NoError(t, err)
			return opened{p, func() {
				off := false
				_, err := ss.lib.EditShare(ss.editor, ss.share.ID, dam.SharePatch{Enabled: &off})
				require.NoError(t, err)
			}}
		}},
		{"guest ZIP of one entry, guest removed", true, func(t *testing.T, ss *streamShare) opened {
			p, err := ss.lib.GuestArchive(ss.guest(t, ss.ana))
			require.NoError(t, err)
			return opened{p, func() { ss.removeAna(t) }}
		}},
		{"portal visitor download, portal disabled", true, func(t *testing.T, ss *streamShare) opened {
			np := dam.NewPortal{Slug: "rushes", Title: "Rushes", AssetIDs: []string{ss.asset.ID}, Mode: dam.PortalOpen}
			p, err := ss.lib.CreatePortal(ss.owner, np)
			require.NoError(t, err)
			d, err := ss.lib.PortalOpen(t.Context(), "rushes", "", ss.asset.ID)
			require.NoError(t, err)
			return opened{d, func() {
				off := false
				np.Enabled = &off
				_, err := ss.lib.UpdatePortal(ss.owner, p.ID, np)
				require.NoError(t, err)
			}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := &dam.Options{RecheckBytes: 4 << 10}
			if tt.byClock {
				// Just under the 256 KiB contents: the download streams
				// (a file no larger goes whole to the kernel), and no byte
				// check falls due before the clock's.
				opts.RecheckBytes = 256<<10 - 1
			}
			ss := newStreamShare(t, opts)
			o := tt.open(t, ss)
			defer o.r.Close()
			readN(t, o.r, 1000)
			o.revoke()
			if tt.byClock {
				readN(t, o.r, 8<<10) // no check yet: the interval has not passed
				ss.clock.t = ss.clock.t.Add(6 * time.Second)
			}
			n, err := io.Copy(io.Discard, o.r)
			require.Error(t, err, "the rest of the download is cut")
			assert.ErrorIs(t, err, dam.ErrRevoked)
			assert.Less(t, n, int64(len(ss.contents))/2, "it stopped soon")
			re, ok := o.r.(interface{ ReadError() error })
			require.True(t, ok)
			assert.ErrorIs(t, re.ReadError(), dam.ErrRevoked, "the HTTP layer aborts the connection on it")
		})
	}
}

// A part of a job of many assets costs a policy decision per asset at
// every check, so the checks are spaced in proportion past 100 assets:
// here 250 assets, every 2 × RecheckBytes. The revoked grant still cuts it.
func TestJobPartChecksAreSpacedByItsSize(t *testing.T) {
	ss := newStreamShare(t, &dam.Options{RecheckBytes: 4 << 10, SyncMaxAssets: 1000})
	folder, err := ss.lib.CreateFolder(ss.owner, "Vault", "", "")
	require.NoError(t, err)
	vault, err := ss.lib.Upload(ss.owner, strings.NewReader(ss.contents), dam.UploadOptions{Name: "vault.bin", FolderID: folder.ID})
	require.NoError(t, err)
	_, err = ss.lib.SetFolderProtection(ss.owner, folder.ID, dam.Protected)
	require.NoError(t, err)
	ids := []string{vault.ID}
	for i := range 249 {
		ids = append(ids, ss.upload(t, ss.owner, "note-"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+".txt", noise(uint64(i), 16)).ID)
	}
	viewer := ss.user(t, "viewer@example.com", dam.RoleViewer)
	res, err := ss.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{vault.ID}, Reason: "edit"})
	require.NoError(t, err)
	out, err := ss.lib.Decide(ss.owner, []dam.Decision{{RequestID: res.Requests[0].ID, Approve: true}})
	require.NoError(t, err)
	j, err := ss.lib.CreateDownload(viewer, dam.DownloadRequest{AssetIDs: ids})
	require.NoError(t, err)
	require.Equal(t, dam.JobReady, j.Status)
	p, err := ss.lib.OpenPart(viewer, j.ID, 1)
	require.NoError(t, err)
	defer p.Close()

	readN(t, p, 1000)
	_, err = ss.lib.RevokeGrant(ss.owner, out[0].Grant.ID)
	require.NoError(t, err)
	for range 12 { // 500 bytes at a time to 7,000 in: past RecheckBytes, not past twice it
		readN(t, p, 500)
	}
	_, err = io.Copy(io.Discard, p)
	assert.ErrorIs(t, err, dam.ErrRevoked, "checked at 8 KiB")
}
