package dam

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/damkit/damkit/archive"
	"github.com/damkit/damkit/policy"
)

// Background archives for guests and visitors (issue 17). A share's guest
// or a portal's visitor whose selection is past the synchronous limits of
// GuestArchive and PortalArchive asks for a download job instead: the
// users' job (jobs.go), queued, built by the same worker in parts under
// Options.MaxPartSize, listed in a download inbox reached through their own
// link, and announced by an email whose link needs no account. What
// differs is who it is for:
//
//   - Its RequesterID is GuestRequester's or VisitorRequester's, never a
//     user's, and Job.Guest names the link. Every guest call checks that
//     the job is the link's own; another guest's job is not found.
//   - The worker builds it under the guest's or visitor's rights (the
//     entries of GuestArchive and PortalArchive), never the sharer's.
//   - Options.MaxGuestArchives caps one guest's (or visitor's) queued and
//     running jobs; each also counts against the sharer's (the portal
//     owner's) Options.MaxSentArchives, as archives sent to others do, and
//     never against another guest's or the sharer's own downloads.
//   - Every part fetch checks the link and every asset again; removing the
//     guest, disabling or deleting the share, turning it view-only, and
//     revoking a visitor's grant delete the jobs and their parts at once.

type archivingKey struct{}

// archiving marks ctx as making or serving a ZIP for a guest's or a
// visitor's link: guestAsset and portalAsset then ask the policy about
// ActionArchive (decided for them as a download is, rows R15–R32), not
// about a single download.
func archiving(ctx context.Context) context.Context {
	return context.WithValue(ctx, archivingKey{}, true)
}

// linkAction is the policy action of a guest's or visitor's request.
func linkAction(ctx context.Context) policy.Action {
	if ctx.Value(archivingKey{}) != nil {
		return policy.ActionArchive
	}
	return policy.ActionDownload
}

// JobGuest names the link a guest's or visitor's job was asked for
// through: a share's guest (ShareID, GuestID) or a portal's visitor
// (PortalID, Email and the link's own end, Until).
type JobGuest struct {
	ShareID  string     `json:"share_id,omitempty"`
	GuestID  string     `json:"guest_id,omitempty"`
	PortalID string     `json:"portal_id,omitempty"`
	Email    string     `json:"email,omitempty"`
	Until    *time.Time `json:"until,omitempty"`
	// SharerID is the user whose quota the job counts against: the share's
	// creator, or the portal's.
	SharerID string `json:"sharer_id"`
}

// GuestRequester is the RequesterID of a share guest's jobs.
func GuestRequester(guestID string) string { return "guest:" + guestID }

// VisitorRequester is the RequesterID of a portal visitor's jobs.
func VisitorRequester(portalID, email string) string {
	return "visitor:" + portalID + ":" + strings.ToLower(email)
}

// GuestJobLinks is implemented by a Links that knows where a guest's and
// a visitor's download inbox is, so "your download is ready" emails carry
// a link to it (damhttp.Links does).
type GuestJobLinks interface {
	GuestDownloads(token string) string
	VisitorDownloads(slug, token string) string
}

func (o *Options) guestJobDefaults() { setDefault(&o.MaxGuestArchives, 2) }

