-- 0014: the feed watcher (issue 17). Feeds the owners watch, every item they served (candidates
-- and skipped ones, each with its reason: nothing is dropped silently), and the review messages
-- sent for candidates. Times are UTC ISO-8601 text; days are 'YYYY-MM-DD'.

-- One row per watched RSS/Atom feed, with the state of its polling. `keywords` is a JSON array
-- of strings ('[]': the default keywords). A feed failing `failures` polls in a row backs off,
-- then is disabled with `disabled_reason`, shown in `feeds list`.
CREATE TABLE feeds (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL UNIQUE,
    title           TEXT,
    keywords        TEXT NOT NULL DEFAULT '[]',
    interval_s      INTEGER NOT NULL DEFAULT 900 CHECK (interval_s > 0),
    trusted         INTEGER NOT NULL DEFAULT 0 CHECK (trusted IN (0, 1)),
    enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    etag            TEXT,
    last_modified   TEXT,
    next_poll_at    TEXT NOT NULL,
    last_polled_at  TEXT,
    last_ok_at      TEXT,
    failures        INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    last_error      TEXT,
    disabled_reason TEXT,
    added_by        INTEGER,            -- the owner's Discord user id; NULL from the command line
    created_at      TEXT NOT NULL
);
CREATE INDEX feeds_due ON feeds(next_poll_at) WHERE enabled = 1;

-- Every item stored once: the three unique indexes are the "no duplicates, ever" rule (the
-- same GUID, the same canonical link, or the same hash of title and link is the same story,
-- from any feed). Rows outlive their feed (feed_id NULL) so they keep preventing duplicates.
-- `summary` is what the feed served, verbatim, at `fetched_at`. `flags` is a JSON array.
CREATE TABLE feed_items (
    id              INTEGER PRIMARY KEY,
    feed_id         INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
    guid            TEXT,
    link            TEXT,
    title           TEXT NOT NULL,
    summary         TEXT NOT NULL,
    outlet          TEXT,
    published       TEXT,
    content_hash    TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL
                    CHECK (status IN ('candidate', 'skipped', 'published', 'rejected')),
    skip_reason     TEXT,
    suggested_stage TEXT,
    flags           TEXT NOT NULL DEFAULT '[]',
    fetched_at      TEXT NOT NULL,
    update_id       INTEGER REFERENCES sequel_updates(id) ON DELETE SET NULL,
    reviewed_by     INTEGER,            -- the owner who published or rejected it
    reviewed_at     TEXT
);
CREATE UNIQUE INDEX feed_items_guid ON feed_items(guid) WHERE guid IS NOT NULL;
CREATE UNIQUE INDEX feed_items_link ON feed_items(link) WHERE link IS NOT NULL;
CREATE INDEX feed_items_status ON feed_items(status, id);
CREATE INDEX feed_items_feed ON feed_items(feed_id);

-- The review messages sent for a candidate (in the owners' channel, or one DM per owner), so
-- every copy is edited once the item is decided.
CREATE TABLE feed_review_messages (
    item_id         INTEGER NOT NULL REFERENCES feed_items(id) ON DELETE CASCADE,
    channel_id      INTEGER NOT NULL,
    message_id      INTEGER NOT NULL,
    PRIMARY KEY (channel_id, message_id)
) WITHOUT ROWID;
CREATE INDEX feed_review_messages_item ON feed_review_messages(item_id);
