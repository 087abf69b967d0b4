"""The feed watcher end to end: a real feed on 127.0.0.1, the real bot on the emulator. A feed
gains an item -> each owner gets the review DM -> Publish -> every following server gets exactly
one post; Reject posts nothing; two owners pressing Publish at once publish once."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from pathlib import Path

from bot.client import HeroesBot
from bot.config import Config
from discord_emulator import Channel, Emulator, InteractionHandle, Message, User
from tests.e2e.cards import card_text, custom_ids, is_card
from tests.e2e.harness import assert_clean, running_bot
from tests.feeds_server import FIRST_DAY, STORY_GREENLIT, FeedServer

FILMING = {
    "title": "We Can Be Heroes sequel starts filming in Austin",
    "link": "https://news.example.com/heroes-sequel-filming",
    "guid": "news-filming",
    "summary": "Robert Rodriguez has started shooting the sequel to We Can Be Heroes in Austin.",
    "published": FIRST_DAY + timedelta(days=2),
}


def review_messages(emu: Emulator, owner: User) -> list[Message]:
    dm = emu.state.dm_channel(owner)
    return [m for m in emu.conversation(dm) if is_card(m) and not m.ephemeral]


def news_posts(emu: Emulator, channel: Channel) -> list[Message]:
    return [m for m in emu.conversation(channel) if is_card(m) and not m.ephemeral]


def button(message: Message, action: str) -> str:
    return next(c for c in custom_ids(message) if c.startswith(f"heroes:feed:{action}:"))


async def told(emu: Emulator, handle: InteractionHandle) -> str:
    """What a press told the owner privately: the followup after the message was redrawn."""
    (message, *_more) = await emu.wait_until(
        lambda: handle.followups, timeout=10, what="the press's private answer"
    )
    assert message.ephemeral
    return message.content or ""


async def review_of(emu: Emulator, owner: User, headline: str) -> Message:
    def found() -> list[Message]:
        return [m for m in review_messages(emu, owner) if headline in card_text(m)]

    (message,) = await emu.wait_until(found, timeout=15, what=f"the review DM of “{headline}”")
    return message


async def test_a_new_item_is_reviewed_then_published_once_to_every_server(tmp_path: Path) -> None:
    async with FeedServer() as feeds, Emulator(heartbeat_interval=5.0) as emu:
        owner = emu.default_user
        second_owner = emu.add_user("co-owner")
        guilds = [emu.add_guild(name, channels=("general", "news")) for name in ("HQ", "Fans")]
        news = [next(c for c in g.channels.values() if c.name == "news") for g in guilds]
        settings = Config(
            token=None,
            database_path=tmp_path / "heroes.db",
            guild_ready_timeout=0.05,
            owner_ids=frozenset({owner.id, second_owner.id}),
        )
        async with running_bot(emu, settings) as (bot, _task):
            for guild, channel in zip(guilds, news, strict=True):
                handle = await emu.slash(
                    "sequel-admin follow", {"channel": channel}, guild=guild, user=owner
                )
                assert "Following" in ((await handle.response()).content or "")
            updates_before = await bot.store.tracker.count_updates()

            # Added from the bot's DMs: polled at once; its one story goes to both owners.
            added = await emu.slash(
                "feeds add",
                {"url": feeds.url("/changing.xml")},
                channel=emu.state.dm_channel(owner),
                user=owner,
            )
            assert "Watching feed #1" in ((await added.response()).content or "")
            greenlit = await review_of(emu, owner, STORY_GREENLIT.title)
            await review_of(emu, second_owner, STORY_GREENLIT.title)

            # Rejected: nothing posted, and the other owner's copy says so.
            rejected = await emu.press(greenlit, button(greenlit, "reject"), user=owner)
            assert await told(emu, rejected) == "Rejected: nothing was posted."
            await emu.wait_until(
                lambda: all(
                    "Rejected" in card_text(m) and not custom_ids(m)
                    for m in review_messages(emu, second_owner)
                ),
                timeout=10,
                what="the co-owner's copy marked rejected",
            )

            # The feed gains an item: the next poll queues it for review.
            feeds.add_item(**FILMING)
            outcome = await bot.get_cog("Feeds").watcher.poll_now(1)
            assert outcome is not None and [i.title for i in outcome.candidates] == [
                FILMING["title"]
            ]
            first = await review_of(emu, owner, FILMING["title"])
            second = await review_of(emu, second_owner, FILMING["title"])

            # Both owners press Publish at once: one update, one post per server.
            presses = await asyncio.gather(
                emu.press(first, button(first, "publish"), user=owner),
                emu.press(second, button(second, "publish"), user=second_owner),
            )
            answers = [await told(emu, handle) for handle in presses]
            assert sum("Published as update #" in a for a in answers) == 1, answers
            assert sum("Already decided" in a for a in answers) == 1, answers

            for channel in news:
                (post,) = await emu.wait_until(
                    lambda channel=channel: news_posts(emu, channel),
                    timeout=10,
                    what="the news post",
                )
                text = card_text(post)
                assert FILMING["title"] in text and "news.example.com" in text
            assert await bot.store.tracker.count_updates() == updates_before + 1
            await asyncio.sleep(0.5)  # nothing more arrives
            assert [len(news_posts(emu, channel)) for channel in news] == [1, 1]
        assert_clean(emu)


def recover_sends_after_a_second(bot: HeroesBot) -> None:
    """Sends a killed bot left 'sending' are retried (with their nonce) after 1 s, not 30 s:
    the sequel broadcaster's `stale_after`, set once setup_hook has loaded the cogs."""
    setup_hook = bot.setup_hook

    async def setup_then_shorten() -> None:
        await setup_hook()
        bot.get_cog("Sequel").broadcaster.stale_after = timedelta(seconds=1)

    bot.setup_hook = setup_then_shorten  # type: ignore[method-assign]


