"""The sequel tracker end to end: the real bot, its HTTP client and gateway, the emulator."""

from __future__ import annotations

from pathlib import Path

from bot.config import Config
from discord_emulator import Emulator
from tests.e2e.cards import card_text, custom_ids, is_card
from tests.e2e.harness import assert_clean, running_bot


async def test_follow_post_and_deliver_through_discord(tmp_path: Path) -> None:
    async with Emulator(heartbeat_interval=5.0) as emu:
        owner = emu.default_user
        first = emu.add_guild("Heroes HQ", channels=("general", "news"))
        second = emu.add_guild("Fan club", channels=("general", "news"))
        news = next(c for c in first.channels.values() if c.name == "news")
        doomed = next(c for c in second.channels.values() if c.name == "news")
        settings = Config(
            token=None,
            database_path=tmp_path / "heroes.db",
            guild_ready_timeout=0.05,
            owner_ids=frozenset({owner.id}),
        )
        async with running_bot(emu, settings) as (bot, _):
            for guild, channel in ((first, news), (second, doomed)):
                handle = await emu.slash(
                    "sequel-admin follow", {"channel": channel}, guild=guild, user=owner
                )
                response = await handle.response()
                assert response.ephemeral and "Following" in (response.content or "")
            emu.state.channels.pop(doomed.id)  # deleted behind the bot's back

            opened = await emu.slash("sequel-admin post", guild=first, user=owner)
            assert (await opened.response()).type == 9  # a modal
            modal = opened.interaction.modal or {}
            ids = [label["component"]["custom_id"] for label in modal["components"]]
            typed = [
                "Filming begins",
                "Cameras roll in Austin.",
                "https://variety.com/x",
                "",
                "filming",
            ]
            submitted = await emu.submit_modal(opened, dict(zip(ids, typed, strict=True)))
            reply = await submitted.response()
            assert reply.ephemeral and "update #2" in (reply.content or "")

            def posted() -> list[object]:
                return [m for m in emu.conversation(news) if is_card(m) and not m.ephemeral]

            (message,) = await emu.wait_until(posted, timeout=10, what="the news post")
            assert card_text(message).startswith("## Filming begins")  # type: ignore[arg-type]
            # The progress reply's final edit comes once every delivery has settled (the failed
            # one may settle just after the post): wait for that event, not on the clock.
            await emu.wait_until(
                lambda: "Delivered" in (submitted.original.content if submitted.original else ""),
                timeout=10,
                what="the progress reply's final edit",
            )
            tracker = bot.store.tracker
            counts = await tracker.delivery_counts(2)
            assert (counts.sent, counts.failed, counts.done) == (1, 1, True)
            follow = await tracker.get_follow(second.id)
            assert follow is not None and "no longer exists" in (follow.last_error or "")

            status = await emu.slash("sequel status", guild=first, user=owner)
            text = card_text(await status.wait_message())
            assert "Filming" in text and "Latest update" in text
        # The one refused request is the post to the deleted channel, sent once, never retried.
        refused = [(v.kind, v.path) for v in emu.violations]
        assert refused == [("unknown_channel", f"/channels/{doomed.id}/messages")]
        emu.violations.clear()
        assert_clean(emu)


async def test_notify_buttons_give_and_take_the_role_and_survive_a_restart(tmp_path: Path) -> None:
    from bot.invite import invite_permissions

    async with Emulator(heartbeat_interval=5.0) as emu:
        owner = emu.default_user
        fan = emu.add_user("fan")
        guild = emu.add_guild(
            "Heroes HQ", channels=("general", "news"), bot_permissions=invite_permissions().value
        )
        fans = emu.add_role(guild, "sequel-fans")
        bot_role = guild.roles[guild.members[emu.app.bot.id].roles[0]]
        fans.position, bot_role.position = bot_role.position, fans.position
        news = next(c for c in guild.channels.values() if c.name == "news")
        settings = Config(
            database_path=tmp_path / "heroes.db",
            guild_ready_timeout=0.05,
            owner_ids=frozenset({owner.id}),
        )
        async with running_bot(emu, settings):
            # The server's owner (not the bot's): only a member who could give the role may
            # pick it (issue 9).
            handle = await emu.slash(
                "sequel-admin follow",
                {"channel": news, "role": fans},
                guild=guild,
                user=emu.app.owner,
            )
            assert "Following" in ((await handle.response()).content or "")
            status = await emu.slash("sequel status", guild=guild, user=fan)
            card = await status.wait_message()
            notify, stop = custom_ids(card)
            pressed = await emu.press(card, notify, user=fan)
            # Deferred (ephemeral "thinking"), then the outcome once the role is given.
            assert (await pressed.response()).deferred
            assert (await pressed.wait_message()).ephemeral
            assert fans.id in guild.members[fan.id].roles

        # After a restart, the buttons on the earlier message still work.
        async with running_bot(emu, settings):
            pressed = await emu.press(card, stop, user=fan)
            assert (await pressed.wait_message()).ephemeral
            assert fans.id not in guild.members[fan.id].roles
            again = await emu.press(card, stop, user=fan)
            assert "not being mentioned" in (await again.wait_message()).content
        assert_clean(emu)
