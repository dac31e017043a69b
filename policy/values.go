package policy

import (
	"fmt"
	"strings"
)

// Setting is the protection set on a folder or an asset. The zero value,
// Inherit, defers to the next level up.
type Setting uint8

// Protection settings.
const (
	Inherit Setting = iota
	Protected
	Unprotected
)

var settingNames = [...]string{Inherit: "inherit", Protected: "protected", Unprotected: "unprotected"}

func (s Setting) String() string { return name(settingNames[:], int(s)) }

// explicit reports whether s decides on its own, without looking up.
func (s Setting) explicit() bool { return s == Protected || s == Unprotected }

// ParseSetting reads the names printed by Setting.String; "" is Inherit.
func ParseSetting(s string) (Setting, error) {
	if s == "" {
		return Inherit, nil
	}
	v, err := parse(settingNames[:], s, "setting")
	return Setting(v), err
}

// Role says who the actor is towards the library. The zero value is no role
// at all and is denied everything.
type Role uint8

// Roles. Owners, editors and viewers are library users bound to domains;
// guests come in through a share, visitors through a public portal.
const (
	RoleNone Role = iota
	RoleOwner
	RoleEditor
	RoleViewer
	RoleGuest
	RoleVisitor
)

var roleNames = [...]string{RoleNone: "none", RoleOwner: "owner", RoleEditor: "editor", RoleViewer: "viewer", RoleGuest: "guest", RoleVisitor: "visitor"}

func (r Role) String() string { return name(roleNames[:], int(r)) }

// ParseRole reads the names printed by Role.String.
func ParseRole(s string) (Role, error) {
	v, err := parse(roleNames[:], s, "role")
	return Role(v), err
}

// member reports whether r is a library user bound to domains.
func (r Role) member() bool { return r == RoleOwner || r == RoleEditor || r == RoleViewer }

// Action is what the actor wants to do with an asset. The zero value is no
// action and is denied.
type Action uint8

// Actions. ActionDownload covers the original and every export profile; the
// profile itself is Input.Profile.
const (
	ActionNone Action = iota
	ActionView
	ActionDownload
	ActionShare
	ActionRequest
	ActionManage
	// ActionArchive is handing out an asset inside a ZIP built for a
	// share's guest or a portal's visitor through their link, at once or
	// in the background: decided for them as a download is (and refused
	// to users, whose ZIPs are decided asset by asset as downloads).
	ActionArchive
)

var actionNames = [...]string{ActionNone: "none", ActionView: "view", ActionDownload: "download", ActionShare: "share", ActionRequest: "request", ActionManage: "manage", ActionArchive: "archive"}

func (a Action) String() string { return name(actionNames[:], int(a)) }

// ParseAction reads the names printed by Action.String.
func ParseAction(s string) (Action, error) {
	v, err := parse(actionNames[:], s, "action")
	return Action(v), err
}

// Kind is the broad media kind of an asset; the zero value is KindOther.
type Kind uint8

// Media kinds.
const (
	KindOther Kind = iota
	KindImage
	KindVideo
	KindAudio
	KindDocument
)

var kindNames = [...]string{KindOther: "other", KindImage: "image", KindVideo: "video", KindAudio: "audio", KindDocument: "document"}

func (k Kind) String() string { return name(kindNames[:], int(k)) }

// ParseKind reads the names printed by Kind.String; "" is KindOther.
func ParseKind(s string) (Kind, error) {
	if s == "" {
		return KindOther, nil
	}
	v, err := parse(kindNames[:], s, "kind")
	return Kind(v), err
}

// KindSet is a set of kinds as a bit mask; the zero value is empty.
type KindSet uint8

// Kinds returns the set holding ks.
func Kinds(ks ...Kind) KindSet {
	var s KindSet
	for _, k := range ks {
		s |= 1 << k
	}
	return s
}

// Has reports whether k is in s.
func (s KindSet) Has(k Kind) bool { return k < 8 && s&(1<<k) != 0 }

// Mode is a portal's download mode. The zero value, DownloadsDisabled, lets
// visitors look but never download or request.
type Mode uint8

// Portal download modes.
const (
	DownloadsDisabled Mode = iota
	DownloadsOnRequest
	DownloadsAutoApproved
	DownloadsOpen
)

var modeNames = [...]string{DownloadsDisabled: "disabled", DownloadsOnRequest: "request", DownloadsAutoApproved: "auto_approve", DownloadsOpen: "open"}

func (m Mode) String() string { return name(modeNames[:], int(m)) }

// ParseMode reads the names printed by Mode.String.
func ParseMode(s string) (Mode, error) {
	v, err := parse(modeNames[:], s, "download mode")
	return Mode(v), err
}

// Level says where the protection that applies to an asset was set. The
// zero Level means protection was not resolved, as for decisions that hide
// the asset.
type Level uint8

// Levels.
const (
	LevelNone Level = iota
	LevelAsset
	LevelFolder
	LevelLibrary
)

var levelNames = [...]string{LevelNone: "", LevelAsset: "asset", LevelFolder: "folder", LevelLibrary: "library"}

// String returns "asset", "folder", "library", or "" for LevelNone.
func (l Level) String() string { return name(levelNames[:], int(l)) }

// MarshalText writes the name printed by String, for JSON.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// Source is where an asset's effective protection comes from: the asset
// itself, a folder (FolderID says which), or the library default.
type Source struct {
	Level    Level
	FolderID string
}

func name(names []string, i int) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("unknown(%d)", i)
}

func parse(names []string, s, what string) (int, error) {
	for i, n := range names {
		if strings.EqualFold(n, s) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("policy: unknown %s %q", what, s)
}
