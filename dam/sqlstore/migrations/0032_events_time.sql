-- The usage log's retention sweep deletes events older than a cut-off
-- (dam.Options.EventRetention, default a year), oldest first.
CREATE INDEX events_time ON events (time);
