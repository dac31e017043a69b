package dam

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/damkit/damkit/archive"
	"github.com/damkit/damkit/storage"
)

// partKey is where the worker stores part n of a job.
func partKey(jobID string, n int) string {
	return fmt.Sprintf("archives/%s/part-%d.zip", jobID, n)
}

// Part is one fetchable file of a download: a ZIP part, or the original
// itself for a single asset. It is a seekable reader for
// http.ServeContent: ranges read only the source bytes they cover. Close it.
type Part struct {
	Job       Job
	Number    int
	Name      string // the file name to offer
	MediaType string
	Size      int64
	ETag      string // strong; changes whenever the bytes would
	ModTime   time.Time
	io.ReadSeekCloser
}

// OpenPart opens part n (from 1) of a download job for the requester (or an
// owner). The policy is asked again for every asset of the job, so a
// revoked grant or a newly protected asset stops working at once. A ready
// (synchronous) job's archive is rebuilt from its stored selection, byte
// for byte, so ranges and If-Range resume it; a worker-built part is read
// from the bucket.
func (l *Library) OpenPart(ctx context.Context, jobID string, n int) (*Part, error) {
	const op = "dam.OpenPart"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	j, err := l.visibleJob(ctx, op, actor, jobID)
	if err != nil {
		return nil, err
	}
	if err := partState(op, j, n, l.now().UTC()); err != nil {
		return nil, err
	}
	assets, err := l.recheck(ctx, op, actor, j)
	if err != nil {
		return nil, err
	}
	jp := j.Parts[n-1]
	p := &Part{Job: j, Number: n, Name: partName(j, n), MediaType: "application/zip", Size: jp.Size, ETag: jp.ETag, ModTime: j.CreatedAt}
	// The job and every asset in it are checked again while the part
	// streams, less often for a job of many assets (stream.spaced).
	check := func(ctx context.Context) error {
		j, err := l.visibleJob(ctx, op, actor, jobID)
		if err == nil {
			_, err = l.recheck(ctx, op, actor, j)
		}
		return err
	}
	if j.Status != JobReady {
		p.ReadSeekCloser = l.newStream(ctx, op, &blobReader{ctx: ctx, bucket: l.bucket, key: partKey(j.ID, n), size: jp.Size}, jp.Size, check, false, nil).
			spaced(len(j.Items))
		l.record(ctx, Event{ActorID: actor.UserID, Action: EventArchive, Detail: fmt.Sprintf("job %s part %d", j.ID, n)})
		return p, nil
	}
	jobs, err := l.store.ActiveJobs(ctx, actor.UserID)
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	// A ready part counts as one download of the user however many
	// connections (ranges) read it.
	key := fmt.Sprintf("job %s part %d", j.ID, n)
	slot, err := l.takeSlot(ctx, op, actor.UserID, key, jobs)
	if err != nil {
		return nil, err
	}
	var r io.ReadSeekCloser
	if j.Single {
		a := assets[j.Items[0].AssetID]
		v, err := l.itemVersion(ctx, op, a, j.Items[0])
		if err != nil {
			l.archives.release(actor.UserID, key, nil)
			return nil, err
		}
		p.MediaType, p.ModTime = v.MediaType, v.CreatedAt
		r = &blobReader{ctx: ctx, bucket: l.bucket, key: storage.OriginalKey(v.SHA256), size: v.Size}
	} else {
		plan, _, err := l.planWith(ctx, op, j, 1<<62, assets, false)
		if err != nil {
			l.archives.release(actor.UserID, key, nil)
			return nil, err
		}
		a := plan.Parts[0]
		if a.ETag() != jp.ETag {
			l.archives.release(actor.UserID, key, nil)
			return nil, E(op, Gone, "the assets of download %s changed since it was asked for; ask for it again", j.ID)
		}
		if r, err = a.NewReader(ctx); err != nil {
			l.archives.release(actor.UserID, key, nil)
			return nil, archiveError(op, err)
		}
	}
	p.ReadSeekCloser = l.slotStream(ctx, op, slot, actor.UserID, key, r, p.Size, check).spaced(len(j.Items))
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventArchive, Detail: fmt.Sprintf("job %s part %d", j.ID, n)})
	return p, nil
}

