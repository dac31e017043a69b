package dam

import "time"

// Collection is a personal selection of assets. Deleting it never deletes
// the assets; trashed assets drop out of it until they are restored.
type Collection struct {
	ID             string           `json:"id"`
	Name           string           `json:"name"`
	OwnerID        string           `json:"owner_id"`
	DefaultProfile string           `json:"default_profile,omitempty"` // export profile for all items
	Items          []CollectionItem `json:"items"`
	// ItemCount is how many live (not trashed) assets the collection
	// holds; lists of collections carry it without the items.
	ItemCount int       `json:"item_count"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CollectionItem is an asset in a collection with an optional export profile
// that overrides the collection's default.
type CollectionItem struct {
	AssetID string    `json:"asset_id"`
	Profile string    `json:"profile,omitempty"`
	AddedAt time.Time `json:"added_at"`
}
