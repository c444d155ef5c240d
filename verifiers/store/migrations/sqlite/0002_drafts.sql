-- Drafts: claims proposed from ingested articles, waiting for a moderator.
-- depends: 0001_initial

-- One row per ingested article and guild, so that ingesting it again adds nothing.
CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER,                       -- NULL = ingested by the operator
    url          TEXT,                          -- canonical link; NULL for a file without one
    content_hash TEXT    NOT NULL,              -- sha256 of the article's words
    title        TEXT    NOT NULL DEFAULT '',
    publisher    TEXT    NOT NULL DEFAULT '',
    ingested_at  TEXT    NOT NULL,
    ingested_by  TEXT    NOT NULL
);

CREATE UNIQUE INDEX articles_hash ON articles (coalesce(guild_id, 0), content_hash);
CREATE UNIQUE INDEX articles_url ON articles (coalesce(guild_id, 0), url) WHERE url IS NOT NULL;

CREATE TABLE drafts (
    id            INTEGER PRIMARY KEY,
    article_id    INTEGER NOT NULL REFERENCES articles (id),
    guild_id      INTEGER,
    position      INTEGER NOT NULL,
    text          TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN
                      ('confirmed', 'reported', 'unverified', 'disputed', 'misleading', 'false')),
    reason        TEXT    NOT NULL DEFAULT '',  -- why this status was proposed
    explanation   TEXT    NOT NULL DEFAULT '',
    claimant      TEXT,
    claim_date    TEXT,
    quote         TEXT    NOT NULL DEFAULT '',  -- the supporting sentence
    sources       TEXT    NOT NULL DEFAULT '[]', -- JSON list of sources
    state         TEXT    NOT NULL DEFAULT 'pending'
                      CHECK (state IN ('pending', 'approved', 'rejected')),
    created_at    TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    decided_at    TEXT,
    decided_by    TEXT,
    decision_note TEXT    NOT NULL DEFAULT '',
    claim_id      TEXT,                         -- the claim an approved draft became
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (article_id, position)
);

CREATE INDEX drafts_queue ON drafts (guild_id, state, id);
