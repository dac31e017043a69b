package client

import (
	"context"
	"encoding/json"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/damkit/damkit/dam"
)

// Health reports whether the server answers (GET /healthz).
func (c *Client) Health(ctx context.Context) error {
	return c.call(ctx, request{op: "GET /healthz"}, nil)
}

// OpenAPI returns the server's OpenAPI document.
func (c *Client) OpenAPI(ctx context.Context) (json.RawMessage, error) {
	var doc json.RawMessage
	err := c.call(ctx, request{op: "GET /api/v1/openapi.json"}, &doc)
	return doc, err
}

// Me is the caller as the server sees it.
type Me struct {
	ID      string   `json:"id"`
	Email   string   `json:"email"`
	Role    dam.Role `json:"role"`
	Domains []string `json:"domains"`
	Admin   bool     `json:"admin"`
}

// Me returns who the key belongs to.
func (c *Client) Me(ctx context.Context) (Me, error) {
	var m Me
	err := c.call(ctx, request{op: "GET /api/v1/me"}, &m)
	return m, err
}

// CreatedUser is a new user with the API key shown this once.
type CreatedUser struct {
	dam.User
	APIKey string `json:"api_key"`
}

// CreateUser adds a user (owners) and returns it with its first API key.
func (c *Client) CreateUser(ctx context.Context, nu dam.NewUser) (CreatedUser, error) {
	var u CreatedUser
	err := c.call(ctx, request{op: "POST /api/v1/users", json: map[string]any{
		"email": nu.Email, "name": nu.Name, "role": nu.Role, "domains": nu.Domains, "admin": nu.Admin}}, &u)
	return u, err
}

// Users lists the users the caller administers.
func (c *Client) Users(ctx context.Context) ([]dam.User, error) {
	return items[dam.User](ctx, c, request{op: "GET /api/v1/users"})
}

// FindUsers looks people up by name or email, for sharing.
func (c *Client) FindUsers(ctx context.Context, text string, limit int) ([]dam.UserRef, error) {
	q := url.Values{"q": {text}}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	return items[dam.UserRef](ctx, c, request{op: "GET /api/v1/users", query: q})
}

// User returns one user.
func (c *Client) User(ctx context.Context, id string) (dam.User, error) {
	var u dam.User
	err := c.call(ctx, request{op: "GET /api/v1/users/{id}", args: args(id)}, &u)
	return u, err
}

// UpdateUser changes a user's name, role, domains or state.
func (c *Client) UpdateUser(ctx context.Context, id string, p dam.UserPatch) (dam.User, error) {
	var u dam.User
	err := c.call(ctx, request{op: "PATCH /api/v1/users/{id}", args: args(id), json: p}, &u)
	return u, err
}

// DeleteUser removes a user.
func (c *Client) DeleteUser(ctx context.Context, id string) error {
	return c.call(ctx, request{op: "DELETE /api/v1/users/{id}", args: args(id)}, nil)
}

// APIKeys lists a user's API keys (never their secrets).
func (c *Client) APIKeys(ctx context.Context, userID string) ([]dam.APIKey, error) {
	return items[dam.APIKey](ctx, c, request{op: "GET /api/v1/users/{id}/keys", args: args(userID)})
}

// CreatedKey is a new API key with its secret, shown this once.
type CreatedKey struct {
	dam.APIKey
	Key string `json:"api_key"`
}

// CreateAPIKey makes a new API key for a user.
func (c *Client) CreateAPIKey(ctx context.Context, userID, name string) (CreatedKey, error) {
	var k CreatedKey
	err := c.call(ctx, request{op: "POST /api/v1/users/{id}/keys", args: args(userID), json: map[string]string{"name": name}}, &k)
	return k, err
}

// RevokeAPIKey revokes an API key.
func (c *Client) RevokeAPIKey(ctx context.Context, keyID string) (dam.APIKey, error) {
	var k dam.APIKey
	err := c.call(ctx, request{op: "DELETE /api/v1/keys/{id}", args: args(keyID)}, &k)
	return k, err
}

