"""Premiere events: once the sequel's stage is "release date set" or "released", every server
that opted in (/watchparty premiere on) gets one scheduled event for the release day, once ever.

Once: the server's row is claimed before Discord is called and settled with the event in one
transaction (bot/store/_watchparty.py), and a claim a crash left behind is taken again only once
stale, after looking on Discord for the event it may have made (the bot's own event with the
premiere's name), so a restart never makes a second one. No date in the sources, or a date that
has come: no event; the reason is stored and shown by /watchparty premiere.

Everything a premiere event says (its name, place and description) and the reasons stored for
/watchparty premiere are in the server's language (/settings language:, else Discord's), since
the whole server reads them: each server's premiere is named and told in its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import discord
import msgspec

from bot.background import BackgroundLoop
from bot.clock import Clock, wait_for_event
from bot.i18n import LOCALES, N_, _, format_date, use_locale
from bot.server_locale import chosen_locale
from bot.store import FILM_KEY, SEQUEL_KEY, NewWatchParty, Store, WorkCard

from ._permissions import missing_event_permissions
from ._release import PREMIERE_STAGES, ReleaseDate, release_date
from ._render import premiere_description
from ._zone import server_zone

log = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=2)
# Translators: the place of the premiere event (Discord shows it as the event's location).
LOCATION = N_("Release day (the description quotes the source)")


class Premiere(msgspec.Struct, frozen=True):
    title: str  # the event's name, in the server's language
    release: ReleaseDate
    # Its name in every language the bot speaks: an event an earlier pass made is recognised
    # even if the server changed its language since (else a second event would be made).
    names: frozenset[str] = frozenset()


async def due_premiere(store: Store) -> Premiere | None:
    """The premiere the stored sources call for now, or None (the stage is not there yet)."""
    history = await store.tracker.stage_history()
    if not history or history[0].stage not in PREMIERE_STAGES:
        return None
    card = await store.work_card(SEQUEL_KEY)
    names = set()
    for locale in LOCALES:
        with use_locale(locale):
            names.add((await _premiere_name(store, card))[:100])
    title = (await _premiere_name(store, card))[:100]
    return Premiere(title, release_date(card, history), frozenset({title, *names}))


async def _premiere_name(store: Store, card: WorkCard | None) -> str:
    """The premiere event's name: the sequel's title, or while it has none, the film's."""
    if card is not None and card.work.title is None:
        film = await store.work(FILM_KEY)
        if film is not None:
            # Translators: a premiere event's name; {film} is the first film's title.
            return _("Premiere: the sequel to {film}").format(film=film.display_title)
    if card is None:
        return _("Premiere: the sequel")
    # Translators: a premiere event's name; {title} is the sequel's title.
    return _("Premiere: {title}").format(title=card.work.display_title)


