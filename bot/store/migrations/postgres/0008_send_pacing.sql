-- 0008 (PostgreSQL): one pace for the sends of every process sharing the database, as
-- ../0008_send_pacing.sql. Discord allows a bot 50 requests a second in all, whichever process
-- (shard, host) makes them: each broadcast send first reserves the next free slot here
-- (`next_at`, seconds since the epoch on the database server's clock, so hosts whose clocks
-- differ still agree). One row per pace ('discord').
CREATE TABLE send_pacing (
    name        TEXT PRIMARY KEY,
    next_at     DOUBLE PRECISION NOT NULL DEFAULT 0
);
INSERT INTO send_pacing (name, next_at) VALUES ('discord', 0);