async def test_killed_between_publish_and_delivery_each_server_still_gets_one_post(
    tmp_path: Path,
) -> None:
    async with FeedServer() as feeds, Emulator(heartbeat_interval=5.0) as emu:
        owner = emu.default_user
        guilds = [emu.add_guild(name, channels=("general", "news")) for name in ("HQ", "Fans")]
        news = [next(c for c in g.channels.values() if c.name == "news") for g in guilds]
        settings = Config(
            token=None,
            database_path=tmp_path / "heroes.db",
            guild_ready_timeout=0.05,
            owner_ids=frozenset({owner.id}),
        )
        async with running_bot(emu, settings) as (bot, task):
            for guild, channel in zip(guilds, news, strict=True):
                handle = await emu.slash(
                    "sequel-admin follow", {"channel": channel}, guild=guild, user=owner
                )
                await handle.response()
            feed = await bot.store.feeds.add_feed(feeds.url("/changing.xml"))
            await bot.get_cog("Feeds").watcher.poll_now(feed.id)
            review = await review_of(emu, owner, STORY_GREENLIT.title)

            # The bot dies the moment Discord creates the first post, before it hears back.
            def kill() -> None:
                task.cancel()

            emu.inject_fault(
                "POST /channels/{channel_id}/messages",
                params={"channel_id": str(news[0].id)},
                after_effect=True,
                action=kill,
            )
            await emu.press(review, button(review, "publish"), user=owner)
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(task), 10)
        assert len(news_posts(emu, news[0])) == 1

        # Restarted on the same database: the approval stands, the deliveries finish.
        async with running_bot(emu, settings, on_bot=recover_sends_after_a_second) as (bot, _t):
            for channel in news:
                await emu.wait_until(
                    lambda channel=channel: news_posts(emu, channel),
                    timeout=15,
                    what="the news post after the restart",
                )
            await asyncio.sleep(0.5)  # nothing more arrives
            assert [len(news_posts(emu, channel)) for channel in news] == [1, 1]
            assert (await bot.store.feeds.item(1)).status == "published"
