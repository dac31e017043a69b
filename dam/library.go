package dam

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/damkit/damkit/rendition"
	"github.com/damkit/damkit/share"
	"github.com/damkit/damkit/storage"
)

// Options tunes a Library. The zero value of every field is a sane default.
type Options struct {
	MaxUploadSize  int64         // bytes per upload; default 5 GiB
	TrashRetention time.Duration // how long trashed assets stay restorable; default 30 days
	// EventRetention is how long the usage log keeps an event: the sweep
	// (Run) deletes older ones. Default 365 days; negative keeps them for
	// ever. Export the log first to keep it longer elsewhere.
	EventRetention time.Duration
	TempMaxAge     time.Duration // unfinished upload leftovers older than this are swept; default 24 h
	// DeadTempAge: at start (Run, SweepDeadLeftovers) the staged bytes of
	// other processes untouched for this long are swept at once, since a
	// live upload touches them as its bytes arrive; default 10 min.
	DeadTempAge     time.Duration
	MaxNameLength   int           // runes in an asset or folder name; default 255
	MaxEXIFBytes    int64         // bytes of an image's head scanned for EXIF; default 1 MiB
	SweepInterval   time.Duration // how often Run sweeps the trash and leftovers; default 1 h
	DefaultPageSize int           // listing page size; default 100 (max 1000)
	// Notifiers deliver notifications besides the in-app inbox (e.g. an
	// EmailNotifier). nil: inbox only. A user's notification preferences
	// (the "email" choice per kind) skip every Notifier for that user.
	Notifiers []Notifier
	// Links builds the URLs notifications point to; nil: messages carry no links.
	Links Links

	// Downloads of several assets (downloads.go, jobs.go). A selection of at
	// most SyncMaxAssets assets and SyncMaxBytes bytes is served at once
	// (default 10 and 100 MB, as reference page 004); a larger one becomes
	// an asynchronous job whose parts are built into the bucket.
	SyncMaxAssets int
	SyncMaxBytes  int64
	// SyncMaxPrep: a selection whose preparation is expected to take longer
	// (default 30 s, as reference page 004) becomes a job too. The estimate
	// counts the source pixels of the renditions at RenderRate pixels a
	// second (default 20 million).
	SyncMaxPrep time.Duration
	RenderRate  float64
	// MaxSyncEntries and MaxSyncBytes cap a ZIP a client insists on
	// streaming at once (default 1,000 entries and 10 GB).
	MaxSyncEntries int
	MaxSyncBytes   int64
	// MaxArchiveBytes and MaxArchiveEntries cap one download request
	// (default 1 TB and 100,000 entries).
	MaxArchiveBytes   int64
	MaxArchiveEntries int
	// MaxPartSize caps each ZIP part of an asynchronous job (default 100 GB).
	MaxPartSize int64
	// MaxConcurrentArchives caps, per user, the synchronous archives being
	// streamed plus the queued and running jobs (default 2); and, per guest
	// of a share (not per share), the share's ZIPs being streamed.
	MaxConcurrentArchives int
	// MaxArchiveConnections caps the connections reading one archive part
	// at once (default 16): a download manager's ranges count as one
	// download of MaxConcurrentArchives.
	MaxArchiveConnections int
	// MinTransferRate (bytes a second, default 16 KiB; negative: none) is
	// the slowest an archive stream holding one of those slots may read,
	// averaged over MinRateWindow (default 30 s); a slower one is dropped
	// and its slot freed.
	MinTransferRate int64
	MinRateWindow   time.Duration
	// Streams under way check access again every RecheckInterval (default
	// 5 s) or RecheckBytes (default 8 MiB), whichever comes first, and stop
	// once it is gone: a revoked grant, a removed guest, a disabled share.
	// A part of a job of n > 100 assets, whose check asks about each of
	// them, is checked n/100 times less often.
	RecheckInterval time.Duration
	RecheckBytes    int64
	// RenditionMemory is how many bytes of small renditions (at most 64
	// KiB each: thumbnails, web previews) a Library keeps in memory to
	// serve them without opening a file (default 8 MiB; negative: none).
	RenditionMemory int64
	// ArchiveTTL is how long a download stays fetchable (default 7 days).
	ArchiveTTL time.Duration
	// JobPollInterval is how often RunJobs looks for queued jobs and
	// expired archives (default 2 s).
	JobPollInterval time.Duration
	// JobStaleAfter is how long a running job may go without a heartbeat
	// before it is requeued (default 5 min); after MaxJobAttempts claims
	// (default 3) it fails instead.
	JobStaleAfter  time.Duration
	MaxJobAttempts int
	// JobProgressInterval is how often a running job saves the bytes it
	// has written, for the people watching it (default 2 s).
	JobProgressInterval time.Duration
	// MaxSendTo bounds the users one download names in SendTo (default
	// 20). MaxSentArchives bounds, per sender, the archives sent to others
	// that are queued or being built (default 20): sent archives count
	// against their sender, never against the recipient's
	// MaxConcurrentArchives, so nobody can use up someone else's slots.
	MaxSendTo       int
	MaxSentArchives int
	// MaxGuestArchives caps, per guest of a share (per visitor of a
	// portal), the background archives queued or being built for them
	// (default 2, guestjobs.go); each also counts against the sharer's
	// MaxSentArchives.
	MaxGuestArchives int

	// Renditions (renditions.go). MaxRenders bounds the renders running at
	// once (default GOMAXPROCS); RenderQueue bounds those waiting for a slot
	// (default 4*MaxRenders, negative: none wait); past it callers get
	// ResourceExhausted. Engines are tried before the built-in pure-Go one,
	// so a host can render more media types (or use libvips). RenderLimits
	// bound each render (zero fields: the rendition package's defaults).
	// WatermarkText is drawn over protected previews (default "PROTECTED").
	MaxRenders    int
	RenderQueue   int
	Engines       []rendition.Engine
	RenderLimits  rendition.Limits
	WatermarkText string

	// PresignedDownloads, when > 0 and the bucket can sign URLs (S3, GCS,
	// Azure), makes Open return a presigned URL valid that long (60 s is a
	// good choice) in Download.SignedURL, so the bytes of an original go
	// from the bucket straight to the client. The policy still decides
	// first, but a URL handed out cannot be revoked before it expires.
	PresignedDownloads time.Duration

	// Shares (shares.go). ShareDurations are the durations a sharer picks
	// from (nil: 1, 2, 3, 5, 7, 14 and 28 days, which Library.Options then
	// lists); ShareExpiryNotice is how long before the end the sharer is
	// told (default 24 h); MaxGuestsPerCall bounds the guests invited at
	// once (default 50).
	ShareDurations    share.Durations
	ShareExpiryNotice time.Duration
	MaxGuestsPerCall  int

	// MaxLicenceText bounds a licence text in bytes (default 64 KiB).
	MaxLicenceText int

	// Categories (categories.go). MaxCategoryDepth bounds how deep the tree
	// nests (default 10 levels), MaxCategories how many categories the
	// library holds (default 10,000), MaxAssetCategories how many
	// categories one asset is in (default 100).
	MaxCategoryDepth   int
	MaxCategories      int
	MaxAssetCategories int

	// Sessions of the web interface (sessions.go): a session ends after
	// SessionIdle without use (default 7 days) or SessionMaxAge after
	// sign-in (default 30 days); an emailed sign-in link works once within
	// SignInLinkTTL (default 15 minutes).
	SessionIdle   time.Duration
	SessionMaxAge time.Duration
	SignInLinkTTL time.Duration

	// Webhooks (webhooks.go). WebhookSender makes their HTTP requests
	// (damhttp.NewWebhookSender; nil: RunWebhooks refuses to start).
	// WebhookAllowPrivate lets endpoints' URLs name private and loopback
	// addresses (give the sender the same choice). A delivery is retried
	// with exponential backoff from WebhookBackoff (default 30 s) for
	// WebhookRetryFor (default 24 h); an endpoint none of whose deliveries
	// got through in that time is disabled and its owner told.
	// WebhookPollInterval (default 1 s) is how often RunWebhooks looks
	// for work; WebhookLease (default 1 min) how long a claimed delivery
	// is a worker's before another may retry it; WebhookSettle (default
	// 5 s) how long events are read again in case one committed late;
	// WebhookConcurrency (default 8) the requests one process makes at
	// once; WebhookLogRetention (default 30 days) how long finished
	// deliveries stay in the log.
	WebhookSender       WebhookSender
	WebhookAllowPrivate bool
	WebhookBackoff      time.Duration
	WebhookRetryFor     time.Duration
	WebhookPollInterval time.Duration
	WebhookLease        time.Duration
	WebhookSettle       time.Duration
	WebhookConcurrency  int
	WebhookLogRetention time.Duration
}

