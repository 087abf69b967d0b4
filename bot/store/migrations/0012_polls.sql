-- 0012: native polls posted by /poll cast, and their results as Discord counted them.
-- A poll asks; it states no fact. Its answers are names from the stored cast (person_key is the
-- person's stable key), and the votes are filled in once, from Discord's final results, when
-- the poll has ended (expired, or ended early with /poll end). Leaving a server deletes its
-- polls; the member who posted one is forgotten by clearing `created_by`.
CREATE TABLE polls (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    message_id      INTEGER NOT NULL UNIQUE,
    question        TEXT NOT NULL CHECK (length(question) BETWEEN 1 AND 300),
    multiselect     INTEGER NOT NULL DEFAULT 0 CHECK (multiselect IN (0, 1)),
    created_by      INTEGER,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    finalized_at    TEXT
);
CREATE INDEX polls_guild ON polls(guild_id, id);
CREATE INDEX polls_open ON polls(expires_at) WHERE finalized_at IS NULL;

-- One row per answer, keyed as Discord keys it: the poll's message and the answer's number
-- (1..10 in the order sent). `votes` is NULL until the results are final.
CREATE TABLE poll_answers (
    message_id      INTEGER NOT NULL REFERENCES polls(message_id) ON DELETE CASCADE,
    answer_id       INTEGER NOT NULL CHECK (answer_id BETWEEN 1 AND 10),
    person_key      TEXT NOT NULL,
    label           TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 55),
    votes           INTEGER CHECK (votes >= 0),
    PRIMARY KEY (message_id, answer_id)
) WITHOUT ROWID;