// GuestDownloadJob queues a background archive of every asset of the
// guest's share the guest may download now, each in the profile the share
// offers it in; the others are listed as skipped. It counts as one
// download against the share's and the guest's limits.
func (l *Library) GuestDownloadJob(ctx context.Context) (Job, error) {
	const op = "dam.GuestDownloadJob"
	ctx = archiving(ctx)
	actor, g, sh, err := l.guestOf(ctx, op)
	if err != nil {
		return Job{}, err
	}
	if sh.ViewOnly {
		return Job{}, E(op, PermissionDenied, "this share is view-only: its assets can be viewed, not downloaded")
	}
	if len(sh.AssetIDs) > l.opts.MaxArchiveEntries {
		return Job{}, E(op, TooLarge, "%d assets in one download; the limit is %d", len(sh.AssetIDs), l.opts.MaxArchiveEntries)
	}
	var items []JobItem
	var skipped []SkippedAsset
	var licences []LicenceRef
	for _, id := range sh.AssetIDs {
		a, profile, err := l.guestAsset(ctx, op, actor, sh, id, "")
		if err != nil {
			if licences, err = guestSkip(err, id, licences, &skipped); err != nil {
				return Job{}, err
			}
			continue
		}
		items = append(items, JobItem{AssetID: a.ID, Version: a.Current.Number, Profile: profile, Name: a.Name})
	}
	j := Job{Name: strings.TrimSuffix(zipName(sh.Title), ".zip"), Items: items, Skipped: skipped,
		Guest: &JobGuest{ShareID: sh.ID, GuestID: g.ID, Email: g.Email, SharerID: sh.CreatedBy}}
	return l.queueGuestJob(ctx, op, GuestRequester(g.ID), j, licences, func() error { return l.countDownload(ctx, op, jobAssetIDs(j)...) })
}

// VisitorDownloadJob queues a background archive of every asset of the
// portal that the visitor of a signed link may download now (what they
// were granted, or all of an open portal).
func (l *Library) VisitorDownloadJob(ctx context.Context, slug, token string) (Job, error) {
	const op = "dam.VisitorDownloadJob"
	ctx = archiving(ctx)
	p, visitor, err := l.visitor(ctx, op, slug, token)
	if err != nil {
		return Job{}, err
	}
	ids, err := l.portalAssetIDs(ctx, op, p)
	if err != nil {
		return Job{}, err
	}
	if len(ids) > l.opts.MaxArchiveEntries {
		return Job{}, E(op, TooLarge, "%d assets in one download; the limit is %d", len(ids), l.opts.MaxArchiveEntries)
	}
	var items []JobItem
	var skipped []SkippedAsset
	var licences []LicenceRef
	for _, id := range ids {
		_, _, a, _, err := l.portalAsset(ctx, op, slug, token, id, nil)
		if err != nil {
			if licences, err = guestSkip(err, id, licences, &skipped); err != nil {
				return Job{}, err
			}
			continue
		}
		items = append(items, JobItem{AssetID: a.ID, Version: a.Current.Number, Name: a.Name})
	}
	secret, err := l.portalSecret(ctx, op)
	if err != nil {
		return Job{}, err
	}
	jg := &JobGuest{PortalID: p.ID, Email: visitor.Email, SharerID: p.CreatedBy}
	if _, _, until, ok := parseVisitorToken(secret, token); ok && !until.IsZero() {
		jg.Until = &until
	}
	j := Job{Name: strings.TrimSuffix(zipName(p.Title), ".zip"), Items: items, Skipped: skipped, Guest: jg}
	return l.queueGuestJob(ctx, op, VisitorRequester(p.ID, visitor.Email), j, licences, nil)
}

// guestSkip sorts a refusal of one asset of a guest's or visitor's
// selection: licences to accept are gathered, refusals listed as
// skipped, and anything else (a broken store) returned.
func guestSkip(err error, id string, licences []LicenceRef, skipped *[]SkippedAsset) ([]LicenceRef, error) {
	switch KindOf(err) {
	case NotFound:
		return licences, nil // deleted since it was shared: not the guest's to hear of
	case PermissionDenied, NeedsRequest, Gone, FailedPrecondition:
		reason := "refused"
		var re *RefusalError
		if errors.As(err, &re) {
			reason = re.Reason
		}
		*skipped = append(*skipped, SkippedAsset{Skipped: Skipped{AssetID: id, Reason: reason, Message: ErrorMessage(err)}, Name: id})
		return licences, nil
	case LicenceRequired:
		return addLicenceRefs(licences, err), nil
	}
	return licences, err
}

