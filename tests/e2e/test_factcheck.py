"""Check against the source, end to end: a member right-clicks a message in the emulator, the
real bot answers privately with the stored excerpts that share its subject, or says plainly
that the sources say nothing about it. It never calls a message true or false."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from discord_emulator import ClientRefusal, InteractionHandle, InteractionResponse
from tests.e2e.harness import World, assert_clean, world

MENU = "Check against the source"
NOTHING = "The sources say nothing about this."
CLAIM = "I heard the sequel is filming already"
VERDICTS = re.compile(r"\b(true|false|confirmed|debunked|correct|wrong|fake|misleading)\b", re.I)


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path / "heroes.db") as value:
        yield value
        assert_clean(value.emu)


async def answered(handle: InteractionHandle) -> InteractionResponse:
    """The bot's answer: at once ("no text"), or after a private "thinking…" (the search may
    take longer than Discord's 3 seconds), as the message that replaces it."""
    response = await handle.response()
    if not response.deferred:
        return response
    assert response.ephemeral  # the "thinking…" is private too
    message = await handle.wait_message()
    return InteractionResponse(4, {"type": 4, "data": message.raw_body}, message)


async def check(w: World, text: str, **message: Any) -> InteractionResponse:
    """`other` posts `text`; `fan` right-clicks it and picks the menu."""
    posted = w.emu.member_says(text, user=w.other, channel=w.channel, **message)
    response = await answered(await w.emu.right_click(posted, MENU, user=w.fan))
    assert response.ephemeral
    assert response.data.get("allowed_mentions") == {"parse": []}
    return response


def everything_shown(response: InteractionResponse) -> str:
    parts = [response.content or ""]
    for embed in response.embeds:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
        parts.append((embed.get("footer") or {}).get("text", ""))
    return "\n".join(parts)


async def test_the_menu_is_synced_as_a_message_command_usable_everywhere(w: World) -> None:
    (menu,) = [c for c in w.emu.synced_commands() if c["name"] == MENU]
    assert menu["type"] == 3
    assert menu["description"] == ""
    assert sorted(menu["integration_types"]) == [0, 1]
    assert sorted(menu["contexts"]) == [0, 1, 2]


async def test_a_matching_claim_gets_the_sources_excerpts_privately(w: World) -> None:
    response = await check(w, "I heard the sequel is filming already")
    (embed,) = response.embeds
    values = [field["value"] for field in embed["fields"]]
    works = "> A sequel to We Can Be Heroes is already in the works at Netflix."
    credit = "> Rodriguez is already on board to write, direct, and produce the unnamed sequel."
    assert any(works in v for v in values) and any(credit in v for v in values)
    # Each excerpt with its source, as the other cards show it.
    source = "Source: We Can Be Heroes Sequel in Development at Netflix — ComicBook.com"
    assert all(source in v for v in values)
    assert "sequel, already" in embed["fields"][0]["name"]
    assert embed["footer"]["text"] == "Words looked up: sequel, filming, already"


async def test_no_verdict_word_is_ever_template_text(w: World) -> None:
    for text in ("I heard the sequel is filming already", "Sharkboy is cool", "my cat ate it"):
        shown = everything_shown(await check(w, text))
        assert not VERDICTS.search(shown), shown


async def test_a_partial_match_shows_only_excerpts_that_really_overlap(w: World) -> None:
    response = await check(w, "Rodriguez wants to make a Spy Kids movie with Zendaya")
    (embed,) = response.embeds
    for field in embed["fields"]:
        shared = field["name"].split("shares: ")[1].split(", ")
        assert len(shared) >= 2, field  # one common word shared by chance is not enough
        excerpt = field["value"].split("\n")[0].lower()
        assert all(word in excerpt for word in shared)
    assert "zendaya" not in "".join(f["value"].lower() for f in embed["fields"])
    assert "Spy Kids" in embed["fields"][0]["value"]


async def test_a_claim_the_sources_do_not_cover_gets_a_plain_nothing(w: World) -> None:
    response = await check(w, "The sequel's villain will be played by a talking cat")
    assert response.embeds == []
    assert response.content is not None
    assert response.content.startswith(NOTHING)


async def test_the_films_own_title_words_match_nothing_by_themselves(w: World) -> None:
    response = await check(w, "We can be heroes, just for one day")
    assert response.embeds == []
    assert (response.content or "").startswith(NOTHING)