// CreateFolder makes a folder under parentID ("" the root); domain ""
// is the parent's, or the caller's only one.
func (c *Client) CreateFolder(ctx context.Context, name, parentID, domain string) (dam.Folder, error) {
	body := map[string]any{"name": name}
	if parentID != "" {
		body["parent_id"] = parentID
	}
	if domain != "" {
		body["domain"] = domain
	}
	var f dam.Folder
	err := c.call(ctx, request{op: "POST /api/v1/folders", json: body}, &f)
	return f, err
}

// Folders lists every folder the caller reaches.
func (c *Client) Folders(ctx context.Context) ([]dam.Folder, error) {
	return items[dam.Folder](ctx, c, request{op: "GET /api/v1/folders"})
}

// Folder returns one folder.
func (c *Client) Folder(ctx context.Context, id string) (dam.Folder, error) {
	var f dam.Folder
	err := c.call(ctx, request{op: "GET /api/v1/folders/{id}", args: args(id)}, &f)
	return f, err
}

// EditFolder renames (name not "") and/or moves (parentID not nil; ""
// the root) a folder.
func (c *Client) EditFolder(ctx context.Context, id, name string, parentID *string) (dam.Folder, error) {
	body := map[string]any{}
	if name != "" {
		body["name"] = name
	}
	if parentID != nil {
		body["parent_id"] = *parentID
	}
	var f dam.Folder
	err := c.call(ctx, request{op: "PATCH /api/v1/folders/{id}", args: args(id), json: body}, &f)
	return f, err
}

// DeleteFolder removes an empty folder.
func (c *Client) DeleteFolder(ctx context.Context, id string) error {
	return c.call(ctx, request{op: "DELETE /api/v1/folders/{id}", args: args(id)}, nil)
}

// SetFolderProtection sets a folder's download protection.
func (c *Client) SetFolderProtection(ctx context.Context, id string, p dam.Protection) (dam.Folder, error) {
	var f dam.Folder
	err := c.call(ctx, request{op: "PUT /api/v1/folders/{id}/protection", args: args(id), json: map[string]any{"protection": p}}, &f)
	return f, err
}

// SetFolderLicence sets the licence a folder's downloads need: a licence
// ID, "none", or "" to inherit.
func (c *Client) SetFolderLicence(ctx context.Context, id, licence string) (dam.Folder, error) {
	var f dam.Folder
	err := c.call(ctx, request{op: "PUT /api/v1/folders/{id}/licence", args: args(id), json: map[string]any{"licence": licence}}, &f)
	return f, err
}

// CreateCollection makes a personal collection.
func (c *Client) CreateCollection(ctx context.Context, name, defaultProfile string) (dam.Collection, error) {
	var col dam.Collection
	err := c.call(ctx, request{op: "POST /api/v1/collections", json: map[string]any{"name": name, "default_profile": defaultProfile}}, &col)
	return col, err
}

// Collections lists the caller's collections.
func (c *Client) Collections(ctx context.Context) ([]dam.Collection, error) {
	return items[dam.Collection](ctx, c, request{op: "GET /api/v1/collections"})
}

// Collection returns a collection with its items.
func (c *Client) Collection(ctx context.Context, id string) (dam.Collection, error) {
	var col dam.Collection
	err := c.call(ctx, request{op: "GET /api/v1/collections/{id}", args: args(id)}, &col)
	return col, err
}

// EditCollection renames a collection and/or changes its default
// profile (nil leaves each as it is).
func (c *Client) EditCollection(ctx context.Context, id string, name, defaultProfile *string) (dam.Collection, error) {
	var col dam.Collection
	err := c.call(ctx, request{op: "PATCH /api/v1/collections/{id}", args: args(id),
		json: map[string]any{"name": name, "default_profile": defaultProfile}}, &col)
	return col, err
}

// DeleteCollection removes a collection (its assets stay).
func (c *Client) DeleteCollection(ctx context.Context, id string) error {
	return c.call(ctx, request{op: "DELETE /api/v1/collections/{id}", args: args(id)}, nil)
}

