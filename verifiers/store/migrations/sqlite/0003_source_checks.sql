-- Source liveness: the last check of each source link (dead, changed or alive).
-- depends: 0002_drafts

CREATE TABLE source_checks (
    url          TEXT    PRIMARY KEY,
    state        TEXT    NOT NULL CHECK (state IN ('alive', 'changed', 'dead')),
    checked_at   TEXT    NOT NULL,
    http_status  INTEGER,                 -- NULL when no answer came (refused, timeout)
    detail       TEXT    NOT NULL DEFAULT '',
    content_hash TEXT,                    -- sha256 of the page's main text when it was read
    baseline_at  TEXT                     -- when content_hash was first recorded
);

CREATE INDEX source_checks_state ON source_checks (state, checked_at);
