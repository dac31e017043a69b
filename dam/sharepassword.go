package dam

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// A share may ask its guests for a password. Only its argon2id hash is
// kept (PHC string form, the parameters OWASP recommends: 19 MiB, two
// passes, one lane). A guest who gives the right password gets a share
// key: a digest of their link's token hash and the stored hash, which the
// guest page keeps in a session cookie and the API client may send in
// place of the password. Changing or removing the password changes every
// key; nobody without the stored hash (its random salt) can forge one.
// Wrong passwords are counted per share (passwordRate, passwordBurst), so
// guessing costs minutes, not microseconds, whoever guesses.

// Limits of share passwords.
const (
	minSharePassword = 8
	maxSharePassword = 200
	passwordRate     = 0.2 // wrong passwords a second per share, once the burst is spent
	passwordBurst    = 10
	passwordMaxKeys  = 10000
	argonTime        = 2
	argonMemory      = 19 * 1024 // KiB
	argonThreads     = 1
	argonKeyLen      = 32
)

// ErrPasswordRequired is the cause of the Unauthenticated refusal a
// password-protected share answers until its guest gives the password
// (UnlockShare) or a share key (WithShareKey).
var ErrPasswordRequired = errors.New("this share asks for a password")

// errWrongPassword is a refused password.
var errWrongPassword = errors.New("wrong password for this share")

type shareKeyKey struct{}

// WithShareKey returns a context carrying a share key that UnlockShare
// returned: GuestActor and every guest operation accept it in place of
// the password of a password-protected share.
func WithShareKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, shareKeyKey{}, key)
}

// hashSharePassword checks a new password and returns its argon2id hash.
func hashSharePassword(op, pw string) (string, error) {
	if !utf8.ValidString(pw) || strings.ContainsAny(pw, "\x00\r\n") {
		return "", E(op, Invalid, "a share password is one line of text")
	}
	if n := utf8.RuneCountInString(pw); n < minSharePassword || n > maxSharePassword {
		return "", E(op, Invalid, "a share password has between %d and %d characters", minSharePassword, maxSharePassword)
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", wrap(op, Internal, err)
	}
	sum := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(sum)), nil
}

// checkSharePassword reports whether pw matches the PHC string hash. A
// hash it cannot read matches nothing.
func checkSharePassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || len(pw) > 4*maxSharePassword {
		return false
	}
	var v int
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || m > 256*1024 || t == 0 || t > 10 || p == 0 {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// shareKey is the key a guest holding link token hash h gets for a share
// whose password hashes to passwordHash.
func shareKey(h []byte, passwordHash string) string {
	sum := sha256.Sum256([]byte("damkit share key\x00" + hex.EncodeToString(h) + "\x00" + passwordHash))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// unlocked reports whether ctx carries the share key of the guest with
// link hash h for sh (always true for a share without a password).
func unlocked(ctx context.Context, sh Share, h []byte) bool {
	if sh.PasswordHash == "" {
		return true
	}
	key, _ := ctx.Value(shareKeyKey{}).(string)
	want := shareKey(h, sh.PasswordHash)
	return len(key) == len(want) && subtle.ConstantTimeCompare([]byte(key), []byte(want)) == 1
}

// UnlockShare checks the password of the share a guest link opens and
// returns the guest's share key (WithShareKey). A wrong password is
// Unauthenticated; too many wrong ones on the share, whoever sends them,
// ResourceExhausted with the time to wait. A link that opens no share is
// NotFound, as everywhere.
func (l *Library) UnlockShare(ctx context.Context, token, password string) (string, error) {
	const op = "dam.UnlockShare"
	h, err := l.linkHash(ctx, op, token)
	if err != nil {
		return "", err
	}
	_, sh, err := l.guestRecord(ctx, op, h)
	if err != nil {
		return "", err
	}
	if sh.PasswordHash == "" {
		return "", E(op, FailedPrecondition, "this share has no password")
	}
	now := l.now()
	if wait := l.passwords.Wait(sh.ID, now); wait > 0 {
		return "", exhausted(op, wait, "too many wrong passwords for this share: wait %s and try again", wait.Round(time.Second))
	}
	if !checkSharePassword(sh.PasswordHash, password) {
		l.passwords.Take(sh.ID, now)
		return "", &Error{Op: op, Kind: Unauthenticated, Err: errWrongPassword}
	}
	return shareKey(h, sh.PasswordHash), nil
}
