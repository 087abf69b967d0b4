"""Embeds for what the bot knows. Each card names its source; unknowns are said to be unknown."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.store import CastMember, Fact, Person, Quote, SequelUpdate, Source, WorkCard, stage_label
from bot.tracker.status import sequel_status

from .excerpts import excerpt_block, quote_builder
from .limits import DESCRIPTION, EmbedBuilder, shorten
from .tracker import stage_progress, update_summary

UNKNOWN = "Not in the sources"
CAST_PAGE_SIZE = 20
ROLE_LABELS = {"writer": "Writer", "director": "Director", "producer": "Producer", "cast": "Cast"}


def source_line(source: Source) -> str:
    return f"Source: {source.citation()}"


def list_heading(excerpt: str, first_name: str) -> str:
    """The words a printed list of names starts with ('We Can Be Heroes stars', 'It also
    features'): the source's own, so the list says no more than the source does (no billing)."""
    at = excerpt.find(first_name)
    return excerpt[:at].strip(" ,:") if at > 0 else ""


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
    builder = quote_builder(quote, quote.speaker)
    builder.footer(source_line(quote.source))
    return builder.build()
