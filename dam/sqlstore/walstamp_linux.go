//go:build linux

package sqlstore

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// walIndexVersion is the wal-index header's iVersion (WALINDEX_MAX_VERSION).
const walIndexVersion = 3007000

// shmStamp reads the wal-index header from SQLite's own mapping of the
// "-shm" file.
//
// The file is mapped through the descriptor SQLite opened, found in
// /proc/self/fd, and never through one of our own: SQLite's locks on that
// file are POSIX record locks, which belong to the process and are all
// released when any descriptor of the file closes, ours included — a
// second Store on the same file in this process would lose its read locks
// when the first closed. A mapping holds the file without a descriptor.
//
// conn is a connection held for the store's life: while it is open in WAL
// mode it holds a shared lock on the database file, so no other
// connection, in any process, can be the last to close and delete or
// truncate the -shm file (SQLite does that only with an exclusive lock on
// the database, and truncates the -shm only when no one has it mapped).
// The mapping therefore always shows the live header.
type shmStamp struct {
	db   *sql.DB
	conn *sql.Conn

	mu  sync.RWMutex
	mem []byte // the first page of the -shm file; nil once closed
}

// openWALStamp maps the wal-index header of the SQLite database at path,
// opened with dsn. It returns nil (and the store reads its counters with a
// statement each time) where that cannot be done safely: a database not in
// WAL mode or not in normal locking mode, no -shm file, no descriptor of it
// found. An error says why, for tests; callers may ignore it.
func openWALStamp(ctx context.Context, path, dsn string) (walStamp, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	s := &shmStamp{db: db}
	fail := func(err error) (walStamp, error) {
		_ = s.close()
		return nil, err
	}
	if s.conn, err = db.Conn(ctx); err != nil {
		return fail(err)
	}
	// Reading the journal mode opens the log and maps the -shm file in
	// this connection (a read transaction does).
	var mode, locking string
	if err := s.conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fail(err)
	}
	if err := s.conn.QueryRowContext(ctx, "PRAGMA locking_mode").Scan(&locking); err != nil {
		return fail(err)
	}
	if mode != "wal" || locking != "normal" {
		return fail(fmt.Errorf("journal mode %q, locking mode %q: want wal, normal", mode, locking))
	}
	if _, err := s.conn.ExecContext(ctx, "SELECT count(*) FROM sqlite_master"); err != nil {
		return fail(err)
	}
	fi, err := os.Stat(path + "-shm")
	if err != nil {
		return fail(err)
	}
	want, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fail(errors.New("no stat of the -shm file"))
	}
	size := os.Getpagesize()
	if fi.Size() < int64(size) {
		return fail(fmt.Errorf("-shm file of %d bytes", fi.Size()))
	}
	fd, err := openFDOf(want)
	if err != nil {
		return fail(err)
	}
	mem, err := syscall.Mmap(fd, 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return fail(fmt.Errorf("map the -shm file: %w", err))
	}
	s.mem = mem
	// The descriptor was SQLite's when found and when mapped: it still
	// names that file (SQLite keeps it open while conn is).
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil || st.Dev != want.Dev || st.Ino != want.Ino {
		return fail(errors.New("the -shm descriptor changed while it was mapped"))
	}
	for range 100 { // a header being written by a commit: look again
		if _, ok := s.load(); ok {
			return s, nil
		}
	}
	return fail(errors.New("no initialised wal-index header"))
}

// openFDOf returns a descriptor of this process open on the file of want
// (the -shm file, which SQLite keeps open).
func openFDOf(want *syscall.Stat_t) (int, error) {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1, err
	}
	for _, e := range ents {
		fd, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		var st syscall.Stat_t
		if syscall.Fstat(fd, &st) == nil && st.Dev == want.Dev && st.Ino == want.Ino {
			return fd, nil
		}
	}
	return -1, errors.New("no descriptor of the -shm file is open")
}

// load reads the header as SQLite's readers do (walIndexTryHdr): the first
// copy, then the second, which a commit writes before the first; equal
// copies are a header no commit was writing.
func (s *shmStamp) load() (walHeader, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.mem == nil {
		return walHeader{}, false
	}
	var a, b walHeader
	p := unsafe.Pointer(&s.mem[0])
	for i := range a {
		a[i] = atomic.LoadUint32((*uint32)(unsafe.Add(p, 4*i)))
	}
	for i := range b {
		b[i] = atomic.LoadUint32((*uint32)(unsafe.Add(p, 48+4*i)))
	}
	// isInit is the first byte of the fourth word (byte 12), in the
	// machine's byte order as the whole wal-index.
	var w3 [4]byte
	binary.NativeEndian.PutUint32(w3[:], a[3])
	if a != b || a[0] != walIndexVersion || w3[0] == 0 {
		return walHeader{}, false
	}
	return a, true
}

func (s *shmStamp) close() error {
	s.mu.Lock()
	var err error
	if s.mem != nil {
		err = syscall.Munmap(s.mem)
		s.mem = nil
	}
	s.mu.Unlock()
	if s.conn != nil {
		err = errors.Join(err, s.conn.Close())
	}
	return errors.Join(err, s.db.Close())
}
