-- 0007 (PostgreSQL): seed records that said more than the article, removed from existing
-- databases; the same statements as ../0007_unsourced_seed_records.sql, which says why each
-- goes. Rows the bot's operators added or edited are kept.
DELETE FROM works
WHERE key IN ('desperado', 'machete') AND origin = 'seed' AND edited = 0
  AND NOT EXISTS (SELECT 1 FROM credits c WHERE c.work_id = works.id)
  AND NOT EXISTS (SELECT 1 FROM facts f WHERE f.work_id = works.id);
DELETE FROM facts
WHERE key IN ('filmmaker', 'sharkboy-creator', 'christmas-week') AND origin = 'seed' AND edited = 0;
