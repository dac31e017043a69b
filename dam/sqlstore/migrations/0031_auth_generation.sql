-- A counter bumped in the same transaction as every change that can end
-- or narrow an authentication: a revoked API key, a changed or deleted
-- user, deleted sessions. Processes that keep actors in memory (dam's
-- authentication cache) read it at most once a second and forget what
-- they hold when it moved, so a revocation reaches every process within
-- a second.
CREATE TABLE auth_generation (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    gen BIGINT NOT NULL
);
INSERT INTO auth_generation (id, gen) VALUES (1, 0);
