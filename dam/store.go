package dam

import (
	"context"
	"time"
)

// Store keeps the library's metadata. It is defined here, by its consumer,
// and composed of one small interface per noun. dam/sqlstore implements it
// for SQLite and PostgreSQL; dam/storetest is the contract every
// implementation passes.
//
// Errors are *Error values: NotFound for a missing (or trashed, where the
// method says so) row, AlreadyExists for a taken unique name,
// FailedPrecondition when a compare-and-set loses. Every method is atomic.
type Store interface {
	UserStore
	AssetStore
	VersionStore
	FolderStore
	CollectionStore
	NoteStore
	EventStore
	SettingsStore
	RequestStore
	GrantStore
	NotificationStore
	LeaseStore
	ShareStore
	ProfileStore
	JobStore
	PortalStore
	LicenceStore
	NotificationPrefStore
	CategoryStore
	SessionStore
	WebhookStore
	SchemaStore
	Close() error
}

// LicenceStore keeps licences, their versions, where they are set, and who
// accepted which version.
type LicenceStore interface {
	// CreateLicence inserts l as version l.Version (AlreadyExists when the
	// title is taken).
	CreateLicence(ctx context.Context, l Licence) error
	// Licence returns the current version of a licence.
	Licence(ctx context.Context, id string) (Licence, error)
	// LicenceVersion returns one version of a licence, even of a deleted one.
	LicenceVersion(ctx context.Context, id string, version int) (Licence, error)
	// Licences lists the licences by title.
	Licences(ctx context.Context) ([]Licence, error)
	// UpdateLicence writes l (keeping a copy of a new version) when the
	// stored version is still prevVersion; FailedPrecondition otherwise.
	UpdateLicence(ctx context.Context, l Licence, prevVersion int) error
	// DeleteLicence removes a licence no folder or asset (trashed ones
	// included) is set to; FailedPrecondition otherwise. Its versions and
	// acceptances stay for the record.
	DeleteLicence(ctx context.Context, id string) error
	// SetFolderLicence and SetAssetLicence change the licence setting: ""
	// inherits, NoLicence stops an inherited one, anything else must name
	// an existing licence (NotFound) checked in the same transaction.
	SetFolderLicence(ctx context.Context, folderID, licence string, at time.Time) error
	SetAssetLicence(ctx context.Context, assetID, licence, by string, at time.Time) error
	// LicenceUses lists what is set to licence id among the folders and the
	// assets (trashed ones too) of domains: every folder's ID, the first
	// limit asset IDs in ID order, and how many assets in all. No domains
	// is nothing.
	LicenceUses(ctx context.Context, id string, domains []string, limit int) (LicenceUses, error)
	// AcceptLicence records an acceptance (again is a no-op).
	AcceptLicence(ctx context.Context, a LicenceAcceptance) error
	// Acceptances lists an actor's acceptances.
	Acceptances(ctx context.Context, actor string) ([]LicenceAcceptance, error)
}

// UserStore keeps users and their API keys (hashed).
type UserStore interface {
	// CreateUser inserts u with its first key (nil: none). IDs, emails
	// (case-insensitively) and key hashes are unique (AlreadyExists).
	CreateUser(ctx context.Context, u User, key *APIKey) error
	User(ctx context.Context, id string) (User, error)
	// UserByKeyHash returns the user of a key that is not revoked, with the
	// key (NotFound otherwise). Disabled users are returned: the library
	// refuses them.
	UserByKeyHash(ctx context.Context, keyHash []byte) (User, APIKey, error)
	Users(ctx context.Context) ([]User, error)
	// UpdateUser writes u's name, role, domains, admin flag and disabled
	// time. A change that would leave no enabled admin owner is refused
	// (FailedPrecondition) and changes nothing; a missing user is NotFound.
	UpdateUser(ctx context.Context, u User) error
	// DeleteUser removes a user and its keys, refused like UpdateUser when
	// it would leave no enabled admin owner.
	DeleteUser(ctx context.Context, id string) error
	// AddAPIKey stores another key of an existing user (NotFound otherwise;
	// a taken hash is AlreadyExists).
	AddAPIKey(ctx context.Context, k APIKey) error
	// APIKeys lists a user's keys, revoked ones included, oldest first.
	APIKeys(ctx context.Context, userID string) ([]APIKey, error)
	APIKey(ctx context.Context, id string) (APIKey, error)
	// RevokeAPIKey ends a key at once (Conflict when already revoked).
	RevokeAPIKey(ctx context.Context, id string, at time.Time) error
	// TouchAPIKey records that a key was used at at, writing only when the
	// stored time is older than at minus every (so a busy key is not a
	// write per request).
	TouchAPIKey(ctx context.Context, id string, at time.Time, every time.Duration) error
	// CacheGeneration returns a number that changes (in the same
	// transaction) whenever a key is revoked, a user is updated or
	// deleted, sessions are deleted (DeleteSessions; stale ones need not),
	// or folders (created, moved, deleted, their protection or licence
	// set), the settings, licences, acceptances or export profiles change.
	// Processes caching actors and access rules read it to forget them.
	CacheGeneration(ctx context.Context) (int64, error)
}

