"""Embeds for what the bot knows. Each card names its source; unknowns are said to be unknown."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.store import CastMember, Fact, Person, Quote, SequelUpdate, Source, WorkCard, stage_label

from .limits import DESCRIPTION, EmbedBuilder, shorten
from .tracker import stage_progress, update_summary

UNKNOWN = "Unknown — not announced yet"
CAST_PAGE_SIZE = 20
ROLE_LABELS = {"writer": "Writer", "director": "Director", "producer": "Producer", "cast": "Cast"}


def source_line(source: Source) -> str:
    return f"Source: {source.citation()}"


def excerpt_block(excerpt: str, limit: int = 1024) -> str:
    """The verbatim excerpt as a Discord quote block, shortened with a mark if needed."""
    return "> " + shorten(excerpt, limit - 2).replace("\n", "\n> ")


def cast_pages(
    cast: Sequence[CastMember], *, title: str = "We Can Be Heroes — cast"
) -> list[discord.Embed]:
    """The whole cast, top-billed first, CAST_PAGE_SIZE names a page."""
    if not cast:
        return [EmbedBuilder(title, description="The store holds no cast yet.").build()]
    pages: list[discord.Embed] = []
    total_pages = (len(cast) + CAST_PAGE_SIZE - 1) // CAST_PAGE_SIZE
    for page_number, start in enumerate(range(0, len(cast), CAST_PAGE_SIZE), 1):
        lines = []
        for member in cast[start : start + CAST_PAGE_SIZE]:
            star = " ⭐ top-billed" if member.top_billed else ""
            lines.append(f"`{member.billing or '–':>2}` {member.name}{star}")
        builder = EmbedBuilder(title, description=shorten("\n".join(lines), DESCRIPTION))
        builder.footer(
            f"Page {page_number}/{total_pages} · {len(cast)} names, in the article's order · "
            f"{source_line(cast[0].source)}"
        )
        pages.append(builder.build())
    return pages


def person_card(person: Person) -> discord.Embed:
    builder = EmbedBuilder(person.name, description=person.about or "")
    if person.aliases:
        builder.field("Also printed as", ", ".join(person.aliases), inline=True)
    for credit in person.credits:
        work = credit.work_title or "the unnamed sequel"
        role = ROLE_LABELS.get(credit.role, credit.role.title())
        if credit.role == "cast" and credit.billing:
            billing = f"#{credit.billing} in the article's cast list"
            if credit.top_billed:
                billing += " · top-billed star"
            builder.field(f"{role} — {work}", billing, inline=True)
        else:
            builder.field(f"{role} — {work}", excerpt_block(credit.excerpt), inline=True)
    builder.field("What the article says", excerpt_block(person.excerpt))
    builder.footer(source_line(person.source))
    return builder.build()


def _fact_value(fact: Fact) -> str:
    return fact.value if fact.known else UNKNOWN


def sequel_card(
    sequel: WorkCard,
    film_facts: Sequence[Fact],
    *,
    stage: str | None = None,
    latest: SequelUpdate | None = None,
) -> discord.Embed:
    """The sequel's card; with the tracker's `stage` and `latest` update when given."""
    work = sequel.work
    builder = EmbedBuilder(
        "We Can Be Heroes — the sequel",
        description=work.summary or "",
        colour=0x3D8BE8,
    )
    builder.field("Studio", work.studio or UNKNOWN, inline=True)
    builder.field("Stage", stage_label(stage) if stage else work.status or UNKNOWN, inline=True)
    for role in ("writer", "director", "producer"):
        people = sequel.people_with_role(role)
        builder.field(ROLE_LABELS[role], ", ".join(people) if people else UNKNOWN, inline=True)
    for kind in ("title", "production-start", "release-date"):
        for fact in sequel.facts_of(kind):
            builder.field(fact.label, _fact_value(fact), inline=True)
    why = [fact.value for fact in sequel.facts_of("reason") if fact.value]
    why += [
        f"{fact.label}: {fact.value}"
        for fact in film_facts
        if fact.kind == "viewership" and fact.value
    ]
    if why:
        builder.field("Why a sequel", "\n".join(f"• {line}" for line in why))
    if stage:
        builder.field("Progress", stage_progress(stage))
    if latest is not None:
        builder.field(f"Latest update — {latest.date_text}", update_summary(latest, limit=400))
    builder.field("From the article", excerpt_block(work.excerpt))
    builder.footer(source_line(work.source))
    return builder.build()


def quote_card(quote: Quote) -> discord.Embed:
    builder = EmbedBuilder(f"{quote.speaker} said", description=f"“{quote.text}”", colour=0xD94F3D)
    if quote.context:
        builder.field("Context", quote.context)
    builder.field("Excerpt", excerpt_block(quote.excerpt))
    builder.footer(source_line(quote.source))
    return builder.build()
