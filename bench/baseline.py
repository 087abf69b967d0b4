"""The floor: a minimal discord.py bot with one command that replies with a constant embed.

Same intents, same allowed mentions and the same reply shapes as heroes-bot: `/bench` answers
with an embed of about the size of heroes-bot's cards (type 4), its `text` option suggests 25
constant choices (type 8), and its button edits the message with the same embed (type 7).
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

COMMAND = "bench"
OPTION = "text"
BUTTON_LABEL = "›"


def constant_embed() -> discord.Embed:
    """About 850 bytes of JSON, like heroes-bot's person (556) and quote (935) cards."""
    embed = discord.Embed(
        title="Robert Rodriguez said",
        description=(
            "“We made the first one because my son did a comic book about it, and kids "
            "everywhere wanted to see superheroes who looked like them.” " * 2
        ).strip(),
        colour=0xE8A33D,
    )
    embed.add_field(name="Context", value="On how the film came about.", inline=False)
    embed.add_field(name="Work", value="We Can Be Heroes (Netflix)", inline=True)
    embed.add_field(name="Excerpt", value="> " + "the article's verbatim excerpt " * 6)
    embed.set_footer(text="Source: ComicBook.com (date unknown)")
    return embed


def large_embed() -> discord.Embed:
    """About 2,050 bytes of JSON in 12 fields: the size and shape of heroes-bot's sequel card
    (2,058 bytes, 12 fields), the baseline's answer where heroes-bot sends that card."""
    embed = discord.Embed(
        title="We Can Be Heroes — the sequel",
        description="The unnamed follow-up to the film, in development at the streamer.",
        colour=0x3D8BE8,
    )
    for name, value in [
        ("Studio", "Netflix"),
        ("Stage", "In development"),
        ("Writer", "Robert Rodriguez"),
        ("Director", "Robert Rodriguez"),
        ("Producer", "Robert Rodriguez"),
        ("Title", "Unknown — not announced yet"),
        ("Production start", "Unknown — not announced yet"),
        ("Release date", "Unknown — not announced yet"),
    ]:
        embed.add_field(name=name, value=value, inline=True)
    embed.add_field(name="Why a sequel", value="• " + "a constant reason line for the floor " * 5)
    embed.add_field(name="Progress", value="▰▰▱▱▱▱▱ stage 2 of 7\n" + "⬜ a stage\n" * 7)
    embed.add_field(name="Latest update", value="A constant update text for the floor. " * 13)
    embed.add_field(name="From the article", value="> " + "the article's verbatim excerpt " * 4)
    embed.set_footer(text="Source: We Can Be Heroes Sequel in Development — ComicBook.com")
    return embed


EMBED = constant_embed()
LARGE_EMBED = large_embed()
LARGE = "large"  # the `text` that asks for the sequel-card-sized embed
CHOICES = [
    app_commands.Choice(name=f"Suggestion number {i} of the constant list", value=f"s:{i}")
    for i in range(25)
]


class Again(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=180)

    @discord.ui.button(label=BUTTON_LABEL, style=discord.ButtonStyle.primary)
    async def again(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(embed=EMBED, view=self)


def create_baseline_bot(
    *, guild_ready_timeout: float, sync: bool, shard_count: int | None = None
) -> commands.Bot:
    intents = discord.Intents.none()
    intents.guilds = True
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
    options: dict[str, Any] = {
        "command_prefix": commands.when_mentioned,
        "help_command": None,
        "intents": intents,
        "allowed_mentions": discord.AllowedMentions.none(),
        "guild_ready_timeout": guild_ready_timeout,
    }
    if shard_count is not None:
        bot: commands.Bot = commands.AutoShardedBot(shard_count=shard_count, **options)
    else:
        bot = commands.Bot(**options)

    @app_commands.command(name=COMMAND, description="Reply with a constant embed.")
    @app_commands.describe(text="Anything")
    async def bench(interaction: discord.Interaction, text: str | None = None) -> None:
        view = Again() if text == "button" else discord.utils.MISSING
        embed = LARGE_EMBED if text == LARGE else EMBED
        await interaction.response.send_message(embed=embed, view=view)

    @bench.autocomplete(OPTION)
    async def bench_text(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return CHOICES

    bot.tree.add_command(bench)

    async def setup_hook() -> None:
        if sync:
            await bot.tree.sync()

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot
