"""The /universe card: his aspiration as the article reports it, and the titles he named, in
his words."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.i18n import _
from bot.store import Fact
from bot.ui.embeds import FIELD_VALUE, EmbedBuilder, shorten
from bot.ui.excerpts import excerpt_block, source_line, statement

from ._service import NamedTitles, QuoteAbout

# The article's name for it: a name, kept as printed (the card's title without a stored label).
UNIVERSE_NAME = "The Rodriguez Cinematic Universe"


def universe_card(
    universe: Sequence[Fact], named: Sequence[NamedTitles], about: Sequence[QuoteAbout] = ()
) -> discord.Embed:
    head = next((f for f in universe if f.value), None)
    if head is None:
        return EmbedBuilder(
            UNIVERSE_NAME, description=_("The store holds nothing about it yet.")
        ).build()
    title = head.label
    builder = EmbedBuilder(
        title, description=statement(None, head.value or "", head.excerpt), colour=0xD94F3D
    )
    for group in named:
        # Translators: who said the words quoted above it, when it is not a person.
        speaker = group.speaker or _("the article")
        who = f"\n— {speaker}"
        room = FIELD_VALUE - len(who)
        # Translators: a field's name: the films' titles (kept as printed) named in the words below.
        name = _("Named: {titles}").format(titles=", ".join(group.titles))
        builder.field(shorten(name, 256), excerpt_block(f"“{group.words}”", room) + who)
    for item in about:
        who = f"\n— {item.quote.speaker}"
        # Translators: a field's name: a film's title (kept as printed); below it, a quote about it.
        name = _("On {title}").format(title=item.title)
        builder.field(
            shorten(name, 256), excerpt_block(f"“{item.quote.text}”", FIELD_VALUE - len(who)) + who
        )
    for fact in universe:
        if fact is not head and fact.value:
            builder.field(fact.label, statement(None, fact.value, fact.excerpt))
    builder.footer(source_line(head.source))
    return builder.build()
