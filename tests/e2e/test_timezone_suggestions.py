"""/quote-daily set timezone: suggests IANA zones forgivingly as you type, and refuses a zone
that doesn't exist with a clear reason (issue 10: timezone suggestions)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.harness import World, assert_clean, world


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path / "heroes.db") as value:
        yield value
        assert_clean(value.emu)


async def test_quote_daily_timezone_suggests_paris_and_new_york_and_refuses_mars(
    w: World,
) -> None:
    owner, channel = w.emu.app.owner, w.channel

    async def suggest(typed: str) -> list[str]:
        choices = await w.emu.autocomplete(
            "quote-daily set", "timezone", typed, {"channel": channel, "time": "09:00"}, user=owner
        )
        assert len(choices) <= 25 and all(c["name"] == c["value"] for c in choices)
        return [c["value"] for c in choices]

    assert (await suggest("paris"))[0] == "Europe/Paris"
    assert (await suggest("new york"))[0] == "America/New_York"
    assert (await suggest("  NEW_york "))[0] == "America/New_York"
    assert (await suggest("são paulo"))[0] == "America/Sao_Paulo"
    assert (await suggest("pariss"))[0] == "Europe/Paris"  # a typo
    assert (await suggest("lord"))[0] == "Australia/Lord_Howe"
    assert len(await suggest("a")) == 25  # many match: Discord's maximum, no more
    assert "UTC" in await suggest("")
    assert await suggest("Mars/Olympus") == []

    # Typed without picking a suggestion: a single city is understood, Mars is refused.
    typed = await w.emu.slash(
        "quote-daily set",
        {"channel": channel, "time": "09:00", "timezone": "new york"},
        user=owner,
    )
    reply = await typed.response()
    assert "09:00 (America/New_York)" in (reply.content or "")
    config = await w.bot.store.daily.get(w.guild.id)
    assert config is not None and config.timezone == "America/New_York"

    refused = await w.emu.slash(
        "quote-daily set",
        {"channel": channel, "time": "10:00", "timezone": "Mars/Olympus"},
        user=owner,
    )
    answer = await refused.response()
    assert answer.ephemeral
    assert "Mars/Olympus" in (answer.content or "") and "not an IANA timezone" in (
        answer.content or ""
    )
    config = await w.bot.store.daily.get(w.guild.id)
    assert config is not None and (config.post_time, config.timezone) == (
        "09:00",
        "America/New_York",
    )
