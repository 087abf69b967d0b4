"""The /universe card: his aspiration as the article reports it, and the titles he named, in
his words."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.store import Fact
from bot.ui.embeds import FIELD_VALUE, EmbedBuilder, shorten
from bot.ui.excerpts import excerpt_block, source_line, statement

from ._service import NamedTitles, QuoteAbout


def universe_card(
    universe: Sequence[Fact], named: Sequence[NamedTitles], about: Sequence[QuoteAbout] = ()
) -> discord.Embed:
    head = next((f for f in universe if f.value), None)
    title = head.label if head else "The Rodriguez Cinematic Universe"
    if head is None:
        return EmbedBuilder(title, description="The store holds nothing about it yet.").build()
    builder = EmbedBuilder(
        title, description=statement(None, head.value or "", head.excerpt), colour=0xD94F3D
    )
    for group in named:
        label = ", ".join(group.titles)
        who = f"\n— {group.speaker}" if group.speaker else "\n— the article"
        room = FIELD_VALUE - len(who)
        builder.field(
            shorten(f"Named: {label}", 256), excerpt_block(f"“{group.words}”", room) + who
        )
    for item in about:
        who = f"\n— {item.quote.speaker}"
        builder.field(
            shorten(f"On {item.title}", 256),
            excerpt_block(f"“{item.quote.text}”", FIELD_VALUE - len(who)) + who,
        )
    for fact in universe:
        if fact is not head and fact.value:
            builder.field(fact.label, statement(None, fact.value, fact.excerpt))
    builder.footer(source_line(head.source))
    return builder.build()
