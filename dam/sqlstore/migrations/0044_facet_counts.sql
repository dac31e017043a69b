-- Facet counts of the live assets of each domain, kept by triggers
-- (SQLite): the facets of a listing with no search and no filter (a
-- library's first page, what every visit opens) are read from here in
-- a few hundred rows, exact, instead of counting or sampling a million
-- assets after every write (facetcounts.go). facet is 'k' (kind), 'm'
-- (the current version's media type), 'y' (year of capture), 'c' (the
-- creator field) or 'g' (a category); the values are those the counting
-- queries of facets.go group by, and a count may fall to zero and stay.
--
-- Each trigger moves the counts by what its row change changes, given the
-- other tables as they are at that moment, so the counts equal a fresh
-- count after any sequence of writes, in any order. Assets subtract BEFORE
-- DELETE, while their versions and categories, which cascade, are there.
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

INSERT INTO facet_counts (domain, facet, value, n)
SELECT domain, f, v, count(*) FROM (
    SELECT a.domain, 'k' AS f, a.kind AS v FROM assets a WHERE a.deleted_at IS NULL
    UNION ALL SELECT a.domain, 'y', substr(a.captured_at, 1, 4) FROM assets a WHERE a.deleted_at IS NULL
    UNION ALL SELECT a.domain, 'c', json_extract(a.fields, '$.creator') FROM assets a WHERE a.deleted_at IS NULL
    UNION ALL SELECT a.domain, 'm', v.media_type FROM assets a JOIN versions v ON v.asset_id = a.id AND v.number = a.current_version
        WHERE a.deleted_at IS NULL
    UNION ALL SELECT a.domain, 'g', ac.category_id FROM assets a JOIN asset_categories ac ON ac.asset_id = a.id
        WHERE a.deleted_at IS NULL
) WHERE v IS NOT NULL AND v <> '' GROUP BY domain, f, v;

CREATE TRIGGER facet_counts_assets_i AFTER INSERT ON assets WHEN NEW.deleted_at IS NULL BEGIN
    INSERT INTO facet_counts (domain, facet, value, n)
    SELECT NEW.domain, f, v, 1 FROM (
        SELECT 'k' AS f, NEW.kind AS v
        UNION ALL SELECT 'y', substr(NEW.captured_at, 1, 4)
        UNION ALL SELECT 'c', json_extract(NEW.fields, '$.creator')
        UNION ALL SELECT 'm', media_type FROM versions WHERE asset_id = NEW.id AND number = NEW.current_version
        UNION ALL SELECT 'g', category_id FROM asset_categories WHERE asset_id = NEW.id
    ) WHERE v IS NOT NULL AND v <> ''
    ON CONFLICT (domain, facet, value) DO UPDATE SET n = n + excluded.n; END;

CREATE TRIGGER facet_counts_assets_d BEFORE DELETE ON assets WHEN OLD.deleted_at IS NULL BEGIN
    INSERT INTO facet_counts (domain, facet, value, n)
    SELECT OLD.domain, f, v, -1 FROM (
        SELECT 'k' AS f, OLD.kind AS v
        UNION ALL SELECT 'y', substr(OLD.captured_at, 1, 4)
        UNION ALL SELECT 'c', json_extract(OLD.fields, '$.creator')
        UNION ALL SELECT 'm', media_type FROM versions WHERE asset_id = OLD.id AND number = OLD.current_version
        UNION ALL SELECT 'g', category_id FROM asset_categories WHERE asset_id = OLD.id
    ) WHERE v IS NOT NULL AND v <> ''
    ON CONFLICT (domain, facet, value) DO UPDATE SET n = n + excluded.n; END;

CREATE TRIGGER facet_counts_assets_u AFTER UPDATE OF domain, kind, captured_at, fields, current_version, deleted_at ON assets
WHEN OLD.domain IS NOT NEW.domain OR OLD.kind IS NOT NEW.kind
    OR substr(OLD.captured_at, 1, 4) IS NOT substr(NEW.captured_at, 1, 4)
    OR json_extract(OLD.fields, '$.creator') IS NOT json_extract(NEW.fields, '$.creator')
    OR OLD.current_version IS NOT NEW.current_version
    OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) BEGIN
    INSERT INTO facet_counts (domain, facet, value, n)
    SELECT OLD.domain, f, v, -1 FROM (
        SELECT 'k' AS f, OLD.kind AS v
        UNION ALL SELECT 'y', substr(OLD.captured_at, 1, 4)
        UNION ALL SELECT 'c', json_extract(OLD.fields, '$.creator')
        UNION ALL SELECT 'm', media_type FROM versions WHERE asset_id = OLD.id AND number = OLD.current_version
        UNION ALL SELECT 'g', category_id FROM asset_categories WHERE asset_id = OLD.id
    ) WHERE OLD.deleted_at IS NULL AND v IS NOT NULL AND v <> ''
    ON CONFLICT (domain, facet, value) DO UPDATE SET n = n + excluded.n; INSERT INTO facet_counts (domain, facet, value, n)
    SELECT NEW.domain, f, v, 1 FROM (
        SELECT 'k' AS f, NEW.kind AS v
        UNION ALL SELECT 'y', substr(NEW.captured_at, 1, 4)
        UNION ALL SELECT 'c', json_extract(NEW.fields, '$.creator')
        UNION ALL SELECT 'm', media_type FROM versions WHERE asset_id = NEW.id AND number = NEW.current_version
        UNION ALL SELECT 'g', category_id FROM asset_categories WHERE asset_id = NEW.id
    ) WHERE NEW.deleted_at IS NULL AND v IS NOT NULL AND v <> ''
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
