package dam

import (
	"context"
	"fmt"
	"io"

	"github.com/damkit/damkit/archive"
	"github.com/damkit/damkit/storage"
)

// GuestArchive opens a ZIP of every asset of the guest's share that the
// guest may download now, each in the profile the share offers it in
// (Share.AssetProfile; or the original). It is
// laid out in advance (sizes and CRCs known), so it has a fixed size and
// ETag and serves byte ranges; every read of an entry checks the share
// again, so disabling the share or removing the guest stops a download in
// flight. Assets refused or unrenderable are left out and listed in the
// archive's manifest.json. Close the Part.
func (l *Library) GuestArchive(ctx context.Context) (*Part, error) {
	const op = "dam.GuestArchive"
	ctx = archiving(ctx)
	actor, sh, err := l.guestFrom(ctx, op)
	if err != nil {
		return nil, err
	}
	if sh.ViewOnly {
		return nil, E(op, PermissionDenied, "this share is view-only: its assets can be viewed, not downloaded")
	}
	if len(sh.AssetIDs) > l.opts.MaxSyncEntries {
		return nil, E(op, TooLarge, "%d assets are too many to zip at once (limit %d)", len(sh.AssetIDs), l.opts.MaxSyncEntries)
	}
	var entries []archive.Entry
	var skipped []archive.Skipped
	var total int64
	var licences []LicenceRef
	for _, id := range sh.AssetIDs {
		dl, _, err := l.guestOpen(ctx, op, actor, sh, id, "")
		if err != nil {
			switch KindOf(err) {
			case NotFound, PermissionDenied, NeedsRequest, Gone, FailedPrecondition:
			case LicenceRequired:
				licences = addLicenceRefs(licences, err)
				continue
			default:
				return nil, err // a broken store, a full render queue: not the asset's fault
			}
			skipped = append(skipped, archive.Skipped{AssetID: id, Name: id, Reason: ErrorMessage(err)})
			continue
		}
		_ = dl.Close()
		entries = append(entries, l.guestEntry(op, dl, id, ""))
		total += dl.Version.Size
	}
	if len(licences) > 0 {
		return nil, &Error{Op: op, Kind: LicenceRequired, Err: &LicenceError{Licences: licences}}
	}
	if len(entries) == 0 {
		return nil, E(op, FailedPrecondition, "nothing in this share can be downloaded now")
	}
	if total > l.opts.MaxSyncBytes {
		return nil, E(op, TooLarge, "the share holds %d bytes, more than the %d a ZIP streams at once: download the assets one by one",
			total, l.opts.MaxSyncBytes)
	}
	plan, err := archive.Split(entries, skipped, &archive.Options{MaxPartSize: 1 << 62, MaxEntries: l.opts.MaxArchiveEntries})
	if err != nil {
		return nil, archiveError(op, err)
	}
	a := plan.Parts[0]
	// Slots are counted per guest of the share, so that one guest (a slow
	// reader, or many) cannot lock the others out; one ZIP counts once
	// however many connections read it.
	holder, key := "guest "+sh.ID+" "+actor.Email, "share zip "+a.ETag()
	slot, err := l.takeSlot(ctx, op, holder, key, 0)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.AssetID
	}
	if err := l.countDownload(ctx, op, ids...); err != nil {
		l.archives.release(holder, key, nil)
		return nil, err
	}
	r, err := a.NewReader(ctx)
	if err != nil {
		l.archives.release(holder, key, nil)
		return nil, archiveError(op, err)
	}
	size, _ := a.Size()
	l.record(ctx, Event{ActorID: actor.Email, Action: EventDownload,
		Detail: fmt.Sprintf("share %s zip of %d assets, %d skipped", sh.ID, len(entries), len(skipped))})
	// Every entry checks the share as it opens; the stream checks it again
	// within an entry, so a long one stops too.
	check := func(ctx context.Context) error {
		_, _, err := l.guestFrom(ctx, op)
		return err
	}
	return &Part{Number: 1, Name: zipName(sh.Title), MediaType: "application/zip", Size: size, ETag: a.ETag(),
		ModTime: sh.UpdatedAt, ReadSeekCloser: l.slotStream(ctx, op, slot, holder, key, r, size, check)}, nil
}

// guestEntry is an archive entry over an asset opened for a guest; each
// read opens it again under the share, and fails if its bytes changed.
func (l *Library) guestEntry(op string, dl *Download, id, profile string) archive.Entry {
	v := dl.Version
	name := dl.Asset.Name
	if dl.IsRendition() {
		name = RenditionFilename(name, v.MediaType)
	}
	e := archive.Entry{Name: name, Size: v.Size, CRC32: v.CRC32, Known: true, ModTime: v.CreatedAt, MediaType: v.MediaType,
		AssetID: id, AssetName: dl.Asset.Name}
	if !dl.IsRendition() {
		e.SHA256 = v.SHA256
	}
	e.Open = func(ctx context.Context, off, n int64) (io.ReadCloser, error) {
		actor, sh, err := l.guestFrom(ctx, op)
		if err != nil {
			return nil, err
		}
		d, _, err := l.guestOpen(ctx, op, actor, sh, id, profile)
		if err != nil {
			return nil, err
		}
		if d.Version.Size != v.Size || d.Version.CRC32 != v.CRC32 {
			_ = d.Close()
			return nil, fmt.Errorf("asset %s changed: %w", id, archive.ErrSourceSize)
		}
		if !d.IsRendition() {
			_ = d.Close()
			return l.bucket.NewRangeReader(ctx, storage.OriginalKey(d.Version.SHA256), off, n)
		}
		return section(d, off, n)
	}
	return e
}

// zipName is the file name of a share's ZIP, from its title.
func zipName(title string) string {
	if title == "" {
		return "share.zip"
	}
	return title + ".zip"
}
