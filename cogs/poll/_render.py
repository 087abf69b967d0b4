"""The /poll replies: one poll's votes, and the list of a server's polls.

A poll asks; it states no fact. Every count shown is labelled as members' votes, as Discord
counted them, final or so far, never as what is true.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.store import StoredPoll
from bot.ui.embeds import DESCRIPTION, EmbedBuilder, shorten

VOTES_NOT_FACTS = (
    "A poll asks; it states no fact. These are members' votes, as Discord counted them."
)
LIST_LIMIT = 10


def stamp(moment: datetime, style: str = "F") -> str:
    """A Discord timestamp each member sees in their own timezone."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def poll_link(poll: StoredPoll) -> str:
    return f"https://discord.com/channels/{poll.guild_id}/{poll.channel_id}/{poll.message_id}"


def _votes(count: int) -> str:
    return f"{count} vote" + ("" if count == 1 else "s")


def _count_lines(poll: StoredPoll, votes: dict[int, int]) -> list[str]:
    total = sum(votes.values())
    lines = []
    for answer in poll.answers:
        count = votes.get(answer.answer_id, 0)
        share = f" ({round(100 * count / total)}%)" if total else ""
        lines.append(f"**{discord.utils.escape_markdown(answer.label)}**: {_votes(count)}{share}")
    return lines


def results_card(
    poll: StoredPoll, live: dict[int, int] | None = None, *, now: datetime
) -> discord.Embed:
    """One poll's votes: Discord's final count once stored, else `live` (its count so far)."""
    labels = [f"**{discord.utils.escape_markdown(a.label)}**" for a in poll.answers]
    ending = "Ended" if poll.expires_at <= now else "Open until"
    if poll.finished and all(a.votes is None for a in poll.answers):
        status = (
            f"Ended {stamp(poll.expires_at)}. Discord's count is not available: the poll's "
            "message was deleted before its votes were read."
        )
        lines = labels
    elif poll.finished:
        status = f"Ended {stamp(poll.expires_at)}: the final count."
        lines = _count_lines(poll, {a.answer_id: a.votes or 0 for a in poll.answers})
    elif live is not None:
        status = (
            f"{ending} {stamp(poll.expires_at)} ({stamp(poll.expires_at, 'R')}): "
            "the count so far, not final."
        )
        lines = _count_lines(poll, live)
    else:
        status = f"{ending} {stamp(poll.expires_at)}: Discord's count could not be read now."
        lines = labels
    text = "\n".join([VOTES_NOT_FACTS, status, "", *lines, "", f"[The poll]({poll_link(poll)})"])
    builder = EmbedBuilder(f"Poll #{poll.id}: {poll.question}", description=text)
    builder.footer(f"Answers are names from the stored cast · {len(poll.answers)} answers")
    return builder.build()


def _summary(poll: StoredPoll, now: datetime) -> str:
    question = discord.utils.escape_markdown(shorten(poll.question, 80))
    if poll.finished:
        counted = [a.votes for a in poll.answers if a.votes is not None]
        result = _votes(sum(counted)) if counted else "no count (message deleted)"
        return f"`#{poll.id}` {question} · ended {stamp(poll.expires_at, 'R')} · {result}"
    if poll.expires_at <= now:
        return f"`#{poll.id}` {question} · ended {stamp(poll.expires_at, 'R')} · being counted"
    return f"`#{poll.id}` {question} · open, ends {stamp(poll.expires_at, 'R')}"


def polls_list(polls: Sequence[StoredPoll], *, now: datetime) -> discord.Embed:
    """The server's latest polls, newest first."""
    if not polls:
        return EmbedBuilder(
            "Polls in this server",
            description="No poll yet. A manager can post one with /poll cast.",
        ).build()
    lines = [_summary(p, now) for p in polls[:LIST_LIMIT]]
    builder = EmbedBuilder(
        "Polls in this server",
        description=shorten("\n".join([VOTES_NOT_FACTS, "", *lines]), DESCRIPTION),
    )
    builder.footer("/poll results poll:<number> shows one poll's votes")
    return builder.build()
