package dam

import "time"

// EventAction names what happened, for the usage log.
type EventAction string

// The recorded actions.
const (
	EventUpload        EventAction = "upload"
	EventVersion       EventAction = "version"
	EventVersionDelete EventAction = "version_delete"
	EventEdit          EventAction = "edit"
	EventClone         EventAction = "clone"
	EventDelete        EventAction = "delete"
	EventRestore       EventAction = "restore"
	EventPurge         EventAction = "purge"
	EventDownload      EventAction = "download"
	EventNote          EventAction = "note"
	EventProtect       EventAction = "protect"
	EventRequest       EventAction = "request"
	EventApprove       EventAction = "approve"
	EventDeny          EventAction = "deny"
	EventRevoke        EventAction = "revoke"
	EventRequestDelete EventAction = "request_delete"
	// A share's lifecycle (sharelife.go): its end moved later or earlier,
	// an expired share opened again, a guest's own expiry or limit set,
	// its view-only flag, password or download limit changed.
	EventShareExtend    EventAction = "share_extend"
	EventShareShorten   EventAction = "share_shorten"
	EventShareRestore   EventAction = "share_restore"
	EventShareGuestEdit EventAction = "share_guest_edit"
	EventShareSettings  EventAction = "share_settings"
)

// Event is one entry of the usage log: who did what to which asset, and when.
type Event struct {
	ID      string      `json:"id"`
	Time    time.Time   `json:"time"`
	ActorID string      `json:"actor_id"` // user ID, or guest/visitor email
	Action  EventAction `json:"action"`
	AssetID string      `json:"asset_id,omitempty"`
	Detail  string      `json:"detail,omitempty"`
}

// EventQuery filters the usage log. Results are newest first, or oldest
// first when Ascending.
type EventQuery struct {
	AssetID string
	ActorID string
	Action  EventAction
	Since   time.Time // events at or after Since
	Until   time.Time // events before Until (zero: no end)
	// Subject keeps events about one share or portal: those whose Detail
	// is Subject or starts with Subject and a space ("share <id>").
	Subject string
	// Reach, when set, keeps only the events an actor reaches (reach.go).
	Reach  *EventReach
	Cursor string // the ID after which to continue (in the order asked)
	Limit  int
	// Ascending lists oldest first: Cursor then means IDs above it.
	Ascending bool
}

// EventReach selects the events about an asset of one of Domains, the
// events about no asset whose actor is one of ActorIDs (with AllUsers: any
// user), and, with People, the events about no asset whose actor is a
// guest or visitor (an email address) for the library to sift by the share
// or portal they name. Empty lists select nothing of their part.
type EventReach struct {
	Domains  []string
	ActorIDs []string
	AllUsers bool
	People   bool
}
