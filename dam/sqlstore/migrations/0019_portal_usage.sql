-- A portal may name a licence its visitors accept before downloading
-- (for assets that resolve none of their own); "" for none.
ALTER TABLE portals ADD COLUMN licence TEXT NOT NULL DEFAULT '';

-- Page opens of a portal, one counter per portal and UTC day ("YYYY-MM-DD"):
-- an anonymous page has no one to log an event for, and a row per hit
-- would grow without bound on a busy portal.
CREATE TABLE portal_opens (
    portal_id TEXT NOT NULL,
    day       TEXT NOT NULL,
    opens     BIGINT NOT NULL,
    PRIMARY KEY (portal_id, day)
);
