package dam

import "time"

// RequestStatus is where a download request stands.
type RequestStatus string

// The request states. Only pending requests can be decided.
const (
	RequestPending  RequestStatus = "pending"
	RequestApproved RequestStatus = "approved"
	RequestDenied   RequestStatus = "denied"
)

// Request is one person's request to download one asset. Asking for
// several assets or a collection makes one request per asset, sharing a
// Batch ID, so that each can be decided on its own.
type Request struct {
	ID             string        `json:"id"`
	Batch          string        `json:"batch"`
	AssetID        string        `json:"asset_id"`
	Domain         string        `json:"domain"`
	RequesterID    string        `json:"requester_id,omitempty"` // a user, or
	RequesterEmail string        `json:"requester_email"`        // the email of a portal visitor
	Reason         string        `json:"reason"`
	Status         RequestStatus `json:"status"`
	Validity       time.Duration `json:"validity"` // how long the permission would last; 0 = until revoked
	AutoApproved   bool          `json:"auto_approved"`
	DecidedBy      string        `json:"decided_by,omitempty"`
	DecidedAt      *time.Time    `json:"decided_at,omitempty"`
	Message        string        `json:"message,omitempty"` // the decision's message
	CreatedAt      time.Time     `json:"created_at"`
	// PortalID is the portal a visitor asked through ("" for a user's
	// request). Stores read it; CreatePortalRequests records it.
	PortalID string `json:"portal_id,omitempty"`
}

// RequestQuery filters the requests dashboard. Empty fields do not
// filter. Results are in Sort order (newest first when empty) and paged by
// Cursor, which only the listing with the same Sort makes.
type RequestQuery struct {
	Domains     []string
	Status      RequestStatus
	RequesterID string
	// RequesterEmail keeps the requests whose requester's email contains
	// it, in any case: a user's or a portal visitor's.
	RequesterEmail string
	AssetID        string
	// FolderID keeps the requests for assets in this folder or in any
	// folder below it.
	FolderID string
	// PortalID keeps the requests visitors made through this portal.
	PortalID string
	// From and Before keep the requests asked at or after From and before
	// Before (zero: no bound).
	From, Before time.Time
	Sort         string // one of RequestSorts; "" is "-created"
	Cursor       string
	Limit        int
}

// Decision is an owner's answer to one request.
type Decision struct {
	RequestID string `json:"request_id"`
	Approve   bool   `json:"approve"`
	Message   string `json:"message,omitempty"`
	// ValidityDays, when set on an approval, replaces the requested
	// validity: how many days the permission lasts (0: until revoked).
	ValidityDays *int `json:"validity_days,omitempty"`
}

// maxValidityDays bounds a validity an owner chooses (ten years).
const maxValidityDays = 3650

// Grant is a time-limited permission to download one asset, made when a
// request is approved. It is valid for From <= now < Until (no Until:
// until revoked) and stops at RevokedAt.
type Grant struct {
	ID        string     `json:"id"`
	RequestID string     `json:"request_id,omitempty"`
	AssetID   string     `json:"asset_id"`
	UserID    string     `json:"user_id,omitempty"`
	Email     string     `json:"email,omitempty"`
	From      time.Time  `json:"from"`
	Until     *time.Time `json:"until,omitempty"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	RevokedBy string     `json:"revoked_by,omitempty"`
	CreatedBy string     `json:"created_by"`
}

// GrantQuery selects grants. Empty fields do not filter.
type GrantQuery struct {
	RequestID string // the grants an approval of this request made
	UserID    string
	Email     string
	AssetIDs  []string
	Live      bool // only grants not revoked (validity is decided by policy)
}

// Notification is an item of a user's in-app inbox.
type Notification struct {
	ID        string     `json:"id"`
	UserID    string     `json:"user_id"`
	Kind      string     `json:"kind"` // request_received, request_approved, request_denied, ...
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Link      string     `json:"link,omitempty"`
	RequestID string     `json:"request_id,omitempty"`
	AssetID   string     `json:"asset_id,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}