// partState refuses part n of j unless it can be fetched at now.
func partState(op string, j Job, n int, now time.Time) error {
	switch {
	case j.Status == JobFailed:
		return E(op, FailedPrecondition, "download %s failed: %s", j.ID, j.Error)
	case j.Status == JobExpired || j.ExpiresAt != nil && !now.Before(*j.ExpiresAt):
		return E(op, Gone, "download %s has expired; ask for it again", j.ID)
	case j.Status == JobQueued:
		return E(op, FailedPrecondition, "download %s is queued; its parts appear in the download inbox as they are built", j.ID)
	case n < 1 || n > len(j.Parts):
		return E(op, NotFound, "download %s has no part %d (it has %d)", j.ID, n, len(j.Parts))
	case !j.Parts[n-1].Ready:
		return E(op, FailedPrecondition, "part %d of download %s is not ready yet (%s, %d of %d bytes)",
			n, j.ID, j.Status, j.BytesDone, j.BytesTotal)
	}
	return nil
}

// partName is the file name offered for part n.
func partName(j Job, n int) string {
	if j.Single {
		return j.Name
	}
	if len(j.Parts) == 1 {
		return j.Name + ".zip"
	}
	return fmt.Sprintf("%s-part-%d-of-%d.zip", j.Name, n, len(j.Parts))
}

// visibleJob returns a job its requester (or an owner) may see, when it
// is in their reach (reach.go); NotFound, exactly as a missing job, otherwise.
func (l *Library) visibleJob(ctx context.Context, op string, actor Actor, id string) (Job, error) {
	if !validID(id) {
		return Job{}, absent(op, "download", id)
	}
	j, err := l.store.Job(ctx, id)
	if KindOf(err) == NotFound {
		return Job{}, absent(op, "download", id)
	}
	if err != nil {
		return Job{}, wrap(op, Internal, err)
	}
	ok := j.RequesterID == actor.UserID || actor.IsOwner()
	if ok {
		if ok, err = l.reachesObject(ctx, op, actor, j.RequesterID, jobAssetIDs(j)); err != nil {
			return Job{}, err
		}
	}
	if !ok {
		return Job{}, absent(op, "download", id)
	}
	return j, nil
}

func jobAssetIDs(j Job) []string {
	ids := make([]string, len(j.Items))
	for i, it := range j.Items {
		ids[i] = it.AssetID
	}
	return ids
}

// recheck asks the policy again about every asset of a job for actor and
// returns the assets by ID.
func (l *Library) recheck(ctx context.Context, op string, actor Actor, j Job) (map[string]Asset, error) {
	assets := make(map[string]Asset, len(j.Items))
	sel := make([]selected, 0, len(j.Items))
	for _, it := range j.Items {
		a, err := l.store.Asset(ctx, it.AssetID)
		if KindOf(err) == NotFound || err == nil && a.DeletedAt != nil {
			if j.Status != JobReady {
				continue // the worker left it out and listed it as skipped
			}
			return nil, E(op, Gone, "asset %q of download %s was deleted since; ask for the download again", it.Name, j.ID)
		}
		if err != nil {
			return nil, wrap(op, Internal, err)
		}
		assets[a.ID] = a
		sel = append(sel, selected{asset: a, profile: it.Profile, crop: it.Crop})
	}
	allowed, skipped, err := l.decideSelection(ctx, op, actor, sel)
	if err != nil {
		return nil, err
	}
	if len(skipped) > 0 {
		s := skipped[0]
		kind := PermissionDenied
		if Requestable(s.Reason) {
			kind = NeedsRequest
		}
		return nil, &Error{Op: op, Kind: kind, Err: &RefusalError{AssetID: s.AssetID, Reason: s.Reason,
			Msg: "download " + j.ID + " holds an asset you may no longer download: " + s.Name + ": " + s.Message}}
	}
	if len(allowed) != len(sel) {
		return nil, E(op, PermissionDenied, "download %s holds assets you may no longer see", j.ID)
	}
	return assets, nil
}