func (o *Options) withDefaults() Options {
	var v Options
	if o != nil {
		v = *o
	}
	if v.MaxUploadSize <= 0 {
		v.MaxUploadSize = 5 << 30
	}
	if v.TrashRetention <= 0 {
		v.TrashRetention = 30 * 24 * time.Hour
	}
	if v.EventRetention == 0 {
		v.EventRetention = 365 * 24 * time.Hour
	}
	if v.TempMaxAge <= 0 {
		v.TempMaxAge = 24 * time.Hour
	}
	if v.DeadTempAge <= 0 {
		v.DeadTempAge = 10 * time.Minute
	}
	if v.MaxNameLength <= 0 {
		v.MaxNameLength = 255
	}
	if v.MaxEXIFBytes <= 0 {
		v.MaxEXIFBytes = 1 << 20
	}
	if v.SweepInterval <= 0 {
		v.SweepInterval = time.Hour
	}
	if v.DefaultPageSize <= 0 {
		v.DefaultPageSize = 100
	}
	v.downloadDefaults()
	v.guestJobDefaults()
	v.shareDefaults()
	setDefault(&v.MaxLicenceText, DefaultMaxLicenceText)
	v.categoryDefaults()
	v.webhookDefaults()
	setDefault(&v.SessionIdle, 7*24*time.Hour)
	setDefault(&v.SessionMaxAge, 30*24*time.Hour)
	setDefault(&v.SignInLinkTTL, 15*time.Minute)
	if v.MaxRenders <= 0 {
		v.MaxRenders = runtime.GOMAXPROCS(0)
	}
	if v.RenderQueue == 0 {
		v.RenderQueue = 4 * v.MaxRenders
	}
	if v.WatermarkText == "" {
		v.WatermarkText = DefaultWatermarkText
	}
	return v
}

