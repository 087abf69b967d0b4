"""The quote of the day is read by a whole server: it is posted in the server's language (the
scheduler asks `locale_of` for it), the quote itself as printed; a failure's reason is stored and
logged in English. Marked catalogs (tests/features/marked_catalogs.py) show which language
rendered each string."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from bot.client import HeroesBot
from bot.i18n import use_locale
from bot.store import Store
from cogs.quote_daily import DailyQuoteScheduler, compose_quote, daily_card, first_day
from tests.engines import both_engines
from tests.features.sequel.test_sequel_cog import GUILD
from tests.tracker_fakes import FakeClock, FakePoster

pytestmark = [both_engines, pytest.mark.usefixtures("marked")]

CHANNEL = 321


async def _due_at_midnight(store: Store) -> FakeClock:
    clock = FakeClock(datetime(2025, 1, 10, 0, 30, tzinfo=UTC))
    starts_on = first_day(clock(), "00:00", "UTC").isoformat()
    await store.daily.configure(GUILD, CHANNEL, "00:00", "UTC", starts_on=starts_on, now=clock())
    clock.advance(days=1)
    return clock


def _in(locale: str) -> Callable[[int], Awaitable[str]]:
    """A server language lookup that always answers `locale`."""

    async def locale_of(guild_id: int) -> str:
        return locale

    return locale_of


async def test_the_post_speaks_the_servers_language_the_quote_as_printed(store: Store) -> None:
    clock = await _due_at_midnight(store)
    poster = FakePoster()
    scheduler = DailyQuoteScheduler(
        store, poster, compose_quote, clock=clock, locale_of=_in("pt-BR")
    )
    [pick] = await scheduler.run_due()
    embed = poster.posted[0].message.embed
    assert embed is not None
    quote = await store.quote_by_id(pick.quote_id)
    assert quote is not None
    assert embed.title == f"[pt-BR] Quote of the day — {quote.speaker}"
    assert (embed.footer.text or "").startswith(f"[pt-BR] {pick.day} · quote 1 of ")
    assert quote.excerpt[:60] in (embed.description or "")  # verbatim


async def test_a_failures_reason_is_stored_in_english(store: Store) -> None:
    clock = await _due_at_midnight(store)
    poster = FakePoster(forbidden={CHANNEL})
    scheduler = DailyQuoteScheduler(store, poster, compose_quote, clock=clock, locale_of=_in("fr"))
    await scheduler.run_due()
    config = await store.daily.get(GUILD)
    assert config and config.last_error and "Missing Permissions" in config.last_error
    assert "[fr]" not in config.last_error


async def test_the_day_is_not_spent_when_its_language_cannot_be_read(store: Store) -> None:
    clock = await _due_at_midnight(store)

    async def unreadable(guild_id: int) -> str:
        raise ConnectionError("database away")

    poster = FakePoster()
    failing = DailyQuoteScheduler(store, poster, compose_quote, clock=clock, locale_of=unreadable)
    assert await failing.run_due() == []  # logged; nothing picked, nothing recorded
    assert await store.daily.history(GUILD) == []
    working = DailyQuoteScheduler(store, poster, compose_quote, clock=clock, locale_of=_in("fr"))
    assert len(await working.run_due()) == 1 and len(poster.posted) == 1


async def test_the_cog_posts_in_the_language_chosen_with_settings(bot: HeroesBot) -> None:
    await bot.store.settings.set_language(GUILD, "es-419")
    scheduler = bot.get_cog("QuoteDaily").scheduler  # type: ignore[union-attr]
    assert scheduler.locale_of is not None
    assert await scheduler.locale_of(GUILD) == "es-419"


async def test_the_setting_card_writes_the_last_day_the_readers_way(store: Store) -> None:
    clock = await _due_at_midnight(store)
    await DailyQuoteScheduler(store, FakePoster(), compose_quote, clock=clock).run_due()
    config = await store.daily.get(GUILD)
    with use_locale("pt-BR"):
        card = daily_card(config)
    fields = {field.name: field.value for field in card.fields}
    assert fields["[pt-BR] Last posted"] == "11 de janeiro de 2025"
    assert card.title == "[pt-BR] Quote of the day"
