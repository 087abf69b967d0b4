"""Embeds for what the bot knows. Each card names its source; unknowns are said to be unknown."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.store import CastMember, Fact, Person, Quote, SequelUpdate, Source, WorkCard, stage_label
from bot.tracker.status import sequel_status

from .limits import DESCRIPTION, EmbedBuilder, shorten
from .tracker import stage_progress, update_summary

UNKNOWN = "Not in the sources"
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
    history: Sequence[SequelUpdate] = (),
    latest: SequelUpdate | None = None,
) -> discord.Embed:
    """The sequel's card, read against the tracker's `history` (stage-setting updates, newest
    first). Once the stage moves on, the seed's facts are shown superseded, never as current."""
    work = sequel.work
    status = sequel_status(sequel, history)
    moved = status.moved_on and status.stage_update is not None
    if moved and status.stage_update is not None:
        description = f"**{stage_label(status.stage)}** — {_update_ref(status.stage_update)}"
    else:
        description = work.summary or ""
    builder = EmbedBuilder(
        "We Can Be Heroes — the sequel", description=description, colour=0x3D8BE8
    )
    builder.field("Studio", work.studio or UNKNOWN, inline=True)
    stage_text = stage_label(status.stage) if status.stage else work.status or UNKNOWN
    builder.field("Stage", stage_text, inline=True)
    for role in ("writer", "director", "producer"):
        people = sequel.people_with_role(role)
        builder.field(ROLE_LABELS[role], ", ".join(people) if people else UNKNOWN, inline=True)
    superseded: list[str] = []
    for state in status.facts:
        fact = state.fact
        if state.answered_by is not None:
            builder.field(fact.label, _update_ref(state.answered_by), inline=True)
            superseded.append(f"~~{fact.label}: {_fact_value(fact)}~~")
        else:
            builder.field(fact.label, _fact_value(fact), inline=True)
    why = [fact.value for fact in sequel.facts_of("reason") if fact.value]
    why += [
        f"{fact.label}: {fact.value}"
        for fact in film_facts
        if fact.kind == "viewership" and fact.value
    ]
    if why:
        builder.field("Why a sequel", "\n".join(f"• {line}" for line in why))
    if status.stage:
        builder.field("Progress", stage_progress(status.stage, status.reached))
    if latest is not None:
        builder.field(f"Latest update — {latest.date_text}", update_summary(latest, limit=400))
    if moved:
        lines = [f"~~Stage: {work.status or stage_label(status.baseline_stage)}~~"]
        if work.summary:
            lines.append(f"~~{work.summary}~~")
        lines += superseded
        builder.field(f"Superseded — as of {_source_date(work.source)}", "\n".join(lines))
    builder.field("From the article", excerpt_block(work.excerpt))
    builder.footer(source_line(work.source))
    return builder.build()


def _update_ref(update: SequelUpdate) -> str:
    """'update #3 “Filming begins”, 2025-06-01': a pointer to a stored record, not a claim."""
    return f"update #{update.id} “{shorten(update.headline, 120)}”, {update.date_text}"


def _source_date(source: Source) -> str:
    when = source.published or "date not in the sources"
    return f"{source.title} ({when})"


def quote_card(quote: Quote) -> discord.Embed:
    builder = EmbedBuilder(f"{quote.speaker} said", description=f"“{quote.text}”", colour=0xD94F3D)
    if quote.context:
        builder.field("Context", quote.context)
    builder.field("Excerpt", excerpt_block(quote.excerpt))
    builder.footer(source_line(quote.source))
    return builder.build()
