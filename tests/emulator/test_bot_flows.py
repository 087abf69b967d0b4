"""An unmodified discord.py bot, defined here, driven through the emulator."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from discord_emulator import Emulator, FakeClock, Guild, RateLimitConfig, redirect_discord_py

READY_TIMEOUT = 5.0


class VoteView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.button(label="Vote", custom_id="vote", style=discord.ButtonStyle.primary)
    async def vote(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="Voted!", view=None)


class NameModal(discord.ui.Modal, title="Your name"):
    name: discord.ui.TextInput = discord.ui.TextInput(label="Name", custom_id="name")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Hello {self.name.value}", ephemeral=True)


@dataclass
class Recorder:
    """What the test bot observed, for assertions."""

    http_errors: list[discord.HTTPException] = field(default_factory=list)
    synced: list[app_commands.AppCommand] = field(default_factory=list)
    joined: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    ready_count: int = 0
    resumed_count: int = 0


def make_bot(guild_id: int, clock: FakeClock, rec: Recorder) -> commands.Bot:
    bot = commands.Bot(
        command_prefix=commands.when_mentioned,
        intents=discord.Intents.default(),
        help_command=None,
        guild_ready_timeout=0.1,
    )
    guild = discord.Object(guild_id)

    async def record(coro: object) -> None:
        try:
            await coro  # type: ignore[misc]
        except discord.HTTPException as exc:
            rec.http_errors.append(exc)

    @app_commands.command(description="Show a cast member")
    @app_commands.describe(name="Who")
    async def cast(interaction: discord.Interaction, name: str) -> None:
        embed = discord.Embed(title=name.title(), description="Hero of the film")
        embed.add_field(name="Power", value="Mind control")
        await interaction.response.send_message(f"Cast: {name}", embed=embed, view=VoteView())

    @cast.autocomplete("name")
    async def cast_names(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = ["pedro", "wheels", "missy", "a cappella"]
        return [app_commands.Choice(name=n, value=n) for n in names if n.startswith(current)]

    @app_commands.command(description="Slow command")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("done")
        await interaction.edit_original_response(content="edited")

    sequel = app_commands.Group(name="sequel", description="Sequel things")

    @sequel.command(description="Latest news")
    async def news(interaction: discord.Interaction, count: int = 1) -> None:
        await interaction.response.send_message(f"news x{count}")

    @app_commands.command(description="Open a modal")
    async def hello(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(NameModal())

    @app_commands.command(description="Too many choices")
    async def greedy(interaction: discord.Interaction, pick: str) -> None:
        await interaction.response.send_message(pick)

    @greedy.autocomplete("pick")
    async def greedy_choices(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=f"c{i}", value=f"c{i}") for i in range(26)]

    @app_commands.command(description="Too long")
    async def long(interaction: discord.Interaction) -> None:
        await record(interaction.response.send_message("x" * 2001))

    @app_commands.command(description="Acks twice")
    async def double(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("one")
        interaction.response._response_type = None  # bypass discord.py's own guard
        await record(interaction.response.send_message("two"))

    @app_commands.command(description="Acks too late")
    async def late(interaction: discord.Interaction) -> None:
        clock.advance(4)
        await record(interaction.response.send_message("late"))

    @app_commands.command(description="Follows up without ack")
    async def eager(interaction: discord.Interaction) -> None:
        await record(interaction.followup.send("too early"))

    @app_commands.command(description="Follows up after token expiry")
    async def expired(interaction: discord.Interaction) -> None:
        await interaction.response.defer()
        clock.advance(16 * 60)
        await record(interaction.followup.send("too late"))

    @app_commands.command(description="Posts several channel messages")
    async def burst(interaction: discord.Interaction, count: int) -> None:
        await interaction.response.send_message("bursting", ephemeral=True)
        assert interaction.channel is not None
        for i in range(count):
            await interaction.channel.send(f"burst {i}")  # type: ignore[union-attr]

    for cmd in (cast, slow, sequel, hello, greedy, long, double, late, eager, expired, burst):
        bot.tree.add_command(cmd, guild=guild)

    async def setup_hook() -> None:
        rec.synced = await bot.tree.sync(guild=guild)
        await bot.tree.sync()  # global: empty list, still a valid PUT

    async def before_identify_hook(shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py sleeps 5 s before each non-initial IDENTIFY; pointless against localhost.
        return None

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    bot.before_identify_hook = before_identify_hook  # type: ignore[method-assign]

    @bot.event
    async def on_ready() -> None:
        rec.ready_count += 1

    @bot.event
    async def on_resumed() -> None:
        rec.resumed_count += 1

    @bot.event
    async def on_guild_join(g: discord.Guild) -> None:
        rec.joined.append(g.id)

    @bot.event
    async def on_guild_remove(g: discord.Guild) -> None:
        rec.removed.append(g.id)

    return bot


@dataclass
class World:
    emu: Emulator
    bot: commands.Bot
    guild: Guild
    clock: FakeClock
    rec: Recorder


@contextlib.asynccontextmanager
async def _run_world(emu: Emulator, clock: FakeClock) -> AsyncIterator[World]:
    guild = emu.add_guild("Heroes", channels=("general", "sequel"))
    rec = Recorder()
    bot = make_bot(guild.id, clock, rec)
    with redirect_discord_py(emu.port):
        task = asyncio.create_task(bot.start(emu.token))
        try:
            await asyncio.wait_for(bot.wait_until_ready(), READY_TIMEOUT)
            yield World(emu, bot, guild, clock, rec)
        finally:
            await bot.close()
            await asyncio.wait_for(task, READY_TIMEOUT)


@pytest.fixture
async def world() -> AsyncIterator[World]:
    clock = FakeClock()
    emu = Emulator(clock=clock, heartbeat_interval=0.5)
    async with emu, _run_world(emu, clock) as w:
        yield w


# ---------------------------------------------------------------------------- startup


async def test_login_ready_and_identify(world: World) -> None:
    emu = world.emu
    assert world.bot.user is not None and world.bot.user.id == emu.bot_user.id
    assert world.bot.application_id == emu.app.id
    ident = emu.identifies[0]
    assert ident.privileged_intents == 0
    assert ident.intents == discord.Intents.default().value
    assert world.bot.get_guild(world.guild.id) is not None
    assert world.rec.ready_count == 1
    assert emu.violations == []


async def test_command_sync_bodies_stored_and_valid(world: World) -> None:
    emu = world.emu
    names = sorted(c["name"] for c in emu.synced_commands(world.guild))
    assert names == sorted(
        [
            "cast",
            "slow",
            "sequel",
            "hello",
            "greedy",
            "long",
            "double",
            "late",
            "eager",
            "expired",
            "burst",
        ]
    )
    assert emu.synced_commands() == []
    assert [g for g, _ in emu.command_sync_bodies()] == [world.guild.id, None]
    assert {c.name for c in world.rec.synced} == set(names)
    assert all(c.id for c in world.rec.synced)
    sequel = next(c for c in emu.synced_commands(world.guild) if c["name"] == "sequel")
    assert sequel["options"][0]["type"] == 1 and sequel["options"][0]["name"] == "news"
    assert emu.violations == []


# ---------------------------------------------------------------------------- interactions


async def test_slash_response_with_embed_and_button(world: World) -> None:
    emu = world.emu
    handle = await emu.slash("cast", {"name": "pedro"})
    response = await handle.response()
    assert response.type == 4
    assert response.content == "Cast: pedro"
    message = await handle.wait_message()
    assert message.embeds[0]["title"] == "Pedro"
    assert message.components[0]["components"][0]["custom_id"] == "vote"
    assert (
        message.interaction_metadata is not None and message.interaction_metadata["name"] == "cast"
    )
    assert emu.conversation(handle.interaction.channel_id) == [message]

    click = await emu.press(message, "vote")
    update = await click.response()
    assert update.type == 7
    assert message.content == "Voted!" and message.components == []
    assert emu.violations == []


async def test_autocomplete_returns_choices(world: World) -> None:
    choices = await world.emu.autocomplete("cast", "name", "p")
    assert choices == [{"name": "pedro", "value": "pedro"}]
    assert world.emu.violations == []


async def test_subcommand_paths(world: World) -> None:
    emu = world.emu
    first = await (await emu.slash("sequel news")).response()
    assert first.content == "news x1"
    second = await (await emu.slash("sequel", {"count": 3}, subcommand="news")).response()
    assert second.content == "news x3"
    assert emu.violations == []


async def test_defer_followup_edit_original(world: World) -> None:
    emu = world.emu
    handle = await emu.slash("slow")
    response = await handle.response()
    assert response.type == 5
    edited = await handle.wait_edit()
    await emu.wait_until(lambda: edited.content == "edited", 2.0, "edit original")
    # The first followup after a thinking defer replaced the loading message.
    assert handle.followups == []
    assert [m.content for m in handle.messages()] == ["edited"]
    assert emu.violations == []


async def test_modal_submit(world: World) -> None:
    emu = world.emu
    opened = await emu.slash("hello")
    assert (await opened.response()).type == 9
    submitted = await emu.submit_modal(opened, {"name": "Missy"})
    response = await submitted.response()
    assert response.content == "Hello Missy"
    assert response.ephemeral
    assert emu.violations == []


# ---------------------------------------------------------------------------- violations


async def test_too_many_autocomplete_choices_is_a_violation(world: World) -> None:
    emu = world.emu
    task = asyncio.create_task(emu.autocomplete("greedy", "pick", "c"))
    try:
        await emu.wait_until(lambda: emu.violations, 3.0, "a violation")
    finally:
        task.cancel()
    (violation,) = emu.violations
    assert violation.status == 400 and violation.code == 50035
    assert any("data.choices" in d for d in violation.details)


async def test_content_too_long_is_rejected(world: World) -> None:
    emu = world.emu
    await emu.slash("long")
    await emu.wait_until(lambda: world.rec.http_errors, 3.0, "bot-side error")
    assert world.rec.http_errors[0].status == 400 and world.rec.http_errors[0].code == 50035
    assert "content" in str(world.rec.http_errors[0])
    assert [v.kind for v in emu.violations] == ["invalid_form_body"]


async def test_double_ack_is_rejected(world: World) -> None:
    emu = world.emu
    await emu.slash("double")
    await emu.wait_until(lambda: world.rec.http_errors, 3.0, "bot-side error")
    assert world.rec.http_errors[0].code == 40060
    assert [v.kind for v in emu.violations] == ["already_acknowledged"]


async def test_late_ack_is_rejected(world: World) -> None:
    emu = world.emu
    await emu.slash("late")
    await emu.wait_until(lambda: world.rec.http_errors, 3.0, "bot-side error")
    err = world.rec.http_errors[0]
    assert isinstance(err, discord.NotFound) and err.code == 10062
    assert [v.kind for v in emu.violations] == ["late_initial_response"]


async def test_followup_before_ack_is_rejected(world: World) -> None:
    emu = world.emu
    await emu.slash("eager")
    await emu.wait_until(lambda: world.rec.http_errors, 3.0, "bot-side error")
    assert world.rec.http_errors[0].code == 10015
    assert [v.kind for v in emu.violations] == ["webhook_before_ack"]


async def test_followup_after_token_expiry_is_rejected(world: World) -> None:
    emu = world.emu
    await emu.slash("expired")
    await emu.wait_until(lambda: world.rec.http_errors, 3.0, "bot-side error")
    assert world.rec.http_errors[0].status == 401 and world.rec.http_errors[0].code == 50027
    assert [v.kind for v in emu.violations] == ["invalid_webhook_token"]


# ---------------------------------------------------------------------------- gateway resilience


async def test_resume_after_drop_and_close_loses_no_event(world: World) -> None:
    emu = world.emu
    emu.drop()  # abrupt: client sees 1006
    # Dispatched while no socket is attached: must be replayed on RESUME.
    handle = await emu.slash("cast", {"name": "wheels"})
    await emu.wait_resumed(1)
    assert (await handle.response()).content == "Cast: wheels"

    await emu.wait_connected()
    await emu.disconnect(4000)
    handle = await emu.slash("cast", {"name": "missy"})
    await emu.wait_resumed(2)
    assert (await handle.response()).content == "Cast: missy"
    assert len(emu.identifies) == 1
    await emu.wait_until(lambda: world.rec.resumed_count == 2, 2.0, "on_resumed x2")
    paths = [c.path for c in emu.gateway.connections]
    assert paths == ["/", "/resume", "/resume"]  # resumes use resume_gateway_url
    assert emu.violations == []


async def test_reconnect_opcode_resumes(world: World) -> None:
    emu = world.emu
    await emu.send_reconnect()
    await emu.wait_resumed(1)
    assert len(emu.identifies) == 1
    assert (await (await emu.slash("sequel news")).response()).content == "news x1"


async def test_invalid_session_forces_fresh_identify(world: World) -> None:
    emu = world.emu
    await emu.invalidate_session()
    await emu.wait_for_identify(2)
    await emu.wait_ready()
    assert emu.resumes == 0
    assert (await (await emu.slash("sequel news")).response()).content == "news x1"
    assert emu.violations == []


async def test_zlib_stream_is_negotiated(world: World) -> None:
    # discord.py 2.7.1 asks for zstd-stream only if a zstd module is importable.
    expected = discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE
    assert [c.compress for c in world.emu.gateway.connections] == [expected]


async def test_guild_join_and_leave_at_runtime(world: World) -> None:
    emu = world.emu
    new = await emu.join_guild("Second")
    await emu.wait_until(lambda: world.rec.joined, 2.0, "on_guild_join")
    assert world.rec.joined == [new.id] and world.bot.get_guild(new.id) is not None
    await emu.remove_guild(new)
    await emu.wait_until(lambda: world.rec.removed, 2.0, "on_guild_remove")
    assert world.bot.get_guild(new.id) is None


# ---------------------------------------------------------------------------- rate limits


async def test_global_rate_limit_429s_are_retried() -> None:
    clock = FakeClock()
    limits = RateLimitConfig()  # no global limit while the bot starts...
    emu = Emulator(clock=clock, rate_limits=limits)
    async with emu, _run_world(emu, clock) as w:
        # ...then 4 a second, from now on: no wait for the start-up requests to leave the window.
        limits.global_per_second = 4
        handle = await emu.slash("burst", {"count": 6})
        await handle.response()
        channel_id = handle.interaction.channel_id

        def posted() -> bool:
            return len([m for m in emu.conversation(channel_id) if not m.ephemeral]) == 6

        await emu.wait_until(
            posted,
            5.0,
            "six burst messages",
        )
        assert emu.limiter.served_global_429 >= 1
        assert w.rec.http_errors == []
        assert emu.violations == []


# ---------------------------------------------------------------------------- sharding / redirect


async def test_autosharded_bot_gets_guilds_per_shard() -> None:
    async with Emulator(shard_count=2) as emu:
        for i in range(4):
            emu.add_guild(f"g{i}")
        bot = commands.AutoShardedBot(
            command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.1
        )

        async def no_identify_delay(shard_id: int | None, *, initial: bool = False) -> None:
            return None  # discord.py waits 5 s between shards' IDENTIFYs otherwise

        bot.before_identify_hook = no_identify_delay  # type: ignore[method-assign]
        with redirect_discord_py(emu.port):
            task = asyncio.create_task(bot.start(emu.token))
            try:
                await asyncio.wait_for(bot.wait_until_ready(), READY_TIMEOUT)
                assert sorted(i.shard for i in emu.identifies if i.shard) == [(0, 2), (1, 2)]
                assert len(bot.guilds) == 4
                for guild in bot.guilds:
                    assert guild.shard_id == (guild.id >> 22) % 2
            finally:
                await bot.close()
                await asyncio.wait_for(task, READY_TIMEOUT)
        assert emu.violations == []


def test_redirect_restores_discord_py() -> None:
    import discord.gateway
    import discord.http

    before = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    with redirect_discord_py(1234):
        assert discord.http.Route.BASE == "http://127.0.0.1:1234/api/v10"
        assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:1234/"
    assert before == (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
