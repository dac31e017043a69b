-- The facet values of each search document, kept by triggers (SQLite): one
-- short row per document, keyed by its number (the FTS5 rowid), with what
-- a search's facets count (kind, current media type, year of capture,
-- creator, categories comma-separated) and what its usual filters test
-- (domain, live or trashed, folder). A sampled search reads a stratum of
-- its matches as one range of this table (about 50 rows a page) instead
-- of one asset row each (several pages of JSON metadata each, at random),
-- facets.go: compactFacets.
--
-- facet_doc_values says what an asset's row holds; each trigger rewrites
-- the row of the asset its change touches from the tables as they are
-- after it, in the writing transaction, so the rows equal a fresh read
-- after any sequence of writes, in any order. A document's row comes with
-- the document (search_docs) and goes with it or with the asset.
--
-- group_concat, not string_agg: a sqlite3 shell older than 3.44 can then
-- still write to the library.
--
-- PostgreSQL keeps no such table (its facets read the rows it samples).
-- dialect: sqlite
CREATE TABLE facet_docs (
    doc        INTEGER PRIMARY KEY,
    domain     TEXT NOT NULL,
    live       INTEGER NOT NULL,
    folder_id  TEXT NOT NULL,
    kind       TEXT,
    media_type TEXT,
    year       TEXT,
    creator    TEXT,
    categories TEXT
);

-- A folder's documents by number: the range its documents span, where a
-- search in that folder samples (folders fill in bursts).
CREATE INDEX facet_docs_folder ON facet_docs (folder_id, doc);

CREATE VIEW facet_doc_values AS
    SELECT a.id AS asset_id, a.domain AS domain, a.deleted_at IS NULL AS live, a.folder_id AS folder_id,
        a.kind AS kind, v.media_type AS media_type, substr(a.captured_at, 1, 4) AS year,
        json_extract(a.fields, '$.creator') AS creator,
        (SELECT group_concat(ac.category_id, ',') FROM asset_categories ac WHERE ac.asset_id = a.id) AS categories
    FROM assets a LEFT JOIN versions v ON v.asset_id = a.id AND v.number = a.current_version;

INSERT INTO facet_docs (doc, domain, live, folder_id, kind, media_type, year, creator, categories)
SELECT d.doc, r.domain, r.live, r.folder_id, r.kind, r.media_type, r.year, r.creator, r.categories
FROM search_docs d JOIN facet_doc_values r ON r.asset_id = d.asset_id;

CREATE TRIGGER facet_docs_search_docs_i AFTER INSERT ON search_docs BEGIN
    INSERT OR REPLACE INTO facet_docs (doc, domain, live, folder_id, kind, media_type, year, creator, categories)
    SELECT NEW.doc, domain, live, folder_id, kind, media_type, year, creator, categories
    FROM facet_doc_values WHERE asset_id = NEW.asset_id; END;

CREATE TRIGGER facet_docs_search_docs_d AFTER DELETE ON search_docs BEGIN
    DELETE FROM facet_docs WHERE doc = OLD.doc; END;

CREATE TRIGGER facet_docs_search_docs_u AFTER UPDATE ON search_docs BEGIN
    DELETE FROM facet_docs WHERE doc = OLD.doc; INSERT OR REPLACE INTO facet_docs
        (doc, domain, live, folder_id, kind, media_type, year, creator, categories)
    SELECT NEW.doc, domain, live, folder_id, kind, media_type, year, creator, categories
    FROM facet_doc_values WHERE asset_id = NEW.asset_id; END;

