-- The changes of search_terms' counts not yet applied (SQLite). Moving a
-- word's count dirties the page its row lives on, and a document's twenty
-- or so words live on as many pages, each written to the WAL at commit:
-- that was a quarter of what indexing an upload cost. A write of a
-- document now inserts its new words into search_terms (with a count of 0
-- when they are new: rows already there are left alone, no page written)
-- and appends one row here, with the words it adds to and takes from the
-- counts: one page. Every termLogFold rows the writing transaction folds
-- them into the counts, in one pass that writes each touched page once,
-- and empties this table (searchterms.go: countTerms, foldTerms). Between
-- folds search_terms holds every word of the index (and words whose last
-- document went since the last fold, which match nothing), and a count
-- plus the pending rows that add words is an upper bound of a word's
-- documents: what the search planner reads it for.
--
-- added and gone are JSON arrays of distinct words.
-- dialect: sqlite
CREATE TABLE search_term_log (
    n     INTEGER PRIMARY KEY,
    added TEXT NOT NULL,
    gone  TEXT NOT NULL
);
