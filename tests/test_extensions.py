"""Every extension loads, and the commands it registers are valid for Discord."""

from __future__ import annotations

import re

from bot.client import HeroesBot, bot_intents, discover_extensions
from bot.sync import command_payload, fingerprint

NAME = re.compile(r"^[-_'\w]{1,32}$")


def test_extensions_are_discovered() -> None:
    assert {"cogs.cast", "cogs.quote", "cogs.sequel"} <= set(discover_extensions())


# Every feature package under cogs/ (README "Code"): a feature whose package is not found, or
# a stray module discovered as an extension, changes this list.
FEATURES = [
    "cogs.about",
    "cogs.cast",
    "cogs.factcheck",
    "cogs.feeds",
    "cogs.film",
    "cogs.poll",
    "cogs.quote",
    "cogs.quote_daily",
    "cogs.sequel",
    "cogs.settings",
    "cogs.trivia",
    "cogs.universe",
    "cogs.watchparty",
]


async def test_every_feature_is_discovered_and_loaded(bot: HeroesBot) -> None:
    # Was compared with discover_extensions(), the very function that chose what to load.
    assert sorted(discover_extensions()) == FEATURES
    assert sorted(bot.extensions) == FEATURES


async def test_command_names_are_unique_and_valid(bot: HeroesBot) -> None:
    payload = await command_payload(bot)
    names = [c["name"] for c in payload]
    assert len(names) == len(set(names))
    assert {"cast", "sequel", "quote"} <= set(names)

    def check(options: list[dict], depth: int = 0) -> None:
        assert len(options) <= 25
        for option in options:
            assert NAME.match(option["name"]) and option["name"] == option["name"].lower()
            assert 1 <= len(option["description"]) <= 100
            check(option.get("options", []), depth + 1)

    for command in payload:
        if command.get("type", 1) != 1:
            # A message or user command: a name of 1-32 characters that may have spaces and
            # capitals ("Check against the source"), no description, no options.
            assert 1 <= len(command["name"]) <= 32 and command["name"].strip() == command["name"]
            assert not command.get("description") and not command.get("options")
            continue
        assert NAME.match(command["name"]) and command["name"] == command["name"].lower()
        assert 1 <= len(command["description"]) <= 100
        check(command.get("options", []))


async def test_fingerprint_is_stable_and_order_independent(bot: HeroesBot) -> None:
    payload = await command_payload(bot)
    assert fingerprint(payload) == fingerprint(list(reversed(payload)))
    changed = [dict(payload[0], description="changed"), *payload[1:]]
    assert fingerprint(changed) != fingerprint(payload)


def test_no_privileged_intents() -> None:
    intents = bot_intents()
    assert not intents.members and not intents.presences and not intents.message_content


async def test_nothing_the_bot_sends_can_ping(bot: HeroesBot) -> None:
    mentions = bot.allowed_mentions
    assert mentions is not None
    assert mentions.to_dict() == {"parse": []}


def test_the_readme_explains_every_permission_the_invite_asks_for() -> None:
    from pathlib import Path

    from bot.invite import PERMISSION_REASONS, invite_permissions

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    names = {"view_channel": "View Channels"}
    for permission in PERMISSION_REASONS:
        assert getattr(invite_permissions(), permission)
        label = names.get(permission, permission.replace("_", " ").title())
        assert f"| {label} |" in readme, label
