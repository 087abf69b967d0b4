-- 0004: indexes that keep name and quote suggestions fast as the data grows (see BENCHMARKS.md).

-- A person's credits by person: name lookups join credits on person_id, which no index began
-- with, so each matching name scanned every credit (1.5 s for 'p' with 10,000 cast members).
CREATE INDEX credits_person ON credits(person_id, role);

-- Prefix indexes on the quote search, so suggestions for what a member has typed so far ('l',
-- 'la', 'lav', 'lava') stay fast with many quotes: without them FTS5 merges, at every keystroke,
-- the postings of every word starting with those letters (30 ms at 100,000 quotes). FTS5 cannot
-- add prefix indexes to a table, so the index is recreated and rebuilt from `quotes` (its
-- external content); the triggers are unchanged.
DROP TRIGGER quotes_ai;
DROP TRIGGER quotes_ad;
DROP TRIGGER quotes_au;
DROP TABLE quotes_fts;

CREATE VIRTUAL TABLE quotes_fts USING fts5(
    text, context, content='quotes', content_rowid='id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3 4'
);
INSERT INTO quotes_fts(quotes_fts) VALUES ('rebuild');

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
