"""The shared core and UI answer in the member's language (bot/i18n): the tree and every view set
the locale first, refusals are translated where they are written, cards are remembered per
locale (tests/test_render_memo.py), and excerpts stay verbatim under a note that says so.

Translations are faked (each message prefixed with its locale), so these tests do not depend on
what the catalogs hold today.
"""

from __future__ import annotations

from typing import Any

import discord
import pytest
from discord import app_commands

from bot.client import HeroesBot
from bot.clock import ManualClock
from bot.cooldowns import PublicCooldown, PublicCooldownError, format_wait
from bot.errors import DATABASE_AWAY
from bot.i18n import DEFAULT, _, current_locale, use_locale
from bot.log_context import ERROR, REFUSED
from bot.option_check import option_problem
from bot.policy import NotOwner, ServerInstallNeeded, permission_name
from bot.store import StoreUnavailable
from bot.tree import Restarting, describe_error, failure_outcome
from bot.ui.excerpts import (
    ORIGINAL_TEXT,
    excerpt_block,
    role_label,
    source_line,
    statement,
    unknown,
)
from bot.ui.privacy import forget_reply
from bot.ui.views import LoggedView, admitted, speak_to
from tests.fakes import FakeInteraction

PORTUGUESE = discord.Locale.brazil_portuguese


@pytest.fixture
def marked(marked_commands: None) -> None:
    """Every locale but English 'translated' by marking it, command names included."""


EXCERPT = "We Can Be Heroes is a 2020 American superhero film written and directed by Robert."


def test_an_excerpt_in_english_has_no_note() -> None:
    assert excerpt_block(EXCERPT) == "> " + EXCERPT


def test_an_excerpt_in_another_language_is_verbatim_under_a_note() -> None:
    english = excerpt_block(EXCERPT)
    with use_locale("pt-BR"):
        block = excerpt_block(EXCERPT)
    note, quoted = block.split("\n", 1)
    assert quoted == english  # the excerpt itself, byte for byte
    with use_locale("pt-BR"):
        assert note == f"*{_(ORIGINAL_TEXT)}*" != "*Original text, as the source prints it*"


def test_the_note_fits_inside_the_same_limit() -> None:
    long_excerpt = " ".join(["word"] * 400)
    for limit in (1024, 200, 90):
        with use_locale("fr"):
            block = excerpt_block(long_excerpt, limit)
        assert len(block) <= limit and block.startswith("*") and block.endswith("…")
    with use_locale("fr"):
        tight = excerpt_block(long_excerpt, 60)  # too little room for both: the excerpt alone
    assert tight == excerpt_block(long_excerpt, 60)


def test_a_multi_line_excerpt_stays_inside_its_limit() -> None:
    lines = "\n".join(["a line of the source"] * 60)
    block = excerpt_block(lines, 300)
    assert len(block) <= 300 and all(line.startswith("> ") for line in block.split("\n"))


def test_a_statement_keeps_its_excerpt_verbatim_in_another_language() -> None:
    with use_locale("es-419"):
        text = statement("Studio", "Netflix", EXCERPT)
    assert text.startswith("**Studio:** Netflix\n*") and text.endswith("> " + EXCERPT)


def test_card_labels_are_translated_where_shown(marked: None) -> None:
    with use_locale("pt-BR"):
        assert role_label("writer") == "[pt-BR] Writer"
        assert role_label("stunts") == "Stunts"  # a role the bot does not know: as stored
        assert unknown() == "[pt-BR] Not in the sources"
        assert excerpt_block("x").startswith("*[pt-BR] Original text")
    assert role_label("writer") == "Writer" and unknown() == "Not in the sources"


def test_a_source_line_translates_its_words_not_the_citation(marked: None) -> None:
    class Cited:
        def citation(self) -> str:
            return "Netflix Tudum, 2021"

    with use_locale("fr"):
        assert source_line(Cited()) == "[fr] Source: Netflix Tudum, 2021"  # type: ignore[arg-type]


def test_refusals_are_written_in_the_current_locale(marked: None) -> None:
    with use_locale("pt-BR"):
        assert (
            describe_error(Restarting()) == "[pt-BR] The bot is restarting; try again in a moment."
        )
        assert str(ServerInstallNeeded()).startswith("[pt-BR] This command works only")
        assert str(NotOwner()).startswith("[pt-BR] Only the people running")
        assert describe_error(app_commands.NoPrivateMessage()) == (
            "[pt-BR] This command works only in a server."
        )
        assert format_wait(125) == "[pt-BR] 2m 5s"
        assert permission_name("manage_guild") == "[pt-BR] Manage Server"
    assert describe_error(Restarting()) == "The bot is restarting; try again in a moment."
    assert permission_name("use_soundboard") == "Use Soundboard"  # not in the table: English


