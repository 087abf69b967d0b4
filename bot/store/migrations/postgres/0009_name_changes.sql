-- 0009 (PostgreSQL): a counter of changes to the names people are found by, as
-- ../0009_name_changes.sql. Statement-level triggers: one bump per statement, however many rows.
CREATE TABLE change_counters (
    name        TEXT PRIMARY KEY,
    version     BIGINT NOT NULL DEFAULT 0
);
INSERT INTO change_counters (name, version) VALUES ('names', 0);

CREATE FUNCTION heroes_names_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE change_counters SET version = version + 1 WHERE name = 'names';
    RETURN NULL;
END;
$$;

CREATE TRIGGER person_names_changed AFTER INSERT OR UPDATE OR DELETE ON person_names
    FOR EACH STATEMENT EXECUTE FUNCTION heroes_names_changed();
-- The index holds each person's key and name beside the spelling.
CREATE TRIGGER people_names_changed AFTER UPDATE OF key, name ON people
    FOR EACH STATEMENT EXECUTE FUNCTION heroes_names_changed();
