-- A change feed for claim vectors: a row whenever a claim's stored vectors, or what a vector
-- index shows of them, may have changed, so the semantic matcher's vector index can catch up
-- with the changes since the row it last saw instead of comparing every stored vector.
-- depends: 0009_search_index

-- `claim_pk` is the claim (no reference: the row outlives a deleted claim), `claim_id` its
-- public id, recorded only when the claim itself is deleted (nothing else names it then);
-- `at` tells this row from another database's row of the same id (a restored backup).
CREATE TABLE vector_changes (
    id       INTEGER PRIMARY KEY,
    claim_pk INTEGER NOT NULL,
    claim_id TEXT,
    at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now'))
);

-- The first row: the feed is never empty, so even a database without vectors has a newest
-- row for an index to name (its claim 0 is no claim).
INSERT INTO vector_changes (claim_pk) VALUES (0);

-- A vector written, replaced or deleted (by a model change, or with its claim's words: the
-- trigger of migration 0004).
CREATE TRIGGER vector_changes_insert AFTER INSERT ON claim_embeddings
BEGIN
    INSERT INTO vector_changes (claim_pk) VALUES (NEW.claim_pk);
END;

CREATE TRIGGER vector_changes_update AFTER UPDATE ON claim_embeddings
BEGIN
    INSERT INTO vector_changes (claim_pk) VALUES (NEW.claim_pk);
END;

CREATE TRIGGER vector_changes_delete AFTER DELETE ON claim_embeddings
BEGIN
    INSERT INTO vector_changes (claim_pk) VALUES (OLD.claim_pk);
END;

-- A claim retired or brought back, or moved to another guild: who may see its vector changes.
CREATE TRIGGER vector_changes_claim AFTER UPDATE OF retired, guild_id ON claims
WHEN NEW.retired IS NOT OLD.retired OR NEW.guild_id IS NOT OLD.guild_id
BEGIN
    INSERT INTO vector_changes (claim_pk) VALUES (NEW.pk);
END;

CREATE TRIGGER vector_changes_claim_deleted AFTER DELETE ON claims
BEGIN
    INSERT INTO vector_changes (claim_pk, claim_id) VALUES (OLD.pk, OLD.id);
END;