// AddToCollection adds items (an asset already there gets the new profile).
func (c *Client) AddToCollection(ctx context.Context, id string, its []dam.CollectionItem) (dam.Collection, error) {
	var col dam.Collection
	err := c.call(ctx, request{op: "POST /api/v1/collections/{id}/items", args: args(id), json: map[string]any{"items": its}}, &col)
	return col, err
}

// RemoveFromCollection takes assets out of a collection.
func (c *Client) RemoveFromCollection(ctx context.Context, id string, assetIDs []string) (dam.Collection, error) {
	var col dam.Collection
	err := c.call(ctx, request{op: "DELETE /api/v1/collections/{id}/items", args: args(id), query: url.Values{"asset": assetIDs}}, &col)
	return col, err
}

// CreateCategory makes a category under parentID ("" a top one).
func (c *Client) CreateCategory(ctx context.Context, name, parentID string) (dam.Category, error) {
	body := map[string]any{"name": name}
	if parentID != "" {
		body["parent_id"] = parentID
	}
	var cat dam.Category
	err := c.call(ctx, request{op: "POST /api/v1/categories", json: body}, &cat)
	return cat, err
}

// Categories lists every category.
func (c *Client) Categories(ctx context.Context) ([]dam.Category, error) {
	return items[dam.Category](ctx, c, request{op: "GET /api/v1/categories"})
}

// Category returns one category.
func (c *Client) Category(ctx context.Context, id string) (dam.Category, error) {
	var cat dam.Category
	err := c.call(ctx, request{op: "GET /api/v1/categories/{id}", args: args(id)}, &cat)
	return cat, err
}

// EditCategory renames and/or moves a category (nil leaves each; parent
// "" makes it a top one).
func (c *Client) EditCategory(ctx context.Context, id string, name, parentID *string) (dam.Category, error) {
	body := map[string]any{}
	if name != nil {
		body["name"] = *name
	}
	if parentID != nil {
		body["parent_id"] = *parentID
	}
	var cat dam.Category
	err := c.call(ctx, request{op: "PATCH /api/v1/categories/{id}", args: args(id), json: body}, &cat)
	return cat, err
}

// DeleteCategory removes a category.
func (c *Client) DeleteCategory(ctx context.Context, id string) error {
	return c.call(ctx, request{op: "DELETE /api/v1/categories/{id}", args: args(id)}, nil)
}

// CategoryAssets lists the assets of a category, every page.
func (c *Client) CategoryAssets(ctx context.Context, id string) iter.Seq2[dam.Asset, error] {
	return listAll[dam.Asset](ctx, c, "GET /api/v1/categories/{id}/assets", args(id), nil)
}

// AddToCategory puts assets in a category.
func (c *Client) AddToCategory(ctx context.Context, id string, assetIDs []string) (dam.Category, error) {
	var cat dam.Category
	err := c.call(ctx, request{op: "POST /api/v1/categories/{id}/assets", args: args(id), json: map[string]any{"asset_ids": assetIDs}}, &cat)
	return cat, err
}

// RemoveFromCategory takes assets out of a category.
func (c *Client) RemoveFromCategory(ctx context.Context, id string, assetIDs []string) (dam.Category, error) {
	var cat dam.Category
	err := c.call(ctx, request{op: "DELETE /api/v1/categories/{id}/assets", args: args(id), json: map[string]any{"asset_ids": assetIDs}}, &cat)
	return cat, err
}

// CreateLicence adds a licence people accept before downloading.
func (c *Client) CreateLicence(ctx context.Context, title, text string) (dam.Licence, error) {
	var l dam.Licence
	err := c.call(ctx, request{op: "POST /api/v1/licences", json: map[string]string{"title": title, "text": text}}, &l)
	return l, err
}

// Licences lists the licences.
func (c *Client) Licences(ctx context.Context) ([]dam.Licence, error) {
	return items[dam.Licence](ctx, c, request{op: "GET /api/v1/licences"})
}

