package dam

import (
	"strings"
	"time"
)

// MediaKind is the broad class of an asset, derived from its sniffed media type.
type MediaKind string

// The media kinds.
const (
	MediaImage    MediaKind = "image"
	MediaVideo    MediaKind = "video"
	MediaAudio    MediaKind = "audio"
	MediaDocument MediaKind = "document"
	MediaOther    MediaKind = "other"
)

// MediaKindOf classifies a media type such as "image/jpeg".
func MediaKindOf(mediaType string) MediaKind {
	mt, _, _ := strings.Cut(mediaType, ";")
	switch {
	case strings.HasPrefix(mt, "image/"):
		return MediaImage
	case strings.HasPrefix(mt, "video/"):
		return MediaVideo
	case strings.HasPrefix(mt, "audio/"):
		return MediaAudio
	case strings.HasPrefix(mt, "text/"), mt == "application/pdf", mt == "application/rtf",
		strings.HasPrefix(mt, "application/vnd.openxmlformats-officedocument"),
		strings.HasPrefix(mt, "application/vnd.oasis.opendocument"),
		mt == "application/msword", mt == "application/vnd.ms-excel", mt == "application/vnd.ms-powerpoint",
		mt == "application/json", mt == "application/xml":
		return MediaDocument
	}
	return MediaOther
}

// Availability says whether an asset may be used at all. Unavailable assets
// are downloaded and shared by nobody but owners.
type Availability string

// The availability states.
const (
	Available   Availability = "available"
	Unavailable Availability = "unavailable"
)

// Protection is a folder's or an asset's download protection setting.
type Protection string

// The protection settings. The nearest explicit setting wins: asset, then
// its folder, then the folder's parents, then the library default.
const (
	Inherit     Protection = "inherit"
	Protected   Protection = "protected"
	Unprotected Protection = "unprotected"
)

// Valid reports whether p is a known setting; the empty string means Inherit.
func (p Protection) Valid() bool {
	return p == "" || p == Inherit || p == Protected || p == Unprotected
}

// Metadata is the descriptive part of an asset that users edit.
type Metadata struct {
	Title       string            `json:"title"`
	Description string            `json:"description"`
	Keywords    []string          `json:"keywords"`
	Fields      map[string]string `json:"fields"` // custom key/value fields
}

// Asset is one managed file with its history of versions.
type Asset struct {
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	FolderID     string       `json:"folder_id"` // "" is the library root
	Domain       string       `json:"domain"`
	Kind         MediaKind    `json:"kind"`
	Meta         Metadata     `json:"metadata"`
	Availability Availability `json:"availability"`
	ExpiresAt    *time.Time   `json:"expires_at,omitempty"`
	Protection   Protection   `json:"protection"`
	Licence      string       `json:"licence"` // "" inherits, "none", or a licence id
	Current      Version      `json:"current"` // the version downloads serve
	CreatedBy    string       `json:"created_by"`
	CreatedAt    time.Time    `json:"created_at"`
	UpdatedBy    string       `json:"updated_by"`
	UpdatedAt    time.Time    `json:"updated_at"`
	DeletedAt    *time.Time   `json:"deleted_at,omitempty"`
	DeletedBy    string       `json:"deleted_by,omitempty"`

	// Categories are the IDs (sorted) of the categories the asset is in.
	// A trashed asset keeps them, so that restoring puts it back.
	Categories []string `json:"categories"`
}

// CaptureTime is when the current version was captured: its EXIF capture
// date, else the one found in its embedded metadata, else (a file that
// does not say) when the asset was created. It is the key of the
// "captured" sort, the captured range and the facet of years.
func (a Asset) CaptureTime() time.Time {
	switch {
	case a.Current.EXIF != nil && a.Current.EXIF.CapturedAt != nil:
		return *a.Current.EXIF.CapturedAt
	case a.Current.Embedded != nil && a.Current.Embedded.CapturedAt != nil:
		return *a.Current.Embedded.CapturedAt
	}
	return a.CreatedAt
}

// Expired reports whether the asset's expiry date has passed at now.
func (a Asset) Expired(now time.Time) bool {
	return a.ExpiresAt != nil && !now.Before(*a.ExpiresAt)
}

// AssetPatch is a partial edit: nil fields are left as they are.
type AssetPatch struct {
	Name         *string            `json:"name,omitempty"`
	FolderID     *string            `json:"folder_id,omitempty"`
	Title        *string            `json:"title,omitempty"`
	Description  *string            `json:"description,omitempty"`
	Keywords     *[]string          `json:"keywords,omitempty"`
	Fields       map[string]*string `json:"fields,omitempty"` // nil value deletes the field
	Availability *Availability      `json:"availability,omitempty"`
	ExpiresAt    *time.Time         `json:"expires_at,omitempty"`
	ClearExpiry  bool               `json:"clear_expiry,omitempty"`

	// Categories replaces the asset's category set (IDs; [] takes it out
	// of every category, never deleting it).
	Categories *[]string `json:"categories,omitempty"`
}