// queueGuestJob checks and stores a guest's or visitor's job: the limits
// of one download, the guest's own concurrent jobs and the sharer's.
// count, when set, counts the download once the job is sure to be made.
func (l *Library) queueGuestJob(ctx context.Context, op, requester string, j Job, licences []LicenceRef, count func() error) (Job, error) {
	if len(licences) > 0 {
		return Job{}, &Error{Op: op, Kind: LicenceRequired, Err: &LicenceError{Licences: licences}}
	}
	if len(j.Items) == 0 {
		return Job{}, E(op, FailedPrecondition, "nothing here can be downloaded through this link now")
	}
	var bytes int64
	for _, it := range j.Items {
		a, err := l.store.Asset(ctx, it.AssetID)
		if err != nil {
			return Job{}, wrap(op, Internal, err)
		}
		bytes += a.Current.Size // renditions: the original's size is the estimate
	}
	if bytes > l.opts.MaxArchiveBytes {
		return Job{}, E(op, TooLarge, "%d bytes in one download; the limit is %d", bytes, l.opts.MaxArchiveBytes)
	}
	mine, err := l.store.ActiveGuestJobs(ctx, requester)
	if err != nil {
		return Job{}, wrap(op, Internal, err)
	}
	if mine >= l.opts.MaxGuestArchives {
		return Job{}, exhausted(op, l.opts.JobPollInterval,
			"you already have %d downloads being prepared (the limit); wait for one to finish", mine)
	}
	theirs, err := l.store.ActiveSentJobs(ctx, j.Guest.SharerID)
	if err != nil {
		return Job{}, wrap(op, Internal, err)
	}
	if theirs >= l.opts.MaxSentArchives {
		return Job{}, exhausted(op, l.opts.JobPollInterval,
			"too many downloads are being prepared for the people this was shared with; try again in a while")
	}
	if count != nil {
		if err := count(); err != nil {
			return Job{}, err
		}
	}
	now := l.now().UTC()
	j.ID, j.RequesterID, j.Status = NewID(now), requester, JobQueued
	j.EntriesTotal, j.BytesTotal, j.CreatedAt, j.UpdatedAt = len(j.Items), bytes, now, now
	if err := l.store.CreateJob(ctx, j); err != nil {
		return Job{}, wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: j.Guest.Email, Action: EventArchive,
		Detail: fmt.Sprintf("job %s: %s, %d assets, %d skipped, %s", j.ID, j.Status, len(j.Items), len(j.Skipped), guestVia(j))})
	l.archives.wake()
	return j, nil
}

// guestVia names the link of a guest's job for the usage log.
func guestVia(j Job) string {
	if j.Guest.ShareID != "" {
		return "share " + j.Guest.ShareID
	}
	return "portal " + j.Guest.PortalID
}

// GuestJobs lists the download jobs of the guest's link, newest first.
func (l *Library) GuestJobs(ctx context.Context) ([]Job, error) {
	const op = "dam.GuestJobs"
	_, g, _, err := l.guestOf(ctx, op)
	if err != nil {
		return nil, err
	}
	return l.linkJobs(ctx, op, GuestRequester(g.ID))
}

// VisitorJobs lists the download jobs of a visitor's link, newest first.
func (l *Library) VisitorJobs(ctx context.Context, slug, token string) ([]Job, error) {
	const op = "dam.VisitorJobs"
	p, v, err := l.visitor(ctx, op, slug, token)
	if err != nil {
		return nil, err
	}
	return l.linkJobs(ctx, op, VisitorRequester(p.ID, v.Email))
}

// maxLinkJobs bounds the jobs a guest's inbox lists (a guest has at most
// MaxGuestArchives under way, and jobs expire after ArchiveTTL).
const maxLinkJobs = 100

func (l *Library) linkJobs(ctx context.Context, op, requester string) ([]Job, error) {
	js, _, err := l.store.Jobs(ctx, requester, "", maxLinkJobs)
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	return nonNilJobs(js), nil
}

func nonNilJobs(js []Job) []Job {
	if js == nil {
		return []Job{}
	}
	return js
}

