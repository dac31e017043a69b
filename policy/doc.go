// Package policy decides who may view, download, share, request or manage
// an asset. It is pure: the caller loads everything a decision depends on
// (library settings, the folder tree, the asset, the actor, the actor's
// grants, the share or portal they came through, and the current time) into
// an Input, and Decide returns a Decision value. There is no I/O, no
// context, no clock and no logging, so host applications can test their
// rules without a database.
//
// # Protection and its precedence
//
// Download protection is set at three levels: the library default
// (Settings.ProtectByDefault), folders, and assets. A folder or asset
// setting is Inherit, Protected or Unprotected. The nearest explicit setting
// wins: the asset's own, then its folder's, then each parent's up to the
// top, then the library default. An asset's own setting is therefore never
// overruled by a folder or the library. Nothing is copied: a new or moved
// asset simply resolves through its (new) folder. A folder the Tree does not
// know counts as protected, so a stale tree fails closed.
//
// A Tree resolves every folder once, parents first, into an array indexed
// by folder, so a decision costs one map lookup. Tree.Update returns a new
// tree after one folder changes, re-resolving only the subtree that
// inherits from it; the old tree stays valid for decisions in flight.
//
// # Who may do what
//
// Owners do anything with the assets of their domains. Editors view,
// download, share and manage them. Viewers view them, and download those no
// protection applies to or that a grant of theirs covers. Share guests view
// and download the assets of their share (in the share's profile when it
// fixes one) and nothing else. Portal visitors view the portal's assets and
// download them when the portal is open, or with a grant bound to their
// email; otherwise they may request one, unless the portal turns downloads
// off. Unavailable and expired assets are downloaded and shared by owners
// only, and kinds listed in Settings.NotDownloadable are downloaded by owners
// only.
//
// Existence never leaks: a user outside the asset's domain, a guest of a
// disabled, expired or unrelated share, and a visitor of a disabled or
// unrelated portal get a decision whose Reason is Hidden, which callers
// answer as NotFound rather than "protected". Grants never reach across
// domains, shares or portals.
//
// # The library switch and licences
//
// Settings.DownloadsOff turns downloads, and requests for them, off for
// everyone but owners, shares and portals included (ReasonLibraryDownloadsOff).
//
// A licence is set like protection: on the asset (Asset.Licence), on a
// folder (Folder.Licence, inherited by its subtree), on the portal a
// visitor came through (Portal.Licence) or as the library default
// (Settings.Licence); the nearest setting wins and NoLicence at any
// level stops one from above. Decision.Licence names the licence that
// governs the asset. A download that would otherwise be allowed, for owners
// too, is denied with ReasonLicenceRequired until the licence's ID is in
// Input.Accepted, the set of licences whose current version the actor has
// accepted; a licence never stands in front of a refusal it could not lift.
//
// A grant is in force from From (inclusive) to Until (exclusive; zero means
// until revoked) and ends at RevokedAt. Expired, not yet valid and revoked
// grants allow nothing.
//
// # The rule table
//
// Rules returns the decision table: ordered rows, each with a stable ID, a
// name, the roles and actions it covers, a condition, an effect, a Reason,
// a doc line and an example input that the row itself decides. The table is
// the evaluator, not a description of it: Decide walks the rows in order and
// the first row whose roles, actions and condition match decides. Explain
// returns the rows tried and the facts they read. Filter decides a whole
// selection in one call and equals Decide for each asset.
//
// A Decision tells whether the action is allowed, the deciding rule, a
// Reason code, the asset's effective protection and where it was set,
// whether the actor may request a grant (CanRequest: callers answer
// "needs_request"), whether to watermark the view, and the grant that
// allowed it, if any.
package policy
