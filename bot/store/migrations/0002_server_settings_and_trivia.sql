-- 0002: per-server settings and trivia (rounds, answers, scores).
-- Discord ids are stored as INTEGER (snowflakes fit in SQLite's 64-bit integers). The only
-- personal data kept is a member's user id and the display name shown when they last answered;
-- /trivia forget-me deletes a member's rows in a server, and leaving a server deletes its rows.

CREATE TABLE guild_settings (
    guild_id        INTEGER PRIMARY KEY,
    private_replies INTEGER NOT NULL DEFAULT 0 CHECK (private_replies IN (0, 1)),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One row per question asked. `correct_option` is the index (0-3) of the right button, so the
-- database, not the running code, decides whether an answer scores.
CREATE TABLE trivia_rounds (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    question_key    TEXT NOT NULL,
    correct_option  INTEGER NOT NULL CHECK (correct_option BETWEEN 0 AND 3),
    started_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    closed_at       TEXT
);
-- At most one open question per channel, enforced by the database as well as by the cog.
CREATE UNIQUE INDEX trivia_rounds_one_open ON trivia_rounds(channel_id) WHERE closed_at IS NULL;
CREATE INDEX trivia_rounds_guild ON trivia_rounds(guild_id);

-- One answer per member per question: the primary key makes a second answer impossible.
-- Rows live only while their question is open; scores keep the totals.
CREATE TABLE trivia_answers (
    round_id        INTEGER NOT NULL REFERENCES trivia_rounds(id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL,
    choice          INTEGER NOT NULL CHECK (choice BETWEEN 0 AND 3),
    correct         INTEGER NOT NULL CHECK (correct IN (0, 1)),
    answered_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (round_id, user_id)
) WITHOUT ROWID;

CREATE TABLE trivia_scores (
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    display_name    TEXT NOT NULL,
    points          INTEGER NOT NULL DEFAULT 0 CHECK (points >= 0),
    answered        INTEGER NOT NULL DEFAULT 0 CHECK (answered >= 0),
    correct         INTEGER NOT NULL DEFAULT 0 CHECK (correct BETWEEN 0 AND answered),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
CREATE INDEX trivia_scores_rank ON trivia_scores(guild_id, points DESC, correct DESC);
