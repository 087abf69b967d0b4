"""/feeds: the news feeds the bot watches, for the people running it (OWNER_IDS).

/feeds add | list | remove | enable | review | items
    owner-only, in servers and in the bot's DMs; every answer is private. The review of each
    candidate itself is a message with buttons (cogs/feeds/_views.py), sent to the review
    channel (FEEDS_REVIEW_CHANNEL_ID) or to each owner's DMs.
"""

from __future__ import annotations

import logging
from typing import Protocol

from discord import Interaction, app_commands
from discord.ext import commands

from bot.client import HeroesBot
from bot.errors import UserFacingError
from bot.feed_input import (
    DEFAULT_INTERVAL_MIN,
    MAX_INTERVAL_MIN,
    MAX_KEYWORD_CHARS,
    MAX_KEYWORDS,
    MAX_URL_CHARS,
    MIN_INTERVAL_MIN,
    FeedUrlRefused,
    UrlProblem,
    feed_keywords,
    feed_url,
    keywords_fit,
)
from bot.i18n import _, format_number, ngettext
from bot.policy import everywhere, owner_only
from bot.ui.embeds import CHOICE_NAME, shorten

from ._render import feed_state, feeds_embed, items_embed
from ._views import ReviewButton, ReviewDesk, StageSelect

log = logging.getLogger(__name__)

ITEMS_LIMIT = 20
SUGGESTIONS = 25  # Discord shows at most 25 autocomplete choices


IntervalMinutes = app_commands.Range[int, MIN_INTERVAL_MIN, MAX_INTERVAL_MIN]


class Watcher(Protocol):
    """What the cog needs of the feed watcher (cogs/feeds/_service.py)."""

    def start(self) -> None: ...

    async def stop(self) -> None: ...

    def wake(self) -> None: ...


