package dam

import (
	"context"
	"time"
)

// JobStatus is where a download job stands.
type JobStatus string

// The job states. A synchronous download is ready at once (its archive is
// rebuilt on the fly from the stored selection); an asynchronous one is
// queued, running, then done or failed; both expire after Options.ArchiveTTL.
const (
	JobReady   JobStatus = "ready"
	JobQueued  JobStatus = "queued"
	JobRunning JobStatus = "running"
	JobDone    JobStatus = "done"
	JobFailed  JobStatus = "failed"
	JobExpired JobStatus = "expired"
)

// JobItem is one resolved entry of a download: the asset, the version it
// had when asked for (so a rebuilt archive is byte-identical) and the
// export profile ("" is the original).
type JobItem struct {
	AssetID string `json:"asset_id"`
	Version int    `json:"version"`
	Profile string `json:"profile,omitempty"`
	Name    string `json:"name"` // the asset's name when asked for: the entry name
	// Dir is the folder path of the asset inside a downloaded folder
	// ("" at its top, "Shoots/2026" below): a folder download keeps its tree.
	Dir string `json:"dir,omitempty"`
	// Crop marks one of the asset's smart crops (Profile.SmartCrop): its
	// entry is named after the profile ("photo_square.jpg"), and an asset
	// the profile cannot render is left out rather than sent as its original.
	Crop bool `json:"crop,omitempty"`
}

// entryNames are the names of an item's entry in a ZIP: name, the path of
// the file, and asset, the asset's label (with folder per asset, the
// folder it goes in). The folder path goes before whichever is outermost.
func (it JobItem) entryNames(name string, folderPerAsset bool) (entry, asset string) {
	if it.Dir == "" {
		return name, it.Name
	}
	if folderPerAsset {
		return name, it.Dir + "/" + it.Name
	}
	return it.Dir + "/" + name, it.Name
}

// JobPart is one ZIP file of a download. Size and ETag are known from the
// layout before any byte is written; Ready says it can be fetched.
type JobPart struct {
	Number int    `json:"number"`
	Size   int64  `json:"size"`
	ETag   string `json:"etag,omitempty"`
	Ready  bool   `json:"ready"`
	// Assets is how many assets the part holds (its manifest aside),
	// known from the layout: all finished once the part is ready.
	Assets int `json:"assets,omitempty"`
}

// SkippedAsset is an asset left out of a download, with its name (the
// message repeats it, for people reading the manifest).
type SkippedAsset struct {
	Skipped
	Name string `json:"name"`
	// Crop names the smart crop left out when the asset's other files
	// went in ("" when the whole asset was left out).
	Crop string `json:"crop,omitempty"`
}

// JobOptions are the archive options a requester chose.
type JobOptions struct {
	FolderPerAsset bool `json:"folder_per_asset,omitempty"`
	// OriginalFallback: an asset no engine renders in the item's export
	// profile (a text file, a PDF without an engine) goes in as its
	// original, the manifest saying so, instead of being skipped. Set for
	// users' downloads, whose permission does not depend on the profile.
	OriginalFallback bool `json:"original_fallback,omitempty"`
}

// Job is a download of one or more assets: what was asked and resolved,
// how far its archive is, and where its parts are.
type Job struct {
	ID           string         `json:"id"`
	RequesterID  string         `json:"requester_id"`
	Name         string         `json:"name"` // base of the file names offered to the browser
	Items        []JobItem      `json:"items"`
	Options      JobOptions     `json:"options"`
	Status       JobStatus      `json:"status"`
	Single       bool           `json:"single"` // one original served as itself, without a ZIP
	EntriesTotal int            `json:"entries_total"`
	EntriesDone  int            `json:"entries_done"`
	BytesTotal   int64          `json:"bytes_total"`
	BytesDone    int64          `json:"bytes_done"`
	Parts        []JobPart      `json:"parts"`
	Skipped      []SkippedAsset `json:"skipped"`
	Attempts     int            `json:"attempts"`
	ClaimedBy    string         `json:"-"`
	Heartbeat    *time.Time     `json:"-"`
	Error        string         `json:"error,omitempty"`
	// SentBy is set on an archive another user sent to its requester
	// (DownloadRequest.SendTo): who sent it.
	SentBy *Sender `json:"sent_by,omitempty"`
	// Sent lists, on the sender's own job, the archives sent with it.
	Sent []Sent `json:"sent,omitempty"`
	// Guest is set on a job a share's guest or a portal's visitor asked
	// for through their link (guestjobs.go); its RequesterID is then
	// GuestRequester's or VisitorRequester's, never a user's.
	Guest     *JobGuest  `json:"guest,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// AssetCount is how many assets the job holds (with smart crops, an
// asset may have several items).
func (j Job) AssetCount() int {
	seen := make(map[string]bool, len(j.Items))
	for _, it := range j.Items {
		seen[it.AssetID] = true
	}
	return len(seen)
}

// Active reports whether the job still holds a slot of its requester's
// concurrent-archive limit (of its sender's Options.MaxSentArchives for a
// job sent by another user).
func (j Job) Active() bool { return j.Status == JobQueued || j.Status == JobRunning }

// JobStore keeps download jobs. Claiming and every later state change are
// compare-and-set on the status (and the claiming worker), so two workers
// never build the same job and a worker that lost its claim cannot
// overwrite the job.
type JobStore interface {
	CreateJob(ctx context.Context, j Job) error
	Job(ctx context.Context, id string) (Job, error)
	// Jobs lists a requester's jobs newest first, returning the next cursor.
	Jobs(ctx context.Context, requesterID, cursor string, limit int) ([]Job, string, error)
	// ActiveJobs counts a requester's queued and running jobs, leaving out
	// those other users sent them (they count against their sender).
	ActiveJobs(ctx context.Context, requesterID string) (int, error)
	// ActiveSentJobs counts the queued and running jobs senderID sent to
	// other users (Job.SentBy).
	ActiveSentJobs(ctx context.Context, senderID string) (int, error)
	// ActiveGuestJobs counts the queued and running jobs of a requester
	// whatever they count against: a guest's or visitor's jobs (which
	// count against their sharer too, Job.Guest.SharerID as their sender).
	ActiveGuestJobs(ctx context.Context, requesterID string) (int, error)
	// ClaimJob moves the oldest queued job to running for worker, counting
	// an attempt and setting the heartbeat; NotFound when none is queued.
	ClaimJob(ctx context.Context, worker string, at time.Time) (Job, error)
	// UpdateJob writes j's mutable fields if the stored job is still in
	// status from and claimed by j.ClaimedBy (Conflict otherwise).
	UpdateJob(ctx context.Context, j Job, from JobStatus) error
	// RequeueStaleJobs puts running jobs whose heartbeat is older than
	// before back in the queue, or fails those that used maxAttempts (their
	// record then expires at expires).
	RequeueStaleJobs(ctx context.Context, before time.Time, maxAttempts int, at, expires time.Time) (requeued, failed int, err error)
	// ExpiredJobs lists jobs past their expiry that are not yet marked expired.
	ExpiredJobs(ctx context.Context, at time.Time, limit int) ([]Job, error)
	DeleteJob(ctx context.Context, id string) error
}
