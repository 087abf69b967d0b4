"""The sequel tracker's cards as Components V2 layouts: /sequel status, the news timeline's pages
and the news post. Each is the classic card (_render.py) laid out by bot/ui/layout.py, so both
styles state the same facts with the same excerpts and sources."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.store import Delivery, SequelUpdate, WorkCard
from bot.ui.layout import CardLayout, build_layout, card_from_embed
from bot.ui.links import literal
from bot.ui.posting import OutgoingPost

from ._render import only_role, update_card
from ._views import notify_buttons

NEWS_BOOK = "sequel-news"  # the V2 news paginator's name in its buttons' custom ids
# Room kept in a news post for the role mention above the card ("<@&" + a snowflake + ">").
MENTION_ROOM = 32


def status_layout(embed: discord.Embed, sequel: WorkCard) -> CardLayout:
    """The /sequel status card, its source line beside a link to the article."""
    return card_from_embed(embed, source_url=sequel.work.source.url)


def news_layouts(pages: Sequence[discord.Embed]) -> list[CardLayout]:
    """The news timeline's pages (news_pages, whose headlines are escaped), one layout each."""
    return [card_from_embed(page) for page in pages]


def update_layout(update: SequelUpdate) -> CardLayout:
    """A news post's card: the update, beside a link to its source. The headline is a feed's
    (or an owner's) text: in a V2 text display its Markdown would render (a masked link whose
    words are not its address), so it is shown as written, escaped."""
    card = update_card(update)
    if card.title:
        card.title = literal(card.title)
    return card_from_embed(card, source_url=update.source_url, reserve=MENTION_ROOM)


def status_view(card: CardLayout, notify_guild: int | None) -> discord.ui.LayoutView:
    """/sequel status as a LayoutView, with the Notify buttons when the server has a news role."""
    rows = [notify_buttons(notify_guild)] if notify_guild is not None else []
    return build_layout(card, rows=rows)


def compose_card_post(update: SequelUpdate, delivery: Delivery) -> OutgoingPost:
    """A news post as a V2 card: compose_post's message in a Container. The role's mention, when
    the follow allows it, is a text above the card (a V2 message has no content), and only that
    role may be pinged."""
    card = update_layout(update)
    if delivery.role_id is None:
        return OutgoingPost(None, layout=build_layout(card))
    rows = [notify_buttons(delivery.guild_id)]
    if not delivery.mention_role:
        return OutgoingPost(None, layout=build_layout(card, rows=rows))
    return OutgoingPost(
        None,
        layout=build_layout(card, rows=rows, above=f"<@&{delivery.role_id}>"),
        allowed_mentions=only_role(delivery.role_id),
    )
