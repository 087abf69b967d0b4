"""The /film card: every statement with the excerpt it rests on."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.i18n import N_, _, format_number, ngettext
from bot.store import CastMember, Fact, Work, WorkCard
from bot.ui.embeds import FIELD_VALUE, EmbedBuilder, shorten
from bot.ui.excerpts import excerpt_block, list_heading, role_label, source_line, statement

# Fact kinds in the order the film card shows them; other kinds follow in store order.
FILM_FACT_ORDER = ("spiritual-successor", "viewership", "where-to-watch")
FACT_KIND_TITLES = {"viewership": N_("Viewing figures"), "where-to-watch": N_("Where to watch")}


def _fact_title(kind: str, facts: Sequence[Fact]) -> str:
    """A group of facts' field name: a known kind's own title, else the fact's stored label
    (one fact), else the kind's key made readable."""
    known = FACT_KIND_TITLES.get(kind)
    if known:
        return _(known)
    return facts[0].label if len(facts) == 1 else kind.replace("-", " ").capitalize()


def _facts_field(builder: EmbedBuilder, name: str, facts: Sequence[Fact]) -> None:
    known = [f for f in facts if f.value]
    if not known:
        return
    if len(known) == 1:
        builder.field(name, statement(None, known[0].value or "", known[0].excerpt))
        return
    share = FIELD_VALUE // len(known) - 2
    lines = [statement(f.label, f.value or "", f.excerpt, limit=share) for f in known]
    builder.field(name, "\n".join(lines))


def film_card(
    film: WorkCard, cast: Sequence[CastMember], *, sequel: Work | None = None
) -> discord.Embed:
    """Title, the first list of its cast in the source's words, what it succeeds, viewing
    figures, where to watch, and the sequel, each with its excerpt. Who made it, and what kind
    of film it is, are not in the source: the card does not say."""
    work = film.work
    description = statement(None, work.summary, work.excerpt) if work.summary else ""
    builder = EmbedBuilder(work.display_title, description=description, colour=0xE8A33D)

    stars = [m for m in cast if m.excerpt == cast[0].excerpt] if cast else []
    if stars:
        _stars_field(builder, stars, len(cast))
    kinds = list(dict.fromkeys([*FILM_FACT_ORDER, *(f.kind for f in film.facts)]))
    for kind in kinds:
        facts = film.facts_of(kind)
        if facts:
            _facts_field(builder, _fact_title(kind, facts), facts)
    for name, credit in film.credits:
        builder.field(role_label(credit.role), statement(None, name, credit.excerpt))
    if sequel is not None:
        see_also = _("See /sequel")
        builder.field(_("A sequel"), f"{excerpt_block(sequel.excerpt)}\n{see_also}")
    builder.footer(source_line(work.source))
    return builder.build()


def _stars_field(builder: EmbedBuilder, stars: Sequence[CastMember], total: int) -> None:
    """The first printed list of the cast under the source's own words for it (“We Can Be
    Heroes stars”): the source says who it stars, never how they are billed."""
    names = ", ".join(m.name for m in stars)
    heading = list_heading(stars[0].excerpt, stars[0].name) or _("Cast")
    more = ""
    if total > len(stars):
        others = total - len(stars)
        # Translators: under the first names of the cast on the /film card.
        more = "\n" + ngettext(
            "…and {count} more in /cast", "…and {count} more in /cast", others
        ).format(count=format_number(others))
    # The excerpt gets what the names and the "more" line leave (a translation may be longer).
    room = FIELD_VALUE - len(names) - max(60, len(more) + 8)
    builder.field(
        shorten(heading, 256), f"**{names}**{more}\n{excerpt_block(stars[0].excerpt, room)}"
    )
