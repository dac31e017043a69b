package dam

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/damkit/damkit/policy"
)

// Licence is a text downloaders accept before they download. Owners set it
// on the library, a folder (inherited by the subtree) or an asset, just like
// protection. Every change of the text makes a new Version, and people who
// accepted an older one are asked again; old versions are kept, so the
// usage log can always say which text someone accepted.
type Licence struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Text      string    `json:"text"`
	Version   int       `json:"version"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// LicencePatch changes a licence; nil fields stay. A new text makes a new
// version; a new title alone does not.
type LicencePatch struct {
	Title *string `json:"title"`
	Text  *string `json:"text"`
}

// LicenceAcceptance records that someone accepted one version of a
// licence. Actor is "user:<id>" for library users (also when they come as
// share guests) and "email:<address>" for guests and portal visitors known
// by email.
type LicenceAcceptance struct {
	Actor      string    `json:"actor"`
	LicenceID  string    `json:"licence_id"`
	Version    int       `json:"version"`
	AcceptedAt time.Time `json:"accepted_at"`
}

// LicenceRef names the licence a download waits for, with what a client
// needs to show it and accept it.
type LicenceRef struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Version int    `json:"version"`
}

// NoLicence is the asset or folder licence setting that stops a licence set
// further up from applying; "" inherits.
const NoLicence = policy.NoLicence

// EventLicenceAccept is the usage-log action of an acceptance; its Detail
// names the licence and version ("licence <id> v<n>", plus the share or
// portal it came through).
const EventLicenceAccept EventAction = "licence_accept"

// Limits of licences.
const (
	maxLicenceTitle = 200
	// DefaultMaxLicenceText bounds a licence text in bytes when
	// Options.MaxLicenceText is zero.
	DefaultMaxLicenceText = 64 << 10
)

// licenceActor is the key acceptances are stored under, "" for an actor
// who cannot accept (an anonymous portal visitor).
func licenceActor(a Actor) string {
	switch {
	case a.UserID != "":
		return "user:" + a.UserID
	case a.Email != "" && (a.Kind == ActorGuest || a.Kind == ActorVisitor):
		return "email:" + strings.ToLower(a.Email)
	}
	return ""
}

// checkLicenceText validates a title and text from outside: valid UTF-8,
// not empty, bounded. Unlike metadata they are refused rather than cut: a
// licence someone accepts must be exactly the text the owner wrote.
func checkLicenceText(op, title, text string, maxText int) (string, string, error) {
	if !utf8.ValidString(title) || !utf8.ValidString(text) {
		return "", "", E(op, Invalid, "licence title and text must be valid UTF-8")
	}
	title = strings.TrimSpace(title)
	switch {
	case title == "":
		return "", "", E(op, Invalid, "a licence needs a title")
	case utf8.RuneCountInString(title) > maxLicenceTitle:
		return "", "", E(op, Invalid, "licence title is longer than %d characters", maxLicenceTitle)
	case cleanText(title, maxLicenceTitle) != title || strings.ContainsAny(title, "\n\t"):
		return "", "", E(op, Invalid, "licence title contains a control character")
	case strings.TrimSpace(text) == "":
		return "", "", E(op, Invalid, "a licence needs a text")
	case len(text) > maxText:
		return "", "", E(op, TooLarge, "licence text is longer than %d bytes", maxText)
	}
	for _, r := range text {
		if r < ' ' && r != '\n' && r != '\t' && r != '\r' || r == 0x7f {
			return "", "", E(op, Invalid, "licence text contains a control character (%U)", r)
		}
	}
	return title, text, nil
}

// checkLicenceSetting validates an asset or folder licence setting: ""
// (inherit), NoLicence, or the ID of a licence (checked by the store).
func checkLicenceSetting(op, s string) error {
	if s == "" || s == NoLicence || validID(s) {
		return nil
	}
	return E(op, Invalid, "licence must be a licence id, %q (none) or empty (inherit)", NoLicence)
}
