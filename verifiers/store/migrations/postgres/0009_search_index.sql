-- Search moves to a tantivy index in the cache folder (store/index/), fed from the audit rows:
-- the BM25 replica goes (the search columns and their GIN index, the trigger-kept totals and
-- document counts, the phrase function). The claims triggers keep only their notifications.
-- depends: 0008_flag_standing

CREATE OR REPLACE FUNCTION claims_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM claimbot_notify(TG_TABLE_SCHEMA, ARRAY(SELECT id FROM new_rows ORDER BY pk));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION claims_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM claimbot_notify(TG_TABLE_SCHEMA, ARRAY(SELECT id FROM new_rows ORDER BY pk));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION claims_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM claimbot_notify(TG_TABLE_SCHEMA, ARRAY(SELECT id FROM old_rows ORDER BY pk));
    RETURN NULL;
END
$$;

DROP TABLE IF EXISTS search_term_docs;
DROP TABLE IF EXISTS search_totals;
DROP FUNCTION IF EXISTS claimbot_phrase_freq(tsvector, text[]);
DROP INDEX IF EXISTS claims_search;
ALTER TABLE claims DROP COLUMN IF EXISTS search_vector,
                   DROP COLUMN IF EXISTS search_length,
                   DROP COLUMN IF EXISTS search_terms;
