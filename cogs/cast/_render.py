"""The /cast embeds: the whole cast in the order printed, and one person's card."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.i18n import N_, _, format_number, ngettext
from bot.store import CastMember, Person
from bot.ui.embeds import DESCRIPTION, EmbedBuilder, shorten
from bot.ui.excerpts import excerpt_block, list_heading, role_label, source_line

CAST_PAGE_SIZE = 20
# The film's title, as every source prints it: never translated.
FILM_TITLE = "We Can Be Heroes"


def cast_pages(cast: Sequence[CastMember], *, title: str | None = None) -> list[discord.Embed]:
    """The whole cast in the order printed, each printed list under its own words (“We Can Be
    Heroes stars”, “It also features”), CAST_PAGE_SIZE names a page."""
    if title is None:
        # Translators: the title of the /cast list; {title} is the film's title, kept in English.
        title = _("{title} — cast").format(title=FILM_TITLE)
    if not cast:
        return [EmbedBuilder(title, description=_("The store holds no cast yet.")).build()]
    pages: list[discord.Embed] = []
    total_pages = (len(cast) + CAST_PAGE_SIZE - 1) // CAST_PAGE_SIZE
    for page_number, start in enumerate(range(0, len(cast), CAST_PAGE_SIZE), 1):
        lines = []
        previous = cast[start - 1].excerpt if start else None
        for member in cast[start : start + CAST_PAGE_SIZE]:
            if member.excerpt != previous:
                heading = list_heading(member.excerpt, member.name)
                lines.append(f"**{heading}**" if heading else "")
                previous = member.excerpt
            lines.append(f"`{member.billing or '–':>2}` {member.name}")
        text = "\n".join(lines).strip()
        builder = EmbedBuilder(title, description=shorten(text, DESCRIPTION))
        builder.footer(_page_footer(page_number, total_pages, len(cast), cast[0]))
        pages.append(builder.build())
    return pages


def _page_footer(page: int, pages: int, names: int, first: CastMember) -> str:
    # Translators: the footer of a /cast page; {source} is "Source: <title, outlet, date>".
    footer = ngettext(
        "Page {page}/{pages} · {count} name, in the order printed · {source}",
        "Page {page}/{pages} · {count} names, in the order printed · {source}",
        names,
    )
    return footer.format(
        page=format_number(page),
        pages=format_number(pages),
        count=format_number(names),
        source=source_line(first.source),
    )


# Translators: after a spelling of a person's name that no stored excerpt prints (a correction).
NOT_PRINTED = N_("a spelling the sources do not print")


def person_card(person: Person) -> discord.Embed:
    """A person's card: each excerpt once, whatever number of credits rests on it."""
    builder = EmbedBuilder(person.name, description=person.about or "")
    shown: list[str] = []
    groups: dict[tuple[str | None, str], list[str]] = {}
    for credit in person.credits:
        groups.setdefault((credit.work_title, credit.excerpt), []).append(role_label(credit.role))
    for (work_title, excerpt), roles in groups.items():
        work = work_title or _("the unnamed sequel")
        # Punctuation only (no words to translate): "Writer, Producer — <title of the work>".
        builder.field(f"{', '.join(roles)} — {work}", excerpt_block(excerpt))
        shown.append(excerpt)
    if person.excerpt not in shown:
        builder.field(_("What the article says"), excerpt_block(person.excerpt))
        shown.append(person.excerpt)
    if person.aliases:
        # A spelling found by search but printed in no excerpt here (a correction, like "Boyd
        # Holbrook" for the printed "Boyd Holdbrook") is said to come from outside the sources.
        said = " ".join(shown)
        note = _(NOT_PRINTED)
        builder.field(
            _("Also found by"),
            "\n".join(a if a in said else f"{a} ({note})" for a in person.aliases),
        )
    builder.footer(source_line(person.source))
    return builder.build()
