-- Facet counts of the live assets of each domain, kept by triggers
-- (SQLite): the facets of a listing with no search and no filter (a
-- library's first page, what every visit opens) are read from here in
-- a few hundred rows, exact, instead of counting or sampling a million
-- assets after every write (facetcounts.go). facet is 'k' (kind), 'm'
-- (the current version's media type), 'y' (year of capture), 'c' (the
-- creator field) or 'g' (a category); the values are those the counting
-- queries of facets.go group by, and a count may fall to zero and stay.
--
-- facet_values lists what each live asset counts for; each trigger moves the
-- counts by what its row change changes, given the other tables as they
-- are at that moment, so the counts equal a fresh count after any sequence
-- of writes, in any order. An asset's update subtracts what it counted for
-- BEFORE it and adds what it counts for AFTER; its delete subtracts BEFORE,
-- while its versions and categories, which cascade, are still there.
--
-- PostgreSQL keeps no such table: its concurrent writers would queue on
-- the few hottest rows (every upload moves its domain's kind count).
-- dialect: sqlite
CREATE TABLE facet_counts (
    domain TEXT NOT NULL,
    facet  TEXT NOT NULL,
    value  TEXT NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (domain, facet, value)
) WITHOUT ROWID;

CREATE VIEW facet_values AS
    SELECT a.id AS asset_id, a.domain AS domain, 'k' AS facet, a.kind AS value FROM assets a WHERE a.deleted_at IS NULL
    UNION ALL SELECT a.id, a.domain, 'y', substr(a.captured_at, 1, 4) FROM assets a WHERE a.deleted_at IS NULL
    UNION ALL SELECT a.id, a.domain, 'c', json_extract(a.fields, '$.creator') FROM assets a WHERE a.deleted_at IS NULL
    UNION ALL SELECT a.id, a.domain, 'm', v.media_type FROM assets a
        JOIN versions v ON v.asset_id = a.id AND v.number = a.current_version WHERE a.deleted_at IS NULL
    UNION ALL SELECT a.id, a.domain, 'g', ac.category_id FROM assets a
        JOIN asset_categories ac ON ac.asset_id = a.id WHERE a.deleted_at IS NULL;

INSERT INTO facet_counts (domain, facet, value, n)
SELECT domain, facet, value, count(*) FROM facet_values WHERE value IS NOT NULL AND value <> ''
GROUP BY domain, facet, value;

CREATE TRIGGER facet_counts_assets_i AFTER INSERT ON assets BEGIN
    INSERT INTO facet_counts (domain, facet, value, n)
    SELECT domain, facet, value, 1 FROM facet_values WHERE asset_id = NEW.id AND value IS NOT NULL AND value <> ''
    ON CONFLICT (domain, facet, value) DO UPDATE SET n = n + excluded.n; END;

CREATE TRIGGER facet_counts_assets_d BEFORE DELETE ON assets BEGIN
    INSERT INTO facet_counts (domain, facet, value, n)
    SELECT domain, facet, value, -1 FROM facet_values WHERE asset_id = OLD.id AND value IS NOT NULL AND value <> ''
    ON CONFLICT (domain, facet, value) DO UPDATE SET n = n + excluded.n; END;

CREATE TRIGGER facet_counts_assets_u_old BEFORE UPDATE OF domain, kind, captured_at, fields, current_version, deleted_at ON assets
WHEN OLD.domain IS NOT NEW.domain OR OLD.kind IS NOT NEW.kind
    OR substr(OLD.captured_at, 1, 4) IS NOT substr(NEW.captured_at, 1, 4)
    OR json_extract(OLD.fields, '$.creator') IS NOT json_extract(NEW.fields, '$.creator')
    OR OLD.current_version IS NOT NEW.current_version
    OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) BEGIN
    INSERT INTO facet_counts (domain, facet, value, n)
    SELECT domain, facet, value, -1 FROM facet_values WHERE asset_id = OLD.id AND value IS NOT NULL AND value <> ''
    ON CONFLICT (domain, facet, value) DO UPDATE SET n = n + excluded.n; END;

CREATE TRIGGER facet_counts_assets_u_new AFTER UPDATE OF domain, kind, captured_at, fields, current_version, deleted_at ON assets
WHEN OLD.domain IS NOT NEW.domain OR OLD.kind IS NOT NEW.kind
    OR substr(OLD.captured_at, 1, 4) IS NOT substr(NEW.captured_at, 1, 4)
    OR json_extract(OLD.fields, '$.creator') IS NOT json_extract(NEW.fields, '$.creator')
    OR OLD.current_version IS NOT NEW.current_version
    OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) BEGIN
    INSERT INTO facet_counts (domain, facet, value, n)
    SELECT domain, facet, value, 1 FROM facet_values WHERE asset_id = NEW.id AND value IS NOT NULL AND value <> ''
    ON CONFLICT (domain, facet, value) DO UPDATE SET n = n + excluded.n; END;

