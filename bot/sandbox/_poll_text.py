"""A native poll, and Discord's "poll ended" notice, as terminal text.

Discord draws a poll as a question over numbered answers with their votes; the sandbox writes
the same, with the answer numbers `vote` takes.
"""

from __future__ import annotations

import time
from typing import Any

from bot.sandbox._markdown import BOLD, DIM, Block, Line, Span, wrap
from discord_emulator import Message

POLL_RESULT = "poll_result"  # the embed type of Discord's POLL_RESULT message (type 46)


def _plain(text: str, *styles: str) -> list[Block]:
    return [Block([Span(line, frozenset(styles))], [], []) for line in text.split("\n")]


def _votes(count: int) -> str:
    return f"{count} vote" + ("" if count == 1 else "s")


def _left(expiry: float, now: float) -> str:
    hours = (expiry - now) / 3600
    if hours >= 1:
        return f"{round(hours)} hour{'s' if round(hours) != 1 else ''} left"
    return f"{max(1, round(hours * 60))} minutes left"


def poll_lines(message: Message, width: int, now: float | None = None) -> list[Line]:
    """The message's poll: question, numbered answers with Discord's counts, and its state."""
    poll = message.poll
    if poll is None:
        return []
    now = time.time() if now is None else now
    bar = [Span("▌ ", frozenset({DIM}))]
    lines = wrap(_plain(f"📊 {poll.question}", BOLD), width - 2, bar)
    for answer in poll.answers:
        number = answer["answer_id"]
        text = answer["poll_media"].get("text") or ""
        lines += wrap(_plain(f"({number}) {text}: {_votes(poll.count(number))}"), width - 2, bar)
    if poll.finalized:
        state = "poll ended: final results"
    else:
        # Only a multiselect poll takes several numbers; `vote` alone takes a vote back.
        how = (
            "pick one or more: type vote 1, or vote 1 3 for several"
            if poll.allow_multiselect
            else "pick one: type vote 1"
        )
        state = f"{_left(poll.expiry, now)} · {how} (vote alone takes yours back)"
    return lines + wrap(_plain(state, DIM), width - 2, bar)


def poll_result_lines(embed: dict[str, Any], width: int) -> list[Line]:
    """Discord's notice that a poll ended: its question, and the answer with the most votes."""
    fields = {f.get("name"): f.get("value") for f in embed.get("fields", [])}
    text = f"📊 The poll “{fields.get('poll_question_text', '')}” has ended"
    if fields.get("victor_answer_text"):
        votes = _votes(int(fields.get("victor_answer_votes") or 0))
        text += f": most votes, {fields['victor_answer_text']} ({votes})"
    else:
        text += ": no single answer had the most votes"
    total = _votes(int(fields.get("total_votes") or 0))
    return wrap(_plain(f"{text} · {total} in all", DIM), width)
