package dam

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A guest's link token is random and only its hash is kept, so the email
// that says a guest's background download is ready cannot repeat it. It
// carries a sealed link instead: (share, guest, end) sealed with
// AES-256-GCM under a key derived from the library's link secret, as
// visitors' links are, "g1." + base64url(nonce || ciphertext). It opens
// what the guest's own link opens (GuestActor accepts both), for as long
// as the guest's access lasts and at most until its end (the download's
// expiry): removing the guest or disabling the share ends it too.
const guestLinkPrefix = "g1."

// maxGuestLink bounds the sealed links read (they are about 120 bytes).
const maxGuestLink = 512

func guestLinkAEAD(secret []byte) cipher.AEAD {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("damkit guest downloads link v1"))
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

// sealGuestLink seals (share, guest, until) into a guest link.
func sealGuestLink(secret []byte, shareID, guestID string, until time.Time) string {
	payload := shareID + "\n" + guestID + "\n" + strconv.FormatInt(until.Unix(), 10)
	aead := guestLinkAEAD(secret)
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(payload)+aead.Overhead())
	_, _ = rand.Read(nonce)
	return guestLinkPrefix + base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte(payload), nil))
}

// openGuestLink opens a sealed guest link; ok is false for anything
// tampered or malformed.
func openGuestLink(secret []byte, token string) (shareID, guestID string, until time.Time, ok bool) {
	sealed, found := strings.CutPrefix(token, guestLinkPrefix)
	if !found || len(token) > maxGuestLink {
		return "", "", time.Time{}, false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(sealed)
	aead := guestLinkAEAD(secret)
	if err != nil || len(b) < aead.NonceSize()+aead.Overhead() {
		return "", "", time.Time{}, false
	}
	payload, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], nil)
	if err != nil {
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
	return parts[0], parts[1], time.Unix(exp, 0).UTC(), true
}

// linkHash returns the token hash of a guest's link: the hash of a link
// token, or the stored hash of the guest a live sealed link names.
// Anything else is the NotFound every dead link gets.
func (l *Library) linkHash(ctx context.Context, op, token string) ([]byte, error) {
	if !strings.HasPrefix(token, guestLinkPrefix) {
		return tokenHash(op, token)
	}
	none := &Error{Op: op, Kind: NotFound, Err: errNoShare}
	secret, err := l.portalSecret(ctx, op)
	if err != nil {
		return nil, err
	}
	shareID, guestID, until, ok := openGuestLink(secret, token)
	if !ok || !l.now().Before(until) || !validID(shareID) {
		return nil, none
	}
	sh, err := l.store.Share(ctx, shareID)
	if KindOf(err) == NotFound {
		return nil, none
	}
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	i := slices.IndexFunc(sh.Guests, func(g Guest) bool { return g.ID == guestID })
	if i < 0 {
		return nil, none
	}
	return sh.Guests[i].TokenHash, nil
}
