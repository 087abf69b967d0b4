"""The Bot subclass: owns the store and settings, loads extensions and syncs commands."""

from __future__ import annotations

import asyncio
import gc
import logging
import pkgutil
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

import cogs
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.departed import forget_departed
from bot.heartbeat import HeartbeatLoop, start_heartbeat
from bot.i18n import HeroesTranslator
from bot.invite import invite_url, user_install_url
from bot.owners import application_owners
from bot.store import Store
from bot.sync import SyncMode, SyncOutcome, sync_commands
from bot.tree import HeroesTree

if TYPE_CHECKING:
    from bot.backups import DailyBackups
    from bot.metrics import AckTrace, BotMetrics

log = logging.getLogger(__name__)

# How long the application's team, as read from Discord, decides who the owners are: a member
# the team removes or makes read-only loses owner-only commands within this many seconds.
OWNERS_FRESH_FOR = 300.0
# A re-read slower than this keeps the last answer (an owner command answers within 3 s).
OWNERS_REREAD_TIMEOUT = 1.5


def discover_extensions() -> list[str]:
    """Every module or package directly under cogs/, e.g. 'cogs.cast'."""
    return sorted(
        f"cogs.{module.name}"
        for module in pkgutil.iter_modules(cogs.__path__)
        if not module.name.startswith("_")
    )


def bot_intents() -> discord.Intents:
    """Guilds only: no privileged intent (members, presences, message content) is needed."""
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