CREATE TRIGGER facet_counts_versions_i AFTER INSERT ON versions BEGIN
    INSERT INTO facet_counts (domain, facet, value, n)
    SELECT a.domain, 'm', NEW.media_type, 1 FROM assets a
    WHERE a.id = NEW.asset_id AND a.current_version = NEW.number AND a.deleted_at IS NULL AND NEW.media_type <> ''
    ON CONFLICT (domain, facet, value) DO UPDATE SET n = n + excluded.n; END;

CREATE TRIGGER facet_counts_versions_d AFTER DELETE ON versions BEGIN
    INSERT INTO facet_counts (domain, facet, value, n)
    SELECT a.domain, 'm', OLD.media_type, -1 FROM assets a
    WHERE a.id = OLD.asset_id AND a.current_version = OLD.number AND a.deleted_at IS NULL AND OLD.media_type <> ''
    ON CONFLICT (domain, facet, value) DO UPDATE SET n = n + excluded.n; END;

CREATE TRIGGER facet_counts_versions_u AFTER UPDATE OF asset_id, number, media_type ON versions BEGIN
    INSERT INTO facet_counts (domain, facet, value, n)
    SELECT a.domain, 'm', OLD.media_type, -1 FROM assets a
    WHERE a.id = OLD.asset_id AND a.current_version = OLD.number AND a.deleted_at IS NULL AND OLD.media_type <> ''
    ON CONFLICT (domain, facet, value) DO UPDATE SET n = n + excluded.n; INSERT INTO facet_counts (domain, facet, value, n)
    SELECT a.domain, 'm', NEW.media_type, 1 FROM assets a
    WHERE a.id = NEW.asset_id AND a.current_version = NEW.number AND a.deleted_at IS NULL AND NEW.media_type <> ''
    ON CONFLICT (domain, facet, value) DO UPDATE SET n = n + excluded.n; END;

CREATE TRIGGER facet_counts_asset_categories_i AFTER INSERT ON asset_categories BEGIN
    INSERT INTO facet_counts (domain, facet, value, n)
    SELECT a.domain, 'g', NEW.category_id, 1 FROM assets a WHERE a.id = NEW.asset_id AND a.deleted_at IS NULL AND NEW.category_id <> ''
    ON CONFLICT (domain, facet, value) DO UPDATE SET n = n + excluded.n; END;

CREATE TRIGGER facet_counts_asset_categories_d AFTER DELETE ON asset_categories BEGIN
    INSERT INTO facet_counts (domain, facet, value, n)
    SELECT a.domain, 'g', OLD.category_id, -1 FROM assets a WHERE a.id = OLD.asset_id AND a.deleted_at IS NULL AND OLD.category_id <> ''
    ON CONFLICT (domain, facet, value) DO UPDATE SET n = n + excluded.n; END;

CREATE TRIGGER facet_counts_asset_categories_u AFTER UPDATE ON asset_categories BEGIN
    INSERT INTO facet_counts (domain, facet, value, n)
    SELECT a.domain, 'g', OLD.category_id, -1 FROM assets a WHERE a.id = OLD.asset_id AND a.deleted_at IS NULL AND OLD.category_id <> ''
    ON CONFLICT (domain, facet, value) DO UPDATE SET n = n + excluded.n; INSERT INTO facet_counts (domain, facet, value, n)
    SELECT a.domain, 'g', NEW.category_id, 1 FROM assets a WHERE a.id = NEW.asset_id AND a.deleted_at IS NULL AND NEW.category_id <> ''
    ON CONFLICT (domain, facet, value) DO UPDATE SET n = n + excluded.n; END;
