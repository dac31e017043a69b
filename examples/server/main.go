// Command server is damkit's reference server: the dam library behind its
// HTTP API, with SQLite and file storage by default.
//
//	go run ./examples/server            # 127.0.0.1:8080, data in the user's data directory
//	go run ./examples/server -demo      # the same, seeded with a small library
//
// Every flag also reads an environment variable (DAMKIT_ADDR, DAMKIT_DATA,
// DAMKIT_STORE, DAMKIT_BUCKET, DAMKIT_ADMIN_KEY, ...).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "gocloud.dev/blob/s3blob" // s3:// buckets (S3 and S3-compatible servers)

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/dam/damweb"
	"github.com/damkit/damkit/dam/sqlstore"
)

// config is the server's settings, from flags and environment.
type config struct {
	addr, data, store, bucket  string
	adminKey, adminEmail       string
	demo                       bool
	maxUpload                  byteSize
	trashRetention, tempMaxAge time.Duration
	eventRetention             time.Duration
	logLevel                   string
	smtp, baseURL              string
	maxPartSize                byteSize
	maxArchiveBytes            byteSize
	maxArchiveEntries          int
	maxGuestArchives           int
	archiveTTL                 time.Duration
	maxArchives                int
	maxSendTo, maxSent         int
	maxLicenceText             int
	maxRenders                 int
	watermarkText              string
	// Several processes (multiprocess_test.go): how often the sweeps and
	// the job worker run, when a silent worker's job is taken over, and
	// presigned direct downloads.
	sweepInterval, jobPoll, jobStaleAfter, presign time.Duration
	debugAddr                                      string // net/http/pprof (debug.go)
	// webhooksAllowPrivate lets webhook endpoints be private addresses.
	webhooksAllowPrivate bool
	emailTemplates       string
	webhookLease         time.Duration
}

