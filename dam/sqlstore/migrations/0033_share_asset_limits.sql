-- Per-asset download limits of shares (issue 17): a share may let each
-- guest download each of its assets at most asset_download_limit times
-- (0: no limit); share_asset_downloads counts them per guest and asset,
-- compare-and-set in the store (CountAssetDownloads). Plain ADD COLUMN
-- and CREATE TABLE: the same statements on SQLite and PostgreSQL.
ALTER TABLE shares ADD COLUMN asset_download_limit INTEGER NOT NULL DEFAULT 0;
CREATE TABLE share_asset_downloads (
    share_id  TEXT NOT NULL,
    guest_id  TEXT NOT NULL,
    asset_id  TEXT NOT NULL,
    downloads INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (share_id, guest_id, asset_id)
);
