package policy

// Reason is a stable code saying why a decision came out as it did, for
// callers to map to their errors and show to people. Codes are never
// renamed; new ones may be added.
type Reason string

// Reasons that hide the asset: the caller answers NotFound.
const (
	ReasonInvalidInput   Reason = "invalid_input"   // no role, no action or no asset
	ReasonOutsideDomain  Reason = "outside_domain"  // the asset is in a domain the user does not see
	ReasonShareInactive  Reason = "share_inactive"  // the share is disabled or expired
	ReasonNotShared      Reason = "not_shared"      // the share does not cover the asset
	ReasonPortalInactive Reason = "portal_inactive" // the portal is disabled
	ReasonNotInPortal    Reason = "not_in_portal"   // the portal does not cover the asset
)

// Reasons for a denial the actor may see.
const (
	ReasonProtected           Reason = "protected"             // protected and no valid grant: may request
	ReasonNoGrant             Reason = "no_grant"              // portal downloads need a grant: may request
	ReasonNotRequestable      Reason = "not_requestable"       // a request would not be accepted or is not needed
	ReasonRoleNotAllowed      Reason = "role_not_allowed"      // the role never does this action
	ReasonUnavailable         Reason = "unavailable"           // the asset is not available
	ReasonExpired             Reason = "expired"               // the asset is past its expiry date
	ReasonKindNotDownloadable Reason = "kind_not_downloadable" // the settings turn off downloads of this kind
	ReasonProfileNotShared    Reason = "profile_not_shared"    // the share fixes another export profile
	ReasonDownloadsDisabled   Reason = "downloads_disabled"    // the portal turns downloads off
)

// Reasons for an allowed decision.
const (
	ReasonOwner            Reason = "owner"                  // owners do anything in their domains
	ReasonOwnerOnlyUnavail Reason = "owner_only_unavailable" // unavailable: allowed to owners only
	ReasonOwnerOnlyExpired Reason = "owner_only_expired"     // expired: allowed to owners only
	ReasonEditor           Reason = "editor"                 // editors download, share and manage
	ReasonVisible          Reason = "visible"                // everyone who reaches an asset may view it
	ReasonUnprotected      Reason = "unprotected"            // no protection applies
	ReasonGrant            Reason = "grant"                  // a valid grant covers the asset
	ReasonShared           Reason = "shared"                 // the share covers the asset
	ReasonPortalOpen       Reason = "portal_open"            // the portal lets visitors download
	ReasonRequestable      Reason = "requestable"            // the actor may ask for a grant
)

// Hidden reports whether r must be answered as NotFound so that the
// existence of the asset does not leak.
func (r Reason) Hidden() bool {
	switch r {
	case ReasonInvalidInput, ReasonOutsideDomain, ReasonShareInactive,
		ReasonNotShared, ReasonPortalInactive, ReasonNotInPortal:
		return true
	}
	return false
}
