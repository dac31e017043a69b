package dam

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/damkit/damkit/archive"
	"github.com/damkit/damkit/policy"
)

// EventArchive records a download of several assets (a job made or a part fetched).
const EventArchive EventAction = "archive"

// Notification kinds of download jobs.
const (
	NotifyArchiveReady  = "archive_ready"
	NotifyArchiveFailed = "archive_failed"
)

// JobLinks is implemented by a Links that can point at a download job, so
// that "your archive is ready" messages carry a link to it.
type JobLinks interface {
	DownloadJob(jobID string) string
}

// DownloadRequest is a selection to download: assets, a collection or a
// folder (with its subfolders), and options. Profiles apply in this order:
// Profiles[asset], the collection item's profile, Profile, the
// collection's default; "" and "original" mean the original.
type DownloadRequest struct {
	AssetIDs       []string          `json:"asset_ids"`
	CollectionID   string            `json:"collection_id"`
	FolderID       string            `json:"folder_id"`
	Profile        string            `json:"profile"`
	Profiles       map[string]string `json:"profiles"`
	FolderPerAsset bool              `json:"folder_per_asset"`
	// Crops puts each asset's smart crops (the export profiles marked
	// SmartCrop) in the ZIP beside the file asked for, each named after its
	// profile ("photo_square.jpg", "photo_4x5.jpg"); CropsOnly puts in the
	// crops without that file ("download all smart crops"). Each crop is
	// decided as a download in its profile would be.
	Crops     bool `json:"crops"`
	CropsOnly bool `json:"crops_only"`
	// Rendition asks for every asset as a custom rendition (size, format,
	// dpi, ...) in place of Profile; Renditions[asset] for one asset in
	// place of Profiles[asset]. Naming both for the same assets is Invalid;
	// each must be within Settings.CustomRenditions (Invalid naming the
	// bound otherwise).
	Rendition  *CustomRendition           `json:"rendition,omitempty"`
	Renditions map[string]CustomRendition `json:"renditions,omitempty"`
	// Async asks for a job even when the selection is small.
	Async bool `json:"async"`
	// Stream asks for the archive at once, never a job (a script piping
	// the ZIP); the selection must fit MaxSyncEntries and MaxSyncBytes.
	Stream bool `json:"-"`
	// SendTo names other library users, by user ID or email (at most
	// Options.MaxSendTo), who each get an archive of their own of what the
	// requester and they may both download, and a message when it is
	// ready (send.go). Job.Sent on the requester's job says what each got.
	SendTo []string `json:"send_to"`
}

// NothingToDownloadError is the refusal of a selection of which the actor
// may download nothing: every asset is listed with why it was skipped.
type NothingToDownloadError struct {
	Skipped []SkippedAsset
}

func (e *NothingToDownloadError) Error() string {
	return fmt.Sprintf("nothing in the selection may be downloaded: %d asset%s skipped (%s)",
		len(e.Skipped), plural(len(e.Skipped)), skippedList(e.Skipped))
}

// Requestable reports whether a skip reason is lifted by an approved
// download request.
func Requestable(reason string) bool {
	return reason == string(policy.ReasonProtected) || reason == string(policy.ReasonNoGrant)
}

func (o *Options) downloadDefaults() {
	setDefault(&o.SyncMaxAssets, 10)
	setDefault(&o.SyncMaxBytes, 100_000_000)
	setDefault(&o.MaxSyncEntries, 1000)
	setDefault(&o.MaxSyncBytes, 10_000_000_000)
	setDefault(&o.MaxArchiveBytes, 1_000_000_000_000)
	setDefault(&o.MaxArchiveEntries, 100_000)
	setDefault(&o.MaxPartSize, archive.DefaultMaxPartSize)
	setDefault(&o.MaxConcurrentArchives, 2)
	setDefault(&o.ArchiveTTL, 7*24*time.Hour)
	setDefault(&o.JobPollInterval, 2*time.Second)
	setDefault(&o.JobStaleAfter, 5*time.Minute)
	setDefault(&o.JobProgressInterval, 2*time.Second)
	setDefault(&o.MaxJobAttempts, 3)
	setDefault(&o.SyncMaxPrep, 30*time.Second)
	setDefault(&o.MaxSendTo, 20)
	setDefault(&o.MaxSentArchives, 20)
	o.streamDefaults()
	if o.RenderRate <= 0 {
		o.RenderRate = 20e6
	}
}

func setDefault[T int | int64 | time.Duration](p *T, v T) {
	if *p <= 0 {
		*p = v
	}
}

