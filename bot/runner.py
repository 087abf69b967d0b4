"""Starting the bot: the one path both `main()` and the emulator-driven tests and sandbox use."""

from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import aiohttp
import discord
from msgspec.structs import replace

from bot.client import HeroesBot, create_bot
from bot.clock import Clock, SystemClock, wait_for_event
from bot.config import Config
from bot.sd_notify import ServiceNotifier
from bot.seed import load_seed, seed_digest
from bot.shutdown import StopRequest
from bot.store import Store, open_store
from bot.sync import SyncMode

log = logging.getLogger(__name__)

# Failures that say Discord cannot be reached right now (DNS, refused or reset connections,
# timeouts, a 5xx answer), worth waiting out. A refused token (LoginFailure) is not one of them.
UNREACHABLE = (aiohttp.ClientError, OSError, discord.DiscordServerError)
RETRY_BASE = 2.0  # seconds before the first retry (1-2 s with jitter), doubling...
RETRY_CAP = 60.0  # ...up to a minute between attempts


def reconnect_delay(attempt: int, *, jitter: float) -> float:
    """Seconds before retry `attempt` (1, 2, ...): exponential, capped, with "equal jitter"
    (`jitter` in [0, 1)) so many bots cut off by the same outage do not all return at once."""
    step = min(RETRY_CAP, RETRY_BASE * 2 ** (attempt - 1))
    return step / 2 + step / 2 * jitter


def describe_unreachable(exc: BaseException) -> str:
    if isinstance(exc, discord.DiscordServerError):
        reason = getattr(exc.response, "reason", None) or "server error"
        return f"Discord answered {exc.status} {reason}"
    return str(exc) or type(exc).__name__


@asynccontextmanager
async def seeded_store(
    settings: Config, *, report_level: int = logging.INFO
) -> AsyncIterator[Store]:
    """Open and migrate the database, then apply the seed (idempotent) unless this very seed was
    applied to this schema already (its files' hash, stored with the last apply): an unchanged
    seed is neither parsed nor applied again, and an edited seed or a migration re-applies it.

    The seed's one-line report is INFO for the bot; the command line passes DEBUG, so a user
    running `heroes-bot news ...` sees only the answer.
    """
    digest = seed_digest()
    async with open_store(settings.database_target) as store:
        if await store.seeding.is_applied(digest):
            log.log(report_level, "seed: unchanged since it was last applied; not applied again")
        else:
            report = await store.seeding.apply(load_seed(), digest=digest)
            log.log(
                report_level,
                "seed: %d added, %d updated, %d unchanged, %d kept as edited",
                report.added,
                report.updated,
                report.unchanged,
                report.kept,
            )
        yield store


async def run_bot(
    settings: Config,
    *,
    sync: SyncMode = SyncMode.AUTO,
    on_bot: Callable[[HeroesBot], None] | None = None,
    clock: Clock | None = None,
    jitter: Callable[[], float] = random.random,
    install_signal_handlers: bool = False,
) -> None:
    """Run the bot until it is closed. `on_bot` receives the bot before it connects.

    While Discord cannot be reached at login (no network, DNS, a 5xx answer), each attempt logs
    one line and the next comes after a capped, jittered backoff; cancelling (Ctrl-C) during
    the wait just ends. Each attempt uses a new bot (a failed login leaves discord.py's HTTP
    session closed), so `on_bot` is called again. Once logged in, discord.py's own reconnect
    logic keeps the gateway connected. `clock` is the bot's (HeroesBot's default when None),
    and the wait between attempts is on it.

    With `install_signal_handlers` (main() does; tests opt in), SIGTERM and SIGINT stop the bot
    cleanly (bot/shutdown.py) and this returns; a stop during the wait between attempts ends it.
    """
    token = settings.require_token()
    stop = StopRequest()
    # Does nothing outside systemd.
    systemd = ServiceNotifier(clock or SystemClock(), stopping=stop.event)
    async with systemd.watchdog(), seeded_store(settings) as store:
        handlers = stop.on_signals() if install_signal_handlers else contextlib.nullcontext()
        with handlers:
            attempt = 0
            while not stop.requested:
                bot = create_bot(settings, store, sync=sync, clock=clock)
                stop.bot = bot
                systemd.watch(bot)
                if on_bot is not None:
                    on_bot(bot)
                async with bot:
                    try:
                        await bot.login(token.reveal())
                    except UNREACHABLE as exc:
                        failure: BaseException = exc
                    else:
                        await bot.connect()
                        await stop.finished()  # before the database closes
                        return
                attempt += 1
                delay = reconnect_delay(attempt, jitter=jitter())
                problem = f"can't reach Discord: {describe_unreachable(failure)}"
                log.warning("%s, retrying in %.0f s", problem, delay)
                systemd.send(f"STATUS={problem}, retrying")
                await wait_for_event(bot.clock, stop.event, delay)


async def sync_once(settings: Config) -> str:
    """Log in over HTTP only, force a command sync, and return what happened."""
    token = settings.require_token()
    # A one-off beside a running bot: it must not take the bot's metrics port (it would fail
    # as "already in use") nor start a backup loop it would close at once.
    settings = replace(settings, metrics_addr=None, backup_dir=None)
    async with seeded_store(settings) as store:
        bot = create_bot(settings, store, sync=SyncMode.FORCE)
        async with bot:
            await bot.login(token.reveal())  # setup_hook runs here and syncs
        return bot.sync_outcome.value if bot.sync_outcome else "not synced"
