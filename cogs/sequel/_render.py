"""Embeds of the sequel tracker: the sequel's card, the stage progress line, an update, the news
timeline, a news post, and the state of a server's follow. Every embed is built with
EmbedBuilder."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from bot.store import (
    SEQUEL_STAGES,
    Delivery,
    DeliveryCounts,
    Fact,
    Follow,
    SequelUpdate,
    Source,
    WorkCard,
    stage_label,
)
from bot.ui.embeds import EmbedBuilder, shorten
from bot.ui.excerpts import ROLE_LABELS, UNKNOWN, excerpt_block, source_line
from bot.ui.links import source_text
from bot.ui.posting import OutgoingPost

from ._status import sequel_status
from ._views import notify_view

TRACKER_COLOUR = 0x3D8BE8
NEWS_PAGE_SIZE = 4
DONE, NOW, LATER, SKIPPED = "✅", "📍", "⬜", "➖"
NOT_IN_SOURCES = "not in the sources"


def stage_bar(stage: str | None) -> str:
    """'▰▰▱▱▱▱▱ stage 2 of 7'."""
    keys = [key for key, _ in SEQUEL_STAGES]
    if stage not in keys:
        return "▱" * len(keys) + " stage unknown"
    done = keys.index(stage) + 1
    return "▰" * done + "▱" * (len(keys) - done) + f" stage {done} of {len(keys)}"


def stage_progress(stage: str | None, reached: Mapping[str, SequelUpdate] | None = None) -> str:
    """Every stage on its own line: those an update reached ticked, the current one marked.

    A stage before the current one that no stored update reached is not ticked: nothing in the
    sources says it happened (the article reports no announcement, for one).
    """
    reached = reached or {}
    keys = [key for key, _ in SEQUEL_STAGES]
    current = keys.index(stage) if stage in keys else -1
    lines = [stage_bar(stage)]
    for index, (key, label) in enumerate(SEQUEL_STAGES):
        if index < current:
            update = reached.get(key)
            if update is None:
                lines.append(f"{SKIPPED} {label} — {NOT_IN_SOURCES}")
            else:
                lines.append(f"{DONE} {label} — update #{update.id}, {update.date_text}")
        elif index == current:
            lines.append(f"{NOW} **{label}** ← now")
        else:
            lines.append(f"{LATER} {label}")
    return "\n".join(lines)


def update_summary(update: SequelUpdate, limit: int = 300) -> str:
    """A few lines on one update: its text shortened, the stage it moves to, its source."""
    lines = [shorten(" ".join(update.text.split()), limit)]
    if update.stage:
        lines.append(f"Stage → **{stage_label(update.stage)}**")
    lines.append(f"Source: {source_text(update.source_outlet, update.source_url)}")
    return "\n".join(lines)


def update_card(update: SequelUpdate) -> discord.Embed:
    """The message posted to following channels (and shown after /sequel-admin post)."""
    builder = EmbedBuilder(update.headline, description=update.text, colour=TRACKER_COLOUR)
    # No embed.url: a linked title would be a masked link whose text (the headline) is not the
    # address; the address is shown as itself in the Source field.
    if update.stage:
        builder.field("Stage", f"→ **{stage_label(update.stage)}**\n{stage_bar(update.stage)}")
    builder.field("Date", update.date_text, inline=True)
    builder.field("Source", source_text(update.source_outlet, update.source_url), inline=True)
    builder.footer(f"We Can Be Heroes sequel tracker · update #{update.id} · /sequel news")
    return builder.build()


def news_pages(updates: Sequence[SequelUpdate], *, total: int | None = None) -> list[discord.Embed]:
    """The timeline, newest first, NEWS_PAGE_SIZE updates a page."""
    title = "We Can Be Heroes sequel — news"
    if not updates:
        return [EmbedBuilder(title, description="No news yet.", colour=TRACKER_COLOUR).build()]
    count = total if total is not None else len(updates)
    pages: list[discord.Embed] = []
    page_count = (len(updates) + NEWS_PAGE_SIZE - 1) // NEWS_PAGE_SIZE
    for number, start in enumerate(range(0, len(updates), NEWS_PAGE_SIZE), 1):
        builder = EmbedBuilder(title, colour=TRACKER_COLOUR)
        builder.reserve_footer(120)
        for update in updates[start : start + NEWS_PAGE_SIZE]:
            builder.field(f"{update.date_text} · {update.headline}", update_summary(update))
        builder.reserve_footer(0)
        updates_word = "update" if count == 1 else "updates"
        builder.footer(f"Page {number}/{page_count} · {count} {updates_word}, newest first")
        pages.append(builder.build())
    return pages


def role_mention_text(follow: Follow) -> str:
    """Which role news posts ping, and if a role is set but not pinged, why and how to fix it."""
    if follow.role_id is None:
        return "none"
    if follow.mention_role:
        return f"<@&{follow.role_id}> (members can opt in with the Notify me button)"
    chooser = f"<@{follow.followed_by}>" if follow.followed_by else "whoever ran it"
    return (
        f"<@&{follow.role_id}>, **not pinged**: posts go out without the mention, because the "
        "bot pings a role only if the member who chose it could: when /sequel-admin follow was "
        f"run, the role wasn't mentionable and {chooser} didn't have Mention Everyone in the "
        "channel (or the follow predates this check). Turn on “Allow anyone to @mention this "
        "role” in the role's settings, or have a member with Mention Everyone run "
        "/sequel-admin follow again."
    )


def follow_card(follow: Follow | None, *, pending_note: str | None = None) -> discord.Embed:
    """What /sequel-admin following shows a server's managers."""
    title = "Sequel news in this server"
    if follow is None:
        return EmbedBuilder(
            title,
            description="This server does not follow the sequel news. "
            "Start with /sequel-admin follow channel: #news.",
            colour=TRACKER_COLOUR,
        ).build()
    if follow.active:
        description = f"New updates are posted in <#{follow.channel_id}>."
    else:
        description = (
            f"**Not following any more.** {follow.unfollowed_reason or ''}\n"
            "Fix the channel, then run /sequel-admin follow again."
        )
    builder = EmbedBuilder(title, description=description, colour=TRACKER_COLOUR)
    builder.field("Channel", f"<#{follow.channel_id}>", inline=True)
    builder.field("Role mentioned", role_mention_text(follow), inline=True)
    builder.field("Since", follow.followed_at[:10], inline=True)
    if follow.last_delivered_at:
        delivered = follow.last_delivered_at[:16].replace("T", " ")
        builder.field("Last delivered", f"{delivered} UTC", inline=True)
    if follow.last_error and follow.active:
        builder.field(
            f"Last failure ({follow.failure_count} in a row)",
            f"{follow.last_error}\nAfter 3 in a row the bot stops posting here.",
        )
    if pending_note:
        builder.field("Waiting", pending_note)
    return builder.build()