def test_missing_permissions_are_listed_as_a_sentence() -> None:
    one = app_commands.MissingPermissions(["manage_guild"])
    two = app_commands.BotMissingPermissions(["embed_links", "send_messages_in_threads"])
    assert describe_error(one) == "You need the Manage Server permission for this."
    assert describe_error(two) == (
        "I need the Embed Links and Send Messages in Threads permissions here for this."
    )


def test_a_database_outage_is_counted_by_its_kind_not_its_words(marked: None) -> None:
    away = app_commands.AppCommandError("the command failed")
    away.__cause__ = StoreUnavailable("gone")
    with use_locale("fr"):
        message = describe_error(away)
        assert message == "[fr] " + DATABASE_AWAY
        assert failure_outcome(away, message) == ERROR
        assert failure_outcome(app_commands.NoPrivateMessage(), "[fr] …") == REFUSED


def test_a_cooldown_refusal_is_whole_sentences_in_the_locale(marked: None) -> None:
    cooldown = PublicCooldown("/cast", member=(1, 30.0), clock=ManualClock())
    interaction = FakeInteraction()
    cooldown.hit(interaction)
    with use_locale("es-ES"), pytest.raises(PublicCooldownError) as refused:
        cooldown.hit(interaction)
    assert str(refused.value) == (
        # The command as the member's app names it (each word a command name, looked up too).
        "[es-ES] Slow down — you can post /[es-ES] cast again in [es-ES] 30s. "
        "[es-ES] Add `private: True` to see it just for yourself right now."
    )


def test_forget_me_reply_in_english_is_unchanged() -> None:
    from bot.store import ForgetReport

    nothing = ForgetReport(1, ())
    assert forget_reply(nothing, everywhere=False) == (
        "There was nothing to delete: the bot keeps nothing about you in this server."
    )


async def test_the_tree_speaks_the_members_language_before_anything_else(bot: HeroesBot) -> None:
    interaction = FakeInteraction(client=bot, locale=PORTUGUESE)
    assert await bot.tree.interaction_check(interaction)  # type: ignore[arg-type]
    assert current_locale() == "pt-BR"


async def test_a_refusal_from_the_tree_is_in_the_members_language(
    bot: HeroesBot, marked: None
) -> None:
    interaction = FakeInteraction(client=bot, locale=PORTUGUESE)
    bot.tree.refuse_new_interactions()
    with pytest.raises(Restarting) as refused:
        await bot.tree.interaction_check(interaction)  # type: ignore[arg-type]
    await bot.tree.on_error(interaction, refused.value)  # type: ignore[arg-type]
    assert interaction.sent[0].content == "[pt-BR] The bot is restarting; try again in a moment."
    assert interaction.sent[0].ephemeral


async def test_a_crash_is_apologised_for_in_the_members_language(
    bot: HeroesBot, marked: None
) -> None:
    interaction = FakeInteraction(client=bot, locale=discord.Locale.french)
    crash = app_commands.AppCommandError("boom")  # not one the tree words: a crash
    await bot.tree.on_error(interaction, crash)  # type: ignore[arg-type]
    assert interaction.sent[0].content == (
        "[fr] Something went wrong on our side; it has been logged. Please try again."
    )


async def test_views_and_forms_speak_the_members_language(bot: HeroesBot, marked: None) -> None:
    interaction = FakeInteraction(client=bot, locale=discord.Locale.spain_spanish)
    assert await admitted(interaction)  # type: ignore[arg-type]
    assert current_locale() == "es-ES"
    assert speak_to(FakeInteraction(locale=discord.Locale.british_english)) == DEFAULT  # type: ignore[arg-type]


async def test_a_failed_button_is_apologised_for_in_the_members_language(marked: None) -> None:
    view = LoggedView()
    interaction = FakeInteraction(locale=PORTUGUESE)
    button: discord.ui.Button[Any] = discord.ui.Button(label="x")
    await view.on_error(interaction, RuntimeError("boom"), button)  # type: ignore[arg-type]
    assert interaction.sent[0].content == (
        "[pt-BR] That button failed on our side; it has been logged. Try the command again."
    )


@app_commands.command(name="demo", description="A command to check options against")
async def demo(interaction: discord.Interaction, seconds: app_commands.Range[int, 10, 120]) -> None:
    """Never run: only its declaration is read."""


def test_an_option_problem_names_the_option_as_the_members_client_does(marked: None) -> None:
    sent = {"options": [{"name": "seconds", "type": 4, "value": 5}]}
    assert option_problem(demo, sent) == "`seconds` must be from 10 to 120 (you sent 5)."
    with use_locale("pt-BR"):
        assert option_problem(demo, {}) == "[pt-BR] `[pt-BR] seconds` is required."
        assert option_problem(demo, sent) == (
            "[pt-BR] `[pt-BR] seconds` must be from 10 to 120 (you sent 5)."
        )
