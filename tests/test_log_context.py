"""The interaction scope outlives its interaction in every task and timer started while it was
answered (a view's timeout: minutes): it must keep the label, not the interaction."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import weakref
from types import SimpleNamespace

import discord

from bot.log_context import current_interaction, enter_interaction, log_fields


class FakeInteraction(SimpleNamespace):
    """What the scope reads of a discord.Interaction (weak-referenceable, unlike a real one)."""


def slash(name: str) -> FakeInteraction:
    return FakeInteraction(
        id=11,
        guild_id=22,
        type=discord.InteractionType.application_command,
        command=SimpleNamespace(qualified_name=name),
        client=SimpleNamespace(),  # no metrics
        data={},
    )


async def test_an_answered_interaction_is_not_kept_alive_by_timers_started_meanwhile() -> None:
    kept: list[contextvars.Context] = []

    async def answer(interaction: FakeInteraction) -> None:
        enter_interaction(interaction)
        # What a view's timeout timer holds for minutes: a copy of this task's context.
        kept.append(contextvars.copy_context())

    interaction = slash("sequel status")
    gone = weakref.ref(interaction)
    await asyncio.create_task(answer(interaction))
    await asyncio.sleep(0)  # the task's done callbacks
    del interaction
    gc.collect()
    assert gone() is None
    scope = kept[0].run(current_interaction)
    assert scope is not None and scope.command == "sequel status"  # the label stays


async def test_log_lines_carry_the_label_during_and_after_the_answer() -> None:
    seen: list[dict[str, int | str]] = []

    async def answer() -> None:
        enter_interaction(slash("cast"))
        seen.append(log_fields())
        await asyncio.sleep(0)
        seen.append(log_fields())

    await asyncio.create_task(answer())
    assert seen == [{"command": "cast", "interaction": 11, "guild": 22}] * 2
