"""Where each command may be installed and used is declared, once, in bot/policy.py: every
top-level command says it, and the two install links ask for what each install type needs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from bot.client import HeroesBot
from bot.invite import invite_url, user_install_url

SERVER_COMMANDS = {"sequel-admin", "quote-daily", "settings", "trivia"}


async def test_every_command_declares_its_install_types_and_contexts(bot: HeroesBot) -> None:
    undeclared = [
        command.name
        for command in bot.tree.get_commands()
        if command.allowed_installs is None or command.allowed_contexts is None
    ]
    assert undeclared == []


async def test_server_commands_are_server_installs_used_in_servers_only(bot: HeroesBot) -> None:
    for name in SERVER_COMMANDS:
        command = bot.tree.get_command(name)
        assert command is not None, name
        installs, contexts = command.allowed_installs, command.allowed_contexts
        assert installs is not None and contexts is not None
        assert (installs.guild, installs.user) == (True, False), name
        assert (contexts.guild, contexts.dm_channel, contexts.private_channel) == (
            True,
            False,
            False,
        ), name


def test_the_user_install_link_asks_for_commands_only() -> None:
    query = parse_qs(urlsplit(user_install_url(1234)).query)
    assert query == {
        "client_id": ["1234"],
        "scope": ["applications.commands"],
        "integration_type": ["1"],
    }
    server = parse_qs(urlsplit(invite_url(1234)).query)
    assert server["scope"] == ["bot applications.commands"] and "permissions" in server
