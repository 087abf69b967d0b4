"""Embeds of the sequel tracker: the stage progress line, an update, the news timeline, and the
state of a server's follow or daily quote. Every embed is built with EmbedBuilder."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from bot.store import (
    SEQUEL_STAGES,
    DailyConfig,
    DailyPick,
    DeliveryCounts,
    Follow,
    Quote,
    SequelUpdate,
    stage_label,
)

from .excerpts import quote_builder
from .limits import EmbedBuilder, shorten
from .links import source_text

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


def daily_card(config: DailyConfig | None, *, next_post: str | None = None) -> discord.Embed:
    title = "Quote of the day"
    if config is None:
        return EmbedBuilder(
            title,
            description="Off. Turn it on with /quote-daily set channel: #general time: 09:00.",
            colour=0xD94F3D,
        ).build()
    paused = config.failure_count >= 3
    description = (
        f"**Paused** after {config.failure_count} failed posts in a row: {config.last_error}\n"
        "Fix the channel, then run /quote-daily set again."
        if paused
        else f"One quote a day in <#{config.channel_id}>."
    )
    builder = EmbedBuilder(title, description=description, colour=0xD94F3D)
    builder.field("Time", f"{config.post_time} ({config.timezone})", inline=True)
    builder.field("Last posted", config.last_posted_day or "not yet", inline=True)
    if next_post and not paused:
        builder.field("Next", next_post, inline=True)
    if config.last_error and not paused:
        builder.field("Last failure", config.last_error)
    return builder.build()


def daily_quote_card(quote: Quote, pick: DailyPick) -> discord.Embed:
    """The quote of the day, with where it stands in the server's rotation."""
    builder = quote_builder(quote, f"Quote of the day — {quote.speaker}")
    builder.footer(
        f"{pick.day} · quote {pick.position} of {pick.cycle_size} before any repeats · "
        f"Source: {quote.source.citation()}"
    )
    return builder.build()