// Licence returns a licence's current version.
func (c *Client) Licence(ctx context.Context, id string) (dam.Licence, error) {
	var l dam.Licence
	err := c.call(ctx, request{op: "GET /api/v1/licences/{id}", args: args(id)}, &l)
	return l, err
}

// LicenceVersion returns one version of a licence.
func (c *Client) LicenceVersion(ctx context.Context, id string, version int) (dam.Licence, error) {
	var l dam.Licence
	err := c.call(ctx, request{op: "GET /api/v1/licences/{id}/versions/{version}", args: args(id, strconv.Itoa(version))}, &l)
	return l, err
}

// UpdateLicence changes a licence (a new text is a new version).
func (c *Client) UpdateLicence(ctx context.Context, id string, p dam.LicencePatch) (dam.Licence, error) {
	var l dam.Licence
	err := c.call(ctx, request{op: "PATCH /api/v1/licences/{id}", args: args(id), json: p}, &l)
	return l, err
}

// DeleteLicence removes a licence.
func (c *Client) DeleteLicence(ctx context.Context, id string) error {
	return c.call(ctx, request{op: "DELETE /api/v1/licences/{id}", args: args(id)}, nil)
}

// AcceptLicence records that the caller accepts version of a licence.
func (c *Client) AcceptLicence(ctx context.Context, id string, version int) (dam.LicenceAcceptance, error) {
	var a dam.LicenceAcceptance
	err := c.call(ctx, request{op: "POST /api/v1/licences/{id}/accept", args: args(id), json: map[string]int{"version": version}}, &a)
	return a, err
}

// Profile is an export profile as served: with its compact string form.
type Profile struct {
	dam.Profile
	Spec string `json:"spec"`
}

// CreateProfile adds an export profile.
func (c *Client) CreateProfile(ctx context.Context, p dam.Profile) (Profile, error) {
	var out Profile
	err := c.call(ctx, request{op: "POST /api/v1/profiles", json: p}, &out)
	return out, err
}

// Profiles lists the export profiles.
func (c *Client) Profiles(ctx context.Context) ([]Profile, error) {
	return items[Profile](ctx, c, request{op: "GET /api/v1/profiles"})
}

// GetProfile returns one export profile.
func (c *Client) GetProfile(ctx context.Context, name string) (Profile, error) {
	var out Profile
	err := c.call(ctx, request{op: "GET /api/v1/profiles/{name}", args: args(name)}, &out)
	return out, err
}

// UpdateProfile replaces the export profile p.Name.
func (c *Client) UpdateProfile(ctx context.Context, p dam.Profile) (Profile, error) {
	var out Profile
	err := c.call(ctx, request{op: "PUT /api/v1/profiles/{name}", args: args(p.Name), json: p}, &out)
	return out, err
}

// DeleteProfile removes an export profile.
func (c *Client) DeleteProfile(ctx context.Context, name string) error {
	return c.call(ctx, request{op: "DELETE /api/v1/profiles/{name}", args: args(name)}, nil)
}

// Settings are the library's usage settings as the API shows them: the
// grant validity in whole days.
type Settings struct {
	dam.Settings
	// GrantValidity hides the embedded nanoseconds, which the API neither
	// sends nor takes.
	GrantValidity     json.RawMessage `json:"grant_validity,omitempty"`
	GrantValidityDays *int64          `json:"grant_validity_days"`
}

// Settings returns the library's usage settings.
func (c *Client) Settings(ctx context.Context) (Settings, error) {
	var s Settings
	err := c.call(ctx, request{op: "GET /api/v1/settings"}, &s)
	return s, err
}

// UpdateSettings replaces the library's usage settings.
func (c *Client) UpdateSettings(ctx context.Context, s Settings) (Settings, error) {
	s.GrantValidity = nil
	var out Settings
	err := c.call(ctx, request{op: "PUT /api/v1/settings", json: s}, &out)
	return out, err
}

