"""The /about card: version, health, what the bot knows and stores, and how to have it deleted."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import discord

from bot.i18n import N_, _, format_number, ngettext
from bot.store import Fact, Work
from bot.ui.embeds import FIELD_VALUE, EmbedBuilder
from bot.ui.privacy import deleting_text, stored_fields

PROJECT = N_("Self-hosted; see the README of this installation.")
# The name of a field that goes on with the previous one's list: Discord needs a name, and a
# zero-width space shows none.
CONTINUED = "\u200b"
# Uptime's units, largest first, each as "3d": a number and a short unit, no space in English.
UPTIME_UNITS = (
    # Translators: days, abbreviated, in /about's uptime ("3d 4h").
    (86400, N_("{count}d")),
    # Translators: hours, abbreviated, in /about's uptime ("3d 4h").
    (3600, N_("{count}h")),
    # Translators: minutes, abbreviated, in /about's uptime ("4h 5m").
    (60, N_("{count}m")),
    # Translators: seconds, abbreviated, in /about's uptime ("5m 6s").
    (1, N_("{count}s")),
)


def format_uptime(seconds: float) -> str:
    """The two largest units that are not zero: '3d 4h', '5m 6s', '0s'."""
    rest = max(0, int(seconds))
    shown: list[str] = []
    for size, unit in UPTIME_UNITS:
        value, rest = divmod(rest, size)
        if value and len(shown) < 2:
            shown.append(_(unit).format(count=format_number(value)))
    return " ".join(shown) or _(UPTIME_UNITS[-1][1]).format(count=format_number(0))


def format_latency(latency: float) -> str:
    """The gateway heartbeat latency; unknown before the first heartbeat (nan or inf)."""
    if not math.isfinite(latency) or latency < 0:
        # Translators: the gateway latency before the bot has measured it.
        return _("unknown")
    # Translators: the gateway latency in milliseconds.
    return _("{milliseconds} ms").format(milliseconds=format_number(round(latency * 1000)))


def _known_counts(counts: Mapping[str, int]) -> str:
    """What the store holds, counted: '1 person, 5 titles, 10 facts, 12 quotes'."""
    people, works = counts.get("people", 0), counts.get("works", 0)
    facts, quotes = counts.get("facts", 0), counts.get("quotes", 0)
    parts = (
        ngettext("{count} person", "{count} people", people).format(count=format_number(people)),
        # Translators: titles of films and series the store knows.
        ngettext("{count} title", "{count} titles", works).format(count=format_number(works)),
        ngettext("{count} fact", "{count} facts", facts).format(count=format_number(facts)),
        ngettext("{count} quote", "{count} quotes", quotes).format(count=format_number(quotes)),
    )
    return ", ".join(parts)


def _list_chunks(lines: str, limit: int = FIELD_VALUE) -> list[str]:
    """`lines` in pieces of whole lines, each within `limit` (a line longer than it alone)."""
    chunks: list[str] = []
    for line in lines.split("\n"):
        if chunks and len(chunks[-1]) + 1 + len(line) <= limit:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    return chunks


def _list_fields(builder: EmbedBuilder, name: str, lines: str) -> None:
    """A list of bullets under `name`, going on in further fields rather than cut: what the
    bot stores and how to have it deleted is read in full, whatever the language's length."""
    for index, chunk in enumerate(_list_chunks(lines)):
        builder.field(name if index == 0 else CONTINUED, chunk)


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
        # Translators: keep "heroes-bot", the bot's name.
        _("About heroes-bot"),
        # Translators: keep the film's title, *We Can Be Heroes*, as it is (in italics).
        description=_(
            "Answers about *We Can Be Heroes* and its sequel from a news article, every "
            "fact shown with the excerpt of the article it comes from."
        ),
    )
    builder.field(_("Version"), version, inline=True)
    builder.field(_("Uptime"), format_uptime(uptime), inline=True)
    builder.field(_("Gateway latency"), format_latency(latency), inline=True)
    builder.field(_("Servers"), format_number(servers), inline=True)
    builder.field(_("What it knows"), _known_counts(counts), inline=True)
    citations = {record.source.key: record.source.citation() for record in sources}
    builder.field(
        _("Source of its facts"), "\n".join(citations.values()) or _("No source loaded yet.")
    )
    # Rendered from the declarations that drive the deleting (bot/store/_stored_data.py).
    for name, value in stored_fields():
        _list_fields(builder, name, value)
    _list_fields(builder, _("Having it deleted"), deleting_text())
    builder.field(_("Project"), _(PROJECT))
    return builder.build()
