"""Option and modal limits: the emulator refuses what Discord's client refuses (issue 10 §3), and
the bot re-checks every declared limit itself for clients that skip them (issue 9, item 9)."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from discord_emulator import ClientRefusal
from tests.e2e.harness import World, assert_clean, world


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path / "heroes.db") as value:
        yield value
        assert_clean(value.emu)


async def test_emulator_refuses_what_discords_client_refuses(w: World) -> None:
    owner = w.emu.app.owner
    refused: list[tuple[str, dict[str, Any], str]] = [
        ("trivia play", {"seconds": 0}, "seconds must be from 10 to 120 (got 0)"),
        ("trivia play", {"seconds": 121}, "seconds must be from 10 to 120 (got 121)"),
        ("trivia play", {"seconds": 30.5}, "seconds must be a whole number"),
        ("cast", {"name": "x" * 101}, "name must be 1 to 100 characters long (got 101)"),
        ("cast", {"name": ""}, "name must be 1 to 100 characters long (got 0)"),
        ("cast", {"nme": "pedro"}, "unknown option(s) ['nme']; known: ['name', 'private']"),
        ("settings", {"replies": "loud"}, "'loud' is not a choice of 'replies'"),
        ("sequel-admin follow", {}, "required option 'channel' missing"),
        (
            "quote-daily set",
            {"channel": w.channel, "time": "09:00:00:00", "timezone": "UTC"},
            "time must be 1 to 10 characters long (got 11)",
        ),
    ]
    for name, options, message in refused:
        with pytest.raises(ClientRefusal, match=re.escape(message)):
            await w.emu.slash(name, options, user=owner)
    with pytest.raises(ClientRefusal, match="name must be 0 to 100 characters long"):
        await w.emu.autocomplete("cast", "name", "x" * 101, user=owner)

    opened = await w.emu.slash("sequel-admin post", user=owner)
    assert (await opened.response()).type == 9
    modal = opened.interaction.modal or {}
    headline, text, link, _, _ = [label["component"]["custom_id"] for label in modal["components"]]
    with pytest.raises(ClientRefusal, match="field 'Headline' is required"):
        await w.emu.submit_modal(opened, {text: "Cameras roll."})
    with pytest.raises(ClientRefusal, match=r"field 'Headline' must be 0 to 256 .*\(got 257\)"):
        await w.emu.submit_modal(opened, {headline: "h" * 257, text: "Cameras roll."})
    with pytest.raises(ClientRefusal, match="the modal has no field"):
        await w.emu.submit_modal(opened, {headline: "h", text: "t", "made-up": "x"})
    # Nothing Discord's client would refuse reached the bot: only the modal's opening did.
    assert len(w.emu.state.interactions) == 1
    assert link  # the optional fields may stay empty: that submission is a valid one
    submitted = await w.emu.submit_modal(opened, {headline: "Filming begins", text: "Cameras."})
    assert (await submitted.response()).ephemeral


async def test_forged_out_of_range_options_are_refused_by_the_bot(w: World) -> None:
    refused: list[tuple[str, dict[str, Any], str]] = [
        ("trivia play", {"seconds": 0}, "`seconds` must be from 10 to 120 (you sent 0)."),
        (
            "trivia play",
            {"seconds": 10**9},
            "`seconds` must be from 10 to 120 (you sent 1000000000).",
        ),
        ("trivia play", {"seconds": "30"}, "`seconds` must be a whole number."),
        ("trivia play", {"seconds": True}, "`seconds` must be a whole number."),
        (
            "cast",
            {"name": "x" * 5000},
            "`name` must be at least 1 and at most 100 characters (you sent 5,000).",
        ),
        (
            "quote",
            {"search": ""},
            "`search` must be at least 1 and at most 100 characters (you sent 0).",
        ),
        (
            "cast",
            {"nme": "pedro"},
            "I don't know the option `nme` (options here: `name`, `private`).",
        ),
        ("settings", {"replies": "loud"}, "`replies` must be one of: "),
        ("sequel-admin follow", {}, "`channel` is required."),
    ]
    owner = w.emu.app.owner
    for name, options, message in refused:
        handle = await w.emu.slash(name, options, user=owner, forged=True)
        response = await handle.response()
        assert response.ephemeral, name
        assert (response.content or "").startswith(message), (name, response.content)
    # No question was asked, nothing was stored: only the refusals were sent.
    assert [m for m in w.emu.conversation(w.channel) if not m.ephemeral] == []
    assert (await w.bot.store.settings.get(w.guild.id)).updated_at is None  # never set


async def test_forged_integer_too_large_for_a_float_is_refused_not_crashed(w: World) -> None:
    # JSON allows any integer and Python parses it exactly; one beyond a float's range made the
    # tree's own finiteness check raise OverflowError, so the interaction was never answered.
    owner = w.emu.app.owner
    handle = await w.emu.slash("trivia play", {"seconds": 10**4000}, user=owner, forged=True)
    response = await handle.response()
    assert response.ephemeral
    assert (response.content or "").startswith("`seconds` must be from 10 to 120 (you sent 1")


async def test_forged_group_without_a_subcommand_is_refused_not_logged_as_a_crash(
    w: World, caplog: pytest.LogCaptureFixture
) -> None:
    # A command group is never invoked by itself; a modified client that sends one (or a
    # subcommand wrapper after another option) made discord.py raise CommandSignatureMismatch,
    # which the tree answered "Something went wrong" and logged as a crash with a traceback.
    owner = w.emu.app.owner
    # The emulator's driver builds only well-formed invocations: the modified client's one is
    # built from a valid one, with a stray option put before the subcommand wrapper.
    data = w.emu._builder.command_data("sequel-admin following", {}, None, w.guild, forged=True)
    data["options"] = [{"name": "junk", "type": 3, "value": "x"}, *data["options"]]
    with caplog.at_level(logging.WARNING):
        handle = await w.emu._send_interaction(2, data, w.guild, w.channel, owner)
        response = await handle.response()
    assert response.ephemeral
    assert "Something went wrong" not in (response.content or "")
    assert "changed" in (response.content or "")
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_forged_autocomplete_on_an_option_without_suggestions_is_answered_quietly(
    w: World, caplog: pytest.LogCaptureFixture
) -> None:
    # Only `name` of /cast offers suggestions; a modified client asking them for `private`
    # made discord.py log "Ignoring exception in autocomplete" with a traceback at ERROR, each
    # time, and the member's client waited for an answer that never came.
    with caplog.at_level(logging.WARNING):
        suggestions = await w.emu.autocomplete("cast", "private", "x", user=w.fan, forged=True)
    assert suggestions == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_forged_option_sent_with_another_type_is_refused_not_crashed(w: World) -> None:
    # discord.py converts each option by the type the *payload* gives it (float() for a number,
    # int() for a channel id): `/cast name` sent as a number "pedro", or a channel id of 5,000
    # digits, raised ValueError before any command ran, and the interaction went unanswered.
    owner = w.emu.app.owner
    cast = w.emu._builder.command_data("cast", {"name": "pedro"}, None, w.guild, forged=True)
    cast["options"][0]["type"] = 10
    follow = w.emu._builder.command_data(
        "sequel-admin follow", {"channel": w.channel}, None, w.guild, forged=True
    )
    follow["options"][0]["options"][0]["value"] = "9" * 5000
    for data, message in (
        (cast, "`name` must be text."),
        (follow, "`channel` is not something I can look up."),
    ):
        handle = await w.emu._send_interaction(2, data, w.guild, w.channel, owner)
        response = await handle.response()
        assert (response.content, response.ephemeral) == (message, True)


async def test_forged_autocomplete_with_a_garbage_channel_id_gets_no_suggestions_not_a_crash(
    w: World, caplog: pytest.LogCaptureFixture
) -> None:
    # The options typed so far are converted too (int() of a channel id) before suggestions
    # are asked: "abc" raised ValueError, logged at ERROR, and the request went unanswered.
    data = w.emu._builder.command_data(
        "quote-daily set",
        {"channel": w.channel, "time": "09:00", "timezone": "par"},
        None,
        w.guild,
        focused="timezone",
        forged=True,
    )
    leaf = data["options"][0]["options"]
    next(o for o in leaf if o["name"] == "channel")["value"] = "abc"
    with caplog.at_level(logging.WARNING):
        handle = await w.emu._send_interaction(4, data, w.guild, w.channel, w.emu.app.owner)
        response = await handle.response()
    assert response.type == 8 and response.body["data"]["choices"] == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
