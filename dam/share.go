package dam

import (
	"context"
	"time"
)

// Share is a titled, time-limited set of assets handed to guests (reference
// page 003). Each guest gets a link of their own; the share's ExpiresAt,
// Enabled flag and the guest's RemovedAt decide whether the link answers.
type Share struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	AssetIDs    []string `json:"asset_ids"`
	Profile     string   `json:"profile,omitempty"` // "" lets guests take the original; else the only profile offered
	// AssetProfiles is, for a share of a collection that fixes no Profile,
	// the export profile each asset is offered in (the collection item's
	// own, else the collection's default), the only one its guests get.
	// An asset it does not name is offered as its original.
	AssetProfiles map[string]string `json:"asset_profiles,omitempty"`
	CreatedBy     string            `json:"created_by"`
	CreatedAt     time.Time         `json:"created_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
	ExpiresAt     time.Time         `json:"expires_at"`
	Enabled       bool              `json:"enabled"`
	// ViewOnly shares show their assets (previews) and hand out no
	// download: the policy's row R31 refuses every one.
	ViewOnly bool `json:"view_only"`
	// PasswordHash is the argon2id hash (PHC string) of the share's
	// password, "" for none (sharepassword.go).
	PasswordHash string `json:"-"`
	// DownloadLimit is how many downloads (each file, each ZIP) the share
	// hands out in all, 0 for no limit; Downloads counts them while the
	// share or the downloading guest has a limit.
	DownloadLimit int `json:"download_limit,omitempty"`
	Downloads     int `json:"downloads"`
	// AssetDownloadLimit is how many times each guest may download each
	// asset (a file, or a ZIP holding it), 0 for no limit; counted per
	// guest and asset in the store (CountAssetDownloads).
	AssetDownloadLimit int `json:"asset_download_limit,omitempty"`
	// ExpiringNoticeAt and ExpiredNoticeAt record when the sharer was told
	// the share is about to expire and that it has, so each goes once.
	ExpiringNoticeAt *time.Time `json:"expiring_notice_at,omitempty"`
	ExpiredNoticeAt  *time.Time `json:"expired_notice_at,omitempty"`
	Guests           []Guest    `json:"-"`
}

// AssetProfile returns the export profile guests get assetID in: the
// share's Profile when it fixes one, else the asset's own from a shared
// collection; "" is the original.
func (s Share) AssetProfile(assetID string) string {
	if s.Profile != "" {
		return s.Profile
	}
	return s.AssetProfiles[assetID]
}

// Active reports whether the share's links answer at now.
func (s Share) Active(now time.Time) bool { return s.Enabled && now.Before(s.ExpiresAt) }

// Guest is one person a share was given to: an internal user (UserID set)
// or an external email address. Only the hash of their link token is kept.
type Guest struct {
	ID        string     `json:"id"`
	ShareID   string     `json:"share_id"`
	UserID    string     `json:"user_id,omitempty"`
	Email     string     `json:"email"`
	TokenHash []byte     `json:"-"`
	InvitedBy string     `json:"invited_by"`
	InvitedAt time.Time  `json:"invited_at"`
	RemovedAt *time.Time `json:"removed_at,omitempty"`
	// ExpiresAt ends this guest's access before the share's end; nil
	// means the share's.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// DownloadLimit is how many downloads this guest gets, 0 for no limit
	// of their own; Downloads counts them while they or the share have a
	// limit.
	DownloadLimit int `json:"download_limit,omitempty"`
	Downloads     int `json:"downloads"`
}

// Active reports whether the guest's link answers at now, the share being
// active.
func (g Guest) Active(now time.Time) bool {
	return g.RemovedAt == nil && (g.ExpiresAt == nil || now.Before(*g.ExpiresAt))
}

// ShareNotice names the notices the sweep sends the sharer.
type ShareNotice string

// The notices of a share's end.
const (
	NoticeExpiring ShareNotice = "expiring"
	NoticeExpired  ShareNotice = "expired"
)

// ShareStore keeps shares, their assets and their guests.
type ShareStore interface {
	// CreateShare inserts s with its AssetIDs, AssetProfiles and Guests in
	// one transaction. Share and Shares read AssetProfiles back (nil when
	// the share names none).
	CreateShare(ctx context.Context, s Share) error
	// Share returns a share with its assets and guests (removed ones too).
	Share(ctx context.Context, id string) (Share, error)
	// Shares lists the shares created by a user, newest first, with assets
	// but without guests.
	Shares(ctx context.Context, createdBy string) ([]Share, error)
	// UpdateShare writes title, description, enabled, updated_at,
	// expires_at, view_only, password_hash, download_limit,
	// asset_download_limit and both notice
	// times (nil clears them).
	UpdateShare(ctx context.Context, s Share) error
	// UpdateGuest writes a guest's expires_at and download_limit (NotFound
	// if the guest is not the share's).
	UpdateGuest(ctx context.Context, g Guest) error
	// CountDownload counts one download against the share's limit and the
	// guest's, compare-and-set in one transaction: when either is used up
	// it counts nothing and fails with Gone. Two processes never hand out
	// more than a limit.
	CountDownload(ctx context.Context, shareID, guestID string) error
	// CountAssetDownloads is CountDownload plus one download by the guest
	// of each of assetIDs, each at most limit times, all in one
	// transaction: when anything is used up it counts nothing and fails
	// with Gone.
	CountAssetDownloads(ctx context.Context, shareID, guestID string, assetIDs []string, limit int) error
	// DeleteShare removes a share with its assets and guests.
	DeleteShare(ctx context.Context, id string) error
	// AddShareAssets adds assets (ones already there are kept as they are).
	AddShareAssets(ctx context.Context, id string, assetIDs []string, at time.Time) error
	RemoveShareAssets(ctx context.Context, id string, assetIDs []string) error
	// AddGuests inserts guests of an existing share.
	AddGuests(ctx context.Context, gs []Guest) error
	// RemoveGuest sets RemovedAt on a guest of the share (NotFound if the
	// guest is not the share's, Conflict if already removed).
	RemoveGuest(ctx context.Context, shareID, guestID string, at time.Time) error
	// GuestByTokenHash returns the guest whose link token hashes to h,
	// removed or not (NotFound when none).
	GuestByTokenHash(ctx context.Context, h []byte) (Guest, error)
	// SharesDue lists up to limit shares, oldest expiry first, that still
	// owe a notice: the expiring one when ExpiresAt <= soon, the expired one
	// when ExpiresAt <= now.
	SharesDue(ctx context.Context, soon, now time.Time, limit int) ([]Share, error)
	// MarkShareNotice records a notice as sent, compare-and-set: it
	// reports false when it was already recorded.
	MarkShareNotice(ctx context.Context, id string, n ShareNotice, at time.Time) (bool, error)
}