// AssetStore keeps assets. Live methods ignore trashed assets unless said.
type AssetStore interface {
	// CreateAsset inserts a and its first version a.Current together, and
	// puts it in a.Categories (each must exist: Invalid otherwise).
	CreateAsset(ctx context.Context, a Asset) error
	// Asset returns the asset with its current version, trashed or not.
	Asset(ctx context.Context, id string) (Asset, error)
	// Assets lists assets in ID order, returning the cursor of the next page ("" at the end).
	Assets(ctx context.Context, q AssetQuery) ([]Asset, string, error)
	// AssetRevisions is the page of Assets(q) without the assets: their
	// IDs and revisions (see AssetRevision), in its order, and whether a
	// next page follows. A listing sorted by relevance is Invalid (its
	// cursor is the store's own).
	AssetRevisions(ctx context.Context, q AssetQuery) ([]AssetRevision, bool, error)
	// RevisedAssets returns the assets of ids as Asset does (trashed or
	// not; absent ones left out), in the order of ids, each with its
	// revision as read with it.
	RevisedAssets(ctx context.Context, ids []string) ([]Asset, []int64, error)
	// AssetFacets counts the assets q selects (every page; Cursor, Limit
	// and Sort are ignored) by kind, media type, category, year and
	// creator, at most limit values per facet (see Facets).
	AssetFacets(ctx context.Context, q AssetQuery, limit int) (Facets, error)
	// UpdateAssets writes the editable fields of every asset in one
	// transaction: if any is missing or trashed, nothing changes (NotFound).
	// A non-nil Categories replaces the asset's category set (an unknown
	// category is Invalid and changes nothing); nil leaves it as it is.
	UpdateAssets(ctx context.Context, as []Asset) error
	// TrashAsset marks a live asset deleted.
	TrashAsset(ctx context.Context, id, by string, at time.Time) error
	// TrashAssets marks many live assets deleted in one transaction: if any
	// is missing or already trashed, nothing changes (NotFound). A repeated
	// ID counts once.
	TrashAssets(ctx context.Context, ids []string, by string, at time.Time) error
	// RestoreAsset brings a trashed asset back.
	RestoreAsset(ctx context.Context, id string, by string, at time.Time) error
	// TrashedBefore lists IDs of assets trashed before t, oldest first.
	TrashedBefore(ctx context.Context, t time.Time, limit int) ([]string, error)
	// PurgeAsset deletes a trashed asset with its versions, notes,
	// collection items and category memberships, returning the SHA-256 of blobs no row references any more.
	PurgeAsset(ctx context.Context, id string) ([]string, error)
	// BlobReferenced reports whether any version (of any asset, trashed or
	// not) references the blob.
	BlobReferenced(ctx context.Context, sha256 string) (bool, error)
	// ListingGeneration returns a number that changes, in the same
	// transaction, with every write that can change what Assets returns
	// for some query: assets (created, edited, moved, trashed, restored,
	// purged), versions, notes, categories and memberships, folders,
	// collection items. Processes keeping listing pages read it to forget
	// them; reads and unrelated writes leave it.
	ListingGeneration(ctx context.Context) (int64, error)
}

