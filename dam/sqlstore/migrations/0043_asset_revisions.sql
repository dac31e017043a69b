-- Every asset's revision: a number that moves, in the same transaction,
-- with every write to what Store.Asset shows of it (its row, its
-- versions, its category links), and that no two states of any asset
-- share (one counter for all assets, never reused, so a purged ID created
-- again cannot meet an old revision). Processes keeping each asset's
-- encoding for listings (dam's listing fragments) key it by (ID,
-- revision) and read only IDs and revisions for an uncached page.
-- Triggers move it, so that no write path can forget to. Existing
-- assets keep 0 until their first change.

-- dialect: sqlite
ALTER TABLE assets ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
CREATE TABLE asset_revision_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO asset_revision_counter (id, n) VALUES (1, 0);
-- The guard NEW.revision = OLD.revision leaves the triggers' own updates
-- of the column alone.
CREATE TRIGGER asset_rev_assets_i AFTER INSERT ON assets BEGIN UPDATE asset_revision_counter SET n = n + 1 WHERE id = 1; UPDATE assets SET revision = (SELECT n FROM asset_revision_counter WHERE id = 1) WHERE id = NEW.id; END;
CREATE TRIGGER asset_rev_assets_u AFTER UPDATE ON assets WHEN NEW.revision = OLD.revision BEGIN UPDATE asset_revision_counter SET n = n + 1 WHERE id = 1; UPDATE assets SET revision = (SELECT n FROM asset_revision_counter WHERE id = 1) WHERE id IN (OLD.id, NEW.id); END;
CREATE TRIGGER asset_rev_versions_i AFTER INSERT ON versions BEGIN UPDATE asset_revision_counter SET n = n + 1 WHERE id = 1; UPDATE assets SET revision = (SELECT n FROM asset_revision_counter WHERE id = 1) WHERE id = NEW.asset_id; END;
CREATE TRIGGER asset_rev_versions_u AFTER UPDATE ON versions BEGIN UPDATE asset_revision_counter SET n = n + 1 WHERE id = 1; UPDATE assets SET revision = (SELECT n FROM asset_revision_counter WHERE id = 1) WHERE id IN (OLD.asset_id, NEW.asset_id); END;
CREATE TRIGGER asset_rev_versions_d AFTER DELETE ON versions BEGIN UPDATE asset_revision_counter SET n = n + 1 WHERE id = 1; UPDATE assets SET revision = (SELECT n FROM asset_revision_counter WHERE id = 1) WHERE id = OLD.asset_id; END;
CREATE TRIGGER asset_rev_asset_categories_i AFTER INSERT ON asset_categories BEGIN UPDATE asset_revision_counter SET n = n + 1 WHERE id = 1; UPDATE assets SET revision = (SELECT n FROM asset_revision_counter WHERE id = 1) WHERE id = NEW.asset_id; END;
CREATE TRIGGER asset_rev_asset_categories_u AFTER UPDATE ON asset_categories BEGIN UPDATE asset_revision_counter SET n = n + 1 WHERE id = 1; UPDATE assets SET revision = (SELECT n FROM asset_revision_counter WHERE id = 1) WHERE id IN (OLD.asset_id, NEW.asset_id); END;
CREATE TRIGGER asset_rev_asset_categories_d AFTER DELETE ON asset_categories BEGIN UPDATE asset_revision_counter SET n = n + 1 WHERE id = 1; UPDATE assets SET revision = (SELECT n FROM asset_revision_counter WHERE id = 1) WHERE id = OLD.asset_id; END;

-- dialect: postgres
-- A sequence is the counter (nextval never hands out a number twice).
-- Every row written to assets takes the next number before it is
-- written; a version or category link written sets its asset's row.
ALTER TABLE assets ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
CREATE SEQUENCE asset_revisions;
CREATE FUNCTION damkit_asset_revision() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.revision := nextval('asset_revisions'); RETURN NEW; END $$;
CREATE TRIGGER asset_revision BEFORE INSERT OR UPDATE ON assets FOR EACH ROW EXECUTE FUNCTION damkit_asset_revision();
CREATE FUNCTION damkit_asset_revision_of() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE assets SET revision = 0 WHERE id = OLD.asset_id; END IF; IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.asset_id <> OLD.asset_id) THEN UPDATE assets SET revision = 0 WHERE id = NEW.asset_id; END IF; RETURN NULL; END $$;
CREATE TRIGGER asset_revision AFTER INSERT OR UPDATE OR DELETE ON versions FOR EACH ROW EXECUTE FUNCTION damkit_asset_revision_of();
CREATE TRIGGER asset_revision AFTER INSERT OR UPDATE OR DELETE ON asset_categories FOR EACH ROW EXECUTE FUNCTION damkit_asset_revision_of();
