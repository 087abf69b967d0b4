-- 0001: the article's knowledge (sources, works, people, credits, quotes, facts) and bot metadata.
-- Every row seeded from the article carries `origin = 'seed'` and the verbatim excerpt it rests on;
-- rows that people running the bot add or edit carry `origin = 'admin'` or `edited = 1`, and the
-- seeder never overwrites those.

CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    outlet      TEXT,               -- NULL means unknown
    url         TEXT,
    published   TEXT,               -- ISO date, NULL means unknown
    body        TEXT NOT NULL
);

CREATE TABLE works (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    title       TEXT,               -- NULL: not yet announced
    kind        TEXT NOT NULL,      -- film, series, ...
    studio      TEXT,
    status      TEXT,
    summary     TEXT,
    excerpt     TEXT NOT NULL,
    source_id   INTEGER NOT NULL REFERENCES sources(id),
    origin      TEXT NOT NULL DEFAULT 'seed' CHECK (origin IN ('seed', 'admin')),
    edited      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE people (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    about       TEXT,
    excerpt     TEXT NOT NULL,
    source_id   INTEGER NOT NULL REFERENCES sources(id),
    origin      TEXT NOT NULL DEFAULT 'seed' CHECK (origin IN ('seed', 'admin')),
    edited      INTEGER NOT NULL DEFAULT 0
);

-- Every spelling a person is found by: the name itself, printed spellings, nicknames.
-- `folded` is the name case-folded, accents stripped, punctuation removed (see bot/text.py).
CREATE TABLE person_names (
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    folded      TEXT NOT NULL,
    is_alias    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (person_id, folded)
);
CREATE INDEX person_names_folded ON person_names(folded);

CREATE TABLE credits (
    id          INTEGER PRIMARY KEY,
    work_id     INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role        TEXT NOT NULL,      -- cast, writer, director, producer
    billing     INTEGER,            -- cast order as printed, 1-based
    top_billed  INTEGER NOT NULL DEFAULT 0,
    excerpt     TEXT NOT NULL,
    source_id   INTEGER NOT NULL REFERENCES sources(id),
    UNIQUE (work_id, person_id, role)
);
CREATE INDEX credits_role ON credits(role, work_id, billing);

CREATE TABLE quotes (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    text        TEXT NOT NULL,
    context     TEXT,
    excerpt     TEXT NOT NULL,
    source_id   INTEGER NOT NULL REFERENCES sources(id),
    origin      TEXT NOT NULL DEFAULT 'seed' CHECK (origin IN ('seed', 'admin')),
    edited      INTEGER NOT NULL DEFAULT 0
);

-- External-content FTS index over quotes, kept in step by triggers.
CREATE VIRTUAL TABLE quotes_fts USING fts5(
    text, context, content='quotes', content_rowid='id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER quotes_ai AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts(rowid, text, context) VALUES (new.id, new.text, coalesce(new.context, ''));
END;
CREATE TRIGGER quotes_ad AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, text, context)
    VALUES ('delete', old.id, old.text, coalesce(old.context, ''));
END;
CREATE TRIGGER quotes_au AFTER UPDATE OF text, context ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, text, context)
    VALUES ('delete', old.id, old.text, coalesce(old.context, ''));
    INSERT INTO quotes_fts(rowid, text, context) VALUES (new.id, new.text, coalesce(new.context, ''));
END;

-- Single statements of fact about a work: `kind` groups facts of the same sort (for trivia
-- distractors); `value` NULL means the article says it is not known yet.
CREATE TABLE facts (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    work_id     INTEGER REFERENCES works(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    label       TEXT NOT NULL,
    value       TEXT,
    excerpt     TEXT NOT NULL,
    source_id   INTEGER NOT NULL REFERENCES sources(id),
    origin      TEXT NOT NULL DEFAULT 'seed' CHECK (origin IN ('seed', 'admin')),
    edited      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX facts_work ON facts(work_id, kind);

CREATE TABLE meta (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
);
