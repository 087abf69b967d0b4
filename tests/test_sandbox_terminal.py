"""The sandbox's terminal side without a process: Markdown, forms, Tab, edits of buttons only."""

from __future__ import annotations

import io
from typing import Any

from bot.sandbox._complete import complete
from bot.sandbox._form import form_fields
from bot.sandbox._parse import Invocation
from bot.sandbox._render import render_message
from bot.sandbox._repl import Repl
from cogs.sequel import PostUpdateModal
from discord_emulator import Message, User

BOT = User(id=1, username="heroes-bot", bot=True)

COMMANDS: list[dict[str, Any]] = [
    {
        "name": "cast",
        "type": 1,
        "description": "The cast",
        "options": [
            {"name": "name", "type": 3, "description": "who", "autocomplete": True},
            {"name": "private", "type": 5, "description": "only you"},
        ],
    },
    {
        "name": "sequel",
        "type": 1,
        "description": "The sequel",
        "options": [
            {"name": "status", "type": 1, "description": "where it stands", "options": []},
            {"name": "news", "type": 1, "description": "updates", "options": []},
        ],
    },
    {"name": "sequel-admin", "type": 1, "description": "admin", "options": []},
    {
        "name": "quote-daily",
        "type": 1,
        "description": "daily",
        "options": [
            {
                "name": "set",
                "type": 1,
                "description": "turn on",
                "options": [
                    {"name": "channel", "type": 7, "description": "where", "required": True},
                    {"name": "time", "type": 3, "description": "when", "required": True},
                    {"name": "timezone", "type": 3, "description": "zone", "autocomplete": True},
                ],
            }
        ],
    },
]
POOLS = {7: ["#general", "#news"], 8: ["@sequel-fans"], 6: ["@you"]}


def _message(**fields: Any) -> Message:
    return Message(id=10, channel_id=2, guild_id=3, author=BOT, **fields)


def test_markdown_is_rendered_not_shown_as_asterisks_and_backslashes() -> None:
    message = _message(
        content=r"**Bold** and *it* `code` \_not italic\_ snake_case [the source](https://e.com/a)",
        embeds=[{"title": "A **title**", "fields": [{"name": "Who", "value": r"Pedro\_Pascal"}]}],
    )
    plain = render_message(message)
    assert "Bold and it code _not italic_ snake_case the source <https://e.com/a>" in plain
    assert "Pedro_Pascal" in plain and "A TITLE" in plain
    assert "*" not in plain and "\\" not in plain and "\x1b" not in plain  # piped: no codes
    styled = render_message(message, styled=True)
    assert "\x1b[1mBold\x1b[0m" in styled and "\x1b[3mit\x1b[0m" in styled
    assert "\x1b[36mcode\x1b[0m" in styled and "\x1b[4;34mthe source\x1b[0m <https" in styled


def test_modal_fields_show_placeholder_required_and_max_length() -> None:
    async def submit(interaction: Any, values: dict[str, str]) -> None: ...

    modal = PostUpdateModal(submit, values={"headline": "Typed before"}).to_dict()
    headline, text, link, _outlet, _stage = form_fields(modal)
    assert headline.value == "Typed before"  # what "Edit and try again" pre-fills
    shown = headline.describe(show_placeholder=True)
    assert "Headline · required · at most 256 characters" in shown
    assert "placeholder “Filming begins in Austin”" in shown
    assert "Shown as the post's title" in shown
    assert "optional" in link.describe(show_placeholder=True)
    # What Discord's form refuses to send is refused before sending.
    assert text.problem("") == "Text is required" and link.problem("") is None
    assert "at most 256" in (headline.problem("h" * 257) or "")


async def _complete(before: str, suggestions: list[str] | None = None) -> list[str]:
    asked: list[Invocation] = []

    async def suggest(invocation: Invocation) -> list[dict[str, Any]]:
        asked.append(invocation)
        return [{"name": n, "value": n.lower()} for n in suggestions or []]

    candidates = await complete(before, COMMANDS, suggest, POOLS)
    # What the line reads after picking each candidate.
    return [before[: len(before) - c.replace] + c.text for c in candidates]


async def test_tab_completes_subcommands_and_adds_the_space() -> None:
    assert await _complete("/sequel st") == ["/sequel status "]
    assert await _complete("/seq") == ["/sequel ", "/sequel-admin "]
    assert await _complete("/quote-daily ") == ["/quote-daily set "]


async def test_tab_completes_option_names_then_values() -> None:
    assert await _complete("/cast ") == ["/cast name: ", "/cast private: "]
    assert await _complete("/cast pri") == ["/cast private: "]
    assert await _complete("/cast private: t") == ["/cast private: True"]
    line = "/quote-daily set channel: n"
    assert await _complete(line) == ["/quote-daily set channel: #news"]
    assert await _complete("/quote-daily set channel: #news t") == [
        "/quote-daily set channel: #news time: ",
        "/quote-daily set channel: #news timezone: ",
    ]


async def test_tab_values_come_from_the_bots_autocomplete() -> None:
    line = "/quote-daily set channel: #news time: 09:00 timezone: paris"
    assert await _complete(line, ["Europe/Paris"]) == [
        "/quote-daily set channel: #news time: 09:00 timezone: Europe/Paris"
    ]
    assert await _complete("/cast name: pedro p", ["Pedro Pascal"]) == [
        "/cast name: Pedro Pascal",
        "/cast name: pedro private: ",
    ]


class _Reader:
    styled = interactive = shows_placeholder = False
    width = 78


class _Channel:
    name = "general"


class _Guild:
    def __init__(self) -> None:
        self.channels = {2: _Channel()}


class _Sandbox:
    """What Repl.show_changes reads: the messages changed since last time, and names."""

    def __init__(self) -> None:
        self.guild = _Guild()
        self.channel = self.guild.channels[2]
        self.locale = "en-US"  # the client's language (its timestamps)
        self.pending: list[tuple[Message, bool]] = []

    def changes(self) -> list[tuple[Message, bool]]:
        out, self.pending = self.pending, []
        return out

    def names(self) -> dict[str, str]:
        return {}


async def test_buttons_expiring_say_so_in_one_line_instead_of_reprinting_the_list() -> None:
    sandbox, out = _Sandbox(), io.StringIO()
    repl = Repl(sandbox, _Reader(), out)  # type: ignore[arg-type]
    buttons = [
        {"type": 2, "custom_id": c, "label": c, "style": 1} for c in ("≪", "‹", "1/2", "›", "≫")
    ]
    page = _message(
        embeds=[{"title": "We Can Be Heroes — cast", "description": "1 Pedro Pascal"}],
        components=[{"type": 1, "components": buttons}],
    )
    sandbox.pending = [(page, False)]
    await repl.show_changes()
    assert out.getvalue().count("Pedro Pascal") == 1
    page.components = [{"type": 1, "components": [{**b, "disabled": True} for b in buttons]}]
    sandbox.pending = [(page, True)]
    await repl.show_changes()
    after = out.getvalue().split("(type a number to press a button)")[-1].strip()
    assert after.count("\n") == 0, after  # one line
    assert "buttons on “We Can Be Heroes — cast” are off now" in after
    assert "Pedro Pascal" not in after
