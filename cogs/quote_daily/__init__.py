"""/quote-daily: one Robert Rodriguez quote a day in a channel, at a time the server chooses."""

from __future__ import annotations

from bot.client import HeroesBot

from ._cog import QuoteDaily
from ._render import compose_quote, daily_card, daily_quote_card
from ._service import (
    PAUSE_AFTER,
    DailyQuoteScheduler,
    first_day,
    next_post_at,
    parse_time,
    parse_timezone,
)
from ._timezones import find_timezone, suggest_timezones

__all__ = [
    "PAUSE_AFTER",
    "DailyQuoteScheduler",
    "QuoteDaily",
    "compose_quote",
    "daily_card",
    "daily_quote_card",
    "find_timezone",
    "first_day",
    "next_post_at",
    "parse_time",
    "parse_timezone",
    "setup",
    "suggest_timezones",
]


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(QuoteDaily(bot))
