-- Source liveness: the last check of each source link (dead, changed or alive).
-- depends: 0002_drafts

-- As migrations/sqlite/0003_source_checks.sql.
CREATE TABLE source_checks (
    url          text        PRIMARY KEY,
    state        text        NOT NULL CHECK (state IN ('alive', 'changed', 'dead')),
    checked_at   timestamptz NOT NULL,
    http_status  integer,                 -- NULL when no answer came (refused, timeout)
    detail       text        NOT NULL DEFAULT '',
    content_hash text,                    -- sha256 of the page's main text when it was read
    baseline_at  timestamptz              -- when content_hash was first recorded
);

CREATE INDEX source_checks_state ON source_checks (state, checked_at);
