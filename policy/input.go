package policy

import "time"

// Actor is who asks. Library users (owners, editors, viewers) are known by
// ID and see the assets of their Domains; share guests by nothing but the
// share they came through; portal visitors by the email their grants name.
type Actor struct {
	ID      string
	Email   string
	Role    Role
	Domains []string
}

// inDomain reports whether the actor sees assets of domain d.
func (a *Actor) inDomain(d string) bool {
	for _, x := range a.Domains {
		if x == d {
			return true
		}
	}
	return false
}

// Asset is what policy needs to know about one asset. The zero value is an
// unavailable asset nobody can reach.
type Asset struct {
	ID         string
	FolderID   string // "" means the library root
	Domain     string
	Kind       Kind
	Available  bool      // false while processing, in trash, or taken down
	ExpiresAt  time.Time // zero means never; expired when now >= ExpiresAt
	Protection Setting
	Licence    string // "" inherits the folder's; NoLicence: none; else a licence ID
}

// expired reports whether the asset is past its expiry date at now.
func (a *Asset) expired(now time.Time) bool {
	return !a.ExpiresAt.IsZero() && !now.Before(a.ExpiresAt)
}

// Settings are the library's usage settings that bear on decisions.
type Settings struct {
	ProtectByDefault bool    // the library level of protection
	ShowWatermarks   bool    // watermark protected assets viewed without a grant
	NotDownloadable  KindSet // kinds nobody but owners downloads
	DownloadsOff     bool    // the library-wide switch: nobody but owners downloads or requests
	Licence          string  // the library's default licence ID; "" (or NoLicence) for none
}

// NoLicence is the explicit "no licence" setting of an asset or folder: it
// stops a licence set further up from applying, as Unprotected stops
// protection.
const NoLicence = "none"

// LicenceSet is a set of licence IDs: those whose current version the actor
// has accepted. The nil set is empty.
type LicenceSet map[string]struct{}

// NewLicenceSet returns the set of ids.
func NewLicenceSet(ids ...string) LicenceSet {
	s := make(LicenceSet, len(ids))
	for _, id := range ids {
		s[id] = struct{}{}
	}
	return s
}

// Has reports whether id is in s.
func (s LicenceSet) Has(id string) bool {
	_, ok := s[id]
	return ok
}

// AssetSet is a set of asset IDs, as covered by a share, a portal or a grant.
// The nil set is empty.
type AssetSet map[string]struct{}

// NewAssetSet returns the set of ids.
func NewAssetSet(ids ...string) AssetSet {
	s := make(AssetSet, len(ids))
	for _, id := range ids {
		s[id] = struct{}{}
	}
	return s
}

// Has reports whether id is in s.
func (s AssetSet) Has(id string) bool {
	_, ok := s[id]
	return ok
}

// Share is the share a guest came through. The zero value (and a nil
// *Share) is a disabled share: its guests get NotFound for everything.
type Share struct {
	ID      string
	Assets  AssetSet
	Profile string    // "" lets guests pick any; otherwise the only one allowed
	Enabled bool      // false once the owner turned it off
	Until   time.Time // zero means no end; expired when now >= Until
	// ViewOnly shows the assets (previews) and hands out no download.
	ViewOnly bool
}

// active reports whether the share still answers at now.
func (s *Share) active(now time.Time) bool {
	return s.Enabled && (s.Until.IsZero() || now.Before(s.Until))
}

// Portal is the public portal a visitor came through. The zero value (and
// a nil *Portal) is a disabled portal.
type Portal struct {
	ID      string
	Assets  AssetSet
	Mode    Mode
	Enabled bool
	// Licence is the portal's licence ID ("" for none): it governs the
	// portal's assets that resolve no licence of their own or from their
	// folders, in place of the library default.
	Licence string
}

// Input is everything one decision depends on. It is plain data: the caller
// loads it, policy does no I/O and reads no clock. The zero Input is denied.
type Input struct {
	Action   Action
	Profile  string // "" or "original" for the original, else an export profile name
	Actor    Actor
	Asset    Asset
	Settings Settings
	Tree     *Tree      // the folders in play; an asset in a folder it lacks counts protected
	Grants   *Grants    // the actor's grants; nil means none
	Share    *Share     // the share a guest came through; nil: none
	Portal   *Portal    // the portal a visitor came through; nil: none
	Accepted LicenceSet // licences whose current version the actor accepted
	Now      time.Time
}

// Decision is the answer for one actor, action and asset.
type Decision struct {
	Allowed    bool
	Protected  bool   // the asset's effective protection, whoever asks (false when hidden)
	CanRequest bool   // asking for a grant could make a download allowed
	Watermark  bool   // show the asset watermarked
	Rule       RuleID // the table row that decided; RuleName gives its name
	Reason     Reason
	Source     Source // where the protection was set (zero when hidden)
	GrantID    string // the grant that allowed it, if one did
	// Licence is the licence that governs downloading the asset ("" for
	// none), resolved like protection; zero when hidden. A download it
	// blocks is denied with ReasonLicenceRequired until the actor accepts it.
	Licence string
}

// RuleName returns the name of the rule that decided d.
func (d Decision) RuleName() string {
	for i := range compiled {
		if compiled[i].id == d.Rule {
			return compiled[i].name
		}
	}
	return ""
}

// Hidden reports whether the actor must not learn that the asset exists:
// callers answer NotFound, never "protected".
func (d Decision) Hidden() bool { return d.Reason.Hidden() }