class HeroesBot(commands.Bot):
    def __init__(
        self,
        settings: Config,
        store: Store,
        *,
        sync: SyncMode = SyncMode.AUTO,
        clock: Clock | None = None,
        **client_options: Any,
    ) -> None:
        # The bot never joins voice, so discord.py's start-up warnings about its optional voice
        # libraries (PyNaCl, davey) would only alarm the person running it.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        # METRICS_ADDR: discord.py's public `http_trace` sees each interaction's answer request,
        # which times its acknowledgement (bot/metrics/_ack.py). Otherwise nothing is traced.
        self.ack_trace: AckTrace | None = None
        if settings.metrics_addr is not None:  # imported only then, as in setup_hook
            from bot.metrics import AckTrace

            self.ack_trace = AckTrace()
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=bot_intents(),
            tree_cls=HeroesTree,
            # Nothing the bot echoes may ever ping anyone, in any reply.
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=settings.guild_ready_timeout,
            owner_ids=set(settings.owner_ids) or None,
            http_trace=self.ack_trace,
            **client_options,
        )
        self.config = settings
        self.store = store
        self.sync_mode = sync
        self.sync_outcome: SyncOutcome | None = None
        # The one clock every cog, service and view reads time and waits through (bot/clock.py).
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.started_at = self.clock.monotonic()
        self._frozen = False
        # Shards whose READY guild list is fully loaded (sharded bots); see guild_list_complete.
        self._complete_shards: set[int] = set()
        # Set once the check for servers that removed the bot while it was offline has run.
        self.departed_checked = asyncio.Event()
        self.departed: list[int] | None = None
        self._owners_read_at: float | None = None
        self._owners_lock = asyncio.Lock()
        # Prometheus metrics (bot/metrics/), once setup_hook started them; None: METRICS_ADDR
        # is not set. bot/log_context.py reports each interaction to them.
        self.metrics: BotMetrics | None = None

    async def setup_hook(self) -> None:
        if self.config.metrics_addr is not None:
            # Imported only here: a bot without METRICS_ADDR never loads prometheus_client.
            from bot.metrics import start_metrics

            # First: an address in use stops the start before anything else is done.
            self.metrics = await start_metrics(self, self.config.metrics_addr)
        # Command names, descriptions and options in every language the catalogs hold.
        await self.tree.set_translator(HeroesTranslator())
        for extension in discover_extensions():
            await self.load_extension(extension)
        log.info("loaded %d extensions", len(self.extensions))
        await self._resolve_owners()
        if self.sync_mode is not SyncMode.OFF:
            self.sync_outcome = await sync_commands(self, force=self.sync_mode is SyncMode.FORCE)
        if self.application_id is not None:
            log.info("invite link: %s", invite_url(self.application_id))
            log.info("user install link: %s", user_install_url(self.application_id))
        # `heroes-bot health` reads it (bot/heartbeat.py); it starts once the bot is ready.
        self.heartbeat = start_heartbeat(self) if self.config.heartbeat else None
        self.backups: DailyBackups | None = None
        if self.config.backup_dir is not None:  # BACKUP_DIR: daily backups (bot/backups.py)
            from bot.backups import start_backups  # only then: most bots never load it

            self.backups = start_backups(self)

    async def close(self) -> None:
        # The heartbeat first: a closing bot must not write "alive" once more, nor wait on its
        # clock while it closes.
        heartbeat: HeartbeatLoop | None = getattr(self, "heartbeat", None)
        if heartbeat is not None:
            await heartbeat.stop()
        if getattr(self, "backups", None) is not None:
            from bot.backups import finish_backups

            await finish_backups(self)  # a backup under way ends whole
        await super().close()
        if self.metrics is not None:
            await self.metrics.stop()
            self.metrics = None

    async def _resolve_owners(self, app: discord.AppInfo | None = None) -> None:
        """OWNER_IDS wins; otherwise the application's owner, or its team's accepted admins and
        developers (bot/owners.py), as Discord reports them."""
        if self.config.owner_ids:
            return
        app = app or self.application
        if app is None:
            return
        self.owner_ids = set(application_owners(app))
        self._owners_read_at = self.clock.monotonic()

    async def is_owner(self, user: discord.abc.User) -> bool:
        # Never reach discord.py's own fallback: with no owner resolved it re-reads the
        # application and counts team members whose invitation is still pending.
        if not self.owner_ids:
            await self._resolve_owners()
        if self._owners_stale():
            # One re-read at a time: simultaneous owner commands wait for it instead of each
            # asking Discord.
            async with self._owners_lock:
                if self._owners_stale():
                    await self._reread_owners()
        return user.id in (self.owner_ids or ())

    def _owners_stale(self) -> bool:
        read_at = self._owners_read_at
        return read_at is not None and self.clock.monotonic() - read_at > OWNERS_FRESH_FOR

    async def _reread_owners(self) -> None:
        """The team changes without a restart: read it again. The last answer stands, for
        another OWNERS_FRESH_FOR, if Discord can't be asked now or is slow: the command waiting
        on this (a form, which can't be deferred) must answer within Discord's 3 seconds."""
        fetch = asyncio.ensure_future(self.application_info())
        timer = asyncio.ensure_future(self.clock.sleep(OWNERS_REREAD_TIMEOUT))
        await asyncio.wait({fetch, timer}, return_when=asyncio.FIRST_COMPLETED)
        timer.cancel()
        if not fetch.done():
            fetch.cancel()
            problem: object = f"no answer within {OWNERS_REREAD_TIMEOUT:g} s"
        elif isinstance(fetch.exception(), discord.HTTPException):
            problem = fetch.exception()
        else:
            await self._resolve_owners(fetch.result())
            return
        log.warning("could not re-read the application's owners: %s", problem)
        self._owners_read_at = self.clock.monotonic()

    async def on_shard_connect(self, shard_id: int) -> None:
        # A new session: this shard's guild list is being rebuilt from its READY.
        self._complete_shards.discard(shard_id)

    async def on_shard_ready(self, shard_id: int) -> None:
        self._complete_shards.add(shard_id)

    @property
    def complete_shards(self) -> frozenset[int]:
        return frozenset(self._complete_shards)

    def guild_list_complete(self) -> bool:
        """Whether `guilds` is every server of every shard this process runs."""
        if not self.is_ready():
            return False
        settings = self.config
        if settings.shard_count is None:
            return True
        owned = range(settings.shard_count) if settings.shard_ids is None else settings.shard_ids
        return set(owned) <= self._complete_shards

    async def on_ready(self) -> None:
        user = self.user
        log.info(
            "ready as %s (id %s) in %d servers, %.2fs after start",
            user,
            user.id if user else "?",
            len(self.guilds),
            self.clock.monotonic() - self.started_at,
        )
        if not self._frozen:
            # What exists once ready (modules, the command tree, the guild cache) lives as long
            # as the process: moving it out of the collector's generations keeps every later
            # collection from walking it again, shortening the pauses behind tail latency
            # (BENCHMARKS.md). The young generations are collected first so their garbage is
            # not kept. Not a full collection: at ready it found the same ~100 unreachable
            # objects as this one, after walking all ~63,000 for ~60 ms of CPU (issue 14).
            self._frozen = True
            gc.collect(1)
            gc.freeze()
        # Servers that removed the bot while it was offline sent no GUILD_DELETE: forget them
        # now that the server list is complete (bot/departed.py says when it is).
        try:
            self.departed = await forget_departed(self)
        finally:
            self.departed_checked.set()


class ShardedHeroesBot(HeroesBot, commands.AutoShardedBot):
    """The same bot over several gateway shards in one process (SHARD_COUNT / SHARD_IDS)."""


def create_bot(
    settings: Config, store: Store, *, sync: SyncMode = SyncMode.AUTO, clock: Clock | None = None
) -> HeroesBot:
    """A plain bot, or an auto-sharded one when SHARD_COUNT is set."""
    if not settings.sharded:
        return HeroesBot(settings, store, sync=sync, clock=clock)
    return ShardedHeroesBot(
        settings,
        store,
        sync=sync,
        clock=clock,
        shard_count=settings.shard_count,
        shard_ids=list(settings.shard_ids) if settings.shard_ids is not None else None,
    )
