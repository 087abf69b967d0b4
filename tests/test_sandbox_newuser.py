"""What a newcomer types at the sandbox prompt, following the README, works: a choice as Tab
completes it or by its first word, a question ending in ?, a suggestion typed whole, a
shortened menu name; and what it refuses says why in words."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.client import HeroesBot
from bot.config import Config
from bot.sandbox._complete import complete
from bot.sandbox._parse import ParseError, convert, parse
from bot.sandbox._render import readable
from bot.sandbox._repl import Repl
from bot.sandbox._session import open_sandbox
from bot.seed import load_seed
from bot.store import NewUpdate, open_store
from tests.test_sandbox import _sandbox
from tests.test_sandbox_polls import NoTyping


def _commands(bot: HeroesBot) -> list[dict]:
    return [command.to_dict(bot.tree) for command in bot.tree.get_commands()]


def test_a_choice_is_sent_by_its_value_whether_typed_as_tab_completes_it_or_by_its_first_word(
    bot: HeroesBot,
) -> None:
    commands = _commands(bot)
    tabbed = parse("/settings cards: new: Discord's newer card layout (default)", commands)
    assert convert(tabbed, {}) == {"cards": "v2"}
    assert convert(parse("/settings cards: Classic", commands), {}) == {"cards": "classic"}
    assert convert(parse("/settings replies: private", commands), {}) == {"replies": "private"}
    with pytest.raises(ParseError) as refused:
        convert(parse("/settings cards: fancy", commands), {})
    assert "cards must be one of: v2 (new: Discord's newer card layout (default))" in str(
        refused.value
    )


def test_a_question_mark_ends_a_text_value_with_nothing_to_suggest(bot: HeroesBot) -> None:
    commands = _commands(bot)
    poll = parse("/poll cast answer_1: a answer_2: b question: Who is best?", commands)
    assert poll.options["question"] == "Who is best?" and not poll.wants_suggestions
    assert parse("/cast name: hol?", commands).wants_suggestions  # the bot suggests names


def test_newcomer_session_say_right_click_votes_and_watch_party_cancel(tmp_path: Path) -> None:
    result = _sandbox(
        [
            "say",
            "say I heard the sequel is filming already",
            "right-click check",
            "/poll cast answer_1: Pedro Pascal answer_2: Christian Slater",
            "/watchparty create start: 2099-03-14 20:00 channel: #general",
            "/watchparty create start: 2099-03-15 21:00 title: Heroes night location: home",
            "/watchparty cancel party: Heroes night · 2099-03-15 21:00 UTC",
            "where dm",
            "vote 1",
        ],
        "sandbox",
        tmp_path=tmp_path,
    )
    out = result.stdout
    flat = " ".join(out.split())
    assert result.returncode == 0, result.stderr
    assert "! say what? e.g. say I heard the sequel is filming already" in out
    assert "WHAT THE STORED SOURCES SAY" in out  # `check` picked the only menu it starts
    assert "pick one: type vote 1 (vote alone takes yours back)" in flat
    assert "for several" not in out  # a single-answer poll takes one number
    assert "! channel: #general is a text channel; this option takes a voice or stage" in out
    assert "Cancelled Heroes night." in out  # the suggestion's name, longer than one may type
    assert "! no poll here: /poll cast posts polls in the sandbox server only" in out
    assert "Traceback" not in out + result.stderr


async def test_tab_completes_where_and_its_places_and_right_click_and_its_menus(
    bot: HeroesBot,
) -> None:
    commands = _commands(bot)

    async def no_suggestions(invocation: object) -> list[dict]:
        return []

    async def offered(before: str) -> list[str]:
        candidates = await complete(before, commands, no_suggestions, {})
        return [c.text for c in candidates]

    assert await offered("whe") == ["where "]
    assert await offered("where gr") == ["group"]
    assert await offered("where ") == ["server", "dm", "group", "friend-dm", "elsewhere"]
    assert await offered("right-click ") == ["Check against the source"]
    assert await offered("r") == ["right-click "]


async def test_turning_a_page_of_a_v2_card_shows_the_new_page(tmp_path: Path) -> None:
    database = tmp_path / "heroes.db"
    async with open_store(database) as store:
        await store.apply_seed(load_seed())
        for n in range(1, 7):
            await store.tracker.add_update(NewUpdate(f"Update number {n}", "Body."))
    async with open_sandbox(Config(token=None, database_path=database), keep_data=False) as box:
        out = io.StringIO()
        repl = Repl(box, NoTyping(), out)
        for line in ["/sequel news", "4"]:
            await repl.handle(line)
    text = out.getvalue()
    assert "Page 1/2" in text
    assert "Page 2/2" in text  # the edited card is shown, not only its buttons
    assert "buttons on" not in text


def test_say_with_a_file_name_in_brackets_posts_an_image_with_no_text_to_right_click(
    tmp_path: Path,
) -> None:
    result = _sandbox(
        ["say [photo.png]", "right-click", "say see [link] here", "right-click"],
        "sandbox",
        tmp_path=tmp_path,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "📎 photo.png" in out
    assert "That message has no text to check." in out
    assert "see [link] here" in out  # brackets without a file name stay text
    assert "Words looked up: see, link" in out
    assert "Traceback" not in out + result.stderr


def test_relative_times_round_to_the_nearest_unit_as_discord_shows_them() -> None:
    assert readable("<t:172799:R>", {}, now=0) == "in 2 days"  # a 48-hour poll, just posted
    assert readable("<t:86399:R>", {}, now=0) == "in 1 day"
    assert readable("<t:5400:R>", {}, now=0) == "in 2 hours"
    assert readable("<t:0:R>", {}, now=90) == "2 minutes ago"
    assert readable("<t:0:R>", {}, now=1) == "1 second ago"
