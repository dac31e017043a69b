-- Download protection workflow: the library's usage settings, download
-- requests, the grants approvals make, and the in-app inbox.

CREATE TABLE settings (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    data TEXT NOT NULL
);

CREATE TABLE requests (
    id              TEXT PRIMARY KEY,
    batch           TEXT NOT NULL,
    asset_id        TEXT NOT NULL,
    domain          TEXT NOT NULL,
    requester_id    TEXT NOT NULL DEFAULT '',
    requester_email TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    validity_ns     BIGINT NOT NULL DEFAULT 0,
    auto_approved   INTEGER NOT NULL DEFAULT 0,
    decided_by      TEXT NOT NULL DEFAULT '',
    decided_at      TEXT,
    message         TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
CREATE INDEX requests_status ON requests (status, id);
CREATE INDEX requests_requester ON requests (requester_id, id);
CREATE INDEX requests_asset ON requests (asset_id);

CREATE TABLE grants (
    id         TEXT PRIMARY KEY,
    request_id TEXT NOT NULL DEFAULT '',
    asset_id   TEXT NOT NULL,
    user_id    TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    from_at    TEXT NOT NULL,
    until_at   TEXT,
    revoked_at TEXT,
    revoked_by TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX grants_user_asset ON grants (user_id, asset_id);
CREATE INDEX grants_email ON grants (lower(email));
CREATE INDEX grants_request ON grants (request_id);

CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    link       TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT '',
    asset_id   TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    read_at    TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, id);
