// Package dam is the core of damkit: one service type, Library, that holds
// a digital asset library (assets and their versions, folders, categories,
// collections, metadata, a trash and a usage log) and everything about
// handing it out (protection, download requests and grants, export
// renditions, ZIP downloads, guest shares, public portals, licences).
//
// # The parts of a Library
//
//   - A Store keeps the metadata. It is an interface defined here and made
//     of one small interface per noun (AssetStore, FolderStore, ...);
//     dam/sqlstore implements it for SQLite and PostgreSQL, and
//     dam/storetest is the conformance suite every Store passes.
//   - A storage.Bucket keeps the bytes (originals by SHA-256, renditions,
//     ZIP parts) on any gocloud.dev bucket: file://, mem://, s3://, gs://.
//   - Options (nil means defaults), a Clock, a *slog.Logger, and Notifiers
//     (an EmailNotifier, say) besides the in-app inbox.
//
// Open builds a Library from a store URL and a bucket URL; New from parts
// you already hold. Run (periodic sweeps) and RunJobs (the background
// download builder) are the loops a host runs in goroutines until it shuts
// down; Close comes after both have returned.
//
// # Who acts
//
// Every call states who makes it: an Actor (a user with a role and
// domains, a share's guest, or a portal's email-only visitor) carried in
// the context by WithActor and read back by ActorFrom. Authenticate turns
// an API key into a User, whose Actor method gives the actor; GuestActor
// does the same for a share link's token. A Library never guesses: a call
// without an actor is refused with Kind Unauthenticated.
//
// Objects live in domains, and an actor acts only inside its own, owners
// included; what is out of its reach answers exactly as what does not
// exist (NotFound). Administering the whole library (users of every
// domain, settings, export profiles, licences) is a separate power, an
// owner's Admin flag, held by the first user. reach.go states the rule.
//
// # Errors
//
// Every error is an *Error with an Op and a Kind (Invalid, NotFound,
// PermissionDenied, NeedsRequest, Gone, ResourceExhausted, ...); read it
// with KindOf. dam/damhttp maps each Kind to one HTTP status.
//
// # The Library's methods, by area
//
// Set up and run: Open, New, Close, Run, RunJobs, ProcessJobs, RecoverJobs,
// Store, Bucket, Options.
//
// Users, keys and the usage log: CreateUser, Authenticate, Users, User,
// FindUsers, UpdateUser, DeleteUser, APIKeys, CreateAPIKey, RevokeAPIKey,
// Events.
//
// Browser sessions (for dam/damweb, or a host's own pages): SignInWithKey,
// SendSignInLink, SignInWithLink, SignInLinkFor, SessionActor, Sessions,
// RevokeSessions, SignOut.
//
// Assets and versions: Upload, Asset, Assets, EditAsset, EditAssets,
// Clone, CloneWith, AddNote, Notes, AddVersion, Versions, DeleteVersion.
//
// Trash: Delete, DeleteAssets (many, all or nothing), Trash, Restore,
// Sweep, PurgeAt.
//
// Folders, categories, collections: CreateFolder, Folder, Folders,
// RenameFolder, MoveFolder, DeleteFolder, MakeFolders (a path, like
// mkdir -p); CreateCategory, Category, Categories, UpdateCategory,
// DeleteCategory, CategoryAssets, AddToCategory, RemoveFromCategory;
// CreateCollection, Collection,
// Collections, UpdateCollection, DeleteCollection, AddToCollection,
// RemoveFromCollection.
//
// Downloading one asset: Access (may this actor download it, and why
// not; AccessAll for a page of assets), Open, OpenRendition, OpenPreview; export profiles with
// CreateProfile, Profile, Profiles, UpdateProfile, DeleteProfile.
//
// Protection, requests and grants: Settings, UpdateSettings,
// SetAssetProtection, SetFolderProtection, RequestDownload, Requests,
// RequestHistory, PendingRequestCount, Decide, DeleteRequest, Grants,
// RevokeGrant.
//
// Licences: CreateLicence, UpdateLicence, DeleteLicence, Licence,
// LicenceVersion, Licences, SetFolderLicence, SetAssetLicence,
// AcceptLicence, PortalAcceptLicence.
//
// Downloading many assets (ZIP): CreateDownload (a stream, or a Job built
// in the background), Job, Jobs, CancelJob, OpenPart, SweepArchives.
//
// Shares for guests: CreateShare, Share, Shares, EditShare, DeleteShare,
// AddShareAssets, RemoveShareAssets, InviteGuests, RemoveGuest,
// ShareUsage, SendShareLink, SweepShares; as the guest: GuestActor, GuestShare,
// GuestOpen, GuestPreview, Previewable, GuestSharer, GuestArchive.
//
// Portals (public pages; visitors ask by email): CreatePortal, Portal,
// Portals, UpdatePortal, DeletePortal, PortalUsage; as the visitor:
// PortalPage, RequestPortalDownload, PortalAccess, PortalOpen,
// PortalOpenAccepting.
//
// Notifications: Inbox, MarkRead, NotificationPreferences,
// SetNotificationPreferences; Notifier, EmailNotifier (SMTP, or the log:
// and file: development sinks) and Links (where messages point).
//
// The Example functions show the common paths; Example (QuickStart) is
// the whole of a small server.
package dam
