"""Finding and invoking the real bot's app commands by their full name, with fake interactions."""

from __future__ import annotations

from typing import Any

import discord

from bot.client import HeroesBot
from tests.fakes import FakeInteraction


def find_command(bot: HeroesBot, name: str) -> discord.app_commands.Command:
    """A command by its full name: 'cast', or 'sequel status' in a group."""
    first, *rest = name.split()
    command: Any = bot.tree.get_command(first)
    for part in rest:
        assert isinstance(command, discord.app_commands.Group), name
        command = command.get_command(part)
    assert isinstance(command, discord.app_commands.Command), name
    return command


async def invoke(bot: HeroesBot, name: str, interaction: Any = None, /, **options: Any) -> Any:
    """Run the command as discord.py would: its declared checks (bot/policy.py), whose refusal
    the tree answers, then its callback. Return the interaction to inspect."""
    interaction = interaction if interaction is not None else FakeInteraction()
    interaction.client = bot  # a real interaction carries its client; checks read it
    command = find_command(bot, name)
    try:
        for check in command.checks:
            await discord.utils.maybe_coroutine(check, interaction)
    except discord.app_commands.CheckFailure as refused:
        await bot.tree.on_error(interaction, refused)
        return interaction
    await command.callback(command.binding, interaction, **options)
    return interaction