// plan lays out a job's archive in parts of at most maxPart bytes.
func (l *Library) plan(ctx context.Context, op string, j Job, maxPart int64) (*archive.Plan, error) {
	p, _, err := l.planWith(ctx, op, j, maxPart, nil, false)
	return p, err
}

// planWith is plan with assets already loaded (nil: load them). lenient
// leaves out, and returns as skipped, assets deleted since the job was made
// and assets its profile cannot render, instead of failing. ctx must carry
// the actor that renditions are opened for.
func (l *Library) planWith(ctx context.Context, op string, j Job, maxPart int64, assets map[string]Asset, lenient bool) (*archive.Plan, []SkippedAsset, error) {
	entries := make([]archive.Entry, 0, len(j.Items))
	var extra []SkippedAsset
	skip := func(it JobItem, reason string, err error) error {
		if !lenient {
			return err
		}
		extra = append(extra, SkippedAsset{Skipped: Skipped{AssetID: it.AssetID, Reason: reason, Message: ErrorMessage(err)},
			Name: it.Name, Crop: it.cropName()})
		return nil
	}
	for _, it := range j.Items {
		a, ok := assets[it.AssetID]
		if !ok {
			var err error
			a, err = l.store.Asset(ctx, it.AssetID)
			if err != nil && KindOf(err) != NotFound {
				return nil, nil, wrap(op, Internal, err)
			}
			if err != nil || a.DeletedAt != nil {
				if err := skip(it, "deleted", E(op, Gone, "deleted since the download was asked for")); err != nil {
					return nil, nil, err
				}
				continue
			}
		}
		var e archive.Entry
		var err error
		if j.Guest != nil {
			e, err = l.linkEntry(ctx, op, j, it) // under the guest's or visitor's link
		} else if it.Profile != "" {
			e, err = l.renditionEntry(ctx, op, a, it, j.Options.FolderPerAsset)
			var noEngine noEngineError
			if err != nil && j.Options.OriginalFallback && !it.Crop && errors.As(err, &noEngine) {
				if e, err = l.originalEntry(ctx, op, a, it, j.Options.FolderPerAsset); err == nil {
					e.Note = "the original: export profile " + it.Profile + " does not apply to " + baseType(a.Current.MediaType)
				}
			}
		} else {
			e, err = l.originalEntry(ctx, op, a, it, j.Options.FolderPerAsset)
		}
		if err != nil {
			reason := "deleted"
			if j.Guest != nil {
				reason = "refused"
			} else if it.Profile != "" {
				reason = "profile_not_applicable"
			}
			if k := KindOf(err); (k == Gone || k == FailedPrecondition) && skip(it, reason, err) == nil {
				continue
			}
			return nil, nil, err
		}
		entries = append(entries, e)
	}
	all := mergeSkipped(slices.Clone(j.Skipped), wholeAssets(extra, fileCounts(j.Items))...)
	skipped := make([]archive.Skipped, 0, len(all))
	for _, s := range all {
		skipped = append(skipped, archive.Skipped{AssetID: s.AssetID, Name: s.Name, Profile: s.Crop, Reason: s.Message})
	}
	p, err := archive.Split(entries, skipped, &archive.Options{
		MaxPartSize: maxPart, MaxEntries: l.opts.MaxArchiveEntries, FolderPerAsset: j.Options.FolderPerAsset,
	})
	if err != nil {
		return nil, nil, archiveError(op, err)
	}
	return p, extra, nil
}

