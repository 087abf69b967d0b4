"""Replies that respect the server: `private`, the server default, cooldowns, /about."""

from __future__ import annotations

import discord
import pytest

from bot.client import HeroesBot
from bot.clock import ManualClock
from bot.cooldowns import PublicCooldown, PublicCooldownError
from bot.tree import describe_error
from bot.ui.privacy import deleting_text, stored_fields
from tests.commands import find_command, invoke
from tests.discord_limits import refused_by_discord
from tests.fakes import FakeInteraction, FakeUser

INFO_COMMANDS = ["cast", "quote", "film", "universe", "sequel status", "sequel news"]


_command = find_command


async def _run(bot: HeroesBot, name: str, interaction: FakeInteraction | None = None, **options):
    return await invoke(bot, name, interaction, **options)


async def _set_replies(bot: HeroesBot, value: str, guild_id: int = 4242) -> str:
    choice = discord.app_commands.Choice(name=value, value=value)
    sent = (await _run(bot, "settings", FakeInteraction(guild_id=guild_id), replies=choice)).sent
    assert sent[0].ephemeral
    return sent[0].content


@pytest.mark.parametrize("name", INFO_COMMANDS)
async def test_private_option_server_default_and_override(bot: HeroesBot, name: str) -> None:
    assert not (await _run(bot, name)).sent[0].ephemeral
    assert (await _run(bot, name, private=True)).sent[0].ephemeral
    assert "private" in await _set_replies(bot, "private")
    assert (await _run(bot, name)).sent[0].ephemeral
    assert not (await _run(bot, name, private=False)).sent[0].ephemeral
    # Another server keeps its own default; direct messages are public.
    assert not (await _run(bot, name, FakeInteraction(guild_id=1))).sent[0].ephemeral
    assert not (await _run(bot, name, FakeInteraction(guild_id=None))).sent[0].ephemeral
    assert "public" in await _set_replies(bot, "public")
    assert not (await _run(bot, name)).sent[0].ephemeral


async def test_every_information_command_has_the_private_option(bot: HeroesBot) -> None:
    for name in [*INFO_COMMANDS, "about"]:
        option = next(p for p in _command(bot, name).parameters if p.name == "private")
        assert not option.required and option.type is discord.AppCommandOptionType.boolean


async def test_settings_is_for_server_managers_only(bot: HeroesBot) -> None:
    command = _command(bot, "settings")
    assert command.guild_only
    assert command.default_permissions == discord.Permissions(manage_guild=True)
    shown = (await _run(bot, "settings")).sent[0]
    assert shown.ephemeral and "**public**" in shown.content


async def test_private_cast_pages_still_belong_to_the_asker(bot: HeroesBot) -> None:
    sent = (await _run(bot, "cast", private=True)).sent[0]
    assert sent.ephemeral and sent.view is not None
    stranger = FakeInteraction(user=FakeUser(2002, "other"))
    assert await sent.view.interaction_check(stranger) is False
    assert stranger.sent[0].ephemeral and "/cast" in stranger.sent[0].content
    await sent.view.on_timeout()
    assert all(item.disabled for item in sent.view.children)


async def test_cooldown_per_member_with_time_left(bot: HeroesBot, clock: ManualClock) -> None:
    for _ in range(5):
        await _run(bot, "film")
    with pytest.raises(PublicCooldownError) as refused:
        await _run(bot, "film")
    error = refused.value
    assert error.scope == "member" and 59 < error.retry_after <= 60
    assert describe_error(error) == (
        "Slow down — you can post /film again in 1m. "
        "Add `private: True` to see it just for yourself right now."
    )
    # Private replies are never limited, and another member is not held back.
    assert (await _run(bot, "film", private=True)).sent[0].ephemeral
    await _run(bot, "film", FakeInteraction(FakeUser(2, "b")))
    await clock.advance(45)
    with pytest.raises(PublicCooldownError) as later:
        await _run(bot, "film")
    assert "15s" in str(later.value)
    await clock.advance(16)
    await _run(bot, "film")


async def test_cooldown_per_channel(bot: HeroesBot) -> None:
    for user in range(12):
        await _run(bot, "quote", FakeInteraction(FakeUser(user, f"u{user}")))
    with pytest.raises(PublicCooldownError) as refused:
        await _run(bot, "quote", FakeInteraction(FakeUser(99, "fresh")))
    assert refused.value.scope == "channel"
    assert "posted here again in 1m" in str(refused.value)
    # Another channel is free.
    await _run(bot, "quote", FakeInteraction(FakeUser(99, "fresh"), channel_id=1))


async def test_the_tree_answers_a_cooldown_ephemerally(bot: HeroesBot) -> None:
    cooldown = PublicCooldown("/cast", member=(1, 30.0), clock=ManualClock())
    interaction = FakeInteraction()
    cooldown.hit(interaction)
    with pytest.raises(PublicCooldownError) as refused:
        cooldown.hit(interaction)
    await bot.tree.on_error(interaction, refused.value)  # type: ignore[arg-type]
    assert interaction.sent[0].ephemeral and "30s" in interaction.sent[0].content
    cooldown.hit(FakeInteraction(guild_id=None))  # DMs are never limited
    cooldown.hit(FakeInteraction(guild_id=None))


async def test_about(bot: HeroesBot) -> None:
    sent = (await _run(bot, "about")).sent[0]
    embed = sent.embeds[0]
    fields = {f.name: f.value for f in embed.fields}
    import bot as bot_package

    assert fields["Version"] == bot_package.__version__
    assert fields["Gateway latency"] == "unknown"  # not connected in tests
    assert fields["Servers"] == "0"
    assert fields["Uptime"].endswith("s") or fields["Uptime"].endswith("m")
    assert "user id" in fields["What it stores: Trivia"]
    assert "display name" in fields["What it stores: Trivia"]
    assert refused_by_discord(embed) == []
    for name, value in [*stored_fields(), ("Having it deleted", deleting_text())]:
        assert fields[name] == value  # every privacy field shown whole, none cut or dropped
    assert "/trivia forget-me" in fields["Having it deleted"]
    assert "ComicBook.com" in fields["Source of its facts"]
    assert "README" in fields["Project"] and "http" not in fields["Project"]


async def test_leaving_a_server_deletes_its_data(bot: HeroesBot) -> None:
    await _set_replies(bot, "private")
    round_id = await bot.store.trivia.open_round(4242, 1, "q", 0)
    await bot.store.trivia.record_answer(round_id, 1, "fan", 0)  # type: ignore[arg-type]
    guild = discord.Object(4242)
    await bot.get_cog("ServerSettings").on_guild_remove(guild)
    assert (await bot.store.settings.get(4242)).private_replies is False
    assert await bot.store.trivia.leaderboard(4242) == []


def test_settings_replies_describe_names_every_command_it_governs(bot: HeroesBot) -> None:
    # The server default applies to every command with a `private` option (/about and
    # /trivia leaderboard too): the option's description must not promise a shorter list.
    governed = [
        f"/{command.qualified_name}"
        for command in bot.tree.walk_commands()
        if isinstance(command, discord.app_commands.Command)
        and any(p.name == "private" for p in command.parameters)
    ]
    assert governed
    replies = next(p for p in _command(bot, "settings").parameters if p.name == "replies")
    named = [name for name in governed if name in replies.description]
    assert named in ([], governed), (replies.description, governed)
