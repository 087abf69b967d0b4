-- 0006: whether sequel news posts may ping the follow's role (issue 9, item 1).
-- The bot pings the role only if the member who ran /sequel-admin follow could have mentioned it
-- themselves: the role is mentionable, or they had Mention Everyone in the news channel.
-- `configurer_mentions`: that member had Mention Everyone there when they ran follow.
-- `mention_role`: the decision (configurer_mentions, or the role was mentionable), kept up to date
-- when the role's "Allow anyone to @mention" setting changes. Existing follows start at 0 (no
-- ping) because who configured them, and with what permissions, was never recorded: a manager
-- runs /sequel-admin follow again to turn pings back on, and /sequel-admin following says so.
ALTER TABLE sequel_follows ADD COLUMN configurer_mentions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sequel_follows ADD COLUMN mention_role INTEGER NOT NULL DEFAULT 0;