// GuestJob returns one download job of the guest's link.
func (l *Library) GuestJob(ctx context.Context, id string) (Job, error) {
	const op = "dam.GuestJob"
	_, g, _, err := l.guestOf(ctx, op)
	if err != nil {
		return Job{}, err
	}
	return l.linkJob(ctx, op, GuestRequester(g.ID), id)
}

// VisitorJob returns one download job of a visitor's link.
func (l *Library) VisitorJob(ctx context.Context, slug, token, id string) (Job, error) {
	const op = "dam.VisitorJob"
	p, v, err := l.visitor(ctx, op, slug, token)
	if err != nil {
		return Job{}, err
	}
	return l.linkJob(ctx, op, VisitorRequester(p.ID, v.Email), id)
}

// linkJob returns job id when it is requester's; NotFound, exactly as a
// missing job, when it is anyone else's.
func (l *Library) linkJob(ctx context.Context, op, requester, id string) (Job, error) {
	if !validID(id) {
		return Job{}, absent(op, "download", id)
	}
	j, err := l.store.Job(ctx, id)
	if KindOf(err) == NotFound || err == nil && j.RequesterID != requester {
		return Job{}, absent(op, "download", id)
	}
	if err != nil {
		return Job{}, wrap(op, Internal, err)
	}
	return j, nil
}

// GuestPart opens part n of a download job of the guest's link. The link
// (share, guest, password) and every asset of the job are checked again,
// now and while the part streams.
func (l *Library) GuestPart(ctx context.Context, id string, n int) (*Part, error) {
	const op = "dam.GuestPart"
	check := func(ctx context.Context) (Job, error) {
		actor, g, sh, err := l.guestOf(ctx, op)
		if err != nil {
			return Job{}, err
		}
		j, err := l.linkJob(ctx, op, GuestRequester(g.ID), id)
		if err != nil {
			return Job{}, err
		}
		return j, l.recheckLink(ctx, op, j, func(it JobItem) error {
			_, _, err := l.guestAsset(ctx, op, actor, sh, it.AssetID, itemProfile(it))
			return err
		})
	}
	return l.linkPart(ctx, op, n, check)
}

// VisitorPart opens part n of a download job of a visitor's link, checking
// the portal, the link and every asset (the visitor's grants) again, now
// and while the part streams.
func (l *Library) VisitorPart(ctx context.Context, slug, token, id string, n int) (*Part, error) {
	const op = "dam.VisitorPart"
	check := func(ctx context.Context) (Job, error) {
		p, v, err := l.visitor(ctx, op, slug, token)
		if err != nil {
			return Job{}, err
		}
		j, err := l.linkJob(ctx, op, VisitorRequester(p.ID, v.Email), id)
		if err != nil {
			return Job{}, err
		}
		return j, l.recheckLink(ctx, op, j, func(it JobItem) error {
			_, _, _, _, err := l.portalAsset(ctx, op, slug, token, it.AssetID, nil)
			return err
		})
	}
	return l.linkPart(ctx, op, n, check)
}

// itemProfile is the profile a guest's job item is opened in: its own, or
// the original named as such (guestAsset reads "" as the share's).
func itemProfile(it JobItem) string {
	if it.Profile == "" {
		return ProfileOriginal
	}
	return it.Profile
}

// recheckLink asks again, through allowed, about every asset of a job of
// a guest's or visitor's link. Assets deleted since are skipped (the
// worker left them out); any other refusal refuses the part.
func (l *Library) recheckLink(ctx context.Context, op string, j Job, allowed func(JobItem) error) error {
	for _, it := range j.Items {
		if j.skips(it.AssetID) {
			continue
		}
		a, err := l.store.Asset(ctx, it.AssetID)
		if KindOf(err) == NotFound || err == nil && a.DeletedAt != nil {
			continue
		}
		if err != nil {
			return wrap(op, Internal, err)
		}
		if err := allowed(it); err != nil {
			if KindOf(err) == Internal {
				return err
			}
			return E(op, PermissionDenied, "download %s holds an asset this link may no longer download: %s: %s", j.ID, it.Name, ErrorMessage(err))
		}
	}
	return nil
}

