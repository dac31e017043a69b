-- The core nouns: users, folders, assets with their versions, notes,
-- collections and the usage log. Written in the SQL both SQLite and
-- PostgreSQL accept. Times are TEXT in the fixed-width UTC form
-- 2006-01-02T15:04:05.000000Z (see codec.go), so they sort as strings.
-- Lists and maps are JSON text. The library root is parent_id/folder_id ''
-- (never NULL) so the unique and listing indexes treat it like any folder.

CREATE TABLE users (
    id         TEXT PRIMARY KEY,
    email      TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    role       TEXT NOT NULL,
    domains    TEXT NOT NULL DEFAULT '[]',
    key_hash   TEXT UNIQUE,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE folders (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    parent_id  TEXT NOT NULL DEFAULT '',
    domain     TEXT NOT NULL,
    protection TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX folders_sibling_name ON folders (domain, parent_id, name);
CREATE INDEX folders_parent ON folders (parent_id);

CREATE TABLE assets (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    folder_id       TEXT NOT NULL DEFAULT '',
    domain          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    title           TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    keywords        TEXT NOT NULL DEFAULT '[]',
    fields          TEXT NOT NULL DEFAULT '{}',
    availability    TEXT NOT NULL DEFAULT '',
    expires_at      TEXT,
    protection      TEXT NOT NULL DEFAULT '',
    current_version INTEGER NOT NULL,
    last_version    INTEGER NOT NULL,
    created_by      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL,
    deleted_at      TEXT,
    deleted_by      TEXT NOT NULL DEFAULT ''
);
-- Listing a folder page by page walks this index in ID order (the live
-- and the trash listing alike; trashed rows are few).
CREATE INDEX assets_folder ON assets (folder_id, id);
CREATE INDEX assets_live_domain ON assets (domain, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_trash ON assets (deleted_at, id) WHERE deleted_at IS NOT NULL;

CREATE TABLE versions (
    asset_id      TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    crc32         BIGINT NOT NULL,
    size          BIGINT NOT NULL,
    media_type    TEXT NOT NULL,
    width         INTEGER NOT NULL DEFAULT 0,
    height        INTEGER NOT NULL DEFAULT 0,
    exif          TEXT,
    original_name TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    PRIMARY KEY (asset_id, number)
);
CREATE INDEX versions_sha256 ON versions (sha256);

CREATE TABLE notes (
    id         TEXT PRIMARY KEY,
    asset_id   TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    author_id  TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX notes_asset ON notes (asset_id, id);

CREATE TABLE collections (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    owner_id        TEXT NOT NULL,
    default_profile TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX collections_owner_name ON collections (owner_id, name);

CREATE TABLE collection_items (
    collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    asset_id      TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    profile       TEXT NOT NULL DEFAULT '',
    added_at      TEXT NOT NULL,
    PRIMARY KEY (collection_id, asset_id)
);
CREATE INDEX collection_items_asset ON collection_items (asset_id);

CREATE TABLE events (
    id        TEXT PRIMARY KEY,
    time      TEXT NOT NULL,
    actor_id  TEXT NOT NULL,
    action    TEXT NOT NULL,
    asset_id  TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_asset ON events (asset_id, id);
CREATE INDEX events_actor ON events (actor_id, id);
