-- Sorted asset listings (AssetQuery.Sort) page by keyset: the rows past
-- the cursor's (key, id), walking an index in (key, id) order, in either
-- direction. The keys are columns of the asset row, kept in step by every
-- statement that writes the name or changes the current version: an
-- expression index on lower(name) would not do, as SQLite cannot range
-- over a row value (lower(name), id) in one.
ALTER TABLE assets ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE assets ADD COLUMN current_size BIGINT NOT NULL DEFAULT 0;
UPDATE assets SET name_key = lower(name), current_size = (SELECT v.size FROM versions v
    WHERE v.asset_id = assets.id AND v.number = assets.current_version);
-- A folder's live assets by name (case-insensitive) and by size; creation
-- order is ID order, which assets_folder already serves.
CREATE INDEX assets_folder_name ON assets (folder_id, name_key, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_folder_size ON assets (folder_id, current_size, id) WHERE deleted_at IS NULL;
-- The same across a domain (the library without a folder).
CREATE INDEX assets_live_domain_name ON assets (domain, name_key, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_live_domain_size ON assets (domain, current_size, id) WHERE deleted_at IS NULL;
