-- Export profiles: named rendition recipes that owners keep. The recipe
-- (size, fit, format, modifiers, watermark) is one JSON document, so new
-- rendition settings need no migration.

CREATE TABLE profiles (
    name       TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
