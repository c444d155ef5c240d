-- Search moves to a tantivy index kept beside the database file (store/index/), fed from the
-- audit rows: the FTS5 index, its vocabulary table and the triggers that kept them go.
-- depends: 0008_flag_standing

DROP TRIGGER IF EXISTS claims_fts_insert;
DROP TRIGGER IF EXISTS claims_fts_delete;
DROP TRIGGER IF EXISTS claims_fts_update;
DROP TABLE IF EXISTS claims_vocab;
DROP TABLE IF EXISTS claims_fts;
DROP VIEW IF EXISTS claims_live;
