-- A counter that moves, in the same transaction, with every write to what
-- an asset listing shows or selects by: assets, their versions, notes,
-- categories and memberships, folders (searched by path), collection
-- items (and, on SQLite, the search documents; PostgreSQL keeps them in
-- assets). Processes that keep encoded listing
-- pages (dam's listing cache) read it once a request and forget their
-- pages when it moved, so a page is never older than the last commit.
-- Triggers move it, so that no write path (present or future, migrations
-- included) can forget to.
CREATE TABLE listing_generation (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    gen BIGINT NOT NULL
);
INSERT INTO listing_generation (id, gen) VALUES (1, 0);

-- dialect: sqlite
CREATE TRIGGER listing_gen_assets_i AFTER INSERT ON assets BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_assets_u AFTER UPDATE ON assets BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_assets_d AFTER DELETE ON assets BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_versions_i AFTER INSERT ON versions BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_versions_u AFTER UPDATE ON versions BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_versions_d AFTER DELETE ON versions BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_notes_i AFTER INSERT ON notes BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_notes_u AFTER UPDATE ON notes BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_notes_d AFTER DELETE ON notes BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_categories_i AFTER INSERT ON categories BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_categories_u AFTER UPDATE ON categories BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_categories_d AFTER DELETE ON categories BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_asset_categories_i AFTER INSERT ON asset_categories BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_asset_categories_u AFTER UPDATE ON asset_categories BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_asset_categories_d AFTER DELETE ON asset_categories BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_folders_i AFTER INSERT ON folders BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_folders_u AFTER UPDATE ON folders BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_folders_d AFTER DELETE ON folders BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_collection_items_i AFTER INSERT ON collection_items BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_collection_items_u AFTER UPDATE ON collection_items BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_collection_items_d AFTER DELETE ON collection_items BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_search_docs_i AFTER INSERT ON search_docs BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_search_docs_u AFTER UPDATE ON search_docs BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER listing_gen_search_docs_d AFTER DELETE ON search_docs BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; END;

-- dialect: postgres
-- One statement-level trigger per table (a bulk write moves it once).
CREATE FUNCTION damkit_listing_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE listing_generation SET gen = gen + 1 WHERE id = 1; RETURN NULL; END $$;
CREATE TRIGGER listing_gen AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assets FOR EACH STATEMENT EXECUTE FUNCTION damkit_listing_bump();
CREATE TRIGGER listing_gen AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON versions FOR EACH STATEMENT EXECUTE FUNCTION damkit_listing_bump();
CREATE TRIGGER listing_gen AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON notes FOR EACH STATEMENT EXECUTE FUNCTION damkit_listing_bump();
CREATE TRIGGER listing_gen AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories FOR EACH STATEMENT EXECUTE FUNCTION damkit_listing_bump();
CREATE TRIGGER listing_gen AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON asset_categories FOR EACH STATEMENT EXECUTE FUNCTION damkit_listing_bump();
CREATE TRIGGER listing_gen AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON folders FOR EACH STATEMENT EXECUTE FUNCTION damkit_listing_bump();
CREATE TRIGGER listing_gen AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON collection_items FOR EACH STATEMENT EXECUTE FUNCTION damkit_listing_bump();
