-- 0013 (PostgreSQL): the language of a server's posts (issue 16), as ../0013_server_language.sql,
-- which says what the column means. NULL (the default): the server's Discord preferred locale.
ALTER TABLE guild_settings ADD COLUMN language TEXT;
