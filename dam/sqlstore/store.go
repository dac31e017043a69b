package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/damkit/damkit/dam"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Options tunes a Store. The zero value of every field is a sane default.
type Options struct {
	// BusyTimeout is how long a SQLite connection waits for a lock held by
	// another process before failing; default 5 s.
	BusyTimeout time.Duration
	// MaxOpenConns caps the connections: SQLite readers (writes always go
	// through one connection) or the PostgreSQL pool; default 4 for SQLite,
	// 10 for PostgreSQL.
	MaxOpenConns int
	// RankWindow is how many matches, newest first, a listing by relevance
	// ranks before the older ones follow unranked (see Store.Assets);
	// default 2000.
	RankWindow int
	// FacetSampleThreshold is how many matches AssetFacets counts exactly:
	// above it the counts are estimated from a sample of about as many
	// matches spread over the library, and dam.Facets.Approximate is set;
	// default 1000. PostgreSQL counts a search's matches exactly up to ten
	// times as many when its planner expects that few (its sample is dear
	// for a word in few assets), and samples the others without counting.
	FacetSampleThreshold int
	// CheckpointInterval is how often a SQLite store copies its
	// write-ahead log into the database file, beside the writes rather
	// than inside a commit (checkpoint.go); default 1 s. Negative leaves
	// checkpoints to SQLite (inside the commit that fills 1,000 pages).
	CheckpointInterval time.Duration
	// MmapSize is how many bytes of a SQLite database file each read
	// connection maps into memory (PRAGMA mmap_size), so that reading a
	// page is a memory access rather than a read system call and a copy
	// into the connection's own page cache: random reads of the search
	// index and the rows it points to are most of a search's cost in a
	// large library. Default 2 GiB on 64-bit systems (SQLite's own limit,
	// in modernc.org/sqlite, is 2 GiB - 64 KiB: larger values are capped
	// there), none on 32-bit ones, whose address space is too small;
	// negative maps nothing. It takes address space, not memory: the
	// mapped pages are the operating system's file cache, shared by every
	// connection. The writer does not map the file.
	MmapSize int64
	// SearchCompactInterval is how often a SQLite store looks at its
	// full-text index and, when a tenth of it or more lies outside its
	// largest segment, merges it into one in short steps beside the
	// writes (searchcompact.go); default 10 minutes. Negative never does.
	SearchCompactInterval time.Duration
}

// defaultMmapSize is Options.MmapSize's default on 64-bit systems.
const defaultMmapSize = 2 << 30

// Store is the SQL implementation of dam.Store. It is safe for concurrent use.
type Store struct {
	d     *dialect
	w     *sql.DB // write transactions (SQLite: a single connection)
	r     *sql.DB // reads (SQLite: a pool of query-only connections)
	stmts stmtCache
	// wstmts keeps SQLite's write statements prepared on the writer's one
	// connection (txStmt): parsing was a quarter of an indexed CreateAsset.
	wstmts stmtCache
	gate   readGate         // turns of the SQLite read pool, first come first served
	ckpt   *checkpointer    // SQLite's WAL checkpoints (checkpoint.go); nil otherwise
	packer *searchCompactor // SQLite's full-text index compaction (searchcompact.go); nil otherwise
	gens   *genReader       // PostgreSQL: generations read once for concurrent callers; nil on SQLite
	hot    *hotGens         // SQLite: generations kept while the wal-index header stands still (walstamp.go); nil otherwise
	// rankWindow is Options.RankWindow.
	rankWindow int
	// facetSample is Options.FacetSampleThreshold.
	facetSample int
	// facetScan is scanSample (facetsample.go); tests lower it to reach
	// the sample by ranges with few assets.
	facetScan int
	// pgExact is pgExactFacets (facetsample.go); tests lower it to reach
	// PostgreSQL's sample with few assets.
	pgExact int
	// searchPlan forces the plan of SQLite listings with search text
	// sorted by a key (planGather, planWalk or planSet, searchplan.go;
	// tests only).
	searchPlan string
	// scoring forces how SQLite scores a relevance window (scoreColumns
	// or scoreContent, relevancescore.go; tests only).
	scoring string
	// recentSpan, when positive, replaces the documents the recent plan
	// reads past the walk's start (searchplan.go; tests only).
	recentSpan int64
	// eagerWindow makes SQLite read a relevance window that holds every
	// match as one of RankWindow (relevance.go: tests only).
	eagerWindow bool
	// skipIndex leaves search documents unwritten: set by the ingest
	// benchmark only, to measure what indexing costs.
	skipIndex bool
}

