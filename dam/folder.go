package dam

import "time"

// Folder groups assets in a tree. Every asset is in exactly one folder (or
// the library root). Folders carry the protection that their assets inherit.
type Folder struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	ParentID   string     `json:"parent_id"` // "" is the library root
	Domain     string     `json:"domain"`
	Protection Protection `json:"protection"`
	Licence    string     `json:"licence"` // "" inherits, "none", or a licence id
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}