// VersionStore keeps the versions of assets.
type VersionStore interface {
	// AddVersion appends v as the next version of its asset (v.Number is
	// assigned, compare-and-set against concurrent additions), makes it
	// current, and writes the asset's editable fields from a in the same
	// transaction (a non-nil a.Categories replaces its category set, as in
	// UpdateAssets). It returns the assigned number.
	AddVersion(ctx context.Context, a Asset, v Version) (int, error)
	Versions(ctx context.Context, assetID string) ([]Version, error)
	// DeleteVersion removes one version; the last one is refused
	// (FailedPrecondition). When the current version goes, the newest left
	// becomes current. It returns whether the blob is still referenced.
	DeleteVersion(ctx context.Context, assetID string, number int) (blobInUse bool, sha256 string, err error)
}

// FolderStore keeps the folder tree.
type FolderStore interface {
	CreateFolder(ctx context.Context, f Folder) error
	Folder(ctx context.Context, id string) (Folder, error)
	// Folders lists the folders of the given domains (all when nil).
	Folders(ctx context.Context, domains []string) ([]Folder, error)
	// RenameFolder renames a folder (AlreadyExists when a sibling has the name).
	RenameFolder(ctx context.Context, id, name string, at time.Time) error
	// MoveFolder moves a folder under parentID ("" = root). A move into the
	// folder's own subtree is refused with FailedPrecondition, checked in the
	// same transaction as the write.
	MoveFolder(ctx context.Context, id, parentID string, at time.Time) error
	// SetFolderProtection changes a folder's protection setting.
	SetFolderProtection(ctx context.Context, id string, p Protection, at time.Time) error
	// DeleteFolder removes an empty folder (FailedPrecondition otherwise).
	DeleteFolder(ctx context.Context, id string) error
}

// CollectionStore keeps personal collections.
type CollectionStore interface {
	CreateCollection(ctx context.Context, c Collection) error
	// Collection returns the collection with the items whose assets are live.
	Collection(ctx context.Context, id string) (Collection, error)
	// Collections lists the collections of an owner, without items; when
	// counted, with ItemCount, the number of live items (which reads every
	// item), else ItemCount is 0. Collection sets ItemCount too.
	Collections(ctx context.Context, ownerID string, counted bool) ([]Collection, error)
	// CollectionPage returns the collection with ItemCount and one page of
	// its live items in asset ID order: those after cursor (an asset ID,
	// "" for the first), at most limit, and the cursor of the next page
	// ("" at the end).
	CollectionPage(ctx context.Context, id, cursor string, limit int) (Collection, string, error)
	// CollectionsWith lists, as Collections does, the owner's collections
	// that hold the asset (a trashed asset is in none until restored).
	CollectionsWith(ctx context.Context, ownerID, assetID string) ([]Collection, error)
	// UpdateCollection writes the name and default profile.
	UpdateCollection(ctx context.Context, c Collection) error
	DeleteCollection(ctx context.Context, id string) error
	// AddCollectionItems adds items (an asset already there gets the new profile).
	AddCollectionItems(ctx context.Context, id string, items []CollectionItem) error
	RemoveCollectionItems(ctx context.Context, id string, assetIDs []string) error
}

// NoteStore keeps notes on assets.
type NoteStore interface {
	AddNote(ctx context.Context, n Note) error
	Notes(ctx context.Context, assetID string) ([]Note, error)
}

// EventStore keeps the usage log.
type EventStore interface {
	AppendEvents(ctx context.Context, es ...Event) error
	// Events lists events newest first, returning the cursor of the next page.
	Events(ctx context.Context, q EventQuery) ([]Event, string, error)
	// DeleteEventsBefore deletes at most limit events whose Time is
	// before t, oldest first, and returns how many went.
	DeleteEventsBefore(ctx context.Context, t time.Time, limit int) (int, error)
}

// SettingsStore keeps the library's usage settings (one row).
type SettingsStore interface {
	// Settings returns the stored settings, or DefaultSettings() if none were saved.
	Settings(ctx context.Context) (Settings, error)
	PutSettings(ctx context.Context, s Settings) error
}

