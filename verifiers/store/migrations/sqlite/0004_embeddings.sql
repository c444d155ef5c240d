-- Sentence embeddings of claims for the semantic matcher: one row per claim and model.
-- depends: 0003_source_checks

-- `model` names the model and the recipe of the embedded text; `text_hash` is a hash of that
-- text, so a reader can tell a stale vector; `vector` is little-endian float32.
CREATE TABLE claim_embeddings (
    claim_pk  INTEGER NOT NULL REFERENCES claims (pk) ON DELETE CASCADE,
    model     TEXT    NOT NULL,
    text_hash TEXT    NOT NULL,
    vector    BLOB    NOT NULL,
    PRIMARY KEY (claim_pk, model)
);

-- A claim whose words change loses its embeddings in the same transaction, so a stale vector
-- is never served and `missing_embeddings` lists the claim again.
CREATE TRIGGER claim_embeddings_stale AFTER UPDATE OF text, summary ON claims
WHEN NEW.text IS NOT OLD.text OR NEW.summary IS NOT OLD.summary
BEGIN
    DELETE FROM claim_embeddings WHERE claim_pk = NEW.pk;
END;