// originalEntry is a stored, known-CRC entry over an original version.
func (l *Library) originalEntry(ctx context.Context, op string, a Asset, it JobItem, folderPerAsset bool) (archive.Entry, error) {
	v, err := l.itemVersion(ctx, op, a, it)
	if err != nil {
		return archive.Entry{}, err
	}
	name, label := it.entryNames(it.Name, folderPerAsset)
	key := storage.OriginalKey(v.SHA256)
	return archive.Entry{
		Name: name, Size: v.Size, CRC32: v.CRC32, Known: true, ModTime: v.CreatedAt, MediaType: v.MediaType,
		SHA256: v.SHA256, AssetID: a.ID, AssetName: label,
		Open: func(ctx context.Context, off, n int64) (io.ReadCloser, error) {
			return l.bucket.NewRangeReader(ctx, key, off, n)
		},
	}, nil
}

// renditionEntry renders (or takes from the cache) an asset in a profile
// at layout time; the cache's sidecar gives size and CRC, so the entry is
// known and the archive stays rangeable. Each read opens the rendition
// again under the policy, and fails if it no longer has the same bytes.
func (l *Library) renditionEntry(ctx context.Context, op string, a Asset, it JobItem, folderPerAsset bool) (archive.Entry, error) {
	d, err := l.OpenRendition(ctx, a.ID, it.Profile)
	if err != nil {
		return archive.Entry{}, err
	}
	_ = d.Close()
	v := d.Version
	file := RenditionFilename(it.Name, v.MediaType)
	if it.Crop {
		file = CropFilename(it.Name, it.Profile, v.MediaType)
	}
	name, label := it.entryNames(file, folderPerAsset)
	size, crc, id, profile := v.Size, v.CRC32, a.ID, it.Profile
	return archive.Entry{
		Name: name, Size: size, CRC32: crc, Known: true, ModTime: v.CreatedAt,
		MediaType: v.MediaType, AssetID: a.ID, AssetName: label, Profile: profile,
		Open: func(ctx context.Context, off, n int64) (io.ReadCloser, error) {
			d, err := l.OpenRendition(ctx, id, profile)
			if err != nil {
				return nil, err
			}
			if d.Version.Size != size || d.Version.CRC32 != crc {
				_ = d.Close()
				return nil, fmt.Errorf("rendition of %s in %q changed: %w", id, profile, archive.ErrSourceSize)
			}
			return section(d, off, n)
		},
	}, nil
}

// itemVersion returns the version a job item names.
func (l *Library) itemVersion(ctx context.Context, op string, a Asset, it JobItem) (Version, error) {
	if a.Current.Number == it.Version {
		return a.Current, nil
	}
	vs, err := l.store.Versions(ctx, a.ID)
	if err != nil {
		return Version{}, wrap(op, Internal, err)
	}
	for _, v := range vs {
		if v.Number == it.Version {
			return v, nil
		}
	}
	return Version{}, E(op, Gone, "version %d of %q was deleted since the download was asked for", it.Version, it.Name)
}

// archiveError maps the archive package's sentinels to error kinds.
func archiveError(op string, err error) error {
	switch {
	case errors.Is(err, archive.ErrTooLarge), errors.Is(err, archive.ErrTooManyEntries):
		return &Error{Op: op, Kind: TooLarge, Err: err}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &Error{Op: op, Kind: Canceled, Err: err}
	}
	return &Error{Op: op, Kind: Internal, Err: err}
}

// section turns an open download into the reader of n bytes from off
// (n < 0: to the end) that an archive entry's opener returns; closing it
// closes d.
func section(d *Download, off, n int64) (io.ReadCloser, error) {
	if _, err := d.Seek(off, io.SeekStart); err != nil {
		_ = d.Close()
		return nil, err
	}
	if n < 0 {
		return d, nil
	}
	return struct {
		io.Reader
		io.Closer
	}{io.LimitReader(d, n), d}, nil
}