var _ dam.Store = (*Store)(nil)

// Open connects to the database named by url and applies the migrations it
// lacks. url is "sqlite:///abs/path.db", "sqlite://relative/path.db",
// "postgres://user:pass@host:port/db?sslmode=disable" or "postgresql://...".
// A SQLite file and its folder are created when missing.
func Open(ctx context.Context, url string, opts *Options) (*Store, error) {
	const op = "sqlstore.Open"
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 5 * time.Second
	}
	var s *Store
	var err error
	switch {
	case strings.HasPrefix(url, "sqlite://"):
		s, err = openSQLite(strings.TrimPrefix(url, "sqlite://"), o)
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		s, err = openPostgres(url, o)
	default:
		return nil, dam.E(op, dam.Invalid, "unsupported store URL %q: want sqlite:// or postgres://", redact(url))
	}
	if err != nil {
		return nil, &dam.Error{Op: op, Kind: dam.KindOf(err), Err: err}
	}
	s.rankWindow = o.RankWindow
	if s.rankWindow <= 0 {
		s.rankWindow = defaultRankWindow
	}
	s.facetSample = o.FacetSampleThreshold
	if s.facetSample <= 0 {
		s.facetSample = defaultFacetSample
	}
	s.facetScan = scanSample
	s.pgExact = pgExactFacets
	if err := s.migrate(ctx); err != nil {
		_ = s.Close()
		return nil, &dam.Error{Op: op, Kind: dam.KindOf(err), Err: err}
	}
	if !s.d.postgres && o.SearchCompactInterval >= 0 { // after the migrations made the index
		interval := o.SearchCompactInterval
		if interval == 0 {
			interval = defaultSearchCompactInterval
		}
		s.packer = startSearchCompactor(s, interval)
	}
	return s, nil
}

