package dam

import "time"

// Category is a node of the library's classification tree. Categories are
// separate from folders: a folder is where an asset lives (exactly one),
// categories are how it is classified (any number, or none). The tree is
// library-wide, not per domain; any user sees it, owners and editors shape
// it. Removing an asset from a category never deletes the asset; deleting
// an asset takes it out of every category until it is restored.
type Category struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	ParentID string `json:"parent_id"` // "" is the top level
	// AssetCount counts the live assets the caller may see that are
	// directly in this category (not those only in its subcategories).
	// Trashed assets do not count.
	AssetCount int       `json:"asset_count"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedBy  string    `json:"updated_by"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// CategoryLimits bound the category tree. The store checks them in the
// transaction that grows or reshapes the tree, so concurrent writers cannot
// together exceed them. Zero means no limit.
type CategoryLimits struct {
	MaxDepth int // levels: a top-level category is at depth 1
	MaxCount int // categories in the library
}

// Defaults of the category limits (Options.MaxCategoryDepth,
// Options.MaxCategories, Options.MaxAssetCategories).
const (
	DefaultMaxCategoryDepth   = 10
	DefaultMaxCategories      = 10000
	DefaultMaxAssetCategories = 100
)
