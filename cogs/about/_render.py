"""The /about card: version, health, what the bot knows and stores, and how to have it deleted."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import discord

from bot.store import Fact, Work
from bot.ui.embeds import EmbedBuilder
from bot.ui.privacy import deleting_text, stored_fields

PROJECT = "Self-hosted; see the README of this installation."


def format_uptime(seconds: float) -> str:
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
    shown = [f"{value}{unit}" for value, unit in parts if value][:2]
    return " ".join(shown) or "0s"


def format_latency(latency: float) -> str:
    """The gateway heartbeat latency; unknown before the first heartbeat (nan or inf)."""
    if not math.isfinite(latency) or latency < 0:
        return "unknown"
    return f"{latency * 1000:.0f} ms"


def about_card(
    *,
    version: str,
    uptime: float,
    latency: float,
    servers: int,
    counts: Mapping[str, int],
    sources: Sequence[Work | Fact],
) -> discord.Embed:
    builder = EmbedBuilder(
        "About heroes-bot",
        description=(
            "Answers about *We Can Be Heroes* and its sequel from a news article, every "
            "fact shown with the excerpt of the article it comes from."
        ),
    )
    builder.field("Version", version, inline=True)
    builder.field("Uptime", format_uptime(uptime), inline=True)
    builder.field("Gateway latency", format_latency(latency), inline=True)
    builder.field("Servers", str(servers), inline=True)
    builder.field(
        "What it knows",
        f"{counts.get('people', 0)} people, {counts.get('works', 0)} titles, "
        f"{counts.get('facts', 0)} facts, {counts.get('quotes', 0)} quotes",
        inline=True,
    )
    citations = {record.source.key: record.source.citation() for record in sources}
    builder.field("Source of its facts", "\n".join(citations.values()) or "No source loaded yet.")
    # Rendered from the declarations that drive the deleting (bot/store/_stored_data.py).
    for name, value in stored_fields():
        builder.field(name, value)
    builder.field("Having it deleted", deleting_text())
    builder.field("Project", PROJECT)
    return builder.build()