// checkSlots refuses a new archive when the actor has MaxConcurrentArchives
// streams and jobs under way.
func (l *Library) checkSlots(ctx context.Context, op string, actor Actor) (jobs int, err error) {
	jobs, err = l.store.ActiveJobs(ctx, actor.UserID)
	if err != nil {
		return 0, wrap(op, Internal, err)
	}
	if jobs+l.archives.streaming(actor.UserID) >= l.opts.MaxConcurrentArchives {
		return jobs, l.busy(ctx, op, actor.UserID, jobs > 0)
	}
	return jobs, nil
}

// selected is one asset of a selection with the version and profile it
// will be downloaded in.
type selected struct {
	asset   Asset
	profile string
	dir     string // the folder path inside a downloaded folder
	crop    bool   // one of the asset's smart crops (profile)
}

// CreateDownload resolves a selection, skips (and lists) the assets the
// actor may not download, and makes a job: ready at once for a small
// selection (its archive is built on the fly by OpenPart), queued for the
// worker (RunJobs) for a large one or when req.Async is set. The users
// named in req.SendTo each get a queued job of their own, made before this
// returns (so before a streamed archive starts).
func (l *Library) CreateDownload(ctx context.Context, req DownloadRequest) (Job, error) {
	const op = "dam.CreateDownload"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Job{}, err
	}
	to, err := l.recipients(ctx, op, actor, req.SendTo)
	if err != nil {
		return Job{}, err
	}
	sel, name, err := l.selection(ctx, op, actor, req)
	if err != nil {
		return Job{}, err
	}
	if len(sel) == 0 {
		return Job{}, E(op, FailedPrecondition, "the selection holds no assets: nothing to download")
	}
	if sel, err = l.withCrops(ctx, op, req, sel); err != nil {
		return Job{}, err
	}
	allowed, skipped, err := l.decideSelection(ctx, op, actor, sel)
	if err != nil {
		return Job{}, err
	}
	if len(allowed) == 0 {
		return Job{}, &Error{Op: op, Kind: PermissionDenied, Err: &NothingToDownloadError{Skipped: skipped}}
	}
	var bytes, renderPixels int64
	items := make([]JobItem, len(allowed))
	profiles := map[string]bool{}
	var custom *CustomRenditionSettings
	for i, s := range allowed {
		if IsCustomRef(s.profile) {
			if custom == nil {
				st, err := l.store.Settings(ctx)
				if err != nil {
					return Job{}, wrap(op, Internal, err)
				}
				custom = &st.CustomRenditions
			}
			if _, err := customWithin(op, s.asset, s.profile, *custom); err != nil {
				return Job{}, err
			}
		} else if s.profile != "" && !profiles[s.profile] {
			if _, err := l.lookupProfile(ctx, op, s.profile); KindOf(err) == NotFound {
				return Job{}, E(op, Invalid, "%s", ErrorMessage(err))
			} else if err != nil {
				return Job{}, err
			}
			profiles[s.profile] = true
		}
		items[i] = itemOf(s)
		bytes += s.asset.Current.Size // renditions: the original's size is the estimate
		if s.profile != "" {
			renderPixels += int64(max(s.asset.Current.Width, 1)) * int64(max(s.asset.Current.Height, 1))
		}
	}
	switch {
	case len(items) > l.opts.MaxArchiveEntries:
		return Job{}, E(op, TooLarge, "%d assets in one download; the limit is %d", len(items), l.opts.MaxArchiveEntries)
	case bytes > l.opts.MaxArchiveBytes:
		return Job{}, E(op, TooLarge, "%d bytes in one download; the limit is %d", bytes, l.opts.MaxArchiveBytes)
	case req.Stream && (len(items) > l.opts.MaxSyncEntries || bytes > l.opts.MaxSyncBytes):
		return Job{}, E(op, TooLarge, "%d assets of %d bytes are too many to stream at once (limits %d assets, %d bytes): ask for a download job instead",
			len(items), bytes, l.opts.MaxSyncEntries, l.opts.MaxSyncBytes)
	}
	now := l.now().UTC()
	j := Job{
		ID: NewID(now), RequesterID: actor.UserID, Name: name, Items: items,
		Options: JobOptions{FolderPerAsset: req.FolderPerAsset, OriginalFallback: true}, Skipped: skipped,
		EntriesTotal: len(items), BytesTotal: bytes, CreatedAt: now, UpdatedAt: now,
	}
	atOnce := req.Stream || (!req.Async && len(items) <= l.opts.SyncMaxAssets && bytes <= l.opts.SyncMaxBytes &&
		l.preparation(renderPixels) <= l.opts.SyncMaxPrep)
	sends, err := l.planSends(ctx, op, actor, to, allowed)
	if err != nil {
		return Job{}, err
	}
	// A queued job takes a slot now, a stream when it opens; a stream that
	// sends checks now too, so that no recipient gets a job for a stream
	// that is then refused.
	if !atOnce || req.Stream && len(sends) > 0 {
		if _, err := l.checkSlots(ctx, op, actor); err != nil {
			return Job{}, err
		}
	}
	if !atOnce {
		// The worker lays the job out (and renders its profiles) when it
		// claims it; until then the inbox shows the estimate.
		j.Status = JobQueued
	} else if err := l.layoutNow(ctx, op, &j, allowed[0].asset); err != nil {
		return Job{}, err
	}
	j.Sent = l.keepSent(sends, j)
	if err := l.store.CreateJob(ctx, j); err != nil {
		return Job{}, wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventArchive,
		Detail: fmt.Sprintf("job %s: %s, %d assets, %d skipped", j.ID, j.Status, len(items), len(skipped))})
	if j.Status == JobQueued {
		l.archives.wake()
	}
	if err := l.send(ctx, op, actor, j, sends); err != nil {
		return Job{}, err
	}
	return j, nil
}

