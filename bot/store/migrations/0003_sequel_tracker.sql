-- 0003: the sequel tracker (a dated timeline of updates, the servers following it, one delivery
-- row per update and server) and quote of the day (per-server schedule and rotation history).
-- Times are UTC ISO-8601 text ('2025-06-01T12:00:00+00:00'); days are 'YYYY-MM-DD'.

-- The timeline. The sequel's current stage is derived: the stage of the newest update that sets
-- one (see Tracker.current_stage). `published_at` NULL means the date is unknown (the article's).
CREATE TABLE sequel_updates (
    id              INTEGER PRIMARY KEY,
    key             TEXT UNIQUE,        -- stable key of seeded/imported updates; NULL for others
    headline        TEXT NOT NULL CHECK (length(headline) BETWEEN 1 AND 256),
    body            TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    published_at    TEXT,               -- 'YYYY-MM-DD'; NULL: date unknown
    source_outlet   TEXT,
    source_url      TEXT,
    stage           TEXT CHECK (stage IS NULL OR stage IN (
                        'announced', 'in-development', 'pre-production', 'filming',
                        'post-production', 'release-date-set', 'released')),
    excerpt         TEXT,               -- seeded updates: the verbatim excerpt they rest on
    origin          TEXT NOT NULL DEFAULT 'admin' CHECK (origin IN ('seed', 'admin')),
    added_by        INTEGER,            -- Discord user id, or NULL from the command line / seed
    created_at      TEXT NOT NULL
);
CREATE INDEX sequel_updates_timeline ON sequel_updates(published_at, id);

-- One row per server following the news. A row stays, inactive, after the bot unfollowed a
-- channel on its own, so /sequel-admin following can say why.
CREATE TABLE sequel_follows (
    guild_id            INTEGER PRIMARY KEY,
    channel_id          INTEGER NOT NULL,
    role_id             INTEGER,
    followed_by         INTEGER,
    followed_at         TEXT NOT NULL,
    active              INTEGER NOT NULL DEFAULT 1,
    failure_count       INTEGER NOT NULL DEFAULT 0,   -- consecutive failed deliveries
    last_error          TEXT,
    last_error_at       TEXT,
    last_delivered_at   TEXT,
    unfollowed_reason   TEXT,
    unfollowed_at       TEXT
);

-- Each update is delivered at most once per server: the row exists before the send
-- ('pending'), is claimed ('sending') just before it, and is settled after it.
-- 'uncertain': the bot stopped mid-send too long ago to retry safely; never resent.
CREATE TABLE sequel_deliveries (
    id          INTEGER PRIMARY KEY,
    update_id   INTEGER NOT NULL REFERENCES sequel_updates(id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    role_id     INTEGER,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN (
                    'pending', 'sending', 'sent', 'failed', 'uncertain', 'skipped')),
    message_id  INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    created_at  TEXT NOT NULL,
    claimed_at  TEXT,
    settled_at  TEXT,
    UNIQUE (update_id, guild_id)
);
CREATE INDEX sequel_deliveries_state ON sequel_deliveries(state, update_id, id);
CREATE INDEX sequel_deliveries_guild ON sequel_deliveries(guild_id);

-- Quote of the day: one schedule per server.
CREATE TABLE quote_daily (
    guild_id        INTEGER PRIMARY KEY,
    channel_id      INTEGER NOT NULL,
    post_time       TEXT NOT NULL CHECK (post_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    timezone        TEXT NOT NULL DEFAULT 'UTC',
    starts_on       TEXT NOT NULL,      -- first local day a quote may be posted
    last_posted_day TEXT,               -- local day of the last post: never two the same day
    configured_by   INTEGER,
    configured_at   TEXT NOT NULL,
    failure_count   INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT
);

-- Which quote each server was shown on which day; `cycle` counts passes through all quotes,
-- so no quote repeats in a server until every quote has been shown there.
CREATE TABLE quote_daily_history (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    quote_id    INTEGER NOT NULL REFERENCES quotes(id) ON DELETE CASCADE,
    day         TEXT NOT NULL,
    cycle       INTEGER NOT NULL,
    shown_at    TEXT NOT NULL,
    message_id  INTEGER,
    UNIQUE (guild_id, day),
    UNIQUE (guild_id, cycle, quote_id)
);
