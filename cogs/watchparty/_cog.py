"""/watchparty: watch parties as Discord scheduled events, and the sequel's premiere.

create: a Guild Scheduled Event in a voice or stage channel, or elsewhere (a location, which
Discord requires an end time for); its description is the film's card from the stored excerpts.
list, cancel (autocomplete of this server's parties), premiere (opt in to an event on the
sequel's release day, made once the sources give the date). Members with Manage Events only, by
default; servers that added the bot only.

Replies are in the member's language; an event's name (the default one) and description are in
the server's (/settings language:, else Discord's), since the whole server reads them.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, timedelta
from typing import Any

import discord
import msgspec
from discord import Interaction, app_commands
from discord.ext import commands

from bot.client import HeroesBot
from bot.errors import UserFacingError
from bot.i18n import _, use_locale
from bot.policy import guild_of, in_guild, server_only
from bot.replies import choice
from bot.server_locale import server_locale
from bot.store import FILM_KEY, NewWatchParty, WorkCard, parse_iso
from bot.store import WatchParty as StoredParty

from ._permissions import missing_event_permissions
from ._premiere import PremiereWorker
from ._render import created_reply, list_card, party_description, premiere_status
from ._times import parse_start
from ._zone import server_zone

# How long before the kept event a retry's twin can have been made (discord.py's retries of a
# 5xx take seconds).
RETRY_WINDOW = timedelta(minutes=1)

log = logging.getLogger(__name__)


def _made_at(event: discord.ScheduledEvent) -> datetime:
    return discord.utils.snowflake_time(event.id)


EventChannel = discord.VoiceChannel | discord.StageChannel


def _where_problem(channel: EventChannel | None, location: str | None) -> str | None:
    if channel is None and not location:
        return _("Choose a voice or stage channel, or type a location for an event elsewhere.")
    if channel is not None and location:
        return _("Choose a channel or a location, not both.")
    return None


def _plain(text: str | None) -> str | None:
    """Typed text with its runs of spaces made one; None when nothing is left."""
    return " ".join((text or "").split()) or None


def discord_refused(exc: discord.HTTPException) -> str:
    if isinstance(exc, discord.Forbidden):
        return _(
            "Not scheduled: Discord refused, a permission is missing (Manage Events in this "
            "server; in a voice channel View Channel and Connect; in a stage channel Manage "
            "Channels, Mute Members and Move Members)."
        )
    # Translators: {status} is Discord's HTTP status code, e.g. 503.
    return _("Not scheduled: Discord refused the event ({status}). Nothing was stored.").format(
        status=exc.status
    )


async def _create_event(
    guild: discord.Guild, draft: NewWatchParty, channel: EventChannel | None, description: str
) -> discord.ScheduledEvent:
    common: dict[str, Any] = {
        "name": draft.title,
        "start_time": draft.starts_at,
        "end_time": draft.ends_at,
        "privacy_level": discord.PrivacyLevel.guild_only,
        "description": description,
    }
    if channel is not None:
        return await guild.create_scheduled_event(channel=channel, **common)
    return await guild.create_scheduled_event(
        entity_type=discord.EntityType.external, location=draft.location or "", **common
    )


class WatchParty(commands.Cog):
    watchparty = server_only(
        app_commands.Group(
            name="watchparty",
            description="Watch parties as Discord events in this server",
            default_permissions=discord.Permissions(manage_events=True),
        )
    )

    def __init__(self, bot: HeroesBot) -> None:
        self.bot = bot
        self.premieres = PremiereWorker(
            bot.store, bot, clock=bot.clock, wait_ready=bot.wait_until_ready
        )

    async def cog_load(self) -> None:
        sequel = self.bot.get_cog("Sequel")
        worker = getattr(sequel, "worker", None)
        if worker is not None:  # woken after each pass of the sequel's news (a stage change)
            self.premieres.follow(worker.after_each_pass)
        self.premieres.start()

    async def cog_unload(self) -> None:
        await self.premieres.stop()

    @watchparty.command(name="create")
    @app_commands.describe(
        start="When: YYYY-MM-DD HH:MM (24-hour) in this server's timezone, or a Discord timestamp",
        title="The event's name (default: Watch party: <the film>)",
        channel="A voice or stage channel to watch in",
        location="Or a place elsewhere (a link, a cinema); Discord then needs an end time",
        hours="How long it lasts, in hours (default 2)",
    )
    async def create(
        self,
        interaction: Interaction,
        start: app_commands.Range[str, 1, 40],
        title: app_commands.Range[str, 1, 100] | None = None,
        channel: EventChannel | None = None,
        location: app_commands.Range[str, 1, 100] | None = None,
        hours: app_commands.Range[int, 1, 24] = 2,
    ) -> None:
        """Schedule a watch party: a Discord event with the film's card as its description."""
        guild = guild_of(interaction)
        title, location = _plain(title), _plain(location)
        zone = await server_zone(self.bot.store, guild.id)
        when = parse_start(start, zone.name, self.bot.clock.now())
        problems = [p for p in (when.problem, _where_problem(channel, location)) if p]
        if not problems and (lacking := missing_event_permissions(guild.me, channel)):
            problems = [lacking]
        if problems or when.moment is None:
            # Translators: followed by the reasons, one per line.
            heading = _("Not scheduled:")
            raise UserFacingError("\n".join([heading, *(f"• {p}" for p in problems)]))
        card = await self.bot.store.work_card(FILM_KEY)
        if card is None:
            raise UserFacingError(_("The store knows nothing about the film yet."))
        with use_locale(await server_locale(self.bot, guild.id)):  # read by the whole server
            default_title = _("Watch party: {film}").format(film=card.work.display_title)
            description = await self._description(card)
        draft = NewWatchParty(
            guild.id,
            0,  # Discord's id, once it has made the event
            title or default_title[:100],
            when.moment,
            when.moment + timedelta(hours=hours),
            channel_id=channel.id if channel else None,
            location=location,
            created_by=interaction.user.id,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            event = await _create_event(guild, draft, channel, description)
        except discord.HTTPException as exc:  # checked first; a change in between, say
            log.warning("Discord refused a watch party in server %s: %s", guild.id, exc)
            await interaction.followup.send(discord_refused(exc), ephemeral=True)
            return
        party = await self._store_or_take_down(
            event, msgspec.structs.replace(draft, event_id=event.id)
        )
        await self._drop_retry_twins(guild, event)
        await interaction.followup.send(
            created_reply(party, when.moment, zone.note), ephemeral=True
        )

    async def _description(self, card: WorkCard) -> str:
        """The event's description: the film's card, in the locale in force."""
        return party_description(card, await self.bot.store.cast(FILM_KEY))

    async def _store_or_take_down(
        self, event: discord.ScheduledEvent, party: NewWatchParty
    ) -> StoredParty:
        """Store the party Discord has made; if it can't be stored, its event is deleted again,
        so no event is left that /watchparty list and cancel don't know."""
        try:
            return await self.bot.store.watch_parties.add(party, now=self.bot.clock.now())
        except Exception:
            try:
                await event.delete()
            except discord.HTTPException as exc:
                log.error("watch party event %s not stored nor deleted: %s", event.id, exc)
            raise

    async def _drop_retry_twins(self, guild: discord.Guild, kept: discord.ScheduledEvent) -> None:
        """discord.py retries a create Discord answered with a 5xx, and scheduled events have
        no nonce: if Discord had made the event before the error, the retry made a second one.
        The bot's events with the same name and start, made just before the kept one and not
        stored (no party knows them), are that retry's twin: deleted."""
        try:
            events = await guild.fetch_scheduled_events(with_counts=False)
        except discord.HTTPException as exc:
            log.warning("watch party %s: could not look for a retry's twin: %s", kept.id, exc)
            return
        for event in events:
            twin = (
                event.id != kept.id
                and event.creator_id == kept.creator_id
                and (event.name, event.start_time) == (kept.name, kept.start_time)
                and timedelta(0) <= _made_at(kept) - _made_at(event) <= RETRY_WINDOW
            )
            if twin and await self.bot.store.watch_parties.get(guild.id, event.id) is None:
                log.warning("deleting the retry's twin %s of watch party %s", event.id, kept.id)
                with contextlib.suppress(discord.HTTPException):
                    await event.delete()

    @watchparty.command(name="list")
    async def list_parties(self, interaction: Interaction) -> None:
        """This server's watch parties to come, soonest first."""
        guild = guild_of(interaction)
        parties = await self.bot.store.watch_parties.upcoming(guild.id, after=self.bot.clock.now())
        parties = await self._still_on_discord(guild, parties)
        zone = await server_zone(self.bot.store, guild.id)
        note = _("Times show in your own timezone.") + " " + zone.note
        await interaction.response.send_message(embed=list_card(parties, note), ephemeral=True)

    async def _still_on_discord(
        self, guild: discord.Guild, parties: list[StoredParty]
    ) -> list[StoredParty]:
        """The parties whose event Discord still shows. One deleted, cancelled or ended in
        Discord's own interface is marked cancelled here too, so the list says what Discord
        shows; Discord out of reach: the stored list as it is."""
        if not parties:
            return parties
        try:
            events = await guild.fetch_scheduled_events(with_counts=False)
        except discord.HTTPException as exc:
            log.warning("could not read the scheduled events of server %s: %s", guild.id, exc)
            return parties
        on = (discord.EventStatus.scheduled, discord.EventStatus.active)
        live = {event.id for event in events if event.status in on}
        for party in parties:
            if party.event_id not in live:
                await self.bot.store.watch_parties.cancel(
                    guild.id, party.event_id, now=self.bot.clock.now()
                )
        return [party for party in parties if party.event_id in live]

    @watchparty.command(name="cancel")
    @app_commands.describe(party="The watch party to cancel")
    async def cancel(self, interaction: Interaction, party: app_commands.Range[str, 1, 25]) -> None:
        """Cancel one of this server's watch parties (its Discord event too)."""
        guild = guild_of(interaction)
        event_id = int(party) if party.isdigit() else 0
        stored = await self.bot.store.watch_parties.get(guild.id, event_id)
        if stored is None or stored.cancelled_at is not None:
            raise UserFacingError(_("No such watch party to cancel here: pick one from the list."))
        problem = missing_event_permissions(guild.me, None)
        if problem is not None:
            # Translators: {problem} is a sentence saying which permission is missing.
            raise UserFacingError(_("Not cancelled: {problem}").format(problem=problem))
        await interaction.response.defer(ephemeral=True, thinking=True)
        gone = False
        try:
            event = await guild.fetch_scheduled_event(event_id, with_counts=False)
            if event.status in (discord.EventStatus.scheduled, discord.EventStatus.active):
                await (
                    event.end() if event.status is discord.EventStatus.active else event.cancel()
                )
        except discord.NotFound:
            gone = True  # deleted in Discord itself: only the list still had it
        await self.bot.store.watch_parties.cancel(guild.id, event_id, now=self.bot.clock.now())
        title = discord.utils.escape_markdown(stored.title)
        if gone:
            text = _("Cancelled **{title}**. Its Discord event was already deleted.")
        else:
            text = _("Cancelled **{title}**.")
        text = text.format(title=title)
        await interaction.followup.send(text, ephemeral=True)

    @cancel.autocomplete("party")
    async def party_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        guild_id = interaction.guild_id
        if guild_id is None:
            return []
        parties = await self.bot.store.watch_parties.upcoming(guild_id, after=self.bot.clock.now())
        typed = current.casefold().strip()
        choices = []
        for stored in parties:
            label = f"{stored.title} · {parse_iso(stored.starts_at):%Y-%m-%d %H:%M} UTC"
            if typed in label.casefold():
                choices.append(choice(label, str(stored.event_id)))
        return choices[:25]

    @watchparty.command(name="premiere")
    @app_commands.describe(
        enabled="On: an event on the sequel's release day, once the sources give the date"
    )
    async def premiere(self, interaction: Interaction, enabled: bool | None = None) -> None:
        """A premiere event on the sequel's release day (once, when the sources give the date)."""
        guild_id = in_guild(interaction).guild_id
        watch_parties = self.bot.store.watch_parties
        if enabled is not None:
            await watch_parties.set_premiere(
                guild_id, enabled, by=interaction.user.id, now=self.bot.clock.now()
            )
            if enabled:
                self.premieres.wake()
        setting = await watch_parties.premiere(guild_id)
        await interaction.response.send_message(premiere_status(setting), ephemeral=True)
