-- 0004 (PostgreSQL): indexes that keep name and quote suggestions fast as the data grows, as
-- ../0004_search_indexes.sql (see BENCHMARKS.md).

-- A person's credits by person: name lookups join credits on person_id, which no index began
-- with, so each matching name scanned every credit (1.5 s for 'p' with 10,000 cast members).
CREATE INDEX credits_person ON credits(person_id, role);

-- SQLite recreates its FTS5 table here with prefix indexes ('l', 'la', 'lav', 'lava' as typed).
-- Nothing to do on PostgreSQL: the GIN index of migration 1 answers prefix queries
-- (to_tsquery('simple', 'lava:*')) as it is, and the triggers are unchanged on both engines.

-- Names are found by substring of their folded spelling, which a B-tree cannot help with: a
-- trigram index can, for `folded LIKE '%' || $1 || '%'` (with `%`, `_` and `\` in the query
-- escaped) but not for strpos(), which no index serves. Queries shorter than three characters
-- still scan, as on SQLite. pg_trgm is a trusted extension (PostgreSQL 13+): the database's
-- owner may create it. PostgreSQL only: SQLite has no counterpart.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX person_names_folded_trgm ON person_names USING gin (folded gin_trgm_ops);
