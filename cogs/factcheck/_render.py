"""The answer to "Check against the source": the stored excerpts that share the message's words,
each verbatim with its source, or a plain "nothing". Labels only: no verdict on the message."""

from __future__ import annotations

import discord

from bot.i18n import N_, _, format_number
from bot.store import ExcerptMatch, SourceCheck
from bot.ui.embeds import FIELD_VALUE, EmbedBuilder, shorten
from bot.ui.excerpts import excerpt_block, source_line
from bot.ui.links import display_url, plain, source_text

CHECK_COLOUR = 0x3D7DD9
TITLE = N_("What the stored sources say")
INTRO = N_(
    "Stored excerpts that share words with this message, best match first, each as its source "
    "prints it. They show what the sources say on the subject; they are not a verdict on the "
    "message."
)
NOTHING = N_("The sources say nothing about this.")
NO_TEXT = N_("That message has no text to check.")
# What the record an excerpt comes from is called on the card.
KIND_LABELS = {
    "fact": N_("Fact"),
    "work": N_("Film record"),
    "credit": N_("Credit"),
    "person": N_("Person"),
    "quote": N_("Quote"),
    "context": N_("Passage around a quote"),
    "update": N_("Sequel news"),
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
        when = source.published or _("date unknown")
        # Translators: where an excerpt comes from: a news update's headline (as published), its
        # date, then its outlet and address.
        text = _("Sequel news update “{headline}”, {date} · Source: {source}")
        return text.format(
            headline=headline, date=when, source=source_text(source.outlet, source.url)
        )
    shown = display_url(source.url) if source.url else None
    return source_line(source) + (f" · <{shown}>" if shown else "")


def check_card(check: SourceCheck) -> discord.Embed:
    """Each match as a field: the excerpt verbatim (shortened with a mark only if the card
    would not hold every match whole), then where it comes from."""
    builder = EmbedBuilder(_(TITLE), description=_(INTRO), colour=CHECK_COLOUR)
    builder.reserve_footer(FOOTER_ROOM)
    count = len(check.matches)
    for number, match in enumerate(check.matches, 1):
        name = shorten(_match_name(number, match), NAME_ROOM)
        where = shorten(where_from(match), WHERE_ROOM)
        share = builder.remaining() // (count - number + 1)  # this field's part of what is left
        room = min(FIELD_VALUE, share - len(name)) - len(where) - 1
        builder.field(name, f"{excerpt_block(match.passage.text, max(MIN_EXCERPT, room))}\n{where}")
    builder.reserve_footer(0)
    builder.footer(shorten(_looked_up(_words(check.terms)), FOOTER_ROOM))
    return builder.build()


def _match_name(number: int, match: ExcerptMatch) -> str:
    kind = KIND_LABELS.get(match.passage.kind)
    # Translators: a field's name: the match's number, what kind of record the excerpt comes
    # from ("Fact", "Quote"), and the message's words the excerpt shares ("sequel, netflix").
    text = _("{number}. {record} · shares: {words}")
    return text.format(
        number=format_number(number),
        record=_(kind) if kind else _("Record"),
        words=_words(match.shared),
    )


def _looked_up(words: str) -> str:
    # Translators: {words} are the message's words the bot searched the sources for.
    return _("Words looked up: {words}").format(words=words)


def nothing_text(check: SourceCheck) -> str:
    """No excerpt shares the message's subject: said plainly, with the words looked up."""
    if not check.terms:
        beyond = _("(It has no words to look up beyond common ones and the film's title.)")
        return f"{_(NOTHING)}\n{beyond}"
    return f"{_(NOTHING)}\n{_looked_up(shorten(_words(check.terms), 1500))}"
