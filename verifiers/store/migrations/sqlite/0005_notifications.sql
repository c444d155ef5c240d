-- The notifications outbox: DMs owed to people, written in the same transaction as the change
-- that causes them (a resolved flag, a status change) and delivered by the bot.
-- depends: 0003_source_checks

CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    user_id     TEXT    NOT NULL,             -- the flagger, as flags record them
    guild_id    INTEGER,                      -- decides the shard that delivers; NULL: shard 0
    claim_id    TEXT    NOT NULL,             -- the claim's public id
    flag_id     INTEGER,
    kind        TEXT    NOT NULL CHECK (kind IN ('flag_resolved', 'status_changed')),
    message     TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'delivered', 'failed')),
    created_at  TEXT    NOT NULL,
    claimed_at  TEXT,                         -- when a bot process took it (state 'sending')
    claimed_by  TEXT,
    finished_at TEXT,                         -- delivered or failed
    error       TEXT    NOT NULL DEFAULT ''
);

-- What a bot process looks for every few seconds: small, since delivered rows leave it.
CREATE INDEX notifications_waiting ON notifications (state, id)
    WHERE state IN ('pending', 'sending');
CREATE INDEX notifications_user ON notifications (user_id, id);
