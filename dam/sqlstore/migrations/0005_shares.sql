-- Time-limited shares: a titled set of assets handed to guests, each guest
-- with a link token of their own (only its SHA-256 is kept). The notice
-- columns record which expiry notices the sharer got, so each goes once.

CREATE TABLE shares (
    id                 TEXT PRIMARY KEY,
    title              TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    profile            TEXT NOT NULL DEFAULT '',
    created_by         TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    expires_at         TEXT NOT NULL,
    enabled            INTEGER NOT NULL DEFAULT 1,
    expiring_notice_at TEXT,
    expired_notice_at  TEXT
);
CREATE INDEX shares_creator ON shares (created_by, id);
CREATE INDEX shares_expires ON shares (expires_at);

CREATE TABLE share_assets (
    share_id TEXT NOT NULL,
    asset_id TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (share_id, asset_id)
);

CREATE TABLE share_guests (
    id         TEXT PRIMARY KEY,
    share_id   TEXT NOT NULL,
    user_id    TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT NOT NULL DEFAULT '',
    invited_at TEXT NOT NULL,
    removed_at TEXT
);
CREATE INDEX share_guests_share ON share_guests (share_id, id);