// apply returns a copy of a with the patch applied.
func (p AssetPatch) apply(a Asset) Asset {
	if p.Name != nil {
		a.Name = *p.Name
	}
	if p.FolderID != nil {
		a.FolderID = *p.FolderID
	}
	if p.Title != nil {
		a.Meta.Title = *p.Title
	}
	if p.Description != nil {
		a.Meta.Description = *p.Description
	}
	if p.Keywords != nil {
		a.Meta.Keywords = append([]string(nil), (*p.Keywords)...)
	}
	if len(p.Fields) > 0 {
		fields := make(map[string]string, len(a.Meta.Fields)+len(p.Fields))
		for k, v := range a.Meta.Fields {
			fields[k] = v
		}
		for k, v := range p.Fields {
			if v == nil {
				delete(fields, k)
			} else {
				fields[k] = *v
			}
		}
		a.Meta.Fields = fields
	}
	if p.Availability != nil {
		a.Availability = *p.Availability
	}
	if p.ClearExpiry {
		a.ExpiresAt = nil
	} else if p.ExpiresAt != nil {
		t := p.ExpiresAt.UTC()
		a.ExpiresAt = &t
	}
	if p.Categories != nil {
		a.Categories = append([]string{}, (*p.Categories)...)
	}
	return a
}

// AssetQuery selects assets for listing. Results are ordered by Sort (by
// ID, which is creation order, when empty) and paged with an opaque cursor.
type AssetQuery struct {
	Domains  []string // required: only assets of these domains
	FolderID *string  // nil: any folder; "" the root
	// Subfolders, with FolderID, keeps the assets of the folder's
	// subfolders too, at any depth (with the root: every folder).
	Subfolders bool
	// Text is a search query (see ParseSearch): it matches name, title,
	// description, keywords, custom fields, notes, folder path and
	// category names.
	Text string
	Kind MediaKind
	// MediaType keeps the assets whose current version has this media
	// type ("image/jpeg"), or any subtype of it ("image/*").
	MediaType string
	// CreatedFrom and CreatedTo keep the assets created at or after From
	// and before To (zero: no bound).
	CreatedFrom, CreatedTo time.Time
	// MinSize and MaxSize keep the assets whose current version has at
	// least and at most so many bytes (MaxSize 0: no bound).
	MinSize, MaxSize int64
	// UpdatedFrom and UpdatedTo keep the assets last changed at or after
	// From and before To (zero: no bound).
	UpdatedFrom, UpdatedTo time.Time
	// CapturedFrom and CapturedTo keep the assets whose CaptureTime is at
	// or after From and before To (zero: no bound).
	CapturedFrom, CapturedTo time.Time
	// MinWidth and MinHeight keep the assets whose current version is at
	// least so many pixels wide and high (0: no bound).
	MinWidth, MinHeight int
	// Orientation keeps the assets whose current version is wider than
	// high (OrientationLandscape), higher than wide (OrientationPortrait)
	// or as wide as high (OrientationSquare); assets without pixel
	// dimensions have none.
	Orientation string
	// CreatedBy keeps the assets this user uploaded.
	CreatedBy string
	// CollectionID keeps the assets in this collection (one of the
	// caller's own).
	CollectionID string
	IDs          []string // restrict to these ids
	// SHA256 keeps the assets whose current version has one of these
	// SHA-256 digests (lowercase hex): how a client asks whether a file is
	// in already without sending it. At most MaxHashQuery of them.
	SHA256  []string
	Deleted bool // list the trash instead of live assets
	// DeletedBy, with Deleted, keeps the assets this user moved to the trash.
	DeletedBy string
	Cursor    string // where to continue: the cursor the previous page returned
	Limit     int
	// Sort is one of AssetSorts ("name", "-size", ...); "" is ID order.
	// A cursor continues only the sort it was made for.
	Sort string

	// CategoryID keeps the assets in this category or any of its
	// subcategories; with CategoryOnly, only those directly in it.
	CategoryID   string
	CategoryOnly bool

	// Availability keeps the assets that may be used now (Available: set
	// available and not expired) or those that may not (Unavailable: set
	// unavailable, or expired); "" keeps both.
	Availability Availability
	// ExpiresFrom and ExpiresTo keep the assets with an expiry date at or
	// after From and before To (zero: no bound; assets without an expiry
	// date are left out when either is set).
	ExpiresFrom, ExpiresTo time.Time
	// Now is the moment Availability is judged at. The Library sets it
	// from its clock; stores read it.
	Now time.Time

	// Downloadable, Protected and HasLicence keep the assets whose access,
	// as the download policy decides it for the caller (Library.Access),
	// says so; nil keeps all. Downloadable: the caller may download the
	// original now, or once they accept its licence (no request needed).
	// Protected: its protection, as it resolves (asset, folders, library
	// default), is on. HasLicence: a licence governs its downloads.
	//
	// These are decided in package dam, not in the store (the decision
	// needs grants, shares and licences the store's query cannot weigh):
	// the Library reads the store's pages in order and keeps the matching
	// assets, so cursors stay the store's and paging stays stable. A call
	// reads at most MaxPolicyScan assets; a page may therefore hold fewer
	// than Limit assets, even none, while its cursor is not empty. Facet
	// counts do not apply these three filters.
	Downloadable, Protected, HasLicence *bool
}

// MaxPolicyScan bounds the assets one listing call reads to apply the
// policy filters (AssetQuery.Downloadable, Protected, HasLicence).
const MaxPolicyScan = 5000

// policyFiltered reports whether q has a filter the Library applies.
func (q AssetQuery) policyFiltered() bool {
	return q.Downloadable != nil || q.Protected != nil || q.HasLicence != nil
}

// Note is a short remark attached to an asset.
type Note struct {
	ID        string    `json:"id"`
	AssetID   string    `json:"asset_id"`
	AuthorID  string    `json:"author_id"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}
