-- 0007: seed records that said more than the article, removed from existing databases.
-- The seeder only adds and updates; these rows left data/seed.toml because the article does not
-- support them, so they go here. Rows the bot's operators added or edited are kept.
--   desperado, machete: the article names them only inside Rodriguez's quote ("a Desperado
--     character with a Machete"), never as titles.
--   filmmaker: its excerpt is about Netflix giving him the means to make the follow-up, not
--     about who made the first film.
--   sharkboy-creator: "Robert Rodriguez's son" was a paraphrase; his own words stay as a quote.
--   christmas-week: part of THR's report, now said as THR's report in households-first-month.
DELETE FROM works
WHERE key IN ('desperado', 'machete') AND origin = 'seed' AND edited = 0
  AND NOT EXISTS (SELECT 1 FROM credits c WHERE c.work_id = works.id)
  AND NOT EXISTS (SELECT 1 FROM facts f WHERE f.work_id = works.id);
DELETE FROM facts
WHERE key IN ('filmmaker', 'sharkboy-creator', 'christmas-week') AND origin = 'seed' AND edited = 0;
