"""The /cast embeds: the whole cast in the order printed, and one person's card."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.store import CastMember, Person
from bot.ui.embeds import DESCRIPTION, EmbedBuilder, shorten
from bot.ui.excerpts import ROLE_LABELS, excerpt_block, list_heading, source_line

CAST_PAGE_SIZE = 20


def cast_pages(
    cast: Sequence[CastMember], *, title: str = "We Can Be Heroes — cast"
) -> list[discord.Embed]:
    """The whole cast in the order printed, each printed list under its own words (“We Can Be
    Heroes stars”, “It also features”), CAST_PAGE_SIZE names a page."""
    if not cast:
        return [EmbedBuilder(title, description="The store holds no cast yet.").build()]
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
        builder.footer(
            f"Page {page_number}/{total_pages} · {len(cast)} names, in the order printed · "
            f"{source_line(cast[0].source)}"
        )
        pages.append(builder.build())
    return pages


NOT_PRINTED = "a spelling the sources do not print"


def person_card(person: Person) -> discord.Embed:
    """A person's card: each excerpt once, whatever number of credits rests on it."""
    builder = EmbedBuilder(person.name, description=person.about or "")
    shown: list[str] = []
    groups: dict[tuple[str | None, str], list[str]] = {}
    for credit in person.credits:
        role = ROLE_LABELS.get(credit.role, credit.role.title())
        groups.setdefault((credit.work_title, credit.excerpt), []).append(role)
    for (work_title, excerpt), roles in groups.items():
        work = work_title or "the unnamed sequel"
        builder.field(f"{', '.join(roles)} — {work}", excerpt_block(excerpt))
        shown.append(excerpt)
    if person.excerpt not in shown:
        builder.field("What the article says", excerpt_block(person.excerpt))
        shown.append(person.excerpt)
    if person.aliases:
        # A spelling found by search but printed in no excerpt here (a correction, like "Boyd
        # Holbrook" for the printed "Boyd Holdbrook") is said to come from outside the sources.
        said = " ".join(shown)
        builder.field(
            "Also found by",
            "\n".join(a if a in said else f"{a} ({NOT_PRINTED})" for a in person.aliases),
        )
    builder.footer(source_line(person.source))
    return builder.build()