class Feeds(commands.Cog):
    feeds = everywhere(
        app_commands.Group(
            name="feeds",
            description="The news feeds the bot watches for sequel news (bot owners)",
        )
    )

    def __init__(self, bot: HeroesBot, desk: ReviewDesk, watcher: Watcher) -> None:
        self.bot = bot
        self.desk = desk
        self.watcher = watcher

    async def cog_load(self) -> None:
        # Review messages sent before a restart keep their buttons (matched by custom_id).
        self.bot.add_dynamic_items(ReviewButton, StageSelect)
        self.watcher.start()

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ReviewButton, StageSelect)
        await self.watcher.stop()

    @feeds.command(name="add")
    @owner_only()
    @app_commands.describe(
        url="The feed's address: an RSS or Atom feed (https://…)",
        keywords="Optional: comma-separated words that make an item a candidate "
        "(default: title, sequel words)",
        interval="Minutes between polls (default 15)",
        trusted="Trusted: with FEEDS_AUTO_PUBLISH on, its candidates are published unreviewed",
    )
    async def add(
        self,
        interaction: Interaction,
        url: app_commands.Range[str, 1, MAX_URL_CHARS],
        keywords: str | None = None,
        interval: IntervalMinutes = DEFAULT_INTERVAL_MIN,
        trusted: bool = False,
    ) -> None:
        """Watch a news feed (RSS or Atom) for sequel news (bot owners)."""
        address = checked_feed_url(url)
        words = parse_keywords(keywords)
        try:
            feed = await self.bot.store.feeds.add_feed(
                address,
                keywords=words,
                interval_s=interval * 60,
                trusted=trusted,
                added_by=interaction.user.id,
                now=self.bot.clock.now(),
            )
        except ValueError:
            raise UserFacingError(_("This feed is already watched: see /feeds list.")) from None
        log.info("feed #%s added by %s", feed.id, interaction.user.id)
        self.watcher.wake()  # its first poll now, not at the loop's next wake-up
        text = _("Watching feed #{number}. Its first poll starts now.").format(number=feed.id)
        await interaction.response.send_message(f"{text}\n{feed_state(feed)}", ephemeral=True)

    @feeds.command(name="list")
    @owner_only()
    async def list_feeds(self, interaction: Interaction) -> None:
        """Every watched feed: its state, schedule and last error (bot owners)."""
        feeds = await self.bot.store.feeds.feeds()
        await interaction.response.send_message(embed=feeds_embed(feeds), ephemeral=True)

    @feeds.command(name="remove")
    @owner_only()
    @app_commands.describe(feed="The feed to stop watching")
    async def remove(self, interaction: Interaction, feed: int) -> None:
        """Stop watching a feed; the items it served stay, so they are never queued again."""
        if await self.bot.store.feeds.remove_feed(feed):
            log.info("feed #%s removed by %s", feed, interaction.user.id)
            text = _("Feed #{number} is no longer watched.").format(number=feed)
        else:
            text = _("No feed #{number}: see /feeds list.").format(number=feed)
        await interaction.response.send_message(text, ephemeral=True)

    @feeds.command(name="enable")
    @owner_only()
    @app_commands.describe(feed="The disabled feed to poll again")
    async def enable(self, interaction: Interaction, feed: int) -> None:
        """Poll a disabled feed again, starting now (bot owners)."""
        enabled = await self.bot.store.feeds.enable_feed(feed, now=self.bot.clock.now())
        if enabled is None:
            text = _("No feed #{number}: see /feeds list.").format(number=feed)
            await interaction.response.send_message(text, ephemeral=True)
            return
        log.info("feed #%s enabled by %s", feed, interaction.user.id)
        self.watcher.wake()
        text = _("Feed #{number} is watched again; it is polled now.").format(number=feed)
        await interaction.response.send_message(f"{text}\n{feed_state(enabled)}", ephemeral=True)

    @remove.autocomplete("feed")
    @enable.autocomplete("feed")
    async def feed_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        # Autocomplete runs no checks: feed addresses are shown to owners only.
        if not await self.bot.is_owner(interaction.user):
            return []
        wanted = current.strip().lower()
        choices = []
        for feed in await self.bot.store.feeds.feeds():
            name = f"#{feed.id} · {feed.title or feed.url}"
            if wanted and wanted not in name.lower() and wanted not in feed.url.lower():
                continue
            choices.append(app_commands.Choice(name=shorten(name, CHOICE_NAME), value=feed.id))
        return choices[:SUGGESTIONS]

    @feeds.command(name="review")
    @owner_only()
    async def review(self, interaction: Interaction) -> None:
        """Send the review message of every candidate still waiting again (bot owners)."""
        pending = await self.bot.store.feeds.pending_review()
        # Answered first: sending each review message may take longer than Discord's 3 s.
        await interaction.response.defer(ephemeral=True, thinking=True)
        for item in pending:
            feed = await self.bot.store.feeds.feed(item.feed_id) if item.feed_id else None
            await self.desk.notify(item, feed)
        if not pending:
            text = _("No item is waiting for review.")
        else:
            text = ngettext(
                "Sent {count} item waiting for review again.",
                "Sent {count} items waiting for review again.",
                len(pending),
            ).format(count=format_number(len(pending)))
        await interaction.followup.send(text, ephemeral=True)

    @feeds.command(name="items")
    @owner_only()
    async def items(self, interaction: Interaction) -> None:
        """The newest items read from the feeds, skipped ones with the reason (bot owners)."""
        recent = await self.bot.store.feeds.items(limit=ITEMS_LIMIT)
        await interaction.response.send_message(embed=items_embed(recent), ephemeral=True)


def checked_feed_url(raw: str) -> str:
    """The feed's address as stored (cogs/feeds/_input.py: the rules `feeds add` applies too)."""
    try:
        return feed_url(raw)
    except FeedUrlRefused as refused:
        if refused.problem is UrlProblem.NO_HOST:
            raise UserFacingError(_("This link has no website in it.")) from None
        if refused.problem is UrlProblem.CREDENTIALS:
            raise UserFacingError(
                _("Give the feed's address without a user name or password: it is shown to owners.")
            ) from None
        raise UserFacingError(
            _("A feed's address is an http:// or https:// link, like https://example.com/feed.")
        ) from None


def parse_keywords(raw: str | None) -> tuple[str, ...]:
    """'sequel, Heroes 2' -> ('sequel', 'Heroes 2'); empty: the default keywords."""
    words = feed_keywords(raw)
    if not keywords_fit(words):
        text = _("Keywords: at most {count} words or phrases of {length} characters each.")
        raise UserFacingError(text.format(count=MAX_KEYWORDS, length=MAX_KEYWORD_CHARS))
    return words


__all__ = ["Feeds", "Watcher", "checked_feed_url", "parse_keywords"]
