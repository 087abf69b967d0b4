-- 0006 (PostgreSQL): whether sequel news posts may ping the follow's role (issue 9, item 1), as
-- ../0006_news_role_mention.sql, which says what the two columns mean. Existing follows start at
-- 0 (no ping) because who configured them, and with what permissions, was never recorded.
ALTER TABLE sequel_follows ADD COLUMN configurer_mentions BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sequel_follows ADD COLUMN mention_role BIGINT NOT NULL DEFAULT 0;
