-- 0013: the language of a server's posts (issue 16, localization). /settings language: stores a
-- locale code the bot speaks (bot.i18n.LOCALES, checked by the store: a new language needs no
-- migration); NULL (the default, also for servers without a row) follows the server's Discord
-- preferred locale. Replies to a member follow that member's own client language either way.
ALTER TABLE guild_settings ADD COLUMN language TEXT;
