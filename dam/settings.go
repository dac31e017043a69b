package dam

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Settings are the library's usage settings, changed by owners only.
type Settings struct {
	ProtectByDefault bool `json:"protect_by_default"` // the library level of protection
	ShowWatermarks   bool `json:"show_watermarks"`    // protected assets seen without a grant are watermarked
	AutoApprove      bool `json:"auto_approve"`       // requests are granted at once
	// GrantValidity is how long a download permission lasts; 0 means until revoked.
	GrantValidity time.Duration `json:"grant_validity"`
	// Deselected lists owners who do not receive download requests; every
	// other owner does (editors never do).
	Deselected              []string    `json:"deselected_recipients"`
	ReasonRequiredToRequest bool        `json:"reason_required_to_request"`
	ReasonRequiredToDeny    bool        `json:"reason_required_to_deny"`
	NotDownloadable         []MediaKind `json:"not_downloadable_kinds"`
	// SharesEnabled lets owners and editors create shares for guests.
	SharesEnabled bool `json:"shares_enabled"`
	// DownloadsOff turns downloads, and requests for them, off for everyone
	// but owners: users, share guests and portal visitors alike.
	DownloadsOff bool `json:"downloads_off"`
	// Licence is the library's default licence ("" none): downloaders accept
	// it first unless a folder or the asset sets another or "none".
	Licence string `json:"licence"`
	// EmailNotifications is the owners' default, per preference kind, of
	// whether users are emailed (the inbox always gets the item); a user's
	// own choice wins (SetNotificationPreferences). A missing kind means
	// true, so settings saved before it existed keep sending email.
	EmailNotifications map[PreferenceKind]bool `json:"email_notifications"`
	// CustomRenditions turns renditions asked for on the spot (w, h, fit,
	// format, quality, dpi, colour space) on and bounds them; off by
	// default (CustomRendition).
	CustomRenditions CustomRenditionSettings `json:"custom_renditions"`
	UpdatedBy        string                  `json:"updated_by,omitempty"`
	UpdatedAt        time.Time               `json:"updated_at"`
}

// DefaultSettings are the settings of a library nobody configured yet.
func DefaultSettings() Settings {
	return Settings{GrantValidity: 7 * 24 * time.Hour, Deselected: []string{}, NotDownloadable: []MediaKind{},
		EmailNotifications: completeEmailDefaults(nil),
		CustomRenditions:   CustomRenditionSettings{MaxPixels: DefaultCustomMaxPixels, Formats: slices.Clone(DefaultCustomFormats)}}
}

// maxGrantValidity bounds a permission's length (ten years) so that
// arithmetic on it never overflows.
const maxGrantValidity = 10 * 365 * 24 * time.Hour

// Settings returns the library's usage settings (any user may read them).
func (l *Library) Settings(ctx context.Context) (Settings, error) {
	const op = "dam.Settings"
	if _, err := actorFor(ctx, op); err != nil {
		return Settings{}, err
	}
	s, err := l.store.Settings(ctx)
	if err != nil {
		return Settings{}, wrap(op, Internal, err)
	}
	s.EmailNotifications = completeEmailDefaults(s.EmailNotifications)
	s.CustomRenditions = s.CustomRenditions.withDefaults()
	return s, nil
}

// UpdateSettings replaces the usage settings (administrators only).
func (l *Library) UpdateSettings(ctx context.Context, s Settings) (Settings, error) {
	const op = "dam.UpdateSettings"
	actor, err := administrator(ctx, op, "the usage settings")
	if err != nil {
		return Settings{}, err
	}
	if s.GrantValidity < 0 || s.GrantValidity > maxGrantValidity {
		return Settings{}, E(op, Invalid, "grant validity must be between 0 (until revoked) and 10 years")
	}
	for _, k := range s.NotDownloadable {
		if !slices.Contains([]MediaKind{MediaImage, MediaVideo, MediaAudio, MediaDocument, MediaOther}, k) {
			return Settings{}, E(op, Invalid, "unknown media kind %.30q", k)
		}
	}
	if s.Licence == NoLicence {
		s.Licence = ""
	}
	if s.Licence != "" {
		if _, err := l.licence(ctx, op, s.Licence); err != nil {
			return Settings{}, E(op, Invalid, "unknown licence %.30q", s.Licence)
		}
	}
	if err := checkEmailDefaults(op, s.EmailNotifications); err != nil {
		return Settings{}, err
	}
	if s.CustomRenditions, err = checkCustomSettings(op, s.CustomRenditions); err != nil {
		return Settings{}, err
	}
	users, err := l.store.Users(ctx)
	if err != nil {
		return Settings{}, wrap(op, Internal, err)
	}
	for _, id := range s.Deselected {
		i := slices.IndexFunc(users, func(u User) bool { return u.ID == id })
		if i < 0 || users[i].Role != RoleOwner {
			return Settings{}, E(op, Invalid, "deselected recipient %.30q is not an owner", id)
		}
	}
	if err := checkRecipients(op, users, s.Deselected); err != nil {
		return Settings{}, err
	}
	if s.Deselected == nil {
		s.Deselected = []string{}
	}
	if s.NotDownloadable == nil {
		s.NotDownloadable = []MediaKind{}
	}
	s.EmailNotifications = completeEmailDefaults(s.EmailNotifications)
	s.UpdatedBy, s.UpdatedAt = actor.UserID, l.now().UTC()
	if err := l.store.PutSettings(ctx, s); err != nil {
		return Settings{}, wrap(op, Internal, err)
	}
	return s, nil
}

// checkRecipients refuses a list of deselected owners that would leave a
// domain's download requests with nobody to receive them: every domain
// that has an enabled owner keeps at least one enabled owner who is not
// deselected.
func checkRecipients(op string, users []User, deselected []string) error {
	held := map[string]bool{}     // domains with an enabled owner
	received := map[string]bool{} // domains with an enabled owner who receives requests
	for _, u := range users {
		if u.Role != RoleOwner || u.DisabledAt != nil {
			continue
		}
		for _, d := range u.Domains {
			held[d] = true
			if !slices.Contains(deselected, u.ID) {
				received[d] = true
			}
		}
	}
	var orphaned []string
	for d := range held {
		if !received[d] {
			orphaned = append(orphaned, d)
		}
	}
	if len(orphaned) == 0 {
		return nil
	}
	slices.Sort(orphaned)
	return E(op, FailedPrecondition, "someone must receive download requests: keep at least one owner of domain %s as a recipient",
		strings.Join(orphaned, ", "))
}
