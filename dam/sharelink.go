package dam

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/damkit/damkit/share"
)

// A share created without guests gets one public link instead: a guest
// with neither user nor email address, whose token is derived from the
// library's link secret and the share's ID. Only its hash is stored, as for
// every guest, but the sharer can be shown (or sent) the link again at any
// time, since the library can derive it again. Removing that guest, like
// disabling or deleting the share, ends the link for good.

// NotifyShareLink is the message that sends a sharer their share's public
// link ("send me the link").
const NotifyShareLink = "share_link"

// Public reports whether g is a share's public link rather than a person.
func (g Guest) Public() bool { return g.UserID == "" && g.Email == "" }

// publicToken is the public link token of share id under secret: 32
// bytes of HMAC-SHA256, in the form of every other link token.
func publicToken(secret []byte, id string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("damkit share public link\x00" + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// publicGuest adds the public link's guest to sh.
func (l *Library) publicGuest(ctx context.Context, op string, sh *Share, by Actor, now time.Time) error {
	secret, err := l.portalSecret(ctx, op)
	if err != nil {
		return err
	}
	sh.Guests = append(sh.Guests, Guest{ID: NewID(now), ShareID: sh.ID, TokenHash: share.Hash(publicToken(secret, sh.ID)),
		InvitedBy: by.UserID, InvitedAt: now})
	return nil
}

// publicLink returns the public link of sh: "" when it has none that
// works (it was given to named guests, or its link was removed) or when
// the library has no address for share links.
func (l *Library) publicLink(ctx context.Context, op string, sh Share) (string, error) {
	if !hasPublicGuest(sh) {
		return "", nil
	}
	secret, err := l.portalSecret(ctx, op)
	if err != nil {
		return "", err
	}
	return l.shareLink(publicToken(secret, sh.ID)), nil
}

func hasPublicGuest(sh Share) bool {
	for _, g := range sh.Guests {
		if g.Public() && g.RemovedAt == nil {
			return true
		}
	}
	return false
}

// sharerView is shareView with the public link filled in, for the sharer.
func (l *Library) sharerView(ctx context.Context, op string, sh Share, now time.Time) (ShareView, error) {
	v := shareView(sh, now)
	var err error
	v.PublicLink, err = l.publicLink(ctx, op, sh)
	return v, err
}

// SendShareLink mails the public link of a share to the acting sharer
// ("send me the link"), and puts it in their inbox. A share without a
// public link (given to named guests, or its link removed) and a share
// whose link does not work now (disabled, expired) are FailedPrecondition.
func (l *Library) SendShareLink(ctx context.Context, id string) error {
	const op = "dam.SendShareLink"
	actor, sh, err := l.ownShare(ctx, op, id)
	if err != nil {
		return err
	}
	if !hasPublicGuest(sh) {
		return E(op, FailedPrecondition, "share %s has no public link: it was given to named guests, or its link was removed", sh.ID)
	}
	if !sh.Active(l.now().UTC()) {
		return E(op, FailedPrecondition, "share %s is disabled or has expired: its link does not work", sh.ID)
	}
	link, err := l.publicLink(ctx, op, sh)
	if err != nil {
		return err
	}
	if link == "" {
		return E(op, FailedPrecondition, "this library has no address for share links (Options.Links)")
	}
	text := fmt.Sprintf("The public link of your share %q (%d asset%s). Anyone with this link can open the share until it expires.",
		sh.Title, len(sh.AssetIDs), plural(len(sh.AssetIDs)))
	l.notify(ctx, Message{Kind: NotifyShareLink, To: Recipient{UserID: actor.UserID, Email: actor.Email},
		Subject: "Your link to \u201c" + sh.Title + "\u201d", Text: text, Link: link,
		Details: []Detail{{Label: "Expires", Value: sh.ExpiresAt.Format(time.RFC1123)}}})
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventShareEdit, Detail: "share " + sh.ID + " link sent to " + actor.Email})
	return nil
}