class PremiereWorker(BackgroundLoop):
    """Makes the premiere events that are due: at start, when woken (after each pass of the
    sequel's delivery worker; without one, every `interval` seconds)."""

    name = "watchparty-premieres"

    def __init__(
        self,
        store: Store,
        client: discord.Client,
        *,
        clock: Clock,
        interval: float | None = 300.0,
        wait_ready: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(wait_ready=wait_ready)
        self.store = store
        self.client = client
        self.clock = clock
        self.interval = interval
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()

    def wake(self) -> None:
        self._wake.set()

    def follow(self, after_each_pass: Callable[[Callable[[], None]], None]) -> None:
        """Be woken after each pass of the sequel's delivery worker (at start, at every new
        update, and every 30 s for other processes' writes): then no timer of its own."""
        after_each_pass(self.wake)
        self.interval = None

    async def loop(self) -> None:
        while not self.client.is_closed():
            self._wake.clear()
            try:
                async with self.one_pass():
                    await self.run_once()
            except Exception:
                log.exception("premiere pass failed")
            if self.interval is None:
                await self._wake.wait()
            else:
                await wait_for_event(self.clock, self._wake, self.interval)

    async def run_once(self) -> int:
        """One pass; returns how many premiere events it made."""
        async with self._lock:
            # The opt-ins first: a pass runs every 30 s, and most find none waiting here, so
            # the sequel's card and history are read only when a server here awaits its event.
            stale_before = self.clock.now() - STALE_CLAIM
            due = await self.store.watch_parties.premieres_due(stale_before=stale_before)
            # Another shard's server, or one the bot left, is not this process's.
            guilds = [g for s in due if (g := self.client.get_guild(s.guild_id)) is not None]
            made = 0
            for guild in guilds:
                with use_locale(await self._locale_of(guild)):
                    premiere = await due_premiere(self.store)  # named in the server's language
                    if premiere is None:  # the stage is not there yet: for no server
                        return made
                    made += await self._premiere_for(guild, premiere)
            return made

    async def _locale_of(self, guild: discord.Guild) -> str:
        """The language of the server's posts: /settings language:, else Discord's."""
        chosen = (await self.store.settings.get(guild.id)).language
        return chosen_locale(chosen, guild.preferred_locale)

    async def _premiere_for(self, guild: discord.Guild, premiere: Premiere) -> int:
        watch_parties, now = self.store.watch_parties, self.clock.now()
        release = premiere.release
        if release.day is None:
            note = release.why
            await watch_parties.premiere_not_made(guild.id, note, no_date=True, now=now)
            return 0
        zone = await server_zone(self.store, guild.id)
        start = datetime.combine(release.day, time(0, 0), ZoneInfo(zone.name)).astimezone(UTC)
        if start <= now:
            note = _("No premiere event: the release date {day} in the sources has come.").format(
                day=format_date(release.day)
            )
            await watch_parties.premiere_not_made(guild.id, note, no_date=True, now=now)
            return 0
        problem = missing_event_permissions(guild.me, None)
        if problem is not None:  # said, and tried again at each pass until it is granted
            # Translators: {problem} is a sentence saying which permission is missing.
            note = _("No premiere event yet: {problem}").format(problem=problem)
            await watch_parties.note_premiere(guild.id, note, now=now)
            return 0
        if not await watch_parties.claim_premiere(
            guild.id, now=now, stale_before=now - STALE_CLAIM
        ):
            return 0
        try:
            event = await self._existing(guild, premiere) or await guild.create_scheduled_event(
                name=premiere.title,
                start_time=start,
                end_time=start + timedelta(days=1),
                entity_type=discord.EntityType.external,
                privacy_level=discord.PrivacyLevel.guild_only,
                location=_(LOCATION),
                description=premiere_description(premiere.title, release),
            )
            await self._drop_duplicates(guild, premiere, keep=event.id)
        except discord.HTTPException as exc:
            log.warning("premiere event for server %s not made: %s", guild.id, exc)
            # Translators: {status} is Discord's HTTP status code, e.g. 503.
            note = _(
                "Discord refused the premiere event ({status}); it is tried again later."
            ).format(status=exc.status)
            await watch_parties.premiere_not_made(guild.id, note, no_date=False, now=now)
            return 0
        party = NewWatchParty(
            guild.id,
            event.id,
            premiere.title,
            start,
            start + timedelta(days=1),
            location=_(LOCATION),
            kind="premiere",
        )
        await watch_parties.premiere_created(party, release.day.isoformat(), now=self.clock.now())
        return 1

    async def _ours(self, guild: discord.Guild, premiere: Premiere) -> list[discord.ScheduledEvent]:
        """The bot's own events in the server with the premiere's name (in any language),
        oldest first."""
        me = self.client.user
        events = await guild.fetch_scheduled_events(with_counts=False)
        mine = [e for e in events if me is not None and e.creator_id == me.id]
        return sorted((e for e in mine if e.name in premiere.names), key=lambda e: e.id)

    async def _existing(
        self, guild: discord.Guild, premiere: Premiere
    ) -> discord.ScheduledEvent | None:
        """The premiere event an earlier pass may already have made (its answer lost, or a
        crash before it was stored): looked for before every create, premieres being rare."""
        ours = await self._ours(guild, premiere)
        return ours[0] if ours else None

    async def _drop_duplicates(self, guild: discord.Guild, premiere: Premiere, keep: int) -> None:
        """discord.py retries a create Discord answered with a 5xx, and scheduled events have no
        nonce: if an answer was lost after Discord made the event, the retry made another.
        Every premiere event of the bot but the one kept is deleted."""
        for event in await self._ours(guild, premiere):
            if event.id != keep:
                log.warning("deleting duplicate premiere event %s in server %s", event.id, guild.id)
                await event.delete()
