-- Leases: a named piece of periodic work (the trash sweep, recovering
-- stalled jobs) is done by one process at a time, the one holding the
-- lease until expires_at. Holders renew before it runs out; when one
-- dies, another takes the lease once it has expired.

CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
