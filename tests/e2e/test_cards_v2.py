"""Components V2 cards end to end (issue 15 part 3): the real bot, the emulator holding every
message to Discord's V2 rules; the news paginator and the Notify buttons across a restart."""

from __future__ import annotations

from pathlib import Path

from bot.config import Config
from bot.invite import invite_permissions
from bot.store import NewUpdate
from discord_emulator import Emulator
from tests.e2e.cards import card_text, custom_ids, is_v2
from tests.e2e.harness import assert_clean, running_bot, world


async def test_status_news_and_film_are_v2_cards_discord_accepts(tmp_path: Path) -> None:
    async with world(tmp_path / "heroes.db") as w:
        for command in ("sequel status", "sequel news", "film"):
            handle = await w.emu.slash(command, user=w.fan)
            message = await handle.wait_message()
            assert is_v2(message) and not message.content and not message.embeds, command
            assert "Source:" in card_text(message) or command == "sequel news"
        film = card_text(message)
        assert "Pedro Pascal" in film and "> " in film  # a statement with its excerpt
        assert_clean(w.emu)  # every card passed the emulator's V2 checks


async def test_a_server_that_chose_classic_cards_gets_embeds(tmp_path: Path) -> None:
    async with world(tmp_path / "heroes.db") as w:
        chosen = await w.emu.slash("settings", {"cards": "classic"}, user=w.emu.app.owner)
        assert "classic embeds" in ((await chosen.response()).content or "")
        message = await (await w.emu.slash("sequel status", user=w.fan)).wait_message()
        assert not is_v2(message) and message.embeds
        assert_clean(w.emu)


async def test_news_pages_and_notify_buttons_keep_working_after_a_restart(tmp_path: Path) -> None:
    async with Emulator(heartbeat_interval=5.0) as emu:
        fan, other = emu.add_user("fan"), emu.add_user("other")
        guild = emu.add_guild(
            "Heroes HQ", channels=("general", "news"), bot_permissions=invite_permissions().value
        )
        fans = emu.add_role(guild, "sequel-fans")
        bot_role = guild.roles[guild.members[emu.app.bot.id].roles[0]]
        fans.position, bot_role.position = bot_role.position, fans.position
        news = next(c for c in guild.channels.values() if c.name == "news")
        settings = Config(database_path=tmp_path / "heroes.db", guild_ready_timeout=0.05)
        async with running_bot(emu, settings) as (bot, _):
            handle = await emu.slash(
                "sequel-admin follow",
                {"channel": news, "role": fans},
                guild=guild,
                user=emu.app.owner,
            )
            assert "Following" in ((await handle.response()).content or "")
            updates = [NewUpdate(f"News {d}", "x", f"2025-02-{d:02d}") for d in range(1, 10)]
            await bot.store.tracker.add_updates(updates, announce=False)
            await bot.store.tracker.add_update(NewUpdate("Filming begins", "Cameras roll."))
            bot.get_cog("Sequel").worker.wake()  # type: ignore[union-attr]
            (post,) = await emu.wait_until(
                lambda: [m for m in emu.conversation(news) if is_v2(m)], what="the news post"
            )
            listing = await (await emu.slash("sequel news", guild=guild, user=fan)).wait_message()
            status = await (await emu.slash("sequel status", guild=guild, user=fan)).wait_message()
            assert "Page 1/3" in card_text(listing)

        async with running_bot(emu, settings):  # a new process: no view kept in memory
            first, _, _, following, _ = custom_ids(listing)
            await (await emu.press(listing, following, user=fan)).response()
            page_two = emu.state.messages[listing.id]  # edited in place by the press
            assert "Page 2/3" in card_text(page_two)
            await (await emu.press(page_two, custom_ids(page_two)[-1], user=fan)).response()
            assert "Page 3/3" in card_text(emu.state.messages[listing.id])
            stranger = await emu.press(listing, first, user=other)
            assert "belong to whoever asked" in ((await stranger.response()).content or "")
            notify, _ = custom_ids(post)  # the news post's, sent before the restart
            pressed = await emu.press(post, notify, user=fan)
            assert (await pressed.wait_message()).ephemeral
            assert fans.id in guild.members[fan.id].roles
            pressed = await emu.press(status, custom_ids(status)[1], user=fan)
            assert "removed" in (await pressed.wait_message()).content
            assert fans.id not in guild.members[fan.id].roles
        assert_clean(emu)
