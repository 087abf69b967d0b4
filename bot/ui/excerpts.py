"""Verbatim text of a source as members see it, and the labels every card shares: quote blocks,
a quote shown once, a statement with the excerpt it rests on, the source line, a printed list's
own heading, the role names and the unknown marker.

An excerpt is never translated: it is what the source prints. In a reply that is not in English,
each excerpt is headed by a small note saying so (`original_note`), inside the same limits.
"""

from __future__ import annotations

from bot.i18n import DEFAULT, N_, _, current_locale
from bot.seed import said_in
from bot.store import Quote, Source

from .embeds import DESCRIPTION, FIELD_VALUE, EmbedBuilder, shorten

QUOTE_COLOUR = 0xD94F3D
# Marked, not translated (shown with `unknown()` / `role_label()`, in the reader's language).
# Translators: in place of a fact (a date, a studio, names) no stored source gives.
UNKNOWN = N_("Not in the sources")
ROLE_LABELS = {
    # Translators: a person's role in a film's credits.
    "writer": N_("Writer"),
    # Translators: a person's role in a film's credits.
    "director": N_("Director"),
    # Translators: a person's role in a film's credits.
    "producer": N_("Producer"),
    # Translators: a person's role in a film's credits (the actors), a noun.
    "cast": N_("Cast"),
}
# Translators: a small note above a quoted excerpt when the reply is not in English: the excerpt
# is the source's own words, in its own language, not translated.
ORIGINAL_TEXT = N_("Original text, as the source prints it")
# A value this long that the excerpt says word for word is shown once, as the excerpt: printing
# it above its own excerpt would only repeat it.
_LONG_VALUE = 40
# The least room an excerpt keeps beside its "original text" note; with less, no note.
_QUOTE_ROOM = 40


def unknown() -> str:
    """The unknown marker, in the current locale."""
    return _(UNKNOWN)


def role_label(role: str) -> str:
    """A credit's role as cards name it, in the current locale; a role the bot does not know
    as stored, capitalised."""
    label = ROLE_LABELS.get(role)
    return _(label) if label else role.title()


def source_line(source: Source) -> str:
    # Translators: a card's footer; {citation} is the source's title, outlet and date, as stored.
    return _("Source: {citation}").format(citation=source.citation())


def list_heading(excerpt: str, first_name: str) -> str:
    """The words a printed list of names starts with ('We Can Be Heroes stars', 'It also
    features'): the source's own, so the list says no more than the source does (no billing)."""
    at = excerpt.find(first_name)
    return excerpt[:at].strip(" ,:") if at > 0 else ""


def original_note() -> str:
    """The line above an excerpt in a reply that is not in English (italic), with its
    line break; nothing in English, where the excerpt needs no note."""
    if current_locale() == DEFAULT:
        return ""
    # Italic, not "-#" subtext: an excerpt is also shown in classic embed fields, where Discord
    # does not render every message markdown.
    return f"*{_(ORIGINAL_TEXT)}*\n"


def _quote_block(excerpt: str, limit: int) -> str:
    quoted = "> " + shorten(excerpt, limit - 2).replace("\n", "\n> ")
    if len(quoted) > limit:  # each line's own "> " counts too
        room = max(1, limit - 2 - 2 * excerpt.count("\n"))
        quoted = "> " + shorten(excerpt, room).replace("\n", "\n> ")
    return quoted


def excerpt_block(excerpt: str, limit: int = 1024) -> str:
    """The verbatim excerpt as a Discord quote block, shortened with a mark if needed; in a
    reply not in English, under a note that it is the original text (unless `limit` leaves the
    excerpt too little room for both). The whole block fits in `limit` characters."""
    note = original_note()
    if limit - len(note) < _QUOTE_ROOM:  # too tight for both: the excerpt matters more
        note = ""
    return note + _quote_block(excerpt, limit - len(note))


def quote_builder(quote: Quote, title: str) -> EmbedBuilder:
    """The quote once: its excerpt (the quote as the source prints it, with who said it when the
    source says so there), then its context unless the excerpt already holds it. No second copy
    of the quote: the excerpt is the quote."""
    builder = EmbedBuilder(
        title, description=excerpt_block(quote.excerpt, DESCRIPTION), colour=QUOTE_COLOUR
    )
    if quote.context and quote.context not in quote.excerpt:
        # Translators: a quote card's field: the words around the quote, from the source.
        builder.field(_("Context"), excerpt_block(quote.context))
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