// linkPart opens a worker-built part of a guest's or visitor's job that
// check (the link, the job, its assets) allows, checking again while the
// part streams.
func (l *Library) linkPart(ctx context.Context, op string, n int, check func(context.Context) (Job, error)) (*Part, error) {
	ctx = archiving(ctx)
	j, err := check(ctx)
	if err != nil {
		return nil, err
	}
	if err := partState(op, j, n, l.now().UTC()); err != nil {
		return nil, err
	}
	jp := j.Parts[n-1]
	p := &Part{Job: j, Number: n, Name: partName(j, n), MediaType: "application/zip", Size: jp.Size, ETag: jp.ETag, ModTime: j.CreatedAt}
	recheck := func(ctx context.Context) error { _, err := check(ctx); return err }
	p.ReadSeekCloser = l.newStream(ctx, op, &blobReader{ctx: ctx, bucket: l.bucket, key: partKey(j.ID, n), size: jp.Size}, jp.Size, recheck, false, nil).
		spaced(len(j.Items))
	l.record(ctx, Event{ActorID: j.Guest.Email, Action: EventArchive, Detail: fmt.Sprintf("job %s part %d, %s", j.ID, n, guestVia(j))})
	return p, nil
}

// CancelGuestJob deletes a download job of the guest's link and its parts.
func (l *Library) CancelGuestJob(ctx context.Context, id string) error {
	const op = "dam.CancelGuestJob"
	_, g, _, err := l.guestOf(ctx, op)
	if err != nil {
		return err
	}
	j, err := l.linkJob(ctx, op, GuestRequester(g.ID), id)
	if err != nil {
		return err
	}
	l.dropJob(ctx, j, "cancelled by the guest")
	return nil
}

// CancelVisitorJob deletes a download job of a visitor's link and its parts.
func (l *Library) CancelVisitorJob(ctx context.Context, slug, token, id string) error {
	const op = "dam.CancelVisitorJob"
	p, v, err := l.visitor(ctx, op, slug, token)
	if err != nil {
		return err
	}
	j, err := l.linkJob(ctx, op, VisitorRequester(p.ID, v.Email), id)
	if err != nil {
		return err
	}
	l.dropJob(ctx, j, "cancelled by the visitor")
	return nil
}

// dropJob deletes a job and its parts; a worker building it stops at its
// next heartbeat and removes what it wrote since.
func (l *Library) dropJob(ctx context.Context, j Job, why string) {
	ctx = context.WithoutCancel(ctx)
	if err := l.store.DeleteJob(ctx, j.ID); err != nil && KindOf(err) != NotFound {
		l.log.Error("deleting a job failed", "job", j.ID, "err", err)
		return
	}
	l.deleteParts(ctx, j)
	l.record(ctx, Event{ActorID: j.Guest.Email, Action: EventArchive, Detail: fmt.Sprintf("job %s deleted: %s", j.ID, why)})
}

// killLinkJobs deletes the jobs of a guest's or visitor's link (those
// holding one of assetIDs, when given) with their parts: their access was
// revoked.
func (l *Library) killLinkJobs(ctx context.Context, requester string, assetIDs []string, why string) {
	ctx = context.WithoutCancel(ctx)
	for {
		js, _, err := l.store.Jobs(ctx, requester, "", maxLinkJobs)
		if err != nil {
			l.log.Error("listing the jobs of a revoked link failed", "requester", requester, "err", err)
			return
		}
		dropped := 0
		for _, j := range js {
			if j.Guest == nil || len(assetIDs) > 0 && !slices.ContainsFunc(j.Items, func(it JobItem) bool { return slices.Contains(assetIDs, it.AssetID) }) {
				continue
			}
			l.dropJob(ctx, j, why)
			dropped++
		}
		if dropped == 0 || len(js) < maxLinkJobs {
			return
		}
	}
}

