-- 0005 (PostgreSQL): per-delivery retry time, as ../0005_delivery_retry_at.sql. A delivery whose
-- outcome was unknown (a Discord 5xx, a network error) waits on its own, with exponential
-- backoff, instead of stalling the whole broadcast; stored so the wait survives a restart.
-- NULL: due now.
ALTER TABLE sequel_deliveries ADD COLUMN next_attempt_at TEXT;
