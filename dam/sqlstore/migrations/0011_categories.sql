-- Categories: a classification tree separate from folders, library-wide
-- (not per domain), and which assets are in which category. A trashed
-- asset keeps its rows, so restoring puts it back in its categories;
-- purging an asset or deleting a category deletes them.

CREATE TABLE categories (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    parent_id  TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
-- Sibling names are unique; the index also finds a category's children.
CREATE UNIQUE INDEX categories_sibling_name ON categories (parent_id, name);

-- The primary key lists a category's assets page by page in ID order; the
-- second index reads an asset's categories.
CREATE TABLE asset_categories (
    category_id TEXT NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    asset_id    TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    PRIMARY KEY (category_id, asset_id)
);
CREATE INDEX asset_categories_asset ON asset_categories (asset_id, category_id);

-- The live (untrashed) assets directly in each category, per domain. Every
-- write that changes a membership, or trashes or restores an asset, changes
-- these in its transaction, so the tree is listed with its counts by
-- reading a row per category and domain rather than every membership.
CREATE TABLE category_counts (
    category_id TEXT NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    domain      TEXT NOT NULL,
    live        BIGINT NOT NULL,
    PRIMARY KEY (category_id, domain)
);