func parseConfig(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen address (DAMKIT_ADDR)")
	fs.StringVar(&c.data, "data", "", "data folder for the default store and bucket (DAMKIT_DATA; default $XDG_DATA_HOME/damkit, ~/.local/share/damkit, or the platform's equivalent)")
	fs.StringVar(&c.store, "store", "", "metadata store URL: sqlite://path or postgres://... (DAMKIT_STORE; default sqlite://<data>/dam.db)")
	fs.StringVar(&c.bucket, "bucket", "", "blob bucket URL: file://, mem://, s3://... (DAMKIT_BUCKET; default file://<data>/blobs)")
	fs.StringVar(&c.adminKey, "admin-key", "", "API key of the first owner, created on first start (DAMKIT_ADMIN_KEY; default random, printed once)")
	fs.StringVar(&c.adminEmail, "admin-email", "admin@example.com", "email of the first owner (DAMKIT_ADMIN_EMAIL)")
	fs.BoolVar(&c.demo, "demo", false, "seed a small demo library on first start (DAMKIT_DEMO)")
	fs.Var(&c.maxUpload, "max-upload", "maximum upload size: bytes, or with a unit such as 500MB or 5GiB (DAMKIT_MAX_UPLOAD; default 5GiB)")
	fs.DurationVar(&c.trashRetention, "trash-retention", 0, "how long deleted assets stay restorable (DAMKIT_TRASH_RETENTION; default 720h)")
	fs.DurationVar(&c.eventRetention, "event-retention", 0, "how long the usage log keeps an event; older ones are swept, negative keeps them for ever (DAMKIT_EVENT_RETENTION; default 8760h)")
	fs.DurationVar(&c.tempMaxAge, "temp-max-age", 0, "staged bytes of unfinished uploads older than this are swept; those of processes that died are swept at start after 10m (DAMKIT_TEMP_MAX_AGE; default 24h)")
	fs.StringVar(&c.smtp, "smtp", "", "where email notifications go: smtp://user:pass@mail:587?from=dam@example.com, or for development log: (to the log) or file:DIR (one .eml file per message) (DAMKIT_SMTP; default: in-app inbox only)")
	fs.StringVar(&c.baseURL, "base-url", "", "public URL of this server, for links in notifications (DAMKIT_BASE_URL; default http://<addr>)")
	fs.Var(&c.maxPartSize, "max-part-size", "size cap of each ZIP part of a download job, e.g. 1GB (DAMKIT_MAX_PART_SIZE; default 100GB)")
	fs.Var(&c.maxArchiveBytes, "max-archive-bytes", "largest download of several assets, all its parts together, e.g. 500GB (DAMKIT_MAX_ARCHIVE_BYTES; default 1TB)")
	fs.IntVar(&c.maxArchiveEntries, "max-archive-entries", 0, "most assets in one download of several (DAMKIT_MAX_ARCHIVE_ENTRIES; default 100000)")
	fs.IntVar(&c.maxGuestArchives, "max-guest-archives", 0, "background downloads under way per share guest or portal visitor (DAMKIT_MAX_GUEST_ARCHIVES; default 2)")
	fs.DurationVar(&c.archiveTTL, "archive-ttl", 0, "how long a prepared download stays fetchable (DAMKIT_ARCHIVE_TTL; default 168h)")
	fs.IntVar(&c.maxArchives, "max-concurrent-archives", 0, "downloads of several assets under way per user (DAMKIT_MAX_CONCURRENT_ARCHIVES; default 2)")
	fs.IntVar(&c.maxSendTo, "max-send-to", 0, "users one download may be sent to (send_to) (DAMKIT_MAX_SEND_TO; default 20)")
	fs.IntVar(&c.maxSent, "max-sent-archives", 0, "archives sent to others still being built, per sender (DAMKIT_MAX_SENT_ARCHIVES; default 20)")
	fs.IntVar(&c.maxLicenceText, "max-licence-text", 0, "bytes of a licence text (DAMKIT_MAX_LICENCE_TEXT; default 65536)")
	fs.IntVar(&c.maxRenders, "max-renders", 0, "renditions made at once; 4x more may wait, the rest get 429 (DAMKIT_MAX_RENDERS; default: the number of CPUs)")
	fs.StringVar(&c.watermarkText, "watermark-text", "", "text tiled over protected previews when the library shows watermarks (DAMKIT_WATERMARK_TEXT; default PROTECTED)")
	fs.DurationVar(&c.sweepInterval, "sweep-interval", 0, "how often the trash is purged, by one process of those sharing a store (DAMKIT_SWEEP_INTERVAL; default 1h)")
	fs.DurationVar(&c.jobPoll, "job-poll", 0, "how often the job worker looks for queued downloads queued by other processes (DAMKIT_JOB_POLL; default 2s)")
	fs.DurationVar(&c.jobStaleAfter, "job-stale-after", 0, "how long a download job may go without a heartbeat before another worker takes it over (DAMKIT_JOB_STALE_AFTER; default 5m)")
	fs.DurationVar(&c.presign, "presign", 0, "answer original downloads with a 302 to a presigned bucket URL valid this long, e.g. 60s; such a URL cannot be revoked before it expires (DAMKIT_PRESIGN; default off)")
	fs.StringVar(&c.debugAddr, "debug-addr", "", "serve Go's profiles (net/http/pprof, CPU, block and mutex) on this address, e.g. 127.0.0.1:6060; never a public one (DAMKIT_DEBUG_ADDR; default off)")
	fs.StringVar(&c.emailTemplates, "email-templates", "", "a directory of email templates replacing the built-in ones: KIND.html and KIND.txt per notification kind, default.html and default.txt for the rest (DAMKIT_EMAIL_TEMPLATES; the data they get: go doc dam.EmailData)")
	fs.BoolVar(&c.webhooksAllowPrivate, "webhooks-allow-private", false, "let webhook endpoints be private, loopback or link-local addresses (an endpoint on this host or network); off, such URLs are refused and connections to them cut at dial time (DAMKIT_WEBHOOKS_ALLOW_PRIVATE)")
	fs.DurationVar(&c.webhookLease, "webhook-lease", 0, "how long a webhook delivery is one process's before another retries it (a process killed mid-delivery); keep it above the 10s request timeout (DAMKIT_WEBHOOK_LEASE; default 1m)")
	fs.StringVar(&c.logLevel, "log-level", "info", "debug, info, warn or error (DAMKIT_LOG_LEVEL)")
	// Every flag also reads DAMKIT_<NAME> (dashes as underscores); the
	// command line wins. A value the flag cannot parse is an error, not a
	// silent default.
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		name := "DAMKIT_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok && envErr == nil {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("%s=%q: %w", name, v, err)
			}
		}
	})
	if envErr != nil {
		return c, envErr
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.data == "" {
		d, err := defaultDataDir(runtime.GOOS, os.Getenv, os.UserHomeDir)
		if err != nil {
			return c, err
		}
		c.data = d
	}
	abs, err := filepath.Abs(c.data)
	if err != nil {
		return c, err
	}
	c.data = abs
	if c.store == "" {
		c.store = "sqlite://" + filepath.Join(abs, "dam.db")
	}
	if c.bucket == "" {
		c.bucket = "file://" + filepath.ToSlash(filepath.Join(abs, "blobs"))
	}
	return c, nil
}

