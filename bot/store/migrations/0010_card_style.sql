-- 0010: how a server's cards look (issue 15, item 3). The bot answers /sequel status, /sequel news
-- and /film, and posts sequel news, as Components V2 cards (a Container of text blocks) unless a
-- server's managers chose classic embeds with /settings cards: classic. Both state the same facts
-- with the same excerpts and sources. 0 (the default, also for servers without a row): V2 cards.
ALTER TABLE guild_settings ADD COLUMN classic_cards INTEGER NOT NULL DEFAULT 0
    CHECK (classic_cards IN (0, 1));
