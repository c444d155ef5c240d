-- Initial schema: claims, sources, audit history, flags, guild settings, full-text index.
-- depends:

-- Timestamps are UTC ISO 8601 text with microseconds ("2025-07-15T09:30:00.000000+00:00"),
-- dates are "YYYY-MM-DD"; both sort correctly as text.
CREATE TABLE claims (
    pk          INTEGER PRIMARY KEY,            -- rowid: the full-text index points here
    id          TEXT    NOT NULL UNIQUE,        -- public id, e.g. "c3k9x2mpa" or a seed's id
    text        TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN
                    ('confirmed', 'reported', 'unverified', 'disputed', 'misleading', 'false')),
    explanation TEXT    NOT NULL DEFAULT '',
    claimant    TEXT,
    claim_date  TEXT,
    summary     TEXT    NOT NULL DEFAULT '',
    external_id TEXT,
    guild_id    INTEGER,                        -- NULL = global (visible in every guild)
    created_at  TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    updated_by  TEXT    NOT NULL,               -- "seed" while only seeding has touched it
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    seed_hash   TEXT                            -- hash of the seed content last applied
);

CREATE INDEX claims_scope ON claims (guild_id, retired);

-- One claim per external id within a scope (global = 0, never a real Discord id).
CREATE UNIQUE INDEX claims_external_id
    ON claims (coalesce(guild_id, 0), external_id) WHERE external_id IS NOT NULL;

CREATE TABLE sources (
    id        INTEGER PRIMARY KEY,
    claim_pk  INTEGER NOT NULL REFERENCES claims (pk),
    position  INTEGER NOT NULL,
    url       TEXT,
    publisher TEXT    NOT NULL,
    title     TEXT    NOT NULL DEFAULT '',
    published TEXT,
    quote     TEXT    NOT NULL DEFAULT '',
    role      TEXT    NOT NULL CHECK (role IN
                  ('original', 'republication', 'statement', 'official', 'fact_check')),
    UNIQUE (claim_pk, position)
);

CREATE TABLE audit (
    id       INTEGER PRIMARY KEY,
    claim_pk INTEGER NOT NULL REFERENCES claims (pk),
    at       TEXT    NOT NULL,
    actor    TEXT    NOT NULL,
    action   TEXT    NOT NULL,   -- create, update, add_source, retire, resolve_flag
    field    TEXT,
    old      TEXT,
    new      TEXT
);

CREATE INDEX audit_claim ON audit (claim_pk, id);

CREATE TABLE flags (
    id              INTEGER PRIMARY KEY,
    claim_pk        INTEGER NOT NULL REFERENCES claims (pk),
    kind            TEXT    NOT NULL CHECK (kind IN ('dispute', 'false_match')),
    guild_id        INTEGER,
    user_id         TEXT    NOT NULL,
    reason          TEXT    NOT NULL DEFAULT '',
    evidence_url    TEXT,
    message_text    TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL DEFAULT 'open'
                        CHECK (state IN ('open', 'upheld', 'dismissed', 'withdrawn')),
    created_at      TEXT    NOT NULL,
    resolved_at     TEXT,
    resolved_by     TEXT,
    resolution_note TEXT    NOT NULL DEFAULT ''
);

-- At most one OPEN flag per user, claim and kind: the database enforces it, so two
-- simultaneous clicks cannot both succeed.
CREATE UNIQUE INDEX flags_one_open ON flags (claim_pk, user_id, kind) WHERE state = 'open';
CREATE INDEX flags_claim ON flags (claim_pk, state);
CREATE INDEX flags_guild ON flags (guild_id, state);

CREATE TABLE guild_settings (
    guild_id   INTEGER PRIMARY KEY,
    data       TEXT    NOT NULL,   -- GuildSettings as JSON: new settings need no migration
    updated_at TEXT    NOT NULL,
    updated_by TEXT    NOT NULL
);

-- Full-text index over live (not retired) claims. External content: the text lives only in
-- `claims`; the index is kept in sync by the triggers below. It reads through a view of live
-- claims, so `INSERT INTO claims_fts(claims_fts) VALUES ('rebuild')` also leaves retired
-- claims out.
CREATE VIEW claims_live AS SELECT pk, text, summary FROM claims WHERE retired = 0;

CREATE VIRTUAL TABLE claims_fts USING fts5 (
    text, summary,
    content = 'claims_live', content_rowid = 'pk',
    tokenize = "unicode61 remove_diacritics 2"
);

-- Term statistics (documents per term) for pruning a query to its rarest terms.
CREATE VIRTUAL TABLE claims_vocab USING fts5vocab (claims_fts, 'row');

CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims WHEN new.retired = 0
BEGIN
    INSERT INTO claims_fts (rowid, text, summary) VALUES (new.pk, new.text, new.summary);
END;

CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims WHEN old.retired = 0
BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text, summary)
        VALUES ('delete', old.pk, old.text, old.summary);
END;

-- One trigger, so that the old entry is always removed before the new one is added.
CREATE TRIGGER claims_fts_update AFTER UPDATE OF text, summary, retired ON claims
BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text, summary)
        SELECT 'delete', old.pk, old.text, old.summary WHERE old.retired = 0;
    INSERT INTO claims_fts (rowid, text, summary)
        SELECT new.pk, new.text, new.summary WHERE new.retired = 0;
END;