CREATE TRIGGER facet_docs_assets_u AFTER UPDATE OF domain, deleted_at, folder_id, kind, captured_at, fields, current_version ON assets
WHEN OLD.domain IS NOT NEW.domain OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
    OR OLD.folder_id IS NOT NEW.folder_id OR OLD.kind IS NOT NEW.kind
    OR substr(OLD.captured_at, 1, 4) IS NOT substr(NEW.captured_at, 1, 4)
    OR json_extract(OLD.fields, '$.creator') IS NOT json_extract(NEW.fields, '$.creator')
    OR OLD.current_version IS NOT NEW.current_version BEGIN
    INSERT OR REPLACE INTO facet_docs (doc, domain, live, folder_id, kind, media_type, year, creator, categories)
    SELECT d.doc, r.domain, r.live, r.folder_id, r.kind, r.media_type, r.year, r.creator, r.categories
    FROM search_docs d JOIN facet_doc_values r ON r.asset_id = d.asset_id WHERE d.asset_id = NEW.id; END;

CREATE TRIGGER facet_docs_assets_d AFTER DELETE ON assets BEGIN
    DELETE FROM facet_docs WHERE doc IN (SELECT doc FROM search_docs WHERE asset_id = OLD.id); END;

CREATE TRIGGER facet_docs_versions_i AFTER INSERT ON versions BEGIN
    INSERT OR REPLACE INTO facet_docs (doc, domain, live, folder_id, kind, media_type, year, creator, categories)
    SELECT d.doc, r.domain, r.live, r.folder_id, r.kind, r.media_type, r.year, r.creator, r.categories
    FROM search_docs d JOIN facet_doc_values r ON r.asset_id = d.asset_id WHERE d.asset_id = NEW.asset_id; END;

CREATE TRIGGER facet_docs_versions_d AFTER DELETE ON versions BEGIN
    INSERT OR REPLACE INTO facet_docs (doc, domain, live, folder_id, kind, media_type, year, creator, categories)
    SELECT d.doc, r.domain, r.live, r.folder_id, r.kind, r.media_type, r.year, r.creator, r.categories
    FROM search_docs d JOIN facet_doc_values r ON r.asset_id = d.asset_id WHERE d.asset_id = OLD.asset_id; END;

CREATE TRIGGER facet_docs_versions_u AFTER UPDATE OF asset_id, number, media_type ON versions BEGIN
    INSERT OR REPLACE INTO facet_docs (doc, domain, live, folder_id, kind, media_type, year, creator, categories)
    SELECT d.doc, r.domain, r.live, r.folder_id, r.kind, r.media_type, r.year, r.creator, r.categories
    FROM search_docs d JOIN facet_doc_values r ON r.asset_id = d.asset_id WHERE d.asset_id IN (OLD.asset_id, NEW.asset_id); END;

CREATE TRIGGER facet_docs_asset_categories_i AFTER INSERT ON asset_categories BEGIN
    INSERT OR REPLACE INTO facet_docs (doc, domain, live, folder_id, kind, media_type, year, creator, categories)
    SELECT d.doc, r.domain, r.live, r.folder_id, r.kind, r.media_type, r.year, r.creator, r.categories
    FROM search_docs d JOIN facet_doc_values r ON r.asset_id = d.asset_id WHERE d.asset_id = NEW.asset_id; END;

CREATE TRIGGER facet_docs_asset_categories_d AFTER DELETE ON asset_categories BEGIN
    INSERT OR REPLACE INTO facet_docs (doc, domain, live, folder_id, kind, media_type, year, creator, categories)
    SELECT d.doc, r.domain, r.live, r.folder_id, r.kind, r.media_type, r.year, r.creator, r.categories
    FROM search_docs d JOIN facet_doc_values r ON r.asset_id = d.asset_id WHERE d.asset_id = OLD.asset_id; END;

CREATE TRIGGER facet_docs_asset_categories_u AFTER UPDATE ON asset_categories BEGIN
    INSERT OR REPLACE INTO facet_docs (doc, domain, live, folder_id, kind, media_type, year, creator, categories)
    SELECT d.doc, r.domain, r.live, r.folder_id, r.kind, r.media_type, r.year, r.creator, r.categories
    FROM search_docs d JOIN facet_doc_values r ON r.asset_id = d.asset_id WHERE d.asset_id IN (OLD.asset_id, NEW.asset_id); END;
