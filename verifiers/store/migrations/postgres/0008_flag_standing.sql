-- Flags that resist brigading: what was known of the flagger when they flagged (their account's
-- creation and when they joined the server, NULL where not known), why a dispute is kept for
-- moderators instead of counted publicly (comma-separated reasons; '' when counted), and
-- whether a moderator dismissed it together with others.
-- depends: 0007_notifications_pruning

ALTER TABLE flags
    ADD COLUMN account_created_at timestamptz,
    ADD COLUMN member_joined_at   timestamptz,
    ADD COLUMN held               text    NOT NULL DEFAULT '',
    ADD COLUMN group_dismissed    boolean NOT NULL DEFAULT false;

-- A claim's new disputes per window are counted at every flag: read by claim and time.
CREATE INDEX flags_claim_time ON flags (claim_pk, created_at);
