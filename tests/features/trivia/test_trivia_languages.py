"""/trivia in several languages: the question's message is the whole channel's, so it speaks the
server's language from the question to the reveal (whoever asked it, whoever answers, and the
tasks that edit it later); a member's receipt speaks that member's. The facts, names and quotes
in a question stay as stored. Marked catalogs (tests/features/marked_catalogs.py) show which
language rendered each string before any translation exists."""

from __future__ import annotations

import random

import discord
import pytest

from bot.client import HeroesBot
from bot.clock import ManualClock
from bot.i18n import use_locale
from cogs.trivia import Trivia, generate_questions, load_material
from tests.fakes import FakeInteraction, FakeUser

GUILD = 4242  # FakeInteraction's server


@pytest.fixture
def cog(bot: HeroesBot) -> Trivia:
    trivia = bot.get_cog("Trivia")
    assert type(trivia).__name__ == "Trivia"
    trivia.rng = random.Random(5)
    return trivia


async def _play_as(bot: HeroesBot, locale: discord.Locale) -> FakeInteraction:
    """/trivia play from a member whose client speaks `locale` (the tree sets it first)."""
    interaction = FakeInteraction(FakeUser(1, "host"), locale=locale)
    group = bot.tree.get_command("trivia")
    assert isinstance(group, discord.app_commands.Group)
    play = group.get_command("play")
    assert isinstance(play, discord.app_commands.Command)
    with use_locale(interaction.locale):
        await play.callback(play.binding, interaction, seconds=120)  # type: ignore[arg-type]
    return interaction


@pytest.mark.usefixtures("marked")
async def test_the_question_speaks_the_servers_language_and_a_receipt_the_members(
    bot: HeroesBot, cog: Trivia, clock: ManualClock
) -> None:
    await bot.store.settings.set_language(GUILD, "pt-BR")
    asked = await _play_as(bot, discord.Locale.french)  # the host's client is in French
    game = cog.games[777]
    question = asked.sent[0].embeds[0]
    assert question.title == "[pt-BR] Trivia"
    assert all(field.name.startswith("[pt-BR] ") for field in question.fields)
    assert question.footer.text.startswith("[pt-BR] ")
    # The frame is translated; the options (stored figures, names, quotes' endings) are not.
    assert game.question.prompt.startswith("[pt-BR] ")
    assert not any(option.startswith("[") for option in game.question.options)

    member = FakeInteraction(FakeUser(9, "fan"), locale=discord.Locale.spain_spanish)
    await game.view.buttons[game.question.answer].callback(member)
    receipt = member.sent[0]
    assert receipt.ephemeral and receipt.content.startswith("[es-ES] Locked in: ")
    assert "[es-ES] The answer is revealed" in receipt.content

    await clock.advance(2)  # the answer count's refresh, from the pressing member's task
    refresh = [s for s in asked.sent if s.kind == "edit_original"][-1].embeds[0]
    assert refresh.title == "[pt-BR] Trivia"

    await game.close()
    reveal = [s for s in asked.sent if s.kind == "edit_original"][-1].embeds[0]
    assert reveal.title == "[pt-BR] Trivia — the answer"
    fields = {field.name: field.value for field in reveal.fields}
    assert "[pt-BR] Who got it (1 of 1)" in fields
    assert game.question.correct[:50] in fields["[pt-BR] Answer"]


@pytest.mark.usefixtures("marked")
async def test_a_closing_note_is_translated_in_the_reveal(bot: HeroesBot, cog: Trivia) -> None:
    await bot.store.settings.set_language(GUILD, "fr")
    asked = await _play_as(bot, discord.Locale.american_english)
    await cog.games[777].view.on_timeout()  # the buttons' safety net closes it with a note
    reveal = [s for s in asked.sent if s.kind == "edit_original"][-1].embeds[0]
    fields = {field.name: field.value for field in reveal.fields}
    assert fields["[fr] Note"] == "[fr] Closed when its buttons expired."


@pytest.mark.usefixtures("marked")
async def test_the_right_answer_is_the_same_option_in_every_language(bot: HeroesBot) -> None:
    """The answer is chosen among stored texts, never by comparing translated words."""
    material = await load_material(bot.store)
    english = generate_questions(material, random.Random(3))
    with use_locale("pt-BR"):
        translated = generate_questions(material, random.Random(3))
    assert [(q.key, q.options, q.answer) for q in english] == [
        (q.key, q.options, q.answer) for q in translated
    ]
    assert all(q.prompt.startswith("[pt-BR] ") for q in translated)
    assert not any(q.prompt.startswith("[") for q in english)
