"""/feeds and the feed watcher: news feeds polled in the background, their candidates
reviewed by the owners (or published automatically from trusted feeds with FEEDS_AUTO_PUBLISH),
then broadcast as sequel updates through the sequel tracker's delivery.

The public face other packages use: the watcher (the CLI's `heroes-bot feeds`), the review
message and its buttons."""

from __future__ import annotations

from bot.client import HeroesBot

from ._cog import Feeds, Watcher, checked_feed_url, parse_keywords
from ._modal import EditItemModal
from ._render import feeds_embed, items_embed, review_embed
from ._service import FeedWatcher, PollOutcome, ReviewNotifier, WatcherSettings
from ._views import ReviewButton, ReviewDesk, StageSelect, passage_problem, review_view

__all__ = [
    "EditItemModal",
    "FeedWatcher",
    "Feeds",
    "PollOutcome",
    "ReviewButton",
    "ReviewDesk",
    "ReviewNotifier",
    "StageSelect",
    "Watcher",
    "WatcherSettings",
    "checked_feed_url",
    "feeds_embed",
    "items_embed",
    "parse_keywords",
    "passage_problem",
    "review_embed",
    "review_view",
    "setup",
    "watcher_for",
]


def watcher_for(bot: HeroesBot, desk: ReviewDesk) -> FeedWatcher:
    """The bot's feed watcher: the bot's store, clock and config; candidates to `desk`."""
    config = bot.config
    settings = WatcherSettings(
        auto_publish=config.feeds_auto_publish, max_failures=config.feeds_max_failures
    )
    return FeedWatcher(
        bot.store.feeds,
        desk,
        clock=bot.clock,
        settings=settings,
        # An update published automatically is delivered now, as an owner's Publish is.
        on_published=lambda _update: desk.wake_delivery(),
        wait_ready=bot.wait_until_ready,
    )


async def setup(bot: HeroesBot) -> None:
    desk = ReviewDesk(bot)
    await bot.add_cog(Feeds(bot, desk, watcher_for(bot, desk)))