// Clock tells the time; tests give a fixed or stepping one.
type Clock func() time.Time

// Library is the one service type of damkit: every operation on assets,
// folders, collections and the usage log goes through it. It is safe for
// concurrent use.
type Library struct {
	store  Store
	bucket *storage.Bucket
	now    Clock
	opts   Options
	log    *slog.Logger
	// renders runs and deduplicates renditions (renderqueue.go).
	renders *renderQueue
	// auth keeps the actors of API keys and sessions (authcache.go).
	auth authCache
	// access keeps the settings, licences, acceptances and folder trees
	// (accesscache.go).
	access accessCache
	// listing keeps encoded pages of Assets (listcache.go).
	listing listingCache
	// fragments keeps each asset's encoding for listing pages
	// (listfragments.go).
	fragments fragmentCache
	// assets keeps assets read by the download and preview paths (listcache.go).
	assets assetCache
	// small keeps small renditions' bytes (renditionbytes.go).
	small renditionBytes
	// events commits the usage events of concurrent requests together
	// (eventlog.go).
	events eventWriter

	closeOnce sync.Once
	closers   []io.Closer

	archives archiveState // concurrent streams per user, the job worker's wake-up
	// passwords counts wrong share passwords per share (sharepassword.go).
	passwords *share.Limiter
}

