-- 0010 (PostgreSQL): how a server's cards look (issue 15, item 3), as ../0010_card_style.sql,
-- which says what the column means. 0 (the default): Components V2 cards; 1: classic embeds.
ALTER TABLE guild_settings ADD COLUMN classic_cards BIGINT NOT NULL DEFAULT 0
    CHECK (classic_cards IN (0, 1));
