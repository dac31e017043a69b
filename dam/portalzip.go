package dam

import (
	"context"
	"fmt"
	"io"

	"github.com/damkit/damkit/archive"
	"github.com/damkit/damkit/storage"
)

// PortalArchive opens a ZIP of every asset of a portal that the visitor
// of a signed link (token) may download now: what they were granted, or
// everything of an open portal. Like GuestArchive it is laid out in
// advance (fixed size and ETag, byte ranges served), each entry checks
// the portal, the link and the grant again as it is read, so revoking the
// grant or disabling the portal stops a download in flight, and assets
// refused are left out and listed in its manifest.json. A selection past
// Options.MaxSyncEntries or MaxSyncBytes is TooLarge: the visitor then
// downloads the assets one by one. Close the Part.
func (l *Library) PortalArchive(ctx context.Context, slug, token string) (*Part, error) {
	const op = "dam.PortalArchive"
	ctx = archiving(ctx)
	p, visitor, err := l.visitor(ctx, op, slug, token)
	if err != nil {
		return nil, err
	}
	ids, err := l.portalAssetIDs(ctx, op, p)
	if err != nil {
		return nil, err
	}
	if len(ids) > l.opts.MaxSyncEntries {
		return nil, E(op, TooLarge, "%d assets are too many to zip at once (limit %d): download them one by one", len(ids), l.opts.MaxSyncEntries)
	}
	var entries []archive.Entry
	var skipped []archive.Skipped
	var total int64
	var licences []LicenceRef
	for _, id := range ids {
		_, _, a, _, err := l.portalAsset(ctx, op, slug, token, id, nil)
		if err != nil {
			switch KindOf(err) {
			case NotFound, PermissionDenied, NeedsRequest, Gone, FailedPrecondition:
			case LicenceRequired:
				licences = addLicenceRefs(licences, err)
				continue
			default:
				return nil, err
			}
			skipped = append(skipped, archive.Skipped{AssetID: id, Name: id, Reason: ErrorMessage(err)})
			continue
		}
		entries = append(entries, l.portalEntry(op, slug, token, a))
		total += a.Current.Size
	}
	if len(licences) > 0 {
		return nil, &Error{Op: op, Kind: LicenceRequired, Err: &LicenceError{Licences: licences}}
	}
	if len(entries) == 0 {
		return nil, E(op, FailedPrecondition, "nothing in this portal can be downloaded with this link now: ask for it first")
	}
	if total > l.opts.MaxSyncBytes {
		return nil, E(op, TooLarge, "the assets hold %d bytes, more than the %d a ZIP streams at once: download them one by one",
			total, l.opts.MaxSyncBytes)
	}
	plan, err := archive.Split(entries, skipped, &archive.Options{MaxPartSize: 1 << 62, MaxEntries: l.opts.MaxArchiveEntries})
	if err != nil {
		return nil, archiveError(op, err)
	}
	a := plan.Parts[0]
	holder, key := "visitor "+p.ID+" "+visitor.Email, "portal zip "+a.ETag()
	slot, err := l.takeSlot(ctx, op, holder, key, 0)
	if err != nil {
		return nil, err
	}
	r, err := a.NewReader(ctx)
	if err != nil {
		l.archives.release(holder, key, nil)
		return nil, archiveError(op, err)
	}
	size, _ := a.Size()
	l.record(ctx, Event{ActorID: visitor.Email, Action: EventDownload,
		Detail: fmt.Sprintf("portal %s zip of %d assets, %d skipped", p.ID, len(entries), len(skipped))})
	check := func(ctx context.Context) error {
		_, _, err := l.visitor(ctx, op, slug, token)
		return err
	}
	return &Part{Number: 1, Name: zipName(p.Title), MediaType: "application/zip", Size: size, ETag: a.ETag(),
		ModTime: p.UpdatedAt, ReadSeekCloser: l.slotStream(ctx, op, slot, holder, key, r, size, check)}, nil
}

// portalEntry is an archive entry over a portal asset's original; each
// read asks the portal, the link and the policy again, and fails if the
// asset's bytes changed since the layout.
func (l *Library) portalEntry(op, slug, token string, a Asset) archive.Entry {
	v := a.Current
	e := archive.Entry{Name: a.Name, Size: v.Size, CRC32: v.CRC32, Known: true, ModTime: v.CreatedAt, MediaType: v.MediaType,
		AssetID: a.ID, AssetName: a.Name, SHA256: v.SHA256}
	e.Open = func(ctx context.Context, off, n int64) (io.ReadCloser, error) {
		_, _, now, _, err := l.portalAsset(ctx, op, slug, token, a.ID, nil)
		if err != nil {
			return nil, err
		}
		if now.Current.Size != v.Size || now.Current.CRC32 != v.CRC32 {
			return nil, fmt.Errorf("asset %s changed: %w", a.ID, archive.ErrSourceSize)
		}
		return l.bucket.NewRangeReader(ctx, storage.OriginalKey(v.SHA256), off, n)
	}
	return e
}
