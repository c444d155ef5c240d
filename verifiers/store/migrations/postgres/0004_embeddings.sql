-- Sentence embeddings of claims for the semantic matcher: one row per claim and model.
-- depends: 0003_source_checks

-- As migrations/sqlite/0004_embeddings.sql.
CREATE TABLE claim_embeddings (
    claim_pk  bigint NOT NULL REFERENCES claims (pk) ON DELETE CASCADE,
    model     text   NOT NULL,
    text_hash text   NOT NULL,
    vector    bytea  NOT NULL,
    PRIMARY KEY (claim_pk, model)
);

CREATE FUNCTION claim_embeddings_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM claim_embeddings WHERE claim_pk = NEW.pk;
    RETURN NULL;
END
$$;

CREATE TRIGGER claim_embeddings_stale AFTER UPDATE OF text, summary ON claims
    FOR EACH ROW
    WHEN (OLD.text IS DISTINCT FROM NEW.text OR OLD.summary IS DISTINCT FROM NEW.summary)
    EXECUTE FUNCTION claim_embeddings_stale();
