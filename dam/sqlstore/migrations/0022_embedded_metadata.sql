-- The descriptive metadata found inside a version's file at ingest (IPTC,
-- XMP, EXIF: dam.Embedded) as JSON, NULL when there was none or the version
-- predates this column. TEXT on both SQLite and PostgreSQL, like exif.
ALTER TABLE versions ADD COLUMN embedded TEXT;
