"""What /poll cast checks it holds before posting: Discord's own needs, in a channel or a thread."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import discord

from cogs.poll._cog import missing_poll_permissions


def asked(channel_type: discord.ChannelType, **granted: bool) -> Any:
    return SimpleNamespace(
        app_permissions=discord.Permissions(**granted), channel=SimpleNamespace(type=channel_type)
    )


def test_a_thread_needs_send_messages_in_threads_not_send_messages() -> None:
    thread = discord.ChannelType.public_thread
    granted = {"view_channel": True, "send_polls": True, "send_messages_in_threads": True}
    assert missing_poll_permissions(asked(thread, **granted)) == []
    lacking = asked(thread, view_channel=True, send_polls=True, send_messages=True)
    assert missing_poll_permissions(lacking) == ["Send Messages In Threads"]


def test_a_text_channel_needs_send_messages_and_send_polls() -> None:
    text = discord.ChannelType.text
    assert missing_poll_permissions(asked(text, view_channel=True)) == [
        "Send Messages",
        "Send Polls",
    ]
