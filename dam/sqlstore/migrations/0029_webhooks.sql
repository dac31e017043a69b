-- Webhooks: endpoints owners register, and one delivery per endpoint and
-- usage log event (webhook_deliveries), derived from the events table
-- after each endpoint's cursor. A delivery is claimed by one worker until
-- lease_until; one whose worker died is claimed again after that.

CREATE TABLE webhooks (
    id              TEXT PRIMARY KEY,
    url             TEXT NOT NULL,
    events          TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    secret          TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    disabled_at     TEXT,
    disabled_reason TEXT NOT NULL DEFAULT '',
    last_success_at TEXT,
    cursor          TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id            TEXT PRIMARY KEY,
    webhook_id    TEXT NOT NULL,
    event_id      TEXT NOT NULL,
    type          TEXT NOT NULL,
    payload       TEXT NOT NULL,
    status        TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       TEXT NOT NULL,
    claimed_by    TEXT NOT NULL DEFAULT '',
    lease_until   TEXT,
    last_status   INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    last_response TEXT NOT NULL DEFAULT '',
    last_at       TEXT,
    created_at    TEXT NOT NULL,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_at);
CREATE INDEX webhook_deliveries_lease ON webhook_deliveries (status, lease_until);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);