// killShareJobs deletes the jobs of every guest of sh.
func (l *Library) killShareJobs(ctx context.Context, sh Share, why string) {
	for _, g := range sh.Guests {
		l.killLinkJobs(ctx, GuestRequester(g.ID), nil, why)
	}
}

// jobContext is ctx acting for whom j is built: its requesting user, or
// the guest or visitor of its link (renditions and originals are opened
// under their rights, and each entry checks their link again as it is
// read). A share with a password is unlocked: the guest gave it when
// asking for the job.
func (l *Library) jobContext(ctx context.Context, op string, j Job) (context.Context, error) {
	if j.Guest == nil {
		u, err := l.store.User(ctx, j.RequesterID)
		if err != nil {
			return nil, wrap(op, Internal, err)
		}
		return WithActor(ctx, u.Actor()), nil
	}
	ctx = archiving(ctx) // the worker makes a link's ZIP
	if j.Guest.ShareID != "" {
		sh, err := l.store.Share(ctx, j.Guest.ShareID)
		if KindOf(err) == NotFound {
			return nil, &Error{Op: op, Kind: NotFound, Err: errNoShare}
		}
		if err != nil {
			return nil, wrap(op, Internal, err)
		}
		i := slices.IndexFunc(sh.Guests, func(g Guest) bool { return g.ID == j.Guest.GuestID })
		if i < 0 {
			return nil, &Error{Op: op, Kind: NotFound, Err: errNoShare}
		}
		g := sh.Guests[i]
		ctx = WithActor(ctx, Actor{Kind: ActorGuest, UserID: g.UserID, Email: g.Email})
		ctx = context.WithValue(ctx, guestKey{}, guestLink{hash: g.TokenHash})
		return WithShareKey(ctx, shareKey(g.TokenHash, sh.PasswordHash)), nil
	}
	p, err := l.store.Portal(ctx, j.Guest.PortalID)
	if KindOf(err) == NotFound {
		return nil, E(op, NotFound, "the portal of this download is gone")
	}
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	secret, err := l.portalSecret(ctx, op)
	if err != nil {
		return nil, err
	}
	var until time.Time
	if j.Guest.Until != nil {
		until = *j.Guest.Until
	}
	ctx = WithActor(ctx, Actor{Kind: ActorVisitor, Email: j.Guest.Email})
	return context.WithValue(ctx, visitorLinkKey{}, visitorLink{slug: p.Slug, token: visitorToken(secret, p.ID, j.Guest.Email, until)}), nil
}

type visitorLinkKey struct{}

// visitorLink is the signed link a visitor's job is built through: the
// same portal, email and end as the one it was asked with.
type visitorLink struct{ slug, token string }

// linkEntry is the archive entry of one item of a guest's or visitor's
// job, opened under their link (GuestArchive's and PortalArchive's
// entries). An asset the link may no longer download is Gone, so the
// worker leaves it out and lists it; a dead link fails the job.
func (l *Library) linkEntry(ctx context.Context, op string, j Job, it JobItem) (archive.Entry, error) {
	if vl, ok := ctx.Value(visitorLinkKey{}).(visitorLink); ok {
		if _, _, err := l.visitor(ctx, op, vl.slug, vl.token); err != nil {
			return archive.Entry{}, err
		}
		_, _, a, _, err := l.portalAsset(ctx, op, vl.slug, vl.token, it.AssetID, nil)
		if err != nil {
			return archive.Entry{}, linkRefusal(op, err)
		}
		return l.portalEntry(op, vl.slug, vl.token, a), nil
	}
	actor, sh, err := l.guestFrom(ctx, op)
	if err != nil {
		return archive.Entry{}, err
	}
	profile := itemProfile(it)
	dl, _, err := l.guestOpen(ctx, op, actor, sh, it.AssetID, profile)
	if err != nil {
		return archive.Entry{}, linkRefusal(op, err)
	}
	_ = dl.Close()
	return l.guestEntry(op, dl, it.AssetID, profile), nil
}

