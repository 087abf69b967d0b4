-- 0011: watch parties, as Discord scheduled events the bot created (/watchparty), and each
-- server's premiere opt-in. Times are UTC ISO-8601 text ('2025-06-01T12:00:00+00:00').

-- One row per scheduled event the bot created in a server. `event_id` is Discord's id of the
-- event; a premiere event is one per server, ever (the partial unique index below), so a retry or
-- a restart can never make a second one.
CREATE TABLE watch_parties (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    event_id        INTEGER NOT NULL UNIQUE,
    kind            TEXT NOT NULL DEFAULT 'party' CHECK (kind IN ('party', 'premiere')),
    title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    channel_id      INTEGER,            -- the voice/stage channel; NULL: an external event
    location        TEXT,               -- an external event's location
    starts_at       TEXT NOT NULL,
    ends_at         TEXT,
    created_by      INTEGER,            -- Discord user id; NULL for a premiere event
    created_at      TEXT NOT NULL,
    cancelled_at    TEXT
);
CREATE INDEX watch_parties_guild ON watch_parties(guild_id, starts_at);
CREATE UNIQUE INDEX watch_parties_one_premiere ON watch_parties(guild_id) WHERE kind = 'premiere';

-- Servers that asked for a premiere event (/watchparty premiere on). `state`: 'waiting' (the
-- sequel has no release date in the sources yet), 'creating' (claimed, the event being made),
-- 'created' (done, for good: turning premieres off and on again never makes another),
-- 'no-date' (the stage says a date is set, but the sources give no date: `note` says why).
CREATE TABLE watch_party_premieres (
    guild_id        INTEGER PRIMARY KEY,
    enabled         INTEGER NOT NULL DEFAULT 1,
    set_by          INTEGER,
    set_at          TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'waiting'
                        CHECK (state IN ('waiting', 'creating', 'created', 'no-date')),
    release_on      TEXT,               -- 'YYYY-MM-DD' read from the sources
    event_id        INTEGER,
    note            TEXT,
    updated_at      TEXT NOT NULL
);