// itemOf is the job item of a selected asset: its current version.
func itemOf(s selected) JobItem {
	return JobItem{AssetID: s.asset.ID, Version: s.asset.Current.Number, Profile: s.profile, Name: s.asset.Name, Dir: s.dir, Crop: s.crop}
}

// preparation estimates how long laying a selection out takes: originals
// cost nothing (their CRC is known), renditions cost their source pixels at
// Options.RenderRate. Cached renditions make the estimate pessimistic,
// which errs towards a job rather than a request that hangs.
func (l *Library) preparation(renderPixels int64) time.Duration {
	secs := float64(renderPixels) / l.opts.RenderRate
	if secs > float64(math.MaxInt64/int64(time.Second)) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(secs * float64(time.Second))
}

// layoutNow makes j a ready job: a single original served as itself, or
// one ZIP laid out now (renditions rendered), whose size and ETag are fixed.
// Assets the profile cannot render move to the skipped list.
func (l *Library) layoutNow(ctx context.Context, op string, j *Job, first Asset) error {
	j.Status = JobReady
	exp := j.CreatedAt.Add(l.opts.ArchiveTTL)
	j.ExpiresAt = &exp
	if len(j.Items) == 1 && len(j.Skipped) == 0 && j.Items[0].Profile == "" && !j.Options.FolderPerAsset {
		v := first.Current
		j.Single, j.Name = true, first.Name
		j.Parts = []JobPart{{Number: 1, Size: v.Size, ETag: originalETag(v), Ready: true}}
		j.EntriesDone, j.BytesTotal, j.BytesDone = 1, v.Size, v.Size
		return nil
	}
	plan, extra, err := l.planWith(ctx, op, *j, 1<<62, nil, true)
	if err != nil {
		return err
	}
	if len(extra) > 0 {
		type file struct{ asset, crop string }
		gone := map[file]bool{}
		for _, x := range extra {
			gone[file{x.AssetID, x.Crop}] = true
		}
		whole := wholeAssets(extra, fileCounts(j.Items))
		j.Items = slices.DeleteFunc(j.Items, func(it JobItem) bool { return gone[file{it.AssetID, it.cropName()}] })
		j.Skipped = mergeSkipped(j.Skipped, whole...)
		if len(j.Items) == 0 {
			return &Error{Op: op, Kind: PermissionDenied, Err: &NothingToDownloadError{Skipped: j.Skipped}}
		}
		if plan, err = l.plan(ctx, op, *j, 1<<62); err != nil {
			return err
		}
	}
	j.Parts = planParts(plan, true)
	j.EntriesTotal, j.BytesTotal = len(j.Items), j.Parts[0].Size
	j.EntriesDone, j.BytesDone = j.EntriesTotal, j.BytesTotal // nothing to prepare: it streams on demand
	return nil
}

func originalETag(v Version) string { return `"sha256-` + v.SHA256 + `"` }

func planParts(p *archive.Plan, ready bool) []JobPart {
	parts := make([]JobPart, len(p.Parts))
	for i, a := range p.Parts {
		size, _ := a.Size()
		entries := a.Len()
		if i == 0 && p.Manifest != nil {
			entries-- // the manifest is no asset
		}
		parts[i] = JobPart{Number: i + 1, Size: size, ETag: a.ETag(), Ready: ready, Assets: entries}
	}
	return parts
}

