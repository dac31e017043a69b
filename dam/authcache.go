package dam

import (
	"context"
	"slices"
	"sync"
	"time"
)

// The authentication cache: the actors of API keys and of web sessions,
// kept in memory by the SHA-256 of their secret so that an authenticated
// request costs a map lookup instead of two or three queries.
//
// What may end or narrow an authentication (a revoked key, a user
// changed, disabled or deleted, a session signed out) empties the cache:
//   - at once in the process that made the change (the Library methods
//     that write it call forget);
//   - within authRecheck in every other process sharing the store: every
//     such write also moves the store's CacheGeneration in its transaction,
//     and the cache reads that number again at most once per authRecheck,
//     emptying itself when it moved.
//
// Only successes are kept (a flood of wrong keys cannot fill it), and at
// most maxAuthEntries of each kind; beyond that the cache starts over.

// authRecheck is how often the cache reads the store's CacheGeneration at
// most: how long another process's revocation may take to reach this one.
const authRecheck = time.Second

// maxAuthEntries bounds the keys, and the sessions, held in memory.
const maxAuthEntries = 10_000

type authCache struct {
	mu       sync.Mutex
	keys     map[[32]byte]*keyEntry
	sessions map[[32]byte]*sessionEntry
	// epoch moves whenever the cache is emptied: a lookup that read the
	// store before that may not put what it read (possibly revoked since).
	epoch uint64
	gen   int64     // the store's CacheGeneration when last read
	known bool      // gen has been read once
	read  time.Time // when gen was last read (wall clock, monotonic)
}

type keyEntry struct {
	user User
	key  APIKey
}

type sessionEntry struct {
	session Session
	actor   Actor
}

// sync reads the store's generation when it was last read authRecheck
// ago or more, and empties the cache when it moved. It returns the epoch
// a caller about to read the store must give to put. A failed read
// empties the cache: the caller then asks the store, which reports.
func (c *authCache) sync(ctx context.Context, st Store) uint64 {
	c.mu.Lock()
	now := time.Now()
	if c.known && now.Sub(c.read) < authRecheck {
		e := c.epoch
		c.mu.Unlock()
		return e
	}
	// One reader at a time: the others use the cache as it is meanwhile.
	c.read = now
	c.mu.Unlock()
	g, err := st.CacheGeneration(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case err != nil:
		c.known = false
		c.clearLocked()
	case !c.known || g != c.gen:
		c.gen, c.known = g, true
		c.clearLocked()
	}
	return c.epoch
}

// forget empties the cache: the calling process changed something that
// may end an authentication.
func (c *authCache) forget() {
	c.mu.Lock()
	c.clearLocked()
	c.mu.Unlock()
}

func (c *authCache) clearLocked() {
	c.keys, c.sessions = nil, nil
	c.epoch++
}

func (c *authCache) key(h [32]byte) (*keyEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.keys[h]
	return e, ok
}

// putKey keeps what the store said of a key read under epoch.
func (c *authCache) putKey(epoch uint64, h [32]byte, u User, k APIKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.epoch || !c.known {
		return
	}
	if c.keys == nil || len(c.keys) >= maxAuthEntries {
		c.keys = map[[32]byte]*keyEntry{}
	}
	u.Domains = slices.Clone(u.Domains) // the caller keeps its own
	c.keys[h] = &keyEntry{user: u, key: k}
}

// touchedKey records that the key's last use was written at.
func (c *authCache) touchedKey(h [32]byte, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.keys[h]; ok {
		k := e.key
		k.LastUsedAt = &at
		c.keys[h] = &keyEntry{user: e.user, key: k}
	}
}

func (c *authCache) session(h [32]byte) (*sessionEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.sessions[h]
	return e, ok
}

// putSession keeps a live session read under epoch.
func (c *authCache) putSession(epoch uint64, h [32]byte, s Session, a Actor) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.epoch || !c.known {
		return
	}
	if c.sessions == nil || len(c.sessions) >= maxAuthEntries {
		c.sessions = map[[32]byte]*sessionEntry{}
	}
	a.Domains = slices.Clone(a.Domains) // the caller keeps its own
	c.sessions[h] = &sessionEntry{session: s, actor: a}
}

// dropSession forgets one session (it ended by time).
func (c *authCache) dropSession(h [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.sessions, h)
}
