-- The words of the search index with the number of documents holding each
-- (SQLite): a prefix longer than FTS5's prefix indexes (2 and 3
-- characters) is spelled out as an OR of the words it begins, read here,
-- instead of FTS5 merging the document lists of every such word on every
-- query (searchterms.go). Only words of more than 3 characters are kept:
-- shorter prefixes use the prefix indexes, and a longer prefix begins no
-- shorter word. The fields' tagged words ("f", ten hexadecimal digits,
-- "g", the word) are left out, and so are prefixes that may begin them. Every write of a document changes the counts in the same
-- transaction (search.go: writeDoc, unindex); a word whose count falls to
-- zero is deleted. The words of the documents already there are counted
-- from the index itself (fts5vocab); a library upgraded across migration
-- 18 as well has no documents yet at this point, and the Go code of 18
-- counts them as it writes them.
--
-- PostgreSQL answers a prefix (:*) from its GIN index and keeps no such
-- table.
-- dialect: sqlite
CREATE TABLE search_terms (
    term TEXT PRIMARY KEY,
    docs INTEGER NOT NULL
) WITHOUT ROWID;
CREATE VIRTUAL TABLE temp.asset_fts_rows USING fts5vocab(main, asset_fts, row);
INSERT INTO search_terms (term, docs) SELECT term, doc FROM temp.asset_fts_rows WHERE length(term) > 3
    AND term NOT GLOB 'f[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]g*';
DROP TABLE temp.asset_fts_rows;
