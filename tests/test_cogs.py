"""Command callbacks driven with strict fakes, asserting on what is sent back."""

from __future__ import annotations

import pytest

from bot.client import HeroesBot
from tests.commands import invoke
from tests.discord_limits import refused_by_discord
from tests.fakes import FakeInteraction, FakeUser, Sent


async def _run(bot: HeroesBot, command_name: str, /, **options: object) -> FakeInteraction:
    return await invoke(bot, command_name, **options)


def _only(interaction: FakeInteraction) -> Sent:
    assert len(interaction.sent) == 1, interaction.sent
    sent = interaction.sent[0]
    for embed in sent.embeds:
        assert refused_by_discord(embed) == []
    return sent


async def test_cast_lists_everyone_in_the_printed_lists_with_pages(bot: HeroesBot) -> None:
    sent = _only(await _run(bot, "cast"))
    assert not sent.ephemeral
    text = "\n".join(e.description or "" for e in sent.embeds)
    assert (
        text.index("Pedro Pascal") < text.index("Christian Slater") < text.index("Boyd Holdbrook")
    )
    assert text.index("**We Can Be Heroes stars**") < text.index("**It also features**")
    assert sent.view is not None  # 23 names > one page of 20
    assert "Source:" in sent.embeds[0].footer.text


async def test_cast_pages_turn_only_for_the_member_who_asked(bot: HeroesBot) -> None:
    sent = _only(await _run(bot, "cast"))
    view = sent.view
    stranger = FakeInteraction(user=FakeUser(2002, "other"))
    assert await view.interaction_check(stranger) is False
    assert stranger.sent[0].ephemeral and "/cast" in stranger.sent[0].content
    owner = FakeInteraction()
    assert await view.interaction_check(owner) is True
    await view.next.callback(owner)
    page2 = owner.sent[0]
    assert page2.kind == "edit_message" and "JJ Dashnaw" in page2.embeds[0].description
    assert view.next.disabled and not view.previous.disabled


async def test_cast_view_disables_itself_on_timeout(bot: HeroesBot) -> None:
    interaction = await _run(bot, "cast")
    view = interaction.sent[0].view
    await view.on_timeout()
    assert all(item.disabled for item in view.children)
    assert interaction.sent[-1].kind == "edit_original"


@pytest.mark.parametrize(
    "name", ["pedro", "Pascal", "holbrook", "Holdbrook", "person:boyd-holbrook"]
)
async def test_cast_card_for_a_name(bot: HeroesBot, name: str) -> None:
    sent = _only(await _run(bot, "cast", name=name))
    embed = sent.embeds[0]
    assert embed.title in {"Pedro Pascal", "Boyd Holdbrook"}
    assert "Source:" in embed.footer.text
    assert any(f.value.startswith("> ") for f in embed.fields)


async def test_holbrook_card_says_the_usual_spelling_is_not_printed(bot: HeroesBot) -> None:
    embed = _only(await _run(bot, "cast", name="holbrook")).embeds[0]
    assert embed.title == "Boyd Holdbrook"
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Also found by"] == "Boyd Holbrook (a spelling the sources do not print)"


async def test_unknown_name_is_answered_ephemerally_with_closest(bot: HeroesBot) -> None:
    sent = _only(await _run(bot, "cast", name="Pedro Almodovar"))
    assert sent.ephemeral and not sent.embeds
    assert "Closest: Pedro Pascal" in sent.content


async def test_ambiguous_name_asks_to_choose(bot: HeroesBot) -> None:
    sent = _only(await _run(bot, "cast", name="blair"))
    assert sent.ephemeral and "Vivien Blair" in sent.content and "Nathan Blair" in sent.content


async def test_echoed_input_is_escaped(bot: HeroesBot) -> None:
    sent = _only(await _run(bot, "cast", name="**@everyone** <@&123>"))
    assert sent.ephemeral
    assert "\\*\\*" in sent.content  # markdown escaped; pings are off bot-wide


async def test_cast_autocomplete(bot: HeroesBot) -> None:
    cog = bot.get_cog("Cast")
    choices = await cog.cast_name_autocomplete(FakeInteraction(), "holdb")
    assert choices[0].value == "person:boyd-holbrook"
    assert "Holdbrook" in choices[0].name
    assert len(await cog.cast_name_autocomplete(FakeInteraction(), "")) <= 25
    for c in await cog.cast_name_autocomplete(FakeInteraction(), "a"):
        assert 1 <= len(c.name) <= 100 and len(c.value) <= 100


async def test_sequel_card(bot: HeroesBot) -> None:
    await bot.store.settings.set_classic_cards(4242, True)  # the classic embed card
    embed = _only(await _run(bot, "sequel status")).embeds[0]
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Studio"] == "Netflix"
    assert fields["Stage"] == "In development"
    assert fields["Writer"] == fields["Director"] == fields["Producer"] == "Robert Rodriguez"
    for unknown in ("Title", "Production start", "Release date"):
        assert fields[unknown] == "Not in the sources"
    assert fields["Why a sequel"].startswith("After the movie became a runaway hit")
    # THR's figure is said as THR's report, never given as a reason for the sequel.
    assert "44 million" in fields["A report from THR suggests"]
    assert "44 million" not in fields["Why a sequel"]
    assert "ComicBook.com" in embed.footer.text and "date unknown" in embed.footer.text


async def test_random_quote(bot: HeroesBot) -> None:
    embed = _only(await _run(bot, "quote")).embeds[0]
    assert embed.title == "Robert Rodriguez"
    assert (embed.description or "").startswith("> ")


async def test_quote_search_and_no_match(bot: HeroesBot) -> None:
    embed = _only(await _run(bot, "quote", search="son superheroes")).embeds[0]
    assert "my son did" in embed.description
    sent = _only(await _run(bot, "quote", search="spaceship"))
    assert sent.ephemeral and "No quote matches" in sent.content


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('"', '"'),
        ("NEAR(", "NEAR("),  # FTS5 syntax is searched as words, never run as a query
        ("*", "\\*"),  # Markdown escaped
        ("🦈", "🦈"),
        ("(((", "((("),
        ("x" * 100, "x" * 79 + "…"),  # shortened
    ],
)
async def test_quote_hostile_search_is_answered_privately_with_the_input_escaped(
    bot: HeroesBot, text: str, shown: str
) -> None:
    # Was `ephemeral or embeds`: an error message, a crash reply or a random quote all passed.
    sent = _only(await _run(bot, "quote", search=text))
    assert sent.kind == "send_message" and sent.ephemeral and not sent.embeds
    assert sent.content == (
        f"No quote matches “{shown}”. Try other words, or /quote alone for a random one."
    )


async def test_quote_autocomplete(bot: HeroesBot) -> None:
    cog = bot.get_cog("Quotes")
    choices = await cog.quote_search_autocomplete(FakeInteraction(), "lava")
    assert choices and all(c.value.startswith("quote:") for c in choices)
    assert all(1 <= len(c.name) <= 100 for c in choices)
    assert await cog.quote_search_autocomplete(FakeInteraction(), "") == []
