"""What a watch party says: the event's description (the film's card from the stored excerpts,
with its source), the premiere's (the release date in its source's words) and /watchparty list.
Template text is labels only; every statement is a verbatim excerpt with its source."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.store import CastMember, PremiereSetting, Source, WatchParty, WorkCard, parse_iso
from bot.ui.embeds import EmbedBuilder, shorten
from bot.ui.excerpts import source_line
from bot.ui.moments import when

from ._release import ReleaseDate

DESCRIPTION_MAX = 1000  # Discord's limit for a scheduled event's description
COLOUR = 0xE8A33D


def _quoted(excerpt: str, limit: int) -> str:
    return "> " + shorten(" ".join(excerpt.split()), max(20, limit - 2))


def _fit(head: str, excerpt: str, tail: str) -> str:
    """`head`, the excerpt quoted (shortened with a mark to fit), `tail`: within 1000."""
    room = DESCRIPTION_MAX - len(head) - len(tail) - 2
    text = f"{head}\n{_quoted(excerpt, room)}\n{tail}"
    return shorten(text, DESCRIPTION_MAX)


def _cited(source: Source) -> str:
    return shorten(source_line(source) + (f" {source.url}" if source.url else ""), 300)


def party_description(card: WorkCard, cast: Sequence[CastMember] = ()) -> str:
    """The film's card for the event: its title, then the source's words about it (what it is,
    who it stars, as /film shows them), each source once; within Discord's 1000 characters."""
    work = card.work
    passages = [(work.excerpt, work.source)]
    if cast and cast[0].excerpt != work.excerpt:
        passages.append((cast[0].excerpt, cast[0].source))
    sources = list(dict.fromkeys(_cited(source) for _, source in passages))
    head, tail = f"Watching: {work.display_title}", "\n".join(sources)
    room = (DESCRIPTION_MAX - len(head) - len(tail) - 2) // len(passages) - 1
    quoted = "\n".join(_quoted(excerpt, room) for excerpt, _ in passages)
    return shorten(f"{head}\n{quoted}\n{tail}", DESCRIPTION_MAX)


def premiere_description(title: str, release: ReleaseDate) -> str:
    day = release.day.isoformat() if release.day else "not in the sources"
    return _fit(
        f"Premiere: {title}\nRelease date: {day}, in the source's words:",
        release.excerpt,
        shorten(f"Source: {release.source}", 300),
    )


def event_link(guild_id: int, event_id: int) -> str:
    return f"https://discord.com/events/{guild_id}/{event_id}"


def _where(party: WatchParty) -> str:
    if party.channel_id:
        return f"<#{party.channel_id}>"
    return discord.utils.escape_markdown(party.location or "")


def party_line(party: WatchParty) -> str:
    title = discord.utils.escape_markdown(party.title)
    # A premiere's own title already says so ("Premiere: ..."), unless someone renamed it.
    premiere = party.kind == "premiere" and not party.title.startswith("Premiere")
    kind = " (premiere)" if premiere else ""
    start = when(parse_iso(party.starts_at))
    link = event_link(party.guild_id, party.event_id)
    return f"**{title}**{kind}: {start} · {_where(party)} · [event]({link})"


def list_card(parties: Sequence[WatchParty], zone_note: str) -> discord.Embed:
    builder = EmbedBuilder("Watch parties", description="", colour=COLOUR)
    if not parties:
        builder.embed.description = "No watch party is scheduled. /watchparty create makes one."
        return builder.build()
    lines: list[str] = []
    for party in parties:
        line = party_line(party)
        if sum(len(x) + 1 for x in lines) + len(line) > 3800:
            lines.append(f"…and {len(parties) - len(lines)} more")
            break
        lines.append(line)
    builder.embed.description = "\n".join(lines)
    builder.footer(zone_note)
    return builder.build()


def created_reply(party: WatchParty, start: datetime, zone_note: str) -> str:
    title = discord.utils.escape_markdown(party.title)
    link = event_link(party.guild_id, party.event_id)
    return f"Scheduled **{title}**: {when(start)} · {_where(party)}\n{link}\n{zone_note}"


def premiere_status(setting: PremiereSetting | None) -> str:
    """Whether this server wants a premiere event, and where it stands."""
    if setting is None or not setting.enabled:
        made = setting is not None and setting.state == "created"
        return "Premiere event: off." + (
            " (One was made before; it is not made again.)" if made else ""
        )
    if setting.state == "created" and setting.event_id:
        link = event_link(setting.guild_id, setting.event_id)
        return f"Premiere event: made for the release day {setting.release_on}: {link}"
    text = (
        "Premiere event: on. When the sequel's stage becomes “Release date set” or “Released”, "
        "an event is made for the release day given by the sources, once."
    )
    if setting.note:
        text += f"\nLast check: {setting.note}"
    return text
