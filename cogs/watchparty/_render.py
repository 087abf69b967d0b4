"""What a watch party says: the event's description (the film's card from the stored excerpts,
with its source), the premiere's (the release date in its source's words) and /watchparty list.
Template text is labels only; every statement is a verbatim excerpt with its source.

Labels are in the locale in force: the server's for an event's description (read by everyone
there, see _cog.py and _premiere.py), the member's for a reply. Excerpts, titles and sources are
shown as their source prints them, never translated."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.i18n import _, ngettext
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
    sources = list(dict.fromkeys(_cited(source) for _excerpt, source in passages))
    # Translators: the first line of a watch-party event's description; {film} is the film's
    # title (kept as is).
    head = _("Watching: {film}").format(film=work.display_title)
    tail = "\n".join(sources)
    room = (DESCRIPTION_MAX - len(head) - len(tail) - 2) // len(passages) - 1
    quoted = "\n".join(_quoted(excerpt, room) for excerpt, _source in passages)
    return shorten(f"{head}\n{quoted}\n{tail}", DESCRIPTION_MAX)


def premiere_description(title: str, release: ReleaseDate) -> str:
    """The premiere event's description: its title (the event's name, already in the server's
    language), the release date and the source's own words giving it."""
    # The date as the machine-readable ISO day, which reads the same in every language.
    day = release.day.isoformat() if release.day else _("not in the sources")
    # Translators: the head of the premiere event's description, followed by a quote from the
    # source. {title} is the event's name; {day} the release day as 2028-06-04.
    head = _("{title}\nRelease date: {day}, in the source's words:").format(title=title, day=day)
    # Translators: {source} is an outlet's name, a title or a link (kept as is).
    cited = _("Source: {source}").format(source=release.source)
    return _fit(head, release.excerpt, shorten(cited, 300))


def event_link(guild_id: int, event_id: int) -> str:
    return f"https://discord.com/events/{guild_id}/{event_id}"


def _where(party: WatchParty) -> str:
    if party.channel_id:
        return f"<#{party.channel_id}>"
    return discord.utils.escape_markdown(party.location or "")


def party_line(party: WatchParty) -> str:
    title = discord.utils.escape_markdown(party.title)
    # A premiere's own title already says so ("Premiere: ..."), unless someone renamed it.
    premiere = party.kind == "premiere" and not party.title.startswith(_premiere_prefixes())
    start = when(parse_iso(party.starts_at))
    link = event_link(party.guild_id, party.event_id)
    if premiere:
        # Translators: a line of /watchparty list. {title} is the event's name, {start} a
        # Discord timestamp, {where} a channel or place; [event](...) is a link: keep its form.
        line = _("**{title}** (premiere): {start} · {where} · [event]({link})")
    else:
        # Translators: a line of /watchparty list, as the one with "(premiere)".
        line = _("**{title}**: {start} · {where} · [event]({link})")
    return line.format(title=title, start=start, where=_where(party), link=link)


def _premiere_prefixes() -> tuple[str, ...]:
    """How a premiere's name starts, in English and in the locale in force (it is named in its
    server's language, see _premiere.py)."""
    # Translators: a premiere event's name; {title} is the sequel's title.
    localized = _("Premiere: {title}").split("{title}", 1)[0].strip(" :")
    return tuple({"Premiere", localized} - {""})


def list_card(parties: Sequence[WatchParty], zone_note: str) -> discord.Embed:
    builder = EmbedBuilder(_("Watch parties"), description="", colour=COLOUR)
    if not parties:
        builder.embed.description = _("No watch party is scheduled. /watchparty create makes one.")
        return builder.build()
    lines: list[str] = []
    for party in parties:
        line = party_line(party)
        if sum(len(x) + 1 for x in lines) + len(line) > 3800:
            more = len(parties) - len(lines)
            lines.append(
                ngettext("…and {count} more", "…and {count} more", more).format(count=more)
            )
            break
        lines.append(line)
    builder.embed.description = "\n".join(lines)
    builder.footer(zone_note)
    return builder.build()


def created_reply(party: WatchParty, start: datetime, zone_note: str) -> str:
    title = discord.utils.escape_markdown(party.title)
    link = event_link(party.guild_id, party.event_id)
    # Translators: {title} is the event's name, {start} a Discord timestamp, {where} a channel
    # or a place; {link} and {zone_note} go on lines of their own.
    text = _("Scheduled **{title}**: {start} · {where}\n{link}\n{zone_note}")
    return text.format(
        title=title, start=when(start), where=_where(party), link=link, zone_note=zone_note
    )


def premiere_status(setting: PremiereSetting | None) -> str:
    """Whether this server wants a premiere event, and where it stands."""
    if setting is None or not setting.enabled:
        if setting is not None and setting.state == "created":
            return _("Premiere event: off. (One was made before; it is not made again.)")
        return _("Premiere event: off.")
    if setting.state == "created" and setting.event_id:
        link = event_link(setting.guild_id, setting.event_id)
        # Translators: {day} is the release day as 2028-06-04; {link} the event's link.
        text = _("Premiere event: made for the release day {day}: {link}")
        return text.format(day=setting.release_on, link=link)
    text = _(
        "Premiere event: on. When the sequel's stage becomes “Release date set” or “Released”, "
        "an event is made for the release day given by the sources, once."
    )
    if setting.note:
        # Translators: {note} is what the last check found, said in the server's language.
        text += "\n" + _("Last check: {note}").format(note=setting.note)
    return text