// defaultDataDir is where the server keeps its library when -data is not
// given: the user's data directory, as self-hosted servers and desktop
// tools installed per user do ($XDG_DATA_HOME/damkit, else
// ~/.local/share/damkit on Linux and the BSDs; ~/Library/Application
// Support/damkit on macOS; %LocalAppData%\damkit on Windows).
//
// Not the working directory: started from a source checkout (the README's
// first command), a ./damkit-data folder would land among the sources,
// where tests that walk the tree trip over it and `git clean` deletes a
// library. Not os.UserConfigDir either, on Linux: ~/.config is for
// settings, and a library of assets is data. The same directory whatever
// folder the server starts in also means a restart finds its library.
func defaultDataDir(goos string, getenv func(string) string, home func() (string, error)) (string, error) {
	const name = "damkit"
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, name), nil // absolute only, as the XDG spec says
	}
	if goos == "windows" {
		if d := getenv("LocalAppData"); d != "" {
			return filepath.Join(d, name), nil
		}
	}
	h, err := home()
	if err != nil || h == "" {
		return "", errors.New("no home directory to keep the library in: pass -data DIR (or set DAMKIT_DATA)")
	}
	switch goos {
	case "darwin", "ios":
		return filepath.Join(h, "Library", "Application Support", name), nil
	case "windows":
		return filepath.Join(h, "AppData", "Local", name), nil
	}
	return filepath.Join(h, ".local", "share", name), nil
}

// redactURL drops the password of a URL for printing; a string that is
// not a URL with a password comes back as is.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); !ok {
		return s
	}
	return u.Redacted()
}