// linkRefusal turns a refusal of one asset into Gone (left out and
// listed); a broken store or a full render queue stays what it is.
func linkRefusal(op string, err error) error {
	switch KindOf(err) {
	case Internal, ResourceExhausted, Canceled:
		return err
	}
	return E(op, Gone, "no longer downloadable through this link: %s", ErrorMessage(err))
}

// notifyLinkJob tells a guest or visitor, at the email of their link,
// that their download is ready or failed, with a link to their download
// inbox that works without an account: for a guest a sealed link naming
// the guest (the link they were given is kept only as a hash), for a
// visitor a signed link like the one they used.
func (l *Library) notifyLinkJob(ctx context.Context, j Job) {
	action := EventArchiveReady
	if j.Status != JobDone {
		action = EventArchiveFail
	}
	l.record(ctx, Event{ActorID: j.Guest.Email, Action: action, Detail: "job " + j.ID + ", " + guestVia(j)})
	if j.Guest.Email == "" {
		return // a share's public link: nobody to write to; the inbox of the link shows it
	}
	m := Message{To: Recipient{Email: j.Guest.Email}, Link: l.linkJobLink(ctx, j)}
	details := []Detail{{Label: "Download", Value: j.Name}, {Label: "Assets", Value: fmt.Sprint(j.EntriesTotal)}}
	if len(j.Skipped) > 0 {
		details = append(details, Detail{Label: "Skipped", Value: fmt.Sprintf("%d (see the manifest)", len(j.Skipped))})
	}
	if j.Status == JobDone {
		m.Kind, m.Subject = NotifyArchiveReady, "Your download is ready"
		m.Text = fmt.Sprintf("Your archive of %d asset%s is ready in %d part%s. Open your downloads to fetch it.",
			j.EntriesTotal, plural(j.EntriesTotal), len(j.Parts), plural(len(j.Parts)))
		if j.ExpiresAt != nil {
			details = append(details, Detail{Label: "Available until", Value: j.ExpiresAt.Format(time.RFC1123)})
		}
	} else {
		m.Kind, m.Subject = NotifyArchiveFailed, "Your download failed"
		m.Text = "Your archive could not be built: " + j.Error
	}
	m.Details = details
	l.notify(ctx, m)
}

// linkJobLink is the link to the download inbox of a job's guest or
// visitor, "" when the host gave no GuestJobLinks.
func (l *Library) linkJobLink(ctx context.Context, j Job) string {
	gl, ok := l.opts.Links.(GuestJobLinks)
	if !ok {
		return ""
	}
	const op = "dam.notifyLinkJob"
	secret, err := l.portalSecret(ctx, op)
	if err != nil {
		l.log.Error("no link secret for a download email", "job", j.ID, "err", err)
		return ""
	}
	if j.Guest.ShareID != "" {
		until := l.now().Add(l.opts.ArchiveTTL)
		if j.ExpiresAt != nil {
			until = *j.ExpiresAt
		}
		return gl.GuestDownloads(sealGuestLink(secret, j.Guest.ShareID, j.Guest.GuestID, until))
	}
	p, err := l.store.Portal(ctx, j.Guest.PortalID)
	if err != nil {
		l.log.Error("no portal for a download email", "job", j.ID, "err", err)
		return ""
	}
	var until time.Time
	if j.Guest.Until != nil {
		until = *j.Guest.Until
	}
	return gl.VisitorDownloads(p.Slug, visitorToken(secret, p.ID, j.Guest.Email, until))
}

// TooLargeToStream reports whether a guest's or visitor's assets are past
// what one ZIP streams at once (Options.MaxSyncEntries, MaxSyncBytes): their
// page then offers the background download only.
func (l *Library) TooLargeToStream(as []SharedAsset) bool {
	var total int64
	for _, a := range as {
		total += a.Size
	}
	return len(as) > l.opts.MaxSyncEntries || total > l.opts.MaxSyncBytes
}
