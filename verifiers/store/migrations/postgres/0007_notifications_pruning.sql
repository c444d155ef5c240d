-- Delivered DMs are deleted once older than [database] notification_retention_days (hourly,
-- by every bot process): this index keeps that delete from reading the whole outbox.
-- depends: 0006_search_term_docs

CREATE INDEX notifications_delivered ON notifications (finished_at) WHERE state = 'delivered';
