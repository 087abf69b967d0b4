"""/feeds driven with strict fakes: owners only, adding (checked), listing, removing, enabling,
re-sending the review queue and the recent items."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.client import HeroesBot
from bot.errors import UserFacingError
from cogs.feeds import checked_feed_url, parse_keywords
from tests.commands import invoke
from tests.discord_limits import refused_by_discord
from tests.fakes import FakeInteraction, FakeUser
from tests.features.feeds.test_views import candidate

OWNER, STRANGER = 99, 1001
NOT_OWNER = "Only the people running this bot (OWNER_IDS) can do this."


@pytest.fixture(autouse=True)
def owner(bot: HeroesBot) -> None:
    bot.owner_ids = {OWNER}


def as_owner(guild_id: int | None = None) -> FakeInteraction:
    """An owner's command in the bot's DMs (guild_id None) or in a server."""
    return FakeInteraction(FakeUser(OWNER), guild_id=guild_id)


async def answered(bot: HeroesBot, path: str, interaction: FakeInteraction, **options: Any) -> None:
    """The command run, and a refusal it raises answered by the tree, as discord.py does."""
    try:
        await invoke(bot, path, interaction, **options)
    except UserFacingError as refusal:  # discord.py hands an AppCommandError on unwrapped
        await bot.tree.on_error(interaction, refusal)


async def run(bot: HeroesBot, path: str, interaction: FakeInteraction, **options: Any) -> str:
    await answered(bot, path, interaction, **options)
    sent = interaction.sent[-1]
    assert sent.ephemeral, "every /feeds answer is private"
    return sent.content or ""


def test_the_group_is_declared_for_dms_and_servers(bot: HeroesBot) -> None:
    group = bot.tree.get_command("feeds")
    assert isinstance(group, discord.app_commands.Group)
    assert {c.name for c in group.commands} == {
        "add",
        "list",
        "remove",
        "enable",
        "review",
        "items",
    }
    contexts = group.allowed_contexts
    assert contexts is not None and contexts.dm_channel and contexts.guild


@pytest.mark.parametrize("name", ["add", "list", "remove", "enable", "review", "items"])
async def test_every_command_is_for_owners_only(bot: HeroesBot, name: str) -> None:
    options = {"add": {"url": "https://news.example.com/rss"}, "remove": {"feed": 1}}
    interaction = FakeInteraction(FakeUser(STRANGER))
    await invoke(bot, f"feeds {name}", interaction, **options.get(name, {"feed": 1}))
    assert [s.content for s in interaction.sent] == [NOT_OWNER]
    assert await bot.store.feeds.feeds() == []


async def test_add_list_remove(bot: HeroesBot) -> None:
    text = await run(
        bot,
        "feeds add",
        as_owner(),
        url=" https://News.Example.com/rss ",
        keywords="heroes, sequel ,, heroes",
        interval=30,
        trusted=True,
    )
    assert text.startswith("Watching feed #1. Its first poll starts now.")
    (feed,) = await bot.store.feeds.feeds()
    assert (feed.url, feed.keywords, feed.interval_s, feed.trusted, feed.added_by) == (
        "https://news.example.com/rss",
        ("heroes", "sequel"),
        1800,
        True,
        OWNER,
    )
    again = await run(bot, "feeds add", as_owner(4242), url="https://news.example.com/rss")
    assert again == "This feed is already watched: see /feeds list."

    listing = as_owner()
    await invoke(bot, "feeds list", listing)
    embed = listing.sent[0].embeds[0]
    assert "#1" in embed.fields[0].name and "every 30 minutes" in embed.fields[0].value
    assert refused_by_discord(embed) == []

    assert "no longer watched" in await run(bot, "feeds remove", as_owner(), feed=feed.id)
    assert "No feed #1" in await run(bot, "feeds remove", as_owner(), feed=feed.id)


@pytest.mark.parametrize(
    "url", ["ftp://example.com/feed", "example.com/feed", "https://exa mple.com/", "javascript:x"]
)
async def test_add_refuses_what_is_not_a_web_feed(bot: HeroesBot, url: str) -> None:
    text = await run(bot, "feeds add", as_owner(), url=url)
    assert text.startswith("A feed's address is an http:// or https:// link")
    assert await bot.store.feeds.feeds() == []


def test_feed_urls_and_keywords_are_checked() -> None:
    assert checked_feed_url("https://bücher.example/rss") == "https://xn--bcher-kva.example/rss"
    assert parse_keywords(None) == () and parse_keywords(" , ") == ()
    assert parse_keywords("We  Can Be Heroes 2, sequel") == ("We Can Be Heroes 2", "sequel")
    with pytest.raises(Exception, match="at most"):
        parse_keywords(",".join(f"word{i}" for i in range(30)))


async def test_enable_puts_a_disabled_feed_back(bot: HeroesBot) -> None:
    feed = await bot.store.feeds.add_feed("https://news.example.com/rss")
    await bot.store.feeds.poll_failed(
        feed.id, error="HTTP 500", next_poll_at=bot.clock.now(), disable=True
    )
    text = await run(bot, "feeds enable", as_owner(), feed=feed.id)
    assert text.startswith(f"Feed #{feed.id} is watched again")
    assert (await bot.store.feeds.feed(feed.id)).enabled
    assert "No feed #77" in await run(bot, "feeds enable", as_owner(), feed=77)


async def test_autocomplete_shows_feeds_to_owners_only(bot: HeroesBot) -> None:
    await bot.store.feeds.add_feed("https://news.example.com/rss")
    await bot.store.feeds.add_feed("https://other.example.org/atom")
    cog = bot.get_cog("Feeds")
    complete = type(cog).feed_autocomplete  # the autocomplete of remove's and enable's feed
    owner = as_owner()
    owner.client = bot
    choices = await complete(cog, owner, "other")
    assert [(c.name, c.value) for c in choices] == [("#2 · https://other.example.org/atom", 2)]
    stranger = FakeInteraction(FakeUser(STRANGER), client=bot)
    assert await complete(cog, stranger, "") == []


async def test_review_resends_every_waiting_candidate(
    bot: HeroesBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = await bot.store.feeds.add_feed("https://news.example.com/rss")
    await bot.store.feeds.store_items(
        feed.id,
        [
            candidate(),
            candidate(guid="g2", link="https://news.example.com/b", content_hash="b" * 64),
        ],
    )
    shown: list[int] = []

    async def notify(item: Any, feed: Any) -> None:
        shown.append(item.id)

    monkeypatch.setattr(bot.get_cog("Feeds").desk, "notify", notify)
    interaction = as_owner()
    await invoke(bot, "feeds review", interaction)
    assert shown == [1, 2]
    assert interaction.sent[-1].content == "Sent 2 items waiting for review again."
    await bot.store.feeds.reject_item(1, by=OWNER)
    await bot.store.feeds.reject_item(2, by=OWNER)
    empty = as_owner()
    await invoke(bot, "feeds review", empty)
    assert empty.sent[-1].content == "No item is waiting for review."


async def test_items_show_skipped_ones_with_their_reason(bot: HeroesBot) -> None:
    feed = await bot.store.feeds.add_feed("https://news.example.com/rss")
    skipped = candidate(status="skipped", skip_reason="no keyword in title or summary")
    await bot.store.feeds.store_items(feed.id, [skipped])
    interaction = as_owner()
    await invoke(bot, "feeds items", interaction)
    text = interaction.sent[0].embeds[0].description
    assert "skipped: no keyword in title or summary" in text