def progress_text(update: SequelUpdate, counts: DeliveryCounts) -> str:
    """The ephemeral progress line of a broadcast, edited as it goes."""
    if counts.total == 0:
        return f"Update #{update.id} added. No server follows the news yet, so nothing to post."
    state = "Delivered" if counts.done else "Delivering"
    return f"{state} update #{update.id} “{shorten(update.headline, 80)}”: {counts.summary()}."


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
    # Each under its own record's label: the article gives the hit as the occasion for the
    # sequel, but never gives THR's viewing figure as a reason, so the two are not merged.
    for fact in sequel.facts_of("reason"):
        if fact.value:
            builder.field(fact.label, fact.value)
    for fact in film_facts:
        if fact.kind == "viewership" and fact.value:
            builder.field(fact.label, fact.value)
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


def compose_post(update: SequelUpdate, delivery: Delivery) -> OutgoingPost:
    """A news post: the update's card; with a role, the Notify me / Stop notifying me buttons
    and, when the follow allows it (see Follow.mention_role), that role's mention (and only
    that role can be pinged)."""
    embed = update_card(update)
    if delivery.role_id is None:
        return OutgoingPost(embed)
    if not delivery.mention_role:
        # Whoever chose the role couldn't have mentioned it themselves: no ping through the bot.
        return OutgoingPost(embed, view=notify_view(delivery.guild_id))
    return OutgoingPost(
        embed,
        content=f"<@&{delivery.role_id}>",
        view=notify_view(delivery.guild_id),
        allowed_mentions=only_role(delivery.role_id),
    )


def only_role(role_id: int) -> discord.AllowedMentions:
    """Mentions a news post may ping: the follow's role, nothing else."""
    return discord.AllowedMentions(
        everyone=False, users=False, roles=[discord.Object(role_id)], replied_user=False
    )
