"""The sandbox's command line names a mistyped option instead of explaining the syntax."""

from __future__ import annotations

import pytest

from bot.client import HeroesBot
from bot.sandbox._parse import ParseError, parse


def test_sandbox_says_unknown_option_for_a_mistyped_option_name(bot: HeroesBot) -> None:
    commands = [command.to_dict(bot.tree) for command in bot.tree.get_commands()]
    with pytest.raises(ParseError) as refused:
        parse("/cast nme: pedro", commands)
    assert str(refused.value) == "unknown option `nme` for /cast; its options: `name`, `private`"
    assert parse("/cast name: pedro", commands).options == {"name": "pedro"}
