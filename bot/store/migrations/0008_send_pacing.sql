-- 0008: one pace for the sends of every process sharing the database. Discord allows a bot 50
-- requests a second in all, whichever process (shard) makes them: each broadcast send first
-- reserves the next free slot here (`next_at`, seconds since the epoch), so several processes
-- together stay under the limit. One row per pace ('discord').
CREATE TABLE send_pacing (
    name        TEXT PRIMARY KEY,
    next_at     REAL NOT NULL DEFAULT 0
);
INSERT INTO send_pacing (name, next_at) VALUES ('discord', 0);
