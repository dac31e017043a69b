-- Licences: texts downloaders accept first, set on the library (in the
-- settings document), on folders (inherited) and on assets like protection.
-- licences holds the current version; licence_versions keeps every text
-- ever published, so an acceptance always names the text it accepted.
-- Acceptances are keyed by actor: "user:<id>" or "email:<address>".

CREATE TABLE licences (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL UNIQUE,
    body       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE licence_versions (
    licence_id TEXT NOT NULL,
    version    INTEGER NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (licence_id, version)
);

CREATE TABLE licence_acceptances (
    actor       TEXT NOT NULL,
    licence_id  TEXT NOT NULL,
    version     INTEGER NOT NULL,
    accepted_at TEXT NOT NULL,
    PRIMARY KEY (actor, licence_id, version)
);

ALTER TABLE folders ADD COLUMN licence TEXT NOT NULL DEFAULT '';
ALTER TABLE assets ADD COLUMN licence TEXT NOT NULL DEFAULT '';
CREATE INDEX folders_licence ON folders (licence) WHERE licence <> '';
CREATE INDEX assets_licence ON assets (licence) WHERE licence <> '';
