"""Verbatim text of a source as members see it: quote blocks, and a quote shown once."""

from __future__ import annotations

from bot.store import Quote

from .limits import DESCRIPTION, EmbedBuilder, shorten

QUOTE_COLOUR = 0xD94F3D


def excerpt_block(excerpt: str, limit: int = 1024) -> str:
    """The verbatim excerpt as a Discord quote block, shortened with a mark if needed."""
    return "> " + shorten(excerpt, limit - 2).replace("\n", "\n> ")


def quote_builder(quote: Quote, title: str) -> EmbedBuilder:
    """The quote once: its excerpt (the quote as the source prints it, with who said it when the
    source says so there), then its context unless the excerpt already holds it. No second copy
    of the quote: the excerpt is the quote."""
    builder = EmbedBuilder(
        title, description=excerpt_block(quote.excerpt, DESCRIPTION), colour=QUOTE_COLOUR
    )
    if quote.context and quote.context not in quote.excerpt:
        builder.field("Context", excerpt_block(quote.context))
    return builder