// MetadataSchema returns the library's metadata schema: the custom fields
// owners defined, in the order forms show them.
func (c *Client) MetadataSchema(ctx context.Context) (dam.MetadataSchema, error) {
	var s dam.MetadataSchema
	err := c.call(ctx, request{op: "GET /api/v1/metadata-schema"}, &s)
	return s, err
}

// SetMetadataSchema replaces the schema's fields with s.Fields, in order,
// when the server's schema is still at s.Version (an *Error of kind
// FailedPrecondition otherwise: read it again and reapply the change).
func (c *Client) SetMetadataSchema(ctx context.Context, s dam.MetadataSchema) (dam.MetadataSchema, error) {
	body := struct {
		Version int               `json:"version"`
		Fields  []dam.SchemaField `json:"fields"`
	}{s.Version, s.Fields}
	if body.Fields == nil {
		body.Fields = []dam.SchemaField{}
	}
	var out dam.MetadataSchema
	err := c.call(ctx, request{op: "PUT /api/v1/metadata-schema", json: body}, &out)
	return out, err
}

// eventQuery is the query string of the usage log's filters.
func eventQuery(q dam.EventQuery) url.Values {
	v := url.Values{}
	setNonEmpty(v, "asset", q.AssetID)
	setNonEmpty(v, "actor", q.ActorID)
	setNonEmpty(v, "action", string(q.Action))
	setNonEmpty(v, "since", timeParam(q.Since))
	setNonEmpty(v, "until", timeParam(q.Until))
	return v
}

// Events lists the audit and usage log q selects, newest first, every page.
func (c *Client) Events(ctx context.Context, q dam.EventQuery) iter.Seq2[dam.Event, error] {
	v := eventQuery(q)
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return listAll[dam.Event](ctx, c, "GET /api/v1/events", nil, v)
}

// ExportEvents streams every event q selects, oldest first, as "csv" or
// "jsonl" (JSON Lines); the caller closes the body. The server reads its
// log a page at a time, so any range costs it little memory.
func (c *Client) ExportEvents(ctx context.Context, q dam.EventQuery, format string) (io.ReadCloser, error) {
	if format != "csv" && format != "jsonl" {
		return nil, dam.E("client.ExportEvents", dam.Invalid, "format is csv or jsonl, not %q", format)
	}
	v := eventQuery(q)
	v.Set("format", format)
	resp, err := c.send(ctx, request{op: "GET /api/v1/events", query: v, header: http.Header{"Accept": {"*/*"}}})
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// Inbox lists the caller's notifications, newest first, every page.
func (c *Client) Inbox(ctx context.Context, unreadOnly bool) iter.Seq2[dam.Notification, error] {
	var v url.Values
	if unreadOnly {
		v = url.Values{"unread": {"true"}}
	}
	return listAll[dam.Notification](ctx, c, "GET /api/v1/inbox", nil, v)
}

// MarkRead marks notifications read (none named: all) and returns how many changed.
func (c *Client) MarkRead(ctx context.Context, ids []string) (int, error) {
	var out struct {
		Marked int `json:"marked"`
	}
	err := c.call(ctx, request{op: "POST /api/v1/inbox/read", json: map[string]any{"ids": ids}}, &out)
	return out.Marked, err
}

// NotificationPreferences returns which notifications the caller gets by email.
func (c *Client) NotificationPreferences(ctx context.Context) ([]dam.NotificationPreference, error) {
	var out struct {
		Preferences []dam.NotificationPreference `json:"preferences"`
	}
	err := c.call(ctx, request{op: "GET /api/v1/me/notification-preferences"}, &out)
	return out.Preferences, err
}

// SetNotificationPreferences changes the caller's choices (nil: back to
// the library's default) and returns them all.
func (c *Client) SetNotificationPreferences(ctx context.Context, choices map[dam.PreferenceKind]*bool) ([]dam.NotificationPreference, error) {
	var out struct {
		Preferences []dam.NotificationPreference `json:"preferences"`
	}
	err := c.call(ctx, request{op: "PUT /api/v1/me/notification-preferences", json: map[string]any{"choices": choices}}, &out)
	return out.Preferences, err
}
