"""What speaking five languages costs the bot, in this process: a translated lookup, a number
written the locale's way, a whole card rendered in each language (the /sequel status card, not
memoised), and the translated command payload the sync fingerprint is computed from."""

from __future__ import annotations

import asyncio
import tempfile
import time
import timeit
from pathlib import Path
from typing import Any

from bot.client import HeroesBot
from bot.config import Config, Secret
from bot.i18n import LOCALES, _, format_number, use_locale
from bot.seed import load_seed
from bot.store import open_store
from bot.sync import SyncMode, command_payload

LOOKUPS = 200_000
NUMBERS = 20_000
CARDS = 500


def _per_call(function: Any, number: int) -> float:
    return timeit.timeit(function, number=number) / number


async def _card_renderer(bot: HeroesBot) -> Any:
    """The sequel card's render function bound to its inputs, read once from the store (as
    /sequel status reads them), so only rendering is timed."""
    from bot.store import FILM_KEY, SEQUEL_KEY
    from cogs.sequel import sequel_card

    store = bot.store
    card = await store.work_card(SEQUEL_KEY)
    facts = await store.facts(work_key=FILM_KEY)
    history = await store.tracker.stage_history()
    latest = await store.tracker.latest_update()
    return lambda: sequel_card(card, facts, history=history, latest=latest)


async def run_languages(log: Any) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "languages.db"
        settings = Config(token=Secret("bench." + "x" * 60), database_path=path)
        async with open_store(path) as store:
            await store.apply_seed(load_seed())
            bot = HeroesBot(settings, store, sync=SyncMode.OFF)
            await bot.setup_hook()
            try:
                started = time.perf_counter()
                await command_payload(bot)
                first_payload = time.perf_counter() - started
                started = time.perf_counter()
                await command_payload(bot)
                payload = time.perf_counter() - started
                render = await _card_renderer(bot)
                rows = [_measure(locale, render) for locale in LOCALES]
            finally:
                await bot.close()
    for row in rows:
        log(f"languages {row['locale']}: {row}")
    return {
        "rows": rows,
        "payload_first_ms": round(first_payload * 1000, 2),
        "payload_ms": round(payload * 1000, 2),
    }


def _measure(locale: str, render: Any) -> dict[str, Any]:
    with use_locale(locale):
        _("Stage")  # the catalog read before timing
        return {
            "locale": locale,
            "lookup_ns": round(_per_call(lambda: _("Stage"), LOOKUPS) * 1e9),
            "number_us": round(_per_call(lambda: format_number(1234567), NUMBERS) * 1e6, 1),
            "card_us": round(_per_call(render, CARDS) * 1e6, 1),
        }


def main() -> None:  # python -m bench.languages
    print(asyncio.run(run_languages(print)))


if __name__ == "__main__":
    main()
