package dam

import (
	"context"
	"strings"
	"sync"

	"github.com/damkit/damkit/policy"
)

// The access cache keeps what every policy decision reads besides the
// asset and the grants: the settings, the licences, each actor's
// acceptances and the folder trees. loadAccess reads the store's
// CacheGeneration (one small query) instead of those: every change to
// them moves it in its own transaction, so a decision made after a change
// committed, in this process or another, sees the change. Grants are read
// every time (approvals and revocations take effect at once).
//
// A snapshot belongs to one generation and fills lazily; readers of a
// newer generation start a new one. What a snapshot holds is read after
// its generation was, so never older than it. Its values are shared:
// nobody may change them.

// maxAccessEntries bounds the acceptances (by actor) and the trees (by
// set of domains) one snapshot keeps; past it, it forgets them.
const maxAccessEntries = 10_000

type accessCache struct {
	mu   sync.Mutex
	snap *accessSnap
}

type accessSnap struct {
	gen int64

	mu          sync.Mutex
	settings    *Settings
	licences    []Licence
	hasLicences bool
	accepted    map[string][]LicenceAcceptance // by licenceActor
	trees       map[string]map[string]*policy.Tree
	profiles    map[string]cachedProfile // by name
}

// cachedProfile is a stored export profile, or that there is none.
type cachedProfile struct {
	p     Profile
	found bool
}

// current returns the snapshot of the store's generation now, or nil
// when it cannot be read (everything is then read from the store).
func (c *accessCache) current(ctx context.Context, st Store) *accessSnap {
	g, err := st.CacheGeneration(ctx)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.snap == nil || g > c.snap.gen:
		c.snap = &accessSnap{gen: g}
	case g < c.snap.gen:
		// This reader is behind one that saw a newer generation: it gets
		// a snapshot of its own.
		return &accessSnap{gen: g}
	}
	return c.snap
}

// loadSettings returns the settings, from the snapshot when it has them.
func (s *accessSnap) loadSettings(ctx context.Context, st Store) (Settings, error) {
	if s != nil {
		s.mu.Lock()
		v := s.settings
		s.mu.Unlock()
		if v != nil {
			return *v, nil
		}
	}
	v, err := st.Settings(ctx)
	if err == nil && s != nil {
		s.mu.Lock()
		s.settings = &v
		s.mu.Unlock()
	}
	return v, err
}

// loadLicences returns every licence.
func (s *accessSnap) loadLicences(ctx context.Context, st Store) ([]Licence, error) {
	if s != nil {
		s.mu.Lock()
		v, ok := s.licences, s.hasLicences
		s.mu.Unlock()
		if ok {
			return v, nil
		}
	}
	v, err := st.Licences(ctx)
	if err == nil && s != nil {
		s.mu.Lock()
		s.licences, s.hasLicences = v, true
		s.mu.Unlock()
	}
	return v, err
}

// loadAcceptances returns the acceptances of one actor (its licenceActor).
func (s *accessSnap) loadAcceptances(ctx context.Context, st Store, key string) ([]LicenceAcceptance, error) {
	if s != nil {
		s.mu.Lock()
		v, ok := s.accepted[key]
		s.mu.Unlock()
		if ok {
			return v, nil
		}
	}
	v, err := st.Acceptances(ctx, key)
	if err == nil && s != nil {
		s.mu.Lock()
		if s.accepted == nil || len(s.accepted) >= maxAccessEntries {
			s.accepted = map[string][]LicenceAcceptance{}
		}
		s.accepted[key] = v
		s.mu.Unlock()
	}
	return v, err
}

// loadTrees returns the folder trees, by domain, of domains (nil: every
// domain's).
func (s *accessSnap) loadTrees(ctx context.Context, st Store, domains []string) (map[string]*policy.Tree, error) {
	key := "\x00all"
	if domains != nil {
		key = strings.Join(domains, "\x00")
	}
	if s != nil {
		s.mu.Lock()
		v, ok := s.trees[key]
		s.mu.Unlock()
		if ok {
			return v, nil
		}
	}
	fs, err := st.Folders(ctx, domains)
	if err != nil {
		return nil, err
	}
	rows := map[string][]policy.Folder{}
	for _, f := range fs {
		rows[f.Domain] = append(rows[f.Domain], policy.Folder{ID: f.ID, ParentID: f.ParentID, Protection: policySetting(f.Protection), Licence: f.Licence})
	}
	trees := make(map[string]*policy.Tree, len(rows))
	for d, r := range rows {
		t, err := policy.NewTree(r)
		if err != nil {
			return nil, err
		}
		trees[d] = t
	}
	if s != nil {
		s.mu.Lock()
		if s.trees == nil || len(s.trees) >= maxAccessEntries {
			s.trees = map[string]map[string]*policy.Tree{}
		}
		s.trees[key] = trees
		s.mu.Unlock()
	}
	return trees, nil
}

// loadProfile returns the stored export profile named name; a missing one
// is a NotFound error from the store, remembered as such.
func (s *accessSnap) loadProfile(ctx context.Context, st Store, name string) (Profile, error) {
	if s != nil {
		s.mu.Lock()
		v, ok := s.profiles[name]
		s.mu.Unlock()
		if ok {
			if !v.found {
				return Profile{}, E("", NotFound, "profile %q not found", name)
			}
			return v.p, nil
		}
	}
	p, err := st.Profile(ctx, name)
	if s != nil && (err == nil || KindOf(err) == NotFound) {
		s.mu.Lock()
		if s.profiles == nil || len(s.profiles) >= maxAccessEntries {
			s.profiles = map[string]cachedProfile{}
		}
		s.profiles[name] = cachedProfile{p: p, found: err == nil}
		s.mu.Unlock()
	}
	return p, err
}