// New builds a Library from its parts. clock and log may be nil (wall clock,
// discarded logs); opts nil means defaults. The Library does not own store
// and bucket: closing it leaves them open.
func New(store Store, bucket *storage.Bucket, clock Clock, log *slog.Logger, opts *Options) *Library {
	if clock == nil {
		clock = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	o := opts.withDefaults()
	return &Library{store: store, bucket: bucket, now: clock, opts: o, log: log, renders: newRenderQueue(o),
		passwords: share.NewLimiter(&share.LimiterOptions{Rate: passwordRate, Burst: passwordBurst, MaxKeys: passwordMaxKeys})}
}

// Config opens a Library by URL, the common case.
type Config struct {
	StoreURL  string // e.g. sqlite:///var/lib/damkit/dam.db or postgres://...
	BucketURL string // e.g. file:///var/lib/damkit/blobs, mem://, s3://bucket?region=...
	Logger    *slog.Logger
	Clock     Clock
	Options   *Options
	// OpenStore opens StoreURL. dam cannot import dam/sqlstore (it imports
	// dam), so the host wraps sqlstore.Open:
	//	func(ctx context.Context, url string) (dam.Store, error) { return sqlstore.Open(ctx, url, nil) }
	OpenStore func(ctx context.Context, url string) (Store, error)
}

// Open opens the store and the bucket named in cfg. Closing the Library
// closes both.
func Open(ctx context.Context, cfg Config) (*Library, error) {
	const op = "dam.Open"
	if cfg.OpenStore == nil {
		return nil, E(op, Invalid, "Config.OpenStore is required (wrap sqlstore.Open)")
	}
	st, err := cfg.OpenStore(ctx, cfg.StoreURL)
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	b, err := storage.Open(ctx, cfg.BucketURL)
	if err != nil {
		_ = st.Close()
		return nil, wrap(op, Invalid, err)
	}
	l := New(st, b, cfg.Clock, cfg.Logger, cfg.Options)
	l.closers = []io.Closer{b, st}
	return l, nil
}

// Close releases what Open opened.
func (l *Library) Close() error {
	var first error
	l.closeOnce.Do(func() {
		for _, c := range l.closers {
			if err := c.Close(); err != nil && first == nil {
				first = err
			}
		}
	})
	return first
}

// Store returns the metadata store (for hosts that run reports).
func (l *Library) Store() Store { return l.store }

// Bucket returns the blob bucket.
func (l *Library) Bucket() *storage.Bucket { return l.bucket }

// Now returns the time on the Library's clock (New's clock argument), so
// that hosts' rate limits follow the same clock as the Library.
func (l *Library) Now() time.Time { return l.now() }

// Options returns the effective options.
func (l *Library) Options() Options { return l.opts }

// Run performs the periodic sweeps (trash purge, upload leftovers) until ctx
// is done. Hosts run it in a goroutine. With several processes on one
// store, only the one holding the sweep lease sweeps.
func (l *Library) Run(ctx context.Context) error {
	t := time.NewTicker(l.opts.SweepInterval)
	defer t.Stop()
	holder := "sweeper-" + processName() + "-" + NewID(l.now())
	defer l.releaseLease(leaseSweep, holder)
	if _, err := l.SweepDeadLeftovers(ctx); err != nil && ctx.Err() == nil {
		l.log.Error("sweep of dead uploads failed", "err", err)
	}
	for {
		if _, err := l.sweepLeased(ctx, holder); err != nil && ctx.Err() == nil {
			l.log.Error("sweep failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// SweepDeadLeftovers deletes the staged upload bytes of processes that
// died mid-upload (a crash, SIGKILL): those of other processes untouched
// for Options.DeadTempAge. Run calls it once at start; the periodic sweep
// still removes anything older than TempMaxAge. It returns how many it
// deleted. Every process may run it: it never touches its own uploads.
func (l *Library) SweepDeadLeftovers(ctx context.Context) (int, error) {
	n, err := l.bucket.SweepDeadTemp(ctx, l.now().Add(-l.opts.DeadTempAge))
	if err != nil {
		return n, wrap("dam.SweepDeadLeftovers", Internal, err)
	}
	if n > 0 {
		l.log.Info("swept uploads of dead processes", "leftovers", n)
	}
	return n, nil
}

// maxPageSize bounds every listing's page.
const maxPageSize = 1000

// page checks a listing's cursor (an ID) and limit, and returns the limit
// with the default page size applied.
func (l *Library) page(op, cursor string, limit int) (int, error) {
	if cursor != "" && !validID(cursor) {
		return 0, E(op, Invalid, "bad cursor")
	}
	if limit <= 0 {
		limit = l.opts.DefaultPageSize
	}
	if limit > maxPageSize {
		return 0, E(op, Invalid, "limit must be at most %d", maxPageSize)
	}
	return limit, nil
}

// record appends usage events, logging (not failing) when the log cannot be
// written: the operation itself has already happened. It returns once they
// are committed, in one transaction with those of the requests recording
// at the same time (eventlog.go).
func (l *Library) record(ctx context.Context, es ...Event) {
	now := l.now().UTC()
	for i := range es {
		if es[i].ID == "" {
			es[i].ID = NewID(now)
		}
		if es[i].Time.IsZero() {
			es[i].Time = now
		}
	}
	if err := l.events.append(context.WithoutCancel(ctx), l.store, es); err != nil {
		l.log.Error("usage log write failed", "err", err, "events", len(es))
	}
}
