-- Download jobs: archives of many assets, built on the fly (ready) or by
-- a worker (queued, running, done, failed), and expired after a while.
-- Lists (items, parts, skipped) are JSON text: they are read and written
-- whole, never queried.

CREATE TABLE jobs (
    id            TEXT PRIMARY KEY,
    requester_id  TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    items         TEXT NOT NULL,
    options       TEXT NOT NULL DEFAULT '{}',
    status        TEXT NOT NULL,
    single        INTEGER NOT NULL DEFAULT 0,
    entries_total INTEGER NOT NULL DEFAULT 0,
    entries_done  INTEGER NOT NULL DEFAULT 0,
    bytes_total   BIGINT NOT NULL DEFAULT 0,
    bytes_done    BIGINT NOT NULL DEFAULT 0,
    parts         TEXT NOT NULL DEFAULT '[]',
    skipped       TEXT NOT NULL DEFAULT '[]',
    attempts      INTEGER NOT NULL DEFAULT 0,
    claimed_by    TEXT NOT NULL DEFAULT '',
    heartbeat     TEXT,
    error         TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    expires_at    TEXT
);
CREATE INDEX jobs_requester ON jobs (requester_id, id);
CREATE INDEX jobs_status ON jobs (status, id);
CREATE INDEX jobs_expires ON jobs (expires_at);