// selection resolves a request to assets (visible, live, deduplicated, in
// the order asked) and a name for the download. Assets named by ID that the
// actor may not see fail the whole call with NotFound.
func (l *Library) selection(ctx context.Context, op string, actor Actor, req DownloadRequest) ([]selected, string, error) {
	for _, p := range append([]string{req.Profile}, mapValues(req.Profiles)...) {
		if err := checkProfileName(op, p); err != nil {
			return nil, "", err
		}
	}
	if req.Rendition != nil || len(req.Renditions) > 0 {
		var err error
		if req, err = l.customRequest(ctx, op, req); err != nil {
			return nil, "", err
		}
	}
	n := len(req.AssetIDs)
	if req.CollectionID != "" {
		n++
	}
	if req.FolderID != "" {
		n++
	}
	if n == 0 {
		return nil, "", E(op, Invalid, "name the assets, the collection or the folder to download")
	}
	var sel []selected
	seen := map[string]bool{}
	add := func(a Asset, profiles ...string) error {
		if seen[a.ID] {
			return nil
		}
		if len(sel) >= l.opts.MaxArchiveEntries {
			return E(op, TooLarge, "more than %d assets in one download", l.opts.MaxArchiveEntries)
		}
		seen[a.ID] = true
		p := ""
		for _, x := range append([]string{req.Profiles[a.ID]}, profiles...) {
			if x != "" {
				p = x
				break
			}
		}
		if p == "original" {
			p = ""
		}
		sel = append(sel, selected{asset: a, profile: p})
		return nil
	}
	name := "download"
	for _, id := range req.AssetIDs {
		a, err := l.visibleAsset(ctx, op, actor, id)
		if err != nil {
			return nil, "", err
		}
		if err := add(a, req.Profile); err != nil {
			return nil, "", err
		}
	}
	if len(req.AssetIDs) == 1 && n == 1 {
		name = sel[0].asset.Name
	}
	if req.CollectionID != "" {
		c, err := l.ownCollection(ctx, op, actor, req.CollectionID)
		if err != nil {
			return nil, "", err
		}
		name = c.Name
		ids := make([]string, len(c.Items))
		for i, it := range c.Items {
			ids[i] = it.AssetID
		}
		live, err := l.liveAssets(ctx, op, actor, ids)
		if err != nil {
			return nil, "", err
		}
		for _, it := range c.Items {
			a, ok := live[it.AssetID]
			if !ok {
				continue // trashed or hidden from the actor: left out without a word
			}
			if err := add(a, it.Profile, req.Profile, c.DefaultProfile); err != nil {
				return nil, "", err
			}
		}
	}
	if req.FolderID != "" {
		f, err := l.visibleFolder(ctx, op, actor, req.FolderID)
		if err != nil {
			return nil, "", err
		}
		name = f.Name
		fs, err := l.store.Folders(ctx, []string{f.Domain})
		if err != nil {
			return nil, "", wrap(op, Internal, err)
		}
		dirs := folderDirs(fs, f.ID)
		for _, fid := range subtree(fs, f.ID) {
			err := l.folderAssets(ctx, op, actor, fid, func(a Asset) error {
				if err := add(a, req.Profile); err != nil || len(sel) == 0 || sel[len(sel)-1].asset.ID != a.ID {
					return err
				}
				sel[len(sel)-1].dir = dirs[fid]
				return nil
			})
			if err != nil {
				return nil, "", err
			}
		}
	}
	return sel, name, nil
}

