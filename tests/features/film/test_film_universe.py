"""/film and /universe: every statement with its excerpt, in Discord's limits."""

from __future__ import annotations

import discord

from bot.client import HeroesBot
from tests.discord_limits import refused_by_discord
from tests.engines import both_engines
from tests.fakes import FakeInteraction

pytestmark = both_engines


async def _embed(bot: HeroesBot, name: str, **options: object) -> discord.Embed:
    command = bot.tree.get_command(name)
    assert isinstance(command, discord.app_commands.Command)
    interaction = FakeInteraction()
    await command.callback(command.binding, interaction, **options)  # type: ignore[arg-type]
    assert len(interaction.sent) == 1 and not interaction.sent[0].ephemeral
    embed = interaction.sent[0].embeds[0]
    assert refused_by_discord(embed) == []
    return embed


async def test_film_card(bot: HeroesBot) -> None:
    await bot.store.settings.set_classic_cards(4242, True)  # the classic embed card
    embed = await _embed(bot, "film")
    assert embed.title == "We Can Be Heroes"
    fields = {f.name: f.value for f in embed.fields}
    stars = fields["We Can Be Heroes stars"]  # the article's own words for its first list
    assert stars.startswith("**Pedro Pascal, Christian Slater, Boyd Holdbrook**")
    assert "20 more in /cast" in stars
    # The article's spelling of the title it succeeds.
    assert fields["Spiritual successor to"].startswith(
        "**The Adventures of Sharkboy and Lava Girl**"
    )
    assert fields["Viewing figures"].startswith("> A report from THR suggests")
    assert "record-setting week of Christmas" in fields["Viewing figures"]
    assert "> We Can Be Heroes is now streaming on Netflix." in fields["Where to watch"]
    assert "/sequel" in fields["A sequel"]
    # Every statement carries a quoted excerpt.
    for name, value in fields.items():
        assert value.startswith("> ") or "\n> " in value, name
    assert "ComicBook.com" in embed.footer.text


async def test_universe_card_in_his_words(bot: HeroesBot) -> None:
    embed = await _embed(bot, "universe")
    assert embed.title == "Rodriguez Cinematic Universe"
    assert (embed.description or "").startswith("> ") and "Spy Kids" in embed.description
    fields = {f.name: f.value for f in embed.fields}
    named = fields["Named: Spy Kids, The Adventures of Sharkboy and Lava Girl"]
    assert "You could have a Desperado character with a Machete" in named
    assert named.endswith("— Robert Rodriguez")
    assert "[We Can Be Heroes] was fun" in fields["Named: We Can Be Heroes"]
    assert "Star Wars" not in " ".join(fields)  # produced, not part of his universe
    assert any(n.startswith("On The Adventures of Sharkboy") for n in fields)
    assert fields["Maybe in a comic book"].startswith("> Maybe in a comic book, I can bring")
    assert "ComicBook.com" in embed.footer.text