// RequestStore keeps download requests. Deciding is compare-and-set: only a
// pending request changes, so of two owners deciding at once exactly one wins.
type RequestStore interface {
	// CreateRequests inserts requests and, for auto-approved ones, their
	// grants, in one transaction.
	CreateRequests(ctx context.Context, rs []Request, gs []Grant) error
	Request(ctx context.Context, id string) (Request, error)
	// Requests lists requests newest first, returning the next cursor.
	Requests(ctx context.Context, q RequestQuery) ([]Request, string, error)
	// DecideRequest moves a pending request to r.Status with r's decision
	// fields, and inserts g (the grant of an approval) in the same
	// transaction. A request that is no longer pending gives Conflict.
	DecideRequest(ctx context.Context, r Request, g *Grant) error
	// DeleteRequest removes a request and revokes its grants at at.
	DeleteRequest(ctx context.Context, id, by string, at time.Time) error
}

// GrantStore keeps download permissions.
type GrantStore interface {
	Grant(ctx context.Context, id string) (Grant, error)
	Grants(ctx context.Context, q GrantQuery) ([]Grant, error)
	// RevokeGrant sets RevokedAt on a live grant (Conflict if already revoked).
	RevokeGrant(ctx context.Context, id, by string, at time.Time) error
}

// NotificationStore keeps the in-app inbox.
type NotificationStore interface {
	AddNotifications(ctx context.Context, ns ...Notification) error
	// Notifications lists a user's inbox newest first.
	Notifications(ctx context.Context, userID string, unreadOnly bool, cursor string, limit int) ([]Notification, string, error)
	// MarkRead marks the user's notifications read (all when ids is empty)
	// and returns how many changed.
	MarkRead(ctx context.Context, userID string, ids []string, at time.Time) (int, error)
}

// CategoryStore keeps the category tree and which assets are in which
// category. Trashing an asset keeps its memberships (restoring puts it back
// where it was) but hides it from category listings and counts; purging it
// deletes them.
type CategoryStore interface {
	// CreateCategory inserts c under c.ParentID ("" = top level), which
	// must exist (NotFound). Sibling names are unique (AlreadyExists);
	// lim.MaxCount is ResourceExhausted, lim.MaxDepth Invalid.
	CreateCategory(ctx context.Context, c Category, lim CategoryLimits) error
	// Category returns one category; AssetCount counts its live assets of
	// the given domains (none given: 0).
	Category(ctx context.Context, id string, domains []string) (Category, error)
	// Categories lists every category in ID order, AssetCount as in Category.
	Categories(ctx context.Context, domains []string) ([]Category, error)
	// UpdateCategory writes c's name, parent and updated by/at. A move into
	// the category's own subtree is FailedPrecondition and one past
	// lim.MaxDepth Invalid, checked in the same transaction as the write.
	UpdateCategory(ctx context.Context, c Category, lim CategoryLimits) error
	// DeleteCategory deletes a category without subcategories
	// (FailedPrecondition otherwise) and its memberships, never assets.
	DeleteCategory(ctx context.Context, id string) error
	// AddCategoryAssets puts live assets in a category, stamping each one
	// that was not in it yet with by and at, and returns those IDs. A
	// missing category or asset (or a trashed asset) is NotFound and
	// changes nothing.
	AddCategoryAssets(ctx context.Context, id string, assetIDs []string, by string, at time.Time) ([]string, error)
	// RemoveCategoryAssets takes live assets out of a category (never
	// deleting them), stamping those that were in it, and returns their IDs.
	RemoveCategoryAssets(ctx context.Context, id string, assetIDs []string, by string, at time.Time) ([]string, error)
	// CategoryDomains lists, sorted, the domains of the assets (live or
	// trashed) in a category or any of its subcategories.
	CategoryDomains(ctx context.Context, id string) ([]string, error)
}

// SchemaStore keeps the metadata schema (one row).
type SchemaStore interface {
	// MetadataSchema returns the stored schema: version 0 and no fields
	// when none was saved.
	MetadataSchema(ctx context.Context) (MetadataSchema, error)
	// PutMetadataSchema writes s when the stored version is still prev;
	// FailedPrecondition otherwise.
	PutMetadataSchema(ctx context.Context, s MetadataSchema, prev int) error
}
