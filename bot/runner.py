"""Starting the bot: the one path both `main()` and the emulator-driven tests and sandbox use."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from bot.client import HeroesBot, create_bot
from bot.seed import load_seed
from bot.settings import Settings
from bot.store import Store, open_store

log = logging.getLogger(__name__)


@asynccontextmanager
async def seeded_store(
    settings: Settings, *, report_level: int = logging.INFO
) -> AsyncIterator[Store]:
    """Open and migrate the database, then apply the seed (idempotent).

    The seed's one-line report is INFO for the bot; the command line passes DEBUG, so a user
    running `heroes-bot news ...` sees only the answer.
    """
    seed = load_seed()
    async with open_store(settings.database_path) as store:
        report = await store.apply_seed(seed)
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
    settings: Settings,
    *,
    sync: str = "auto",
    on_bot: Callable[[HeroesBot], None] | None = None,
) -> None:
    """Run the bot until it is closed. `on_bot` receives the bot before it connects."""
    token = settings.require_token()
    async with seeded_store(settings) as store:
        bot = create_bot(settings, store, sync=sync)
        if on_bot is not None:
            on_bot(bot)
        async with bot:
            await bot.start(token.reveal())


async def sync_once(settings: Settings) -> str:
    """Log in over HTTP only, force a command sync, and return what happened."""
    token = settings.require_token()
    async with seeded_store(settings) as store:
        bot = create_bot(settings, store, sync="force")
        async with bot:
            await bot.login(token.reveal())  # setup_hook runs here and syncs
        return bot.sync_outcome.value if bot.sync_outcome else "not synced"
