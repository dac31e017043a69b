package policy

// condition is the part of a rule that looks beyond role and action. It is
// a closed set of named questions rather than a func so that evaluating
// the table costs a switch, not an indirect call that would move the input
// to the heap.
type condition uint8

// Conditions the rules ask about.
const (
	condAlways             condition = iota
	condInvalid                      // no known role, no known action or no asset ID
	condOutsideDomain                // the asset is not in one of the user's domains
	condShareInactive                // the share is disabled or expired
	condNotShared                    // the share does not cover the asset
	condPortalInactive               // the portal is disabled
	condNotInPortal                  // the portal does not cover the asset
	condCanRequest                   // a grant is all the actor lacks
	condUnavailable                  // the asset is not available
	condExpired                      // the asset is past its expiry date
	condKindOff                      // the settings turn off downloads of the kind
	condUnprotected                  // no protection applies
	condGrant                        // a valid grant of the actor covers the asset
	condProfileNotShared             // the share fixes another profile
	condPortalOpen                   // the portal lets anyone download
	condPortalDownloadsOff           // the portal turns downloads off
)

// holds answers condition c for f.
func (f *facts) holds(c condition) bool {
	in := f.in
	switch c {
	case condAlways:
		return true
	case condInvalid:
		return !f.valid
	case condOutsideDomain:
		return !f.inDomain
	case condShareInactive:
		return !f.shareActive
	case condNotShared:
		return !f.inShare
	case condPortalInactive:
		return !in.Portal.Enabled
	case condNotInPortal:
		return !f.inPortal
	case condCanRequest:
		return f.canRequest()
	case condUnavailable:
		return !in.Asset.Available
	case condExpired:
		return f.expired
	case condKindOff:
		return in.Settings.NotDownloadable.Has(in.Asset.Kind)
	case condUnprotected:
		return !f.protected
	case condGrant:
		return f.hasGrant()
	case condProfileNotShared:
		return !f.profileShared
	case condPortalOpen:
		return in.Portal.Mode == DownloadsOpen
	case condPortalDownloadsOff:
		return in.Portal.Mode == DownloadsDisabled
	}
	return false
}
