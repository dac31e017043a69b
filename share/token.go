package share

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
)

// Sentinel errors; the dam package maps them to its error kinds.
var (
	ErrInvalidToken  = errors.New("share: invalid token")
	ErrDuration      = errors.New("share: duration not allowed")
	ErrTooManyGuests = errors.New("share: too many guest addresses")
	ErrBadAddress    = errors.New("share: malformed guest address")
	ErrNoGuests      = errors.New("share: no guest address given")
)

// TokenBytes is the entropy of a link token: 256 bits.
const TokenBytes = 32

// TokenLength is the length of a token in its text form (unpadded base64url).
var TokenLength = base64.RawURLEncoding.EncodedLen(TokenBytes)

// NewToken returns a fresh link token and the hash to store in its place.
// The token itself is shown once (in the invitation) and never stored.
func NewToken() (token string, hash []byte) {
	b := make([]byte, TokenBytes)
	// crypto/rand.Read never fails on supported platforms (Go 1.24+).
	_, _ = rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, Hash(token)
}

// Hash returns the SHA-256 of a token: what a store keeps and looks up.
// A 256-bit random token needs no salt or slow hash.
func Hash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// ParseToken checks a token's form (exactly TokenLength characters of the
// base64url alphabet that decode to TokenBytes) so that garbage never
// reaches a store query.
func ParseToken(s string) error {
	if len(s) != TokenLength {
		return ErrInvalidToken
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return ErrInvalidToken
		}
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != TokenBytes {
		return ErrInvalidToken
	}
	return nil
}

// Match reports, in constant time, whether token hashes to stored. A
// malformed token never matches.
func Match(token string, stored []byte) bool {
	if ParseToken(token) != nil || len(stored) != sha256.Size {
		return false
	}
	return subtle.ConstantTimeCompare(Hash(token), stored) == 1
}
