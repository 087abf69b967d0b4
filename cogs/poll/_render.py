"""The /poll replies: one poll's votes, and the list of a server's polls.

A poll asks; it states no fact. Every count shown is labelled as members' votes, as Discord
counted them, final or so far, never as what is true. Labels are in the member's language; a
poll's question and its answers (names) are shown as stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.i18n import N_, _, format_number, format_percent, ngettext
from bot.store import StoredPoll
from bot.ui.embeds import DESCRIPTION, EmbedBuilder, shorten

VOTES_NOT_FACTS = N_(
    "A poll asks; it states no fact. These are members' votes, as Discord counted them."
)
LIST_LIMIT = 10


def stamp(moment: datetime, style: str = "F") -> str:
    """A Discord timestamp each member sees in their own timezone."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def poll_link(poll: StoredPoll) -> str:
    return f"https://discord.com/channels/{poll.guild_id}/{poll.channel_id}/{poll.message_id}"


def _votes(count: int) -> str:
    return ngettext("{count} vote", "{count} votes", count).format(count=format_number(count))


def _count_lines(poll: StoredPoll, votes: dict[int, int]) -> list[str]:
    total = sum(votes.values())
    lines = []
    for answer in poll.answers:
        count = votes.get(answer.answer_id, 0)
        name = discord.utils.escape_markdown(answer.label)
        if total:
            # Translators: {name} is a cast member's name, {votes} e.g. "3 votes", {share} e.g.
            # "50%".
            line = _("**{name}**: {votes} ({share})").format(
                name=name, votes=_votes(count), share=format_percent(count / total)
            )
        else:
            line = _("**{name}**: {votes}").format(name=name, votes=_votes(count))
        lines.append(line)
    return lines


def _status(poll: StoredPoll, live: dict[int, int] | None, now: datetime) -> str:
    """Where the poll's count stands, as one sentence (the timestamps are Discord's)."""
    ends, relative = stamp(poll.expires_at), stamp(poll.expires_at, "R")
    if poll.finished and all(a.votes is None for a in poll.answers):
        # Translators: {ends} is a Discord timestamp (a date and time), {relative} one such as
        # "in 3 hours": each member's Discord app shows them in their own language.
        text = _(
            "Ended {ends}. Discord's count is not available: the poll's message was deleted "
            "before its votes were read."
        )
    elif poll.finished:
        text = _("Ended {ends}: the final count.")
    elif live is not None and poll.expires_at <= now:
        text = _("Ended {ends} ({relative}): the count so far, not final.")
    elif live is not None:
        text = _("Open until {ends} ({relative}): the count so far, not final.")
    elif poll.expires_at <= now:
        text = _("Ended {ends}: Discord's count could not be read now.")
    else:
        text = _("Open until {ends}: Discord's count could not be read now.")
    return text.format(ends=ends, relative=relative)


def results_card(
    poll: StoredPoll, live: dict[int, int] | None = None, *, now: datetime
) -> discord.Embed:
    """One poll's votes: Discord's final count once stored, else `live` (its count so far)."""
    if poll.finished and any(a.votes is not None for a in poll.answers):
        lines = _count_lines(poll, {a.answer_id: a.votes or 0 for a in poll.answers})
    elif not poll.finished and live is not None:
        lines = _count_lines(poll, live)
    else:  # no count to show: the names alone
        lines = [f"**{discord.utils.escape_markdown(a.label)}**" for a in poll.answers]
    # Translators: a link to the poll's message; keep the [text](link) form.
    link = _("[The poll]({link})").format(link=poll_link(poll))
    text = "\n".join([_(VOTES_NOT_FACTS), _status(poll, live, now), "", *lines, "", link])
    # Translators: an embed title; {number} is the poll's number, {question} its question as
    # stored (never translated).
    title = _("Poll #{number}: {question}").format(number=poll.id, question=poll.question)
    builder = EmbedBuilder(title, description=text)
    count = len(poll.answers)
    builder.footer(
        ngettext(
            "Answers are names from the stored cast · {count} answer",
            "Answers are names from the stored cast · {count} answers",
            count,
        ).format(count=format_number(count))
    )
    return builder.build()


def _summary(poll: StoredPoll, now: datetime) -> str:
    """One line of the list: the poll's number, question, and where it stands."""
    question = discord.utils.escape_markdown(shorten(poll.question, 80))
    if poll.finished:
        counted = [a.votes for a in poll.answers if a.votes is not None]
        if not counted:
            # Translators: a line of /poll results; {number} is the poll's number, {question}
            # its question as stored, {relative} a Discord timestamp such as "2 days ago".
            line = _("`#{number}` {question} · ended {relative} · no count (message deleted)")
        else:
            # Translators: as above; {votes} is e.g. "12 votes".
            line = _("`#{number}` {question} · ended {relative} · {votes}")
        votes = _votes(sum(counted))
    elif poll.expires_at <= now:
        line, votes = _("`#{number}` {question} · ended {relative} · being counted"), ""
    else:
        line, votes = _("`#{number}` {question} · open, ends {relative}"), ""
    relative = stamp(poll.expires_at, "R")
    return line.format(number=poll.id, question=question, relative=relative, votes=votes)


def polls_list(polls: Sequence[StoredPoll], *, now: datetime) -> discord.Embed:
    """The server's latest polls, newest first."""
    if not polls:
        return EmbedBuilder(
            _("Polls in this server"),
            description=_("No poll yet. A manager can post one with /poll cast."),
        ).build()
    lines = [_summary(p, now) for p in polls[:LIST_LIMIT]]
    builder = EmbedBuilder(
        _("Polls in this server"),
        description=shorten("\n".join([_(VOTES_NOT_FACTS), "", *lines]), DESCRIPTION),
    )
    # Translators: keep "/poll results poll:<number>" as it is (a command and its option).
    builder.footer(_("/poll results poll:<number> shows one poll's votes"))
    return builder.build()