// liveAssets reads the live assets of ids that are in the actor's domains,
// a thousand per query rather than one query per asset.
func (l *Library) liveAssets(ctx context.Context, op string, actor Actor, ids []string) (map[string]Asset, error) {
	out := make(map[string]Asset, len(ids))
	if len(actor.Domains) == 0 {
		return out, nil
	}
	const batch = 1000
	for start := 0; start < len(ids); start += batch {
		chunk := ids[start:min(start+batch, len(ids))]
		as, _, err := l.store.Assets(ctx, AssetQuery{Domains: actor.Domains, IDs: chunk, Limit: batch})
		if err != nil {
			return nil, wrap(op, Internal, err)
		}
		for _, a := range as {
			out[a.ID] = a
		}
	}
	return out, nil
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// folderDirs maps every folder below root to its path from root
// ("Shoots/2026"); root's own is "".
func folderDirs(fs []Folder, root string) map[string]string {
	byID := make(map[string]Folder, len(fs))
	for _, f := range fs {
		byID[f.ID] = f
	}
	dirs := map[string]string{root: ""}
	var dir func(id string, depth int) string
	dir = func(id string, depth int) string {
		if d, ok := dirs[id]; ok {
			return d
		}
		f, ok := byID[id]
		if !ok || depth > len(fs) {
			return "" // not below root (or a cycle): no path
		}
		parent := dir(f.ParentID, depth+1)
		d := f.Name
		if parent != "" {
			d = parent + "/" + f.Name
		}
		dirs[id] = d
		return d
	}
	for _, id := range subtree(fs, root) {
		dir(id, 0)
	}
	return dirs
}

// subtree returns root and every folder below it, parents before children,
// siblings in ID order.
func subtree(fs []Folder, root string) []string {
	children := map[string][]string{}
	for _, f := range fs {
		children[f.ParentID] = append(children[f.ParentID], f.ID)
	}
	out := []string{root}
	for i := 0; i < len(out); i++ {
		kids := children[out[i]]
		slices.Sort(kids)
		out = append(out, kids...)
	}
	return out
}

// folderAssets calls fn for every live asset directly in folder fid.
func (l *Library) folderAssets(ctx context.Context, op string, actor Actor, fid string, fn func(Asset) error) error {
	cursor := ""
	for {
		as, next, err := l.store.Assets(ctx, AssetQuery{Domains: actor.Domains, FolderID: &fid, Cursor: cursor, Limit: 1000})
		if err != nil {
			return wrap(op, Internal, err)
		}
		for _, a := range as {
			if err := fn(a); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		cursor = next
	}
}

// decideSelection asks the policy about the whole selection and splits it
// into what may be downloaded and what is skipped (with the reason).
func (l *Library) decideSelection(ctx context.Context, op string, actor Actor, sel []selected) ([]selected, []SkippedAsset, error) {
	decisions, acc, err := l.decisions(ctx, op, actor, sel)
	if err != nil {
		return nil, nil, err
	}
	var allowed []selected
	var skipped []SkippedAsset
	var licences []LicenceRef
	files := make(map[string]int, len(sel))
	for i, d := range decisions {
		files[sel[i].asset.ID]++
		switch {
		case d.Allowed:
			allowed = append(allowed, sel[i])
		case d.Reason == policy.ReasonLicenceRequired:
			licences = addLicenceRefs(licences, acc.refusal(op, sel[i].asset, d))
		case d.Hidden():
			// Never reached for assets named by ID (visibleAsset answered
			// NotFound); collection and folder members are left out unseen.
		default:
			s := skipOf(sel[i].asset, d)
			s.Crop = sel[i].cropName()
			skipped = append(skipped, s)
		}
	}
	skipped = wholeAssets(skipped, files)
	if len(licences) > 0 {
		// Accepting is one call per licence; leaving the assets out instead
		// would hand over an archive the user did not ask for.
		return nil, nil, &Error{Op: op, Kind: LicenceRequired, Err: &LicenceError{Licences: licences}}
	}
	return allowed, skipped, nil
}

// decisions asks the policy about every asset of a selection for actor,
// one Filter call per domain and profile, and returns what it loaded.
func (l *Library) decisions(ctx context.Context, op string, actor Actor, sel []selected) ([]policy.Decision, *access, error) {
	ids := make([]string, len(sel))
	for i, s := range sel {
		ids[i] = s.asset.ID
	}
	acc, err := l.loadAccess(ctx, op, actor, ids)
	if err != nil {
		return nil, nil, err
	}
	type group struct{ domain, profile string }
	groups := map[group][]int{}
	var order []group
	for i, s := range sel {
		g := group{s.asset.Domain, s.profile}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], i)
	}
	decisions := make([]policy.Decision, len(sel))
	for _, g := range order {
		idx := groups[g]
		assets := make([]policy.Asset, len(idx))
		for k, i := range idx {
			assets[k] = policyAsset(sel[i].asset)
		}
		in := acc.input(actor, sel[idx[0]].asset, policy.ActionDownload, g.profile)
		for k, d := range policy.Filter(in, assets, nil) {
			decisions[idx[k]] = d
		}
	}
	return decisions, acc, nil
}

// skipOf explains why an asset is left out of a download.
func skipOf(a Asset, d policy.Decision) SkippedAsset {
	msg := ErrorMessage(refusal("", a, d))
	var re *RefusalError
	if errors.As(refusal("", a, d), &re) {
		msg = re.Msg
	}
	return SkippedAsset{Skipped: Skipped{AssetID: a.ID, Reason: string(d.Reason), Message: msg}, Name: a.Name}
}

func skippedList(s []SkippedAsset) string {
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = x.Name + ": " + x.Message
	}
	return strings.Join(parts, "; ")
}
