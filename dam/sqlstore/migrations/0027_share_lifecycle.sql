-- A share's lifecycle beyond its one expiry (issue 17): view-only shares,
-- an optional password (an argon2id hash in PHC form, '' for none), and
-- optional download limits counted in the store, per share and per guest
-- (0 for none), with their counters; a guest's own expiry (NULL: the
-- share's). Plain ADD COLUMN with constant defaults, as 0017: the same
-- statements on SQLite and PostgreSQL.
ALTER TABLE shares ADD COLUMN view_only INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shares ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE shares ADD COLUMN download_limit INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shares ADD COLUMN downloads INTEGER NOT NULL DEFAULT 0;
ALTER TABLE share_guests ADD COLUMN expires_at TEXT;
ALTER TABLE share_guests ADD COLUMN download_limit INTEGER NOT NULL DEFAULT 0;
ALTER TABLE share_guests ADD COLUMN downloads INTEGER NOT NULL DEFAULT 0;