func openSQLite(path string, o Options) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, dam.E("", dam.Invalid, "sqlite URL needs a file path without ? or #, got %q", path)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create the database folder: %w", err)
		}
	}
	busy := fmt.Sprintf("_pragma=busy_timeout(%d)", o.BusyTimeout.Milliseconds())
	// The writer is one connection: Go queues writers instead of SQLite
	// making them sleep and retry, so no SQLITE_BUSY reaches callers from
	// within this process; busy_timeout and BEGIN IMMEDIATE cover other
	// processes sharing the file.
	// With the checkpointer, the writer checkpoints in its commits only
	// as a backstop, and cuts the log file back to walSizeLimit when it
	// restarts (checkpoint.go).
	ckptPragmas := ""
	if o.CheckpointInterval >= 0 {
		ckptPragmas = fmt.Sprintf("&_pragma=wal_autocheckpoint(%d)&_pragma=journal_size_limit(%d)", ckptBackstopPages, walSizeLimit)
	}
	// temp_store(2), memory: statement journals (the pages a statement
	// of a larger transaction changes, kept until it ends, for its own
	// rollback) stay in memory rather than spilling to a file past
	// 64 KiB. CreateAsset's statements spilled, a write system call a
	// page (15 % of its profile); in memory an indexed CreateAsset takes
	// 471-479 µs of CPU instead of 641-660. Migrations run with file
	// (migrate): one statement rewriting a whole table would keep a copy
	// of it in memory.
	w, err := sql.Open("sqlite", path+"?"+busy+
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_pragma=temp_store(2)&_txlock=immediate"+ckptPragmas)
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	if err := w.Ping(); err != nil {
		_ = w.Close()
		return nil, err
	}
	mmap := o.MmapSize
	if mmap == 0 && strconv.IntSize == 64 {
		mmap = defaultMmapSize
	}
	readDSN := path + "?" + busy + "&_pragma=foreign_keys(1)&_pragma=query_only(1)"
	if mmap > 0 {
		readDSN += fmt.Sprintf("&_pragma=mmap_size(%d)", mmap)
	}
	r, err := sql.Open("sqlite", readDSN)
	if err != nil {
		_ = w.Close()
		return nil, err
	}
	n := o.MaxOpenConns
	if n <= 0 {
		n = max(4, runtime.GOMAXPROCS(0))
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	s := &Store{d: sqliteDialect, w: w, r: r, gate: newReadGate(n)}
	// No stamp (not Linux, not WAL, ...): the counters are read with a
	// statement, as they always were.
	ctx, cancel := context.WithTimeout(context.Background(), o.BusyTimeout+5*time.Second)
	if st, err := openWALStamp(ctx, path, path+"?"+busy+"&_pragma=query_only(1)"); err == nil {
		s.hot = &hotGens{stamp: st}
	}
	cancel()
	if o.CheckpointInterval >= 0 {
		interval := o.CheckpointInterval
		if interval == 0 {
			interval = defaultCheckpointInterval
		}
		// A passive checkpoint never waits for a lock, so a short busy
		// timeout; synchronous(NORMAL) makes it fsync what it copies.
		s.ckpt, err = startCheckpointer(path, "_pragma=busy_timeout(100)&_pragma=synchronous(NORMAL)", w, interval)
		if err != nil {
			_ = w.Close()
			_ = r.Close()
			_ = s.hot.close()
			return nil, fmt.Errorf("start the WAL checkpointer: %w", err)
		}
	}
	return s, nil
}

func openPostgres(url string, o Options) (*Store, error) {
	db, err := sql.Open("pgx", withCustomPlans(url))
	if err != nil {
		return nil, err
	}
	n := o.MaxOpenConns
	if n <= 0 {
		n = 10
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.Ping(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL at %s: %w", redact(url), err)
	}
	return &Store{d: postgresDialect, w: db, r: db, gens: &genReader{}}, nil
}

// withCustomPlans asks PostgreSQL to plan every execution of a prepared
// statement with its parameters (plan_cache_mode=force_custom_plan), unless
// the URL says otherwise. The store prepares its statements once; after five
// runs PostgreSQL may switch to a generic plan, and for a search's ID ranges
// that plan walks the whole ID index (a rare word's sampled facets at
// 1,000,000 assets: 12 ms a range planned, 489 ms generic). Statements
// without parameters keep their one plan.
func withCustomPlans(url string) string {
	if strings.Contains(url, "plan_cache_mode=") {
		return url
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + "plan_cache_mode=force_custom_plan"
}

// redact hides the password of a URL in messages.
func redact(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return url
	}
	userinfo, host, ok := strings.Cut(rest, "@")
	if !ok {
		return url
	}
	if user, _, hasPass := strings.Cut(userinfo, ":"); hasPass {
		return scheme + "://" + user + ":xxxxx@" + host
	}
	return url
}

// Close closes the database connections.
func (s *Store) Close() error {
	s.packer.close()      // before the writer: it may be using it
	err := s.ckpt.close() // likewise
	err = errors.Join(err, s.hot.close())
	err = errors.Join(err, s.stmts.close(), s.wstmts.close())
	err = errors.Join(err, s.w.Close())
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// DB returns the read-write database handle, for tests and for hosts that
// run their own reports. On SQLite it is the single writer connection, so
// long reports there delay writes.
func (s *Store) DB() *sql.DB { return s.w }

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// querier runs statements on the read pool or inside a write transaction,
// rebinding placeholders for the dialect.
type querier struct {
	d  *dialect
	db interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}
	tx    *sql.Tx    // nil outside a write transaction
	stmts *stmtCache // prepared statements of the read pool; nil in transactions
	// In SQLite's write transactions (txStmt), or for a lone statement on
	// its writer: the writer's prepared statements.
	wstmts *stmtCache
	gate   readGate // the SQLite read pool's turns (readgate.go); nil otherwise
}

func (q querier) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if stmt := q.txStmt(ctx, query); stmt != nil {
		return stmt.ExecContext(ctx, args...)
	}
	if q.tx == nil && q.wstmts != nil { // a lone statement on SQLite's writer
		if stmt := q.wstmts.kept(query); stmt != nil {
			return stmt.ExecContext(ctx, args...)
		}
	}
	return q.db.ExecContext(ctx, q.d.rebind(query), args...)
}

// txStmt returns query prepared for the write transaction, or nil to run
// it unprepared. SQLite's writer pool has one connection, on which the
// statements of wstmts were prepared: the transaction's Stmt reuses that
// one instead of parsing the SQL again. A statement not kept yet is
// prepared once the transaction ends (the connection is the transaction's
// until then). Schema statements (migrations, once) are not kept.
func (q querier) txStmt(ctx context.Context, query string) *sql.Stmt {
	if q.tx == nil || q.wstmts == nil || !keepable(query) {
		return nil
	}
	stmt := q.wstmts.kept(query)
	if stmt == nil {
		return nil
	}
	return q.tx.StmtContext(ctx, stmt)
}

// keepable reports whether query reads or writes rows (rather than
// changing the schema), the statements worth keeping prepared.
func keepable(query string) bool {
	query = strings.TrimSpace(query)
	verb, _, _ := strings.Cut(query, " ")
	switch strings.ToUpper(verb) {
	case "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "REPLACE":
		return true
	}
	return false
}

func (q querier) query(ctx context.Context, query string, args ...any) (*rows, error) {
	if err := q.gate.enter(ctx); err != nil {
		return nil, err
	}
	var rs *sql.Rows
	var err error
	if stmt := q.stmts.get(ctx, q.db, q.d.rebind(query)); stmt != nil {
		rs, err = stmt.QueryContext(ctx, args...)
	} else if stmt := q.txStmt(ctx, query); stmt != nil {
		rs, err = stmt.QueryContext(ctx, args...)
	} else {
		rs, err = q.db.QueryContext(ctx, q.d.rebind(query), args...)
	}
	if err != nil {
		q.gate.leave()
		return nil, err
	}
	return &rows{Rows: rs, gate: q.gate}, nil
}

func (q querier) queryRow(ctx context.Context, query string, args ...any) row {
	if err := q.gate.enter(ctx); err != nil {
		return row{err: err}
	}
	if stmt := q.stmts.get(ctx, q.db, q.d.rebind(query)); stmt != nil {
		return row{r: stmt.QueryRowContext(ctx, args...), gate: q.gate}
	}
	if stmt := q.txStmt(ctx, query); stmt != nil {
		return row{r: stmt.QueryRowContext(ctx, args...), gate: q.gate}
	}
	return row{r: q.db.QueryRowContext(ctx, q.d.rebind(query), args...), gate: q.gate}
}

// lock takes a named transaction lock (PostgreSQL only; see dialect.lock).
func (q querier) lock(ctx context.Context, name string) error {
	if q.tx == nil {
		return nil
	}
	return q.d.lock(ctx, q.tx, name)
}

// exists runs a SELECT 1 ... query and reports whether it found a row.
func (q querier) exists(ctx context.Context, query string, args ...any) (bool, error) {
	var one int
	err := q.queryRow(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// read returns the querier of the read pool.
func (s *Store) read() querier { return querier{d: s.d, db: s.r, stmts: &s.stmts, gate: s.gate} }

// stmtCache keeps the read queries prepared: parsing the SQL is a large
// part of a short query's cost on SQLite. Queries whose text varies (IN
// lists of any length) stop being cached once it holds maxStmts.
type stmtCache struct {
	mu     sync.Mutex
	m      map[string]*sql.Stmt
	wanted map[string]bool // to prepare (kept, prepareWanted)
}

const maxStmts = 256

// get returns the prepared statement of query, or nil to run it unprepared.
func (c *stmtCache) get(ctx context.Context, db any, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	pool, ok := db.(*sql.DB)
	if !ok {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if stmt, ok := c.m[query]; ok {
		return stmt
	}
	if len(c.m) >= maxStmts {
		return nil
	}
	stmt, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared query reports the error
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = stmt
	return stmt
}

// kept returns the prepared statement of query, or nil after noting it
// for prepareWanted.
func (c *stmtCache) kept(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if stmt, ok := c.m[query]; ok {
		return stmt
	}
	if len(c.m)+len(c.wanted) < maxStmts {
		if c.wanted == nil {
			c.wanted = map[string]bool{}
		}
		c.wanted[query] = true
	}
	return nil
}

// prepareWanted prepares on pool the statements kept noted.
func (c *stmtCache) prepareWanted(ctx context.Context, pool *sql.DB) {
	c.mu.Lock()
	wanted := c.wanted
	c.wanted = nil
	c.mu.Unlock()
	// Not under mu: a prepare waits for the writer's connection, whose
	// transaction may be asking kept for a statement meanwhile.
	for query := range wanted {
		stmt, err := pool.PrepareContext(ctx, query)
		if err != nil {
			continue // it runs unprepared, which reports its error
		}
		c.mu.Lock()
		if _, ok := c.m[query]; ok {
			c.mu.Unlock()
			_ = stmt.Close()
			continue
		}
		if c.m == nil {
			c.m = map[string]*sql.Stmt{}
		}
		c.m[query] = stmt
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, stmt := range c.m {
		errs = append(errs, stmt.Close())
	}
	c.m = nil
	return errors.Join(errs...)
}

// write runs fn in a write transaction (BEGIN IMMEDIATE on SQLite) and
// commits when it returns nil. Errors come back classified under op.
func (s *Store) write(ctx context.Context, op string, fn func(q querier) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.fail(ctx, op, err)
	}
	q := querier{d: s.d, db: tx, tx: tx}
	if !s.d.postgres { // pgx keeps its own statement cache
		q.wstmts = &s.wstmts
		defer s.wstmts.prepareWanted(context.WithoutCancel(ctx), s.w)
	}
	if err := fn(q); err != nil {
		_ = tx.Rollback()
		return s.fail(ctx, op, err)
	}
	if err := tx.Commit(); err != nil {
		return s.fail(ctx, op, err)
	}
	return nil
}

// fail classifies err under op: *dam.Error values keep their kind,
// constraint violations become AlreadyExists or FailedPrecondition,
// cancellation Canceled, anything else Internal.
func (s *Store) fail(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	var de *dam.Error
	switch {
	case errors.As(err, &de) && de.Kind != dam.Other:
		if de.Op == "" || de.Op == op {
			return &dam.Error{Op: op, Kind: de.Kind, Err: de.Err}
		}
		return &dam.Error{Op: op, Kind: de.Kind, Err: err}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), ctx.Err() != nil:
		if ctx.Err() != nil {
			err = fmt.Errorf("%w: %w", ctx.Err(), err)
		}
		return &dam.Error{Op: op, Kind: dam.Canceled, Err: err}
	case s.d.isUnique(err):
		return &dam.Error{Op: op, Kind: dam.AlreadyExists, Err: err}
	case s.d.isConstraint(err):
		return &dam.Error{Op: op, Kind: dam.FailedPrecondition, Err: err}
	}
	return &dam.Error{Op: op, Kind: dam.Internal, Err: err}
}

// notFound builds the NotFound error of a missing thing, e.g. notFound("asset", id).
func notFound(what, id string) error {
	return dam.E("", dam.NotFound, "%s %s not found", what, id)
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// anys converts a string slice to query arguments.
func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// pageLimit bounds a listing's page size: default 100, at most 1000.
func pageLimit(n int) int {
	switch {
	case n <= 0:
		return 100
	case n > 1000:
		return 1000
	}
	return n
}
