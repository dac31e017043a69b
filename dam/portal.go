package dam

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// PortalMode is how a portal's visitors download (reference page 001).
type PortalMode string

// The download modes of a portal.
const (
	PortalOpen        PortalMode = "open"         // anyone downloads, no request
	PortalRequest     PortalMode = "request"      // visitors ask; an owner decides
	PortalAutoApprove PortalMode = "auto_approve" // visitors ask and get access at once
	PortalDisabled    PortalMode = "disabled"     // view only
)

// Portal is a public page of assets and collections under a slug. Visitors
// are known only by the email they give when they ask to download.
type Portal struct {
	ID            string     `json:"id"`
	Slug          string     `json:"slug"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	AssetIDs      []string   `json:"asset_ids"`
	CollectionIDs []string   `json:"collection_ids"`
	Mode          PortalMode `json:"mode"`
	Enabled       bool       `json:"enabled"`
	// Licence is the ID of the licence visitors accept before downloading
	// the portal's assets that resolve none of their own; "" for none.
	Licence   string    `json:"licence"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PortalStore keeps portals, which portal each visitor request came
// through, and the secret that signs visitors' links.
type PortalStore interface {
	// CreatePortal inserts p (AlreadyExists when the slug is taken).
	CreatePortal(ctx context.Context, p Portal) error
	Portal(ctx context.Context, id string) (Portal, error)
	PortalBySlug(ctx context.Context, slug string) (Portal, error)
	// Portals lists every portal, newest first.
	Portals(ctx context.Context) ([]Portal, error)
	// UpdatePortal writes every field but ID, CreatedBy and CreatedAt
	// (AlreadyExists when the new slug is taken).
	UpdatePortal(ctx context.Context, p Portal) error
	DeletePortal(ctx context.Context, id string) error
	// CreatePortalRequests inserts visitor requests with their grants and
	// records the portal they came through, in one transaction.
	CreatePortalRequests(ctx context.Context, portalID string, rs []Request, gs []Grant) error
	// RequestPortal returns the portal a request came through (NotFound
	// for requests made by users).
	RequestPortal(ctx context.Context, requestID string) (string, error)
	// PortalSecret returns the library's link-signing secret, storing
	// candidate first when there is none yet; every caller gets the same.
	PortalSecret(ctx context.Context, candidate []byte) ([]byte, error)
	// CountPortalOpen adds one to the opens of a portal on day (a UTC
	// date, "2006-01-02"): one row per portal and day, however many hits.
	CountPortalOpen(ctx context.Context, portalID, day string) error
	// PortalOpens returns the opens of a portal per day from first to
	// last (inclusive, "2006-01-02"), in date order, days without opens
	// left out.
	PortalOpens(ctx context.Context, portalID, first, last string) ([]DayCount, error)
}

// DayCount is a count on one UTC day ("2006-01-02").
type DayCount struct {
	Day   string `json:"day"`
	Count int    `json:"count"`
}

// PortalLinks is implemented by a Links that knows where portal visitors
// open their signed link; without it the emails carry no link.
type PortalLinks interface {
	PortalAccess(slug, token string) string
}

var slugPattern = regexp.MustCompile(`^[a-z0-9-]{3,64}$`)

// validSlug reports whether s is 3 to 64 lowercase letters, digits and dashes.
func validSlug(s string) bool { return slugPattern.MatchString(s) }

// Visitor links carry (portal, email, expiry) sealed with AES-256-GCM
// under a key derived from the library's link secret: the token is opaque
// (no personal data for a log or a proxy to read) and tamper-proof. The
// form is "v2." + base64url(nonce || ciphertext). Links mailed before
// sealing existed (base64url(payload) + "." + HMAC) are still accepted
// until they expire, so nobody loses access they were given.
const visitorTokenPrefix = "v2."

// visitorAEAD is the cipher of visitor links, its key derived from secret.
func visitorAEAD(secret []byte) cipher.AEAD {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("damkit visitor link v2"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		panic(err) // a 32-byte key always makes a cipher
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return aead
}

// visitorToken seals (portal, email, expiry): the link a visitor gets by
// email. until zero means the link lasts until the grants are revoked.
func visitorToken(secret []byte, portalID, email string, until time.Time) string {
	var exp int64
	if !until.IsZero() {
		exp = until.Unix()
	}
	payload := portalID + "\n" + email + "\n" + strconv.FormatInt(exp, 10)
	aead := visitorAEAD(secret)
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(payload)+aead.Overhead())
	_, _ = rand.Read(nonce)
	return visitorTokenPrefix + base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte(payload), nil))
}

// parseVisitorToken opens a visitor link and returns the portal, email and
// expiry it names; ok is false for anything tampered or malformed.
func parseVisitorToken(secret []byte, token string) (portalID, email string, until time.Time, ok bool) {
	if len(token) > 1024 {
		return "", "", time.Time{}, false
	}
	var payload []byte
	if sealed, found := strings.CutPrefix(token, visitorTokenPrefix); found {
		b, err := base64.RawURLEncoding.Strict().DecodeString(sealed)
		aead := visitorAEAD(secret)
		if err != nil || len(b) < aead.NonceSize()+aead.Overhead() {
			return "", "", time.Time{}, false
		}
		if payload, err = aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], nil); err != nil {
			return "", "", time.Time{}, false
		}
	} else if payload, ok = openLegacyVisitorToken(secret, token); !ok {
		return "", "", time.Time{}, false
	}
	parts := strings.Split(string(payload), "\n")
	if len(parts) != 3 {
		return "", "", time.Time{}, false
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", "", time.Time{}, false
	}
	if exp != 0 {
		until = time.Unix(exp, 0).UTC()
	}
	return parts[0], parts[1], until, true
}

// openLegacyVisitorToken checks a link of the first form (readable payload
// and HMAC) in constant time.
func openLegacyVisitorToken(secret []byte, token string) ([]byte, bool) {
	p, sig, found := strings.Cut(token, ".")
	if !found {
		return nil, false
	}
	enc := base64.RawURLEncoding
	payload, err1 := enc.DecodeString(p)
	mac, err2 := enc.DecodeString(sig)
	if err1 != nil || err2 != nil {
		return nil, false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(payload)
	if !hmac.Equal(mac, m.Sum(nil)) {
		return nil, false
	}
	return payload, true
}
