-- Users: the admin power (dam/reach.go), disabling, and API keys as their
-- own rows (several per user, named, last-used time, revocable). The first
-- owner of an existing library becomes its admin, as a new library's first
-- user does; the one key each user had moves to api_keys under the user's
-- ID, so it keeps working.

ALTER TABLE users ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN disabled_at TEXT;
UPDATE users SET admin = 1 WHERE id = (SELECT min(id) FROM users WHERE role = 'owner');

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    key_hash     TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_keys_user ON api_keys (user_id);
INSERT INTO api_keys (id, user_id, name, key_hash, created_at)
    SELECT id, id, 'first key', key_hash, created_at FROM users WHERE key_hash IS NOT NULL;
UPDATE users SET key_hash = NULL;