async def test_a_message_with_only_an_image_has_no_text_to_check(w: World) -> None:
    posted = w.emu.member_says("", files=("poster.png",), user=w.other, channel=w.channel)
    handle = await w.emu.right_click(posted, MENU, user=w.fan)
    response = await handle.response()
    (target,) = handle.interaction.payload["data"]["resolved"]["messages"].values()
    assert (target["content"], target["attachments"][0]["filename"]) == ("", "poster.png")
    assert response.ephemeral
    assert response.content == "That message has no text to check."
    assert response.embeds == []


HOSTILE = [
    "@everyone the sequel is already filming <@&1234567890123> <@1>",
    '"sequel" * NEAR(already, 2) AND OR ((((',
    "**sequel** `already` ||spoiler|| > quote [link](https://evil.example)",
    "se\u200bquel al\u200dready \u202e\u2066",
    "sequel already " + "x" * 3985,
    "'; DROP TABLE quotes; -- sequel already",
]


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_text_is_looked_up_as_words_and_never_echoed(w: World, text: str) -> None:
    response = await check(w, text)
    shown = everything_shown(response)
    for echoed in ("@everyone", "<@&", "evil.example", "DROP TABLE", "NEAR(", "||", "\u202e"):
        assert echoed not in shown
    (embed,) = response.embeds  # the words "sequel" and "already" still find their excerpts
    assert (
        "already in the works" in embed["fields"][0]["value"]
        or "already on board" in (embed["fields"][0]["value"])
    )


async def test_a_message_over_four_thousand_characters_cannot_be_posted(w: World) -> None:
    with pytest.raises(ClientRefusal):
        w.emu.member_says("x" * 4001, user=w.other, channel=w.channel)


async def test_the_bots_own_private_reply_has_no_apps_menu(w: World) -> None:
    posted = w.emu.member_says("Sharkboy is cool", user=w.other, channel=w.channel)
    handle = await w.emu.right_click(posted, MENU, user=w.fan)
    await handle.response()
    reply = handle.original
    assert reply is not None and reply.ephemeral
    with pytest.raises(ClientRefusal):
        await w.emu.right_click(reply, MENU, user=w.fan)


async def test_it_works_on_a_message_in_a_dm_with_the_bot(w: World) -> None:
    dm = w.emu.state.dm_channel(w.fan)
    posted = w.emu.member_says("is the sequel already happening?", user=w.fan, channel=dm)
    response = await answered(await w.emu.right_click(posted, MENU, user=w.fan))
    assert response.ephemeral
    assert "already" in response.embeds[0]["fields"][0]["name"]


async def test_a_user_install_checks_messages_wherever_it_reaches(w: World) -> None:
    """In a DM between members, a group DM and a server the bot is not in: the member's own
    install answers, privately, with the excerpts."""
    w.emu.install_for_user(w.fan)
    elsewhere = w.emu.add_guild_without_bot("Fan Server")
    places = {
        "a DM between members": w.emu.add_user_dm(w.fan, w.other),
        "a group DM": w.emu.add_group_dm(w.fan, w.other, name="movie night"),
        "a server without the bot": next(iter(elsewhere.channels.values())),
    }
    for place, channel in places.items():
        posted = w.emu.member_says(CLAIM, user=w.other, channel=channel)
        handle = await w.emu.right_click(posted, MENU, user=w.fan)
        response = await answered(handle)
        assert response.ephemeral, place
        assert handle.interaction.payload["authorizing_integration_owners"] == {
            "1": str(w.fan.id)
        }, place
        assert "already in the works" in everything_shown(response), place
    assert w.bot.get_guild(elsewhere.id) is None


async def test_without_an_install_reaching_there_the_menu_is_not_offered(w: World) -> None:
    posted = w.emu.member_says(CLAIM, user=w.other, channel=w.emu.add_user_dm(w.fan, w.other))
    with pytest.raises(ClientRefusal):
        await w.emu.right_click(posted, MENU, user=w.fan)


async def test_the_search_is_announced_privately_first_so_discords_3_seconds_never_run_out(
    w: World,
) -> None:
    posted = w.emu.member_says(CLAIM, user=w.other, channel=w.channel)
    handle = await w.emu.right_click(posted, MENU, user=w.fan)
    first = await handle.response()
    assert first.deferred and first.ephemeral
    assert "already in the works" in everything_shown(await answered(handle))
