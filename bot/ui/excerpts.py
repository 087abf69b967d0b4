"""Verbatim text of a source as members see it, and the labels every card shares: quote blocks,
a quote shown once, a statement with the excerpt it rests on, the source line, a printed list's
own heading, the role names and the unknown marker."""

from __future__ import annotations

from bot.seed import said_in
from bot.store import Quote, Source

from .embeds import DESCRIPTION, FIELD_VALUE, EmbedBuilder, shorten

QUOTE_COLOUR = 0xD94F3D
UNKNOWN = "Not in the sources"
ROLE_LABELS = {"writer": "Writer", "director": "Director", "producer": "Producer", "cast": "Cast"}
# A value this long that the excerpt says word for word is shown once, as the excerpt: printing
# it above its own excerpt would only repeat it.
_LONG_VALUE = 40


def source_line(source: Source) -> str:
    return f"Source: {source.citation()}"


def list_heading(excerpt: str, first_name: str) -> str:
    """The words a printed list of names starts with ('We Can Be Heroes stars', 'It also
    features'): the source's own, so the list says no more than the source does (no billing)."""
    at = excerpt.find(first_name)
    return excerpt[:at].strip(" ,:") if at > 0 else ""


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


def statement(label: str | None, value: str, excerpt: str, *, limit: int = FIELD_VALUE) -> str:
    """`value` in bold (after its label), then the excerpt it rests on; a long value the excerpt
    says word for word is shown once, as the excerpt."""
    if len(value) > _LONG_VALUE and said_in(value, excerpt):
        head = f"**{label}**" if label and not said_in(label, excerpt) else ""
        return f"{head}\n{excerpt_block(excerpt, limit - len(head) - 1)}".strip()
    head = f"**{label}:** {value}" if label else f"**{value}**"
    room = max(40, limit - len(head) - 1)
    return f"{head}\n{excerpt_block(excerpt, room)}"
