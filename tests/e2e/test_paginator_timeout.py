"""A paginated reply keeps only its webhook and message id for its timeout, learns the id from
Discord's answer (no request for its own message), and switches its buttons off at the end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.ui import views
from tests.e2e.harness import World, assert_clean, world


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path / "heroes.db") as value:
        yield value
        assert_clean(value.emu)


async def test_a_paginator_asks_no_request_for_its_message_and_disables_itself_at_timeout(
    w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[views.Paginator] = []
    done = asyncio.Event()
    send = views.Paginator.send

    async def recorded(self: views.Paginator, interaction: Any, **options: Any) -> None:
        sent.append(self)
        await send(self, interaction, **options)
        done.set()

    monkeypatch.setattr(views.Paginator, "send", recorded)
    handle = await w.emu.slash("cast", user=w.fan)
    message = await handle.wait_message()
    await asyncio.wait_for(done.wait(), 5)
    assert not [r for r in w.emu.requests if r.method == "GET" and "@original" in r.path]
    (paginator,) = sent
    assert isinstance(paginator.message, views.SentReply)
    assert paginator.message.message_id == message.id

    await paginator.on_timeout()
    buttons = [c for row in message.components for c in row["components"]]
    assert buttons and all(button.get("disabled") for button in buttons)
