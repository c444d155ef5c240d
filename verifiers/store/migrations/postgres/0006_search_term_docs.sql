-- Live claims per search token, kept by the claims triggers, so that BM25's document counts and
-- the matcher's vocabulary are an index lookup instead of a pass over the claims (a common
-- word's count read most of the table: ~0.3 s at a million claims).
-- depends: 0005_notifications

-- As search_totals: each statement that changes claims appends its differences (token, +/-
-- claims), so concurrent writers never queue on a hot token's row; the store folds the rows of
-- a token together now and then. A token's count is the sum of its rows.
CREATE TABLE search_term_docs (
    term text   NOT NULL,
    docs bigint NOT NULL
);
CREATE INDEX search_term_docs_term ON search_term_docs (term);

INSERT INTO search_term_docs (term, docs)
    SELECT t.term, count(*) FROM claims c, jsonb_object_keys(c.search_terms) AS t (term)
    WHERE NOT c.retired GROUP BY t.term;

CREATE OR REPLACE FUNCTION claims_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_totals (docs, tokens)
        SELECT count(*), sum(search_length) FROM new_rows WHERE NOT retired HAVING count(*) > 0;
    INSERT INTO search_term_docs (term, docs)
        SELECT t.term, count(*) FROM new_rows n, jsonb_object_keys(n.search_terms) AS t (term)
        WHERE NOT n.retired GROUP BY t.term;
    PERFORM claimbot_notify(TG_TABLE_SCHEMA, ARRAY(SELECT id FROM new_rows ORDER BY pk));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION claims_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_totals (docs, tokens)
        SELECT docs, tokens FROM (
            SELECT coalesce(sum(CASE WHEN n.retired THEN 0 ELSE 1 END), 0)
                       - coalesce(sum(CASE WHEN o.retired THEN 0 ELSE 1 END), 0) AS docs,
                   coalesce(sum(CASE WHEN n.retired THEN 0 ELSE n.search_length END), 0)
                       - coalesce(sum(CASE WHEN o.retired THEN 0 ELSE o.search_length END), 0)
                       AS tokens
            FROM new_rows n JOIN old_rows o ON o.pk = n.pk
        ) AS delta
        WHERE docs <> 0 OR tokens <> 0;
    -- Only rows whose live tokens changed (a new text, retirement); a status edit adds nothing.
    INSERT INTO search_term_docs (term, docs)
        SELECT d.term, sum(d.docs) FROM (
            SELECT t.term, 1 AS docs
            FROM new_rows n JOIN old_rows o ON o.pk = n.pk,
                 jsonb_object_keys(n.search_terms) AS t (term)
            WHERE NOT n.retired AND (o.retired OR n.search_terms <> o.search_terms)
            UNION ALL
            SELECT t.term, -1
            FROM new_rows n JOIN old_rows o ON o.pk = n.pk,
                 jsonb_object_keys(o.search_terms) AS t (term)
            WHERE NOT o.retired AND (n.retired OR n.search_terms <> o.search_terms)
        ) AS d
        GROUP BY d.term HAVING sum(d.docs) <> 0;
    PERFORM claimbot_notify(TG_TABLE_SCHEMA, ARRAY(SELECT id FROM new_rows ORDER BY pk));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION claims_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_totals (docs, tokens)
        SELECT -count(*), -sum(search_length) FROM old_rows WHERE NOT retired
        HAVING count(*) > 0;
    INSERT INTO search_term_docs (term, docs)
        SELECT t.term, -count(*) FROM old_rows o, jsonb_object_keys(o.search_terms) AS t (term)
        WHERE NOT o.retired GROUP BY t.term;
    PERFORM claimbot_notify(TG_TABLE_SCHEMA, ARRAY(SELECT id FROM old_rows ORDER BY pk));
    RETURN NULL;
END
$$;
