"""Trivia embeds: the question, the reveal, the leaderboard. All built within Discord's limits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import discord

from bot.store import RoundAnswer, ScoreEntry
from bot.ui.display_names import clean_display_name
from bot.ui.embeds import DESCRIPTION, FIELD_VALUE, EmbedBuilder, shorten
from bot.ui.excerpts import excerpt_block, source_line
from bot.ui.links import plain

from ._questions import LETTERS, Question

COLOUR_OPEN = 0x3D8BE8
COLOUR_CLOSED = 0x4CAF50


def safe_name(name: str) -> str:
    """A display name shown as plain text: no direction overrides, control characters or pill
    syntax (again, for names stored before they were cleaned), markdown and link syntax
    escaped: escape_markdown leaves a lone `[` or `](`, and two names side by side could then
    form a masked link."""
    return plain(shorten(clean_display_name(name), 64)) or "someone"


def _options(question: Question, *, reveal: bool) -> str:
    lines = []
    for index, option in enumerate(question.options):
        mark = ""
        if reveal:
            mark = " ✅" if index == question.answer else ""
        lines.append(f"**{LETTERS[index]}** · {shorten(option, 700)}{mark}")
    return "\n".join(lines)


def question_embed(question: Question, *, closes_at: int, answered: int) -> discord.Embed:
    """The open question. `closes_at` is a Unix time, shown as a live countdown by Discord."""
    text = f"{question.prompt}\n\n{_options(question, reveal=False)}"
    builder = EmbedBuilder("Trivia", description=shorten(text, DESCRIPTION), colour=COLOUR_OPEN)
    builder.field("Closes", f"<t:{closes_at}:R>", inline=True)
    builder.field("Answered", str(answered), inline=True)
    builder.footer("One answer each · a right answer scores 1 point · /trivia leaderboard")
    return builder.build()


def _name_list(names: Sequence[str], limit: int = FIELD_VALUE) -> str:
    """Names joined with commas, as many as fit, then 'and N more'."""
    shown: list[str] = []
    for index, name in enumerate(names):
        rest = len(names) - index - 1
        suffix = f" and {rest} more" if rest else ""
        if len(", ".join([*shown, safe_name(name)])) + len(suffix) > limit:
            return ", ".join(shown) + f" and {rest + 1} more"
        shown.append(safe_name(name))
    return ", ".join(shown)


def result_embed(
    question: Question, answers: Sequence[RoundAnswer], *, note: str | None = None
) -> discord.Embed:
    """The reveal: the right answer, who got it, how the room answered, and the source."""
    text = f"{question.prompt}\n\n{_options(question, reveal=True)}"
    builder = EmbedBuilder(
        "Trivia — the answer", description=shorten(text, DESCRIPTION), colour=COLOUR_CLOSED
    )
    right = [a.display_name for a in answers if a.correct]
    builder.field("Answer", f"**{LETTERS[question.answer]}** · {shorten(question.correct, 900)}")
    if not answers:
        builder.field("Who got it", "Nobody answered this time.")
    elif right:
        builder.field(f"Who got it ({len(right)} of {len(answers)})", _name_list(right))
    else:
        builder.field("Who got it", f"Nobody — {len(answers)} answered, none right.")
    if answers:
        counts = Counter(a.choice for a in answers)
        builder.field(
            "Answers", " · ".join(f"{letter}: {counts[i]}" for i, letter in enumerate(LETTERS))
        )
    builder.field("From the article", excerpt_block(question.excerpt))
    if note:
        builder.field("Note", note)
    builder.footer(source_line(question.source))
    return builder.build()


def _score_line(entry: ScoreEntry) -> str:
    points = "point" if entry.points == 1 else "points"
    return (
        f"`{entry.rank:>2}.` **{safe_name(entry.display_name)}** — {entry.points} {points} "
        f"({entry.correct}/{entry.answered} right)"
    )


def leaderboard_embed(
    top: Sequence[ScoreEntry], mine: ScoreEntry | None, *, players: int, where: str
) -> discord.Embed:
    if not top:
        return EmbedBuilder(
            f"Trivia leaderboard — {where}",
            description="No scores yet. Start a question with /trivia play.",
            colour=COLOUR_OPEN,
        ).build()
    builder = EmbedBuilder(
        f"Trivia leaderboard — {where}",
        description="\n".join(_score_line(entry) for entry in top),
        colour=COLOUR_OPEN,
    )
    if mine is None:
        builder.field("You", "No score yet — answer a /trivia play question to get on the board.")
    else:
        builder.field("You", _score_line(mine))
    people = "player" if players == 1 else "players"
    builder.footer(
        f"{players} {people} in this server · scores are kept per server · "
        "/trivia forget-me deletes yours"
    )
    return builder.build()
