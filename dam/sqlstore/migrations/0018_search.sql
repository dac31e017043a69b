-- Full-text search (AssetQuery.Text). Package dam cuts an asset's
-- document and every query into folded words (lower case, no accents), so
-- both engines index and look up the same words; each keeps them in its
-- own engine. Every statement that changes what an asset is found by
-- (its fields, notes, categories, its folder's or categories' names and
-- places) rewrites its document in the same transaction. The documents of
-- the assets already there are written by Go code when this migration
-- runs (migrate.go: reindexAll).
--
-- The sections below apply to one dialect each ("-- dialect:" lines).
-- dialect: sqlite
-- FTS5 keeps the words of each column; the words are already folded, and
-- unicode61 remove_diacritics 2 folds again the same way. The prefix
-- indexes serve short prefixes ("su*") without scanning the vocabulary.
-- search_docs numbers the documents: an FTS5 row is found by its rowid,
-- and an asset's ID is text.
CREATE TABLE search_docs (
    doc      INTEGER PRIMARY KEY,
    asset_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE asset_fts USING fts5(main, tags, body, notes, fields,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
-- dialect: postgres
-- A tsvector built by Go (words, positions and weights: A main, B tags,
-- C body, D notes and fields) and its GIN index.
ALTER TABLE assets ADD COLUMN search tsvector NOT NULL DEFAULT '';
CREATE INDEX assets_search ON assets USING GIN (search);
-- dialect: all
-- Listings sorted by the time of the last change, as 0017 did for names
-- and sizes.
CREATE INDEX assets_folder_updated ON assets (folder_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_live_domain_updated ON assets (domain, updated_at, id) WHERE deleted_at IS NULL;
