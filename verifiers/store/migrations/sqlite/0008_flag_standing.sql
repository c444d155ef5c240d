-- Flags that resist brigading: what was known of the flagger when they flagged (their account's
-- creation and when they joined the server, NULL where not known), why a dispute is kept for
-- moderators instead of counted publicly (comma-separated reasons; '' when counted), and
-- whether a moderator dismissed it together with others.
-- depends: 0007_notifications_pruning

ALTER TABLE flags ADD COLUMN account_created_at TEXT;
ALTER TABLE flags ADD COLUMN member_joined_at TEXT;
ALTER TABLE flags ADD COLUMN held TEXT NOT NULL DEFAULT '';
-- 0 or 1 (no CHECK: SQLite would check the existing rows with a query yoyo prints).
ALTER TABLE flags ADD COLUMN group_dismissed INTEGER NOT NULL DEFAULT 0;

-- A claim's new disputes per window are counted at every flag: read by claim and time.
CREATE INDEX flags_claim_time ON flags (claim_pk, created_at);
