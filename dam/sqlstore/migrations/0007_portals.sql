-- Portals: public pages of assets and collections under a slug. Visitors
-- are known by email: their requests live in requests (requester_email, no
-- requester_id), and portal_requests records which portal each came
-- through, so the approval email carries a link to that portal.

CREATE TABLE portals (
    id             TEXT PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    title          TEXT NOT NULL,
    description    TEXT NOT NULL,
    asset_ids      TEXT NOT NULL,
    collection_ids TEXT NOT NULL,
    mode           TEXT NOT NULL,
    enabled        INTEGER NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE TABLE portal_requests (
    request_id TEXT PRIMARY KEY,
    portal_id  TEXT NOT NULL
);

CREATE INDEX portal_requests_portal ON portal_requests (portal_id);

-- The one secret that signs visitors' links (HMAC-SHA256), made on first use.
CREATE TABLE portal_secrets (
    id     INTEGER PRIMARY KEY,
    secret TEXT NOT NULL
);
