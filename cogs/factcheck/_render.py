"""The answer to "Check against the source": the stored excerpts that share the message's words,
each verbatim with its source, or a plain "nothing". Labels only: no verdict on the message."""

from __future__ import annotations

import discord

from bot.store import ExcerptMatch, SourceCheck
from bot.ui.embeds import FIELD_VALUE, EmbedBuilder, shorten
from bot.ui.excerpts import excerpt_block, source_line
from bot.ui.links import display_url, plain, source_text

CHECK_COLOUR = 0x3D7DD9
TITLE = "What the stored sources say"
INTRO = (
    "Stored excerpts that share words with this message, best match first, each as its source "
    "prints it. They show what the sources say on the subject; they are not a verdict on the "
    "message."
)
NOTHING = "The sources say nothing about this."
NO_TEXT = "That message has no text to check."
# What the record an excerpt comes from is called on the card.
KIND_LABELS = {
    "fact": "Fact",
    "work": "Film record",
    "credit": "Credit",
    "person": "Person",
    "quote": "Quote",
    "context": "Passage around a quote",
    "update": "Sequel news",
}
# A field's name (its number, record and shared words), the source line under an excerpt and
# the footer are shortened to these; the excerpts share the rest of the embed's 6,000 characters.
NAME_ROOM = 120
WHERE_ROOM = 400
FOOTER_ROOM = 300
MIN_EXCERPT = 80


def _words(terms: tuple[str, ...]) -> str:
    """The looked-up words (letters and digits only, so nothing in them is Markdown)."""
    return ", ".join(terms)


def where_from(match: ExcerptMatch) -> str:
    """The excerpt's source as the other cards show it: title, outlet and date, and its address
    as itself (never a masked link); a news update by its headline and date."""
    source = match.passage.source
    if match.passage.kind == "update":
        headline = plain(shorten(source.title, 120))
        when = source.published or "date unknown"
        return (
            f"Sequel news update “{headline}”, {when} · "
            f"Source: {source_text(source.outlet, source.url)}"
        )
    shown = display_url(source.url) if source.url else None
    return source_line(source) + (f" · <{shown}>" if shown else "")


def check_card(check: SourceCheck) -> discord.Embed:
    """Each match as a field: the excerpt verbatim (shortened with a mark only if the card
    would not hold every match whole), then where it comes from."""
    builder = EmbedBuilder(TITLE, description=INTRO, colour=CHECK_COLOUR)
    builder.reserve_footer(FOOTER_ROOM)
    count = len(check.matches)
    for number, match in enumerate(check.matches, 1):
        label = KIND_LABELS.get(match.passage.kind, "Record")
        name = shorten(f"{number}. {label} · shares: {_words(match.shared)}", NAME_ROOM)
        where = shorten(where_from(match), WHERE_ROOM)
        share = builder.remaining() // (count - number + 1)  # this field's part of what is left
        room = min(FIELD_VALUE, share - len(name)) - len(where) - 1
        builder.field(name, f"{excerpt_block(match.passage.text, max(MIN_EXCERPT, room))}\n{where}")
    builder.reserve_footer(0)
    builder.footer(shorten(f"Words looked up: {_words(check.terms)}", FOOTER_ROOM))
    return builder.build()


def nothing_text(check: SourceCheck) -> str:
    """No excerpt shares the message's subject: said plainly, with the words looked up."""
    if not check.terms:
        return f"{NOTHING}\n(It has no words to look up beyond common ones and the film's title.)"
    return f"{NOTHING}\nWords looked up: {shorten(_words(check.terms), 1500)}"
