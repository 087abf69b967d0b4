"""Stops cleanly, for buttons and forms as for commands (issue 13 part 4): a press whose callback
is under way when SIGTERM arrives finishes before the bot closes, and a press, a persistent
Notify button or a form submitted after the stop began gets the restart wording. The real bot on
the emulator, its own SIGTERM handler (run_bot's, as `heroes-bot run` installs it)."""

from __future__ import annotations

import asyncio
import importlib
import os
import signal
from pathlib import Path
from typing import Any

import discord

from bot.client import discover_extensions
from bot.config import Config
from bot.tree import RESTARTING
from bot.ui.views import LoggedModal, LoggedView
from cogs.sequel import notify_view
from cogs.sequel._modal import PostUpdateModal
from discord_emulator import Emulator
from tests.e2e.harness import running_bot


class SlowView(LoggedView):
    """A button whose work lasts until the test releases it, and one that opens a real form."""

    def __init__(self, entered: asyncio.Event, release: asyncio.Event) -> None:
        super().__init__(timeout=None)
        self.entered = entered
        self.release = release
        self.submitted: list[dict[str, str]] = []

    @discord.ui.button(label="Slow", custom_id="slow")
    async def slow(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        self.entered.set()
        await self.release.wait()
        await interaction.followup.send("done", ephemeral=True)

    @discord.ui.button(label="Form", custom_id="form")
    async def form(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        values = {"headline": "Filming begins", "text": "Cameras roll."}
        await interaction.response.send_modal(PostUpdateModal(self.submit, values=values))

    async def submit(self, interaction: discord.Interaction, values: dict[str, str]) -> None:
        self.submitted.append(values)
        await interaction.response.send_message("posted", ephemeral=True)


async def test_a_press_under_way_at_sigterm_finishes_and_later_ones_hear_the_bot_restarts(
    tmp_path: Path,
) -> None:
    entered, release = asyncio.Event(), asyncio.Event()
    async with Emulator(heartbeat_interval=5.0) as emu:
        guild = emu.add_guild("Heroes HQ", channels=("general",))
        settings = Config(
            token=None, database_path=tmp_path / "heroes.db", guild_ready_timeout=0.05
        )
        async with running_bot(emu, settings, install_signal_handlers=True) as (bot, task):
            channel = bot.get_channel(next(iter(guild.channels.values())).id)
            assert isinstance(channel, discord.TextChannel)
            view = SlowView(entered, release)
            buttons = await channel.send("Buttons", view=view)
            news = await channel.send("News", view=notify_view(guild.id))
            form = await emu.press(buttons.id, "form")
            assert (await form.response()).data.get("custom_id")  # the form is open
            slow = await emu.press(buttons.id, "slow")
            await asyncio.wait_for(entered.wait(), 5)

            os.kill(os.getpid(), signal.SIGTERM)
            await emu.wait_until(lambda: bot.tree.refusing, what="the stop begun")  # type: ignore[attr-defined]
            late = [
                await emu.press(buttons.id, "slow"),
                await emu.press(news.id, f"heroes:notify:on:{guild.id}"),
                await emu.submit_modal(form, {}),
            ]
            answers = [await handle.response() for handle in late]
            await asyncio.sleep(0.2)
            assert not task.done()  # the stop waits for the press under way

            release.set()
            await asyncio.wait_for(task, 10)
            assert bot.is_closed()
        assert (await slow.wait_message()).content == "done"
        assert [(a.content, a.ephemeral) for a in answers] == [(RESTARTING, True)] * 3
        assert view.submitted == []
        assert emu.violations == []


def _subclasses(base: type) -> set[type]:
    found = set()
    for sub in base.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return {cls for cls in found if cls.__module__.startswith(("bot.", "cogs."))}


def test_every_view_form_and_persistent_button_of_the_bot_is_refused_while_stopping() -> None:
    """What the test above shows for one of each holds for all: the bot's views are LoggedViews,
    its forms LoggedModals, and its persistent buttons (DynamicItems) check `admitted`."""
    for extension in discover_extensions():
        importlib.import_module(extension)
    views = _subclasses(discord.ui.View)
    forms = _subclasses(discord.ui.Modal)
    dynamic = _subclasses(discord.ui.DynamicItem)
    assert views and forms and dynamic
    assert [v for v in views if not issubclass(v, LoggedView)] == []
    assert [f for f in forms if not issubclass(f, LoggedModal)] == []
    unchecked = discord.ui.DynamicItem.interaction_check
    assert [d for d in dynamic if d.interaction_check is unchecked] == []
