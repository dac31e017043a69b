-- What the rendition engines read at ingest from a video or a document
-- (dam.Media: duration, codecs, rotation, pages) as JSON, NULL for images,
-- when no engine read it, or for versions older than this column. TEXT on
-- both SQLite and PostgreSQL, like exif and embedded.
ALTER TABLE versions ADD COLUMN media TEXT;
