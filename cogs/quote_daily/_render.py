"""Embeds of the quote of the day: a server's setting, and the day's quote."""

from __future__ import annotations

import discord

from bot.store import DailyConfig, DailyPick, Quote
from bot.ui.embeds import EmbedBuilder
from bot.ui.excerpts import quote_builder
from bot.ui.posting import OutgoingPost


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


def compose_quote(quote: Quote, pick: DailyPick) -> OutgoingPost:
    return OutgoingPost(daily_quote_card(quote, pick))
