-- The owners' metadata schema: the custom fields, their types and order,
-- as one JSON document (new properties of a field need no migration),
-- with a version so that two owners saving at once cannot undo each
-- other's change (compare-and-set on version).
CREATE TABLE metadata_schema (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL,
    data    TEXT NOT NULL
);
INSERT INTO metadata_schema (id, version, data) VALUES (1, 0, '{"fields":[]}');
