-- When an asset's current version was captured (dam.Asset.CaptureTime:
-- its EXIF or embedded capture date, or the asset's creation when the file
-- does not say), kept on the asset like current_size: the key of the
-- "captured" sort, the captured range and the facet of years. Written by
-- Go for the assets already there (migrate.go: captureAll), and by every
-- write that changes the current version.
ALTER TABLE assets ADD COLUMN captured_at TEXT NOT NULL DEFAULT '';
CREATE INDEX assets_folder_captured ON assets (folder_id, captured_at, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_live_domain_captured ON assets (domain, captured_at, id) WHERE deleted_at IS NULL;
