"""The /quote card: the quote as the source prints it, and where it comes from."""

from __future__ import annotations

import discord

from bot.store import Quote
from bot.ui.excerpts import quote_builder, source_line


def quote_card(quote: Quote) -> discord.Embed:
    builder = quote_builder(quote, quote.speaker)
    builder.footer(source_line(quote.source))
    return builder.build()
