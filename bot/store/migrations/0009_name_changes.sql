-- 0009: a counter of changes to the names people are found by, kept by the database itself.
-- Each process keeps the spellings in memory to match misspellings (bot/store/_name_search.py)
-- and must notice when any process, or an operator's SQL client, changes one: comparing this one
-- number costs one lookup, where comparing the names themselves read them all at every lookup.
CREATE TABLE change_counters (
    name        TEXT PRIMARY KEY,
    version     INTEGER NOT NULL DEFAULT 0
);
INSERT INTO change_counters (name, version) VALUES ('names', 0);

CREATE TRIGGER person_names_changed_ai AFTER INSERT ON person_names BEGIN
    UPDATE change_counters SET version = version + 1 WHERE name = 'names';
END;
CREATE TRIGGER person_names_changed_au AFTER UPDATE ON person_names BEGIN
    UPDATE change_counters SET version = version + 1 WHERE name = 'names';
END;
CREATE TRIGGER person_names_changed_ad AFTER DELETE ON person_names BEGIN
    UPDATE change_counters SET version = version + 1 WHERE name = 'names';
END;
-- The index holds each person's key and name beside the spelling.
CREATE TRIGGER people_names_changed_au AFTER UPDATE OF key, name ON people BEGIN
    UPDATE change_counters SET version = version + 1 WHERE name = 'names';
END;