func main() {
	c, err := parseConfig(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, c, os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done, then shuts down gracefully. ready, when not
// nil, receives the listening address.
func run(ctx context.Context, c config, out io.Writer, ready chan<- string) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return fmt.Errorf("bad -log-level: %w", err)
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if err := os.MkdirAll(c.data, 0o750); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if c.debugAddr != "" {
		stopDebug, err := serveDebug(c.debugAddr, log)
		if err != nil {
			return err
		}
		defer stopDebug()
	}
	base := "http://" + ln.Addr().String()
	opts := &dam.Options{MaxUploadSize: int64(c.maxUpload), MaxArchiveBytes: int64(c.maxArchiveBytes), MaxArchiveEntries: c.maxArchiveEntries, TrashRetention: c.trashRetention, EventRetention: c.eventRetention, TempMaxAge: c.tempMaxAge, Links: damweb.Links(base),
		MaxPartSize: int64(c.maxPartSize), ArchiveTTL: c.archiveTTL, MaxConcurrentArchives: c.maxArchives, MaxGuestArchives: c.maxGuestArchives,
		MaxSendTo: c.maxSendTo, MaxSentArchives: c.maxSent, MaxLicenceText: c.maxLicenceText,
		MaxRenders: c.maxRenders, WatermarkText: c.watermarkText, Engines: mediaEngines(ctx, log),
		SweepInterval: c.sweepInterval, JobPollInterval: c.jobPoll, JobStaleAfter: c.jobStaleAfter, PresignedDownloads: c.presign,
		WebhookSender:       damhttp.NewWebhookSender(&damhttp.WebhookSenderOptions{AllowPrivate: c.webhooksAllowPrivate}),
		WebhookAllowPrivate: c.webhooksAllowPrivate, WebhookLease: c.webhookLease}
	publicURL := base
	if c.baseURL != "" {
		publicURL = c.baseURL
		opts.Links = damweb.Links(c.baseURL)
	}
	if c.smtp != "" {
		mailer, err := dam.NewEmailNotifier(c.smtp, &dam.EmailOptions{Logger: log, Templates: c.emailTemplates})
		if err != nil {
			return err
		}
		opts.Notifiers = append(opts.Notifiers, mailer)
	}
	lib, err := dam.Open(ctx, dam.Config{
		StoreURL: c.store, BucketURL: c.bucket, Logger: log,
		Options: opts,
		OpenStore: func(ctx context.Context, url string) (dam.Store, error) {
			return benchStore(sqlstore.Open(ctx, url, nil))
		},
	})
	if err != nil {
		return err
	}
	defer lib.Close()

	o, err := bootstrap(ctx, lib, c.adminEmail, c.adminKey, c.data)
	if err != nil {
		return err
	}
	if o.created {
		// A link for the browser, shown once like the key.
		if o.signIn, err = lib.SignInLinkFor(ctx, o.id); err != nil {
			return err
		}
	}
	w := welcome{data: c.data, store: redactURL(c.store), bucket: redactURL(c.bucket), mail: redactURL(c.smtp),
		owner: o}
	if c.demo {
		if w.demo, w.demoNote, err = demo(ctx, lib, c.data, o.created); err != nil {
			return fmt.Errorf("seeding the demo library: %w", err)
		}
	}

	srv := &http.Server{
		Handler:           newHandler(lib, log, publicURL),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		// No whole-request Read/WriteTimeout: uploads and downloads can be
		// long. damhttp moves per-read and per-write deadlines forward as
		// bytes flow, so a stalled peer is still cut off.
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	w.base = base
	printWelcome(out, w)
	if ready != nil {
		ready <- ln.Addr().String()
	}

	// The sweeper and the job worker stop, releasing their leases, before
	// the deferred lib.Close closes the store under them.
	sweepCtx, cancelSweep := context.WithCancel(ctx)
	var workers sync.WaitGroup
	defer func() { cancelSweep(); workers.Wait() }()
	workers.Go(func() { _ = lib.Run(sweepCtx) })
	workers.Go(func() { _ = lib.RunJobs(sweepCtx) })     // builds large downloads in the background
	workers.Go(func() { _ = lib.RunWebhooks(sweepCtx) }) // delivers webhooks

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	return nil
}

// owner is what bootstrap did about the first owner.
type owner struct {
	key     string // the generated key, to print once; empty otherwise
	created bool   // the library was new: its first owner was created
	added   string // -admin-key named no user: a new owner with this email holds it
	known   string // -admin-key is the key of this existing owner
	id      string // the new owner's user ID (created only)
	signIn  string // a one-time sign-in link for the new owner (created only)
}

// bootstrap makes sure the library has an owner, and that -admin-key (if
// given) is an owner's key, so that scripts driving the server with it
// never meet "invalid API key":
//
//   - a new library: its first owner gets the key (random when none is given);
//   - the key is an owner's already: nothing to do;
//   - the key is a non-owner's: stop, saying whose it is;
//   - no user has the key: a new owner with -admin-email gets it (in the
//     first owner's domains), unless a user with that email exists, in
//     which case stop and say what to do. Users keep one key each, so an
//     existing owner's key is never replaced behind its back.
func bootstrap(ctx context.Context, lib *dam.Library, email, key, data string) (owner, error) {
	users, err := lib.Store().Users(ctx)
	if err != nil {
		return owner{}, err
	}
	if len(users) == 0 {
		u, k, err := lib.CreateUser(ctx, dam.NewUser{Email: email, Name: "Owner", Role: dam.RoleOwner, Admin: true, APIKey: key})
		switch {
		case dam.KindOf(err) == dam.AlreadyExists:
			// Another process sharing the store was first: treat it as existing.
		case err != nil:
			return owner{}, err
		default:
			o := owner{created: true, id: u.ID}
			if key == "" {
				o.key = k
			}
			return o, nil
		}
		if users, err = lib.Store().Users(ctx); err != nil {
			return owner{}, err
		}
	}
	if key == "" {
		return owner{}, nil
	}
	u, err := lib.Authenticate(ctx, key)
	switch {
	case err == nil && u.Role == dam.RoleOwner:
		return owner{known: u.Email}, nil
	case err == nil:
		return owner{}, fmt.Errorf("-admin-key is the key of %s, who is a %s, not an owner of the library in %s", u.Email, u.Role, data)
	case dam.KindOf(err) != dam.Unauthenticated:
		return owner{}, err
	}
	var first *dam.User
	for i, u := range users {
		if strings.EqualFold(u.Email, email) {
			return owner{}, fmt.Errorf("-admin-key: no user of the library in %s has this key, and %s already has another one; "+
				"use the key printed on the first start, or add an owner with this key under a new address (-admin-email), or start a new library (-data)", data, u.Email)
		}
		if u.Role == dam.RoleOwner && (first == nil || u.CreatedAt.Before(first.CreatedAt)) {
			first = &users[i]
		}
	}
	if first == nil {
		return owner{}, fmt.Errorf("-admin-key: the library in %s has no owner to add one", data)
	}
	ctx = dam.WithActor(ctx, first.Actor())
	_, _, err = lib.CreateUser(ctx, dam.NewUser{Email: email, Name: "Owner", Role: dam.RoleOwner, Domains: first.Domains, Admin: first.Admin, APIKey: key})
	if dam.KindOf(err) == dam.AlreadyExists {
		// Another process sharing the store added it at the same time.
		if u, aerr := lib.Authenticate(ctx, key); aerr == nil && u.Role == dam.RoleOwner {
			return owner{known: u.Email}, nil
		}
	}
	if err != nil {
		return owner{}, fmt.Errorf("-admin-key: adding an owner with it: %w", err)
	}
	return owner{added: email}, nil
}

// welcome is what the server prints when it starts: where to go, what it
// uses, and the demo's pages. Each line is one entry, so that a new part
// of the server adds its line here.
type welcome struct {
	base     string // http://host:port
	data     string
	store    string
	bucket   string
	mail     string // the -smtp value without credentials; "" for none
	owner    owner
	demo     demoLinks
	demoNote string // why the demo's pages are not shown
}

func (w welcome) lines() []string {
	ls := []string{
		"damkit is running",
		"  web:      " + w.base + "/",
		"  API:      " + w.base + "/api/v1",
		"  OpenAPI:  " + w.base + "/api/v1/openapi.json",
		"  data:     " + w.data,
		"  store:    " + w.store,
		"  bucket:   " + w.bucket,
	}
	if w.mail != "" {
		ls = append(ls, "  mail:     "+w.mail)
	} else {
		ls = append(ls, "  mail:     none (in-app inbox only; -smtp log: prints each message)")
	}
	switch {
	case w.owner.key != "":
		ls = append(ls, "  owner API key (shown once, keep it): "+w.owner.key)
	case w.owner.created:
		ls = append(ls, "  owner created with the key from -admin-key")
	case w.owner.added != "":
		ls = append(ls, "  owner "+w.owner.added+" added with the key from -admin-key")
	case w.owner.known != "":
		ls = append(ls, "  the key from -admin-key is the key of owner "+w.owner.known)
	}
	if w.owner.signIn != "" {
		ls = append(ls, "  sign in (once, within 15 minutes; later paste the key at "+w.base+"/signin):", "    "+w.owner.signIn)
	} else {
		ls = append(ls, "  sign in:  "+w.base+"/signin")
	}
	ls = append(ls, "try:", "  curl -H 'Authorization: Bearer <key>' "+w.base+"/api/v1/assets")
	if w.demo.share != "" {
		ls = append(ls, "  a guest's share page (open in a browser): "+w.base+w.demo.share)
	}
	if w.demo.portal != "" {
		ls = append(ls, "  the press portal: "+w.base+w.demo.portal)
	}
	if w.demoNote != "" {
		ls = append(ls, "  "+w.demoNote)
	}
	return ls
}

func printWelcome(out io.Writer, w welcome) {
	for _, l := range w.lines() {
		fmt.Fprintln(out, l)
	}
}
