-- A share of a collection offers each asset in the collection's export
-- profile (the item's own, else the collection's default) when the share
-- fixes none: the profile is kept per shared asset, '' for the original
-- (or the share's own profile). Plain ADD COLUMN with a constant default,
-- as 0017: the same statement on SQLite and PostgreSQL.
ALTER TABLE share_assets ADD COLUMN profile TEXT NOT NULL DEFAULT '';
