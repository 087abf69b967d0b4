"""Trivia embeds: the question, the reveal, the leaderboard. All built within Discord's limits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import discord

from bot.i18n import _, format_number, ngettext, pgettext
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
    # Translators: shown for a player whose display name is empty once cleaned.
    return plain(shorten(clean_display_name(name), 64)) or _("someone")


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
    builder = EmbedBuilder(_("Trivia"), description=shorten(text, DESCRIPTION), colour=COLOUR_OPEN)
    # Translators: a field's name: when the question closes (a live countdown below it).
    builder.field(_("Closes"), f"<t:{closes_at}:R>", inline=True)
    # Translators: a field's name: how many members answered so far (a number below it).
    builder.field(_("Answered"), format_number(answered), inline=True)
    builder.footer(_("One answer each · a right answer scores 1 point · /trivia leaderboard"))
    return builder.build()


def _and_more(names: str, count: int) -> str:
    # Translators: {names} are players' names joined with commas; {count} more are not shown.
    text = ngettext("{names} and {count} more", "{names} and {count} more", count)
    return text.format(names=names, count=format_number(count))


def _name_list(names: Sequence[str], limit: int = FIELD_VALUE) -> str:
    """Names joined with commas, as many as fit, then 'and N more'."""
    shown: list[str] = []
    for index, name in enumerate(names):
        rest = len(names) - index - 1
        candidate = ", ".join([*shown, safe_name(name)])
        if len(_and_more(candidate, rest) if rest else candidate) > limit:
            return _and_more(", ".join(shown), rest + 1)
        shown.append(safe_name(name))
    return ", ".join(shown)


def _who_got_it(builder: EmbedBuilder, answers: Sequence[RoundAnswer]) -> None:
    right = [a.display_name for a in answers if a.correct]
    if not answers:
        builder.field(_("Who got it"), _("Nobody answered this time."))
    elif right:
        # Translators: a field's name: how many answered right, of how many answered.
        name = _("Who got it ({right} of {answered})").format(
            right=format_number(len(right)), answered=format_number(len(answers))
        )
        builder.field(name, _name_list(right))
    else:
        text = ngettext(
            "Nobody — {count} answered, none right.",
            "Nobody — {count} answered, none right.",
            len(answers),
        )
        builder.field(_("Who got it"), text.format(count=format_number(len(answers))))


def result_embed(
    question: Question, answers: Sequence[RoundAnswer], *, note: str | None = None
) -> discord.Embed:
    """The reveal: the right answer, who got it, how the room answered, and the source.
    `note` is an English constant marked with N_, translated here."""
    text = f"{question.prompt}\n\n{_options(question, reveal=True)}"
    builder = EmbedBuilder(
        _("Trivia — the answer"), description=shorten(text, DESCRIPTION), colour=COLOUR_CLOSED
    )
    builder.field(
        # Translators: a field's name: the right answer (its letter and text below it).
        pgettext("trivia", "Answer"),
        f"**{LETTERS[question.answer]}** · {shorten(question.correct, 900)}",
    )
    _who_got_it(builder, answers)
    if answers:
        counts = Counter(a.choice for a in answers)
        builder.field(
            # Translators: a field's name: how many chose each letter ("A: 3 · B: 1 · ...").
            _("Answers"),
            " · ".join(
                # Translators: one letter's count in the Answers field ("A: 3"); French "A : 3".
                _("{letter}: {count}").format(letter=letter, count=format_number(counts[i]))
                for i, letter in enumerate(LETTERS)
            ),
        )
    builder.field(_("From the article"), excerpt_block(question.excerpt))
    if note:
        builder.field(_("Note"), _(note))
    builder.footer(source_line(question.source))
    return builder.build()


def _score_line(entry: ScoreEntry) -> str:
    # Translators: a player's score on the leaderboard: points, then right answers of answered.
    score = ngettext(
        "{points} point ({right}/{answered} right)",
        "{points} points ({right}/{answered} right)",
        entry.points,
    ).format(
        points=format_number(entry.points),
        right=format_number(entry.correct),
        answered=format_number(entry.answered),
    )
    rank = format_number(entry.rank).rjust(2)
    return f"`{rank}.` **{safe_name(entry.display_name)}** — {score}"


def leaderboard_embed(
    top: Sequence[ScoreEntry], mine: ScoreEntry | None, *, players: int, where: str
) -> discord.Embed:
    """`where` is already in the reader's language ("this server")."""
    # Translators: the leaderboard's title; {where} is "this server".
    title = _("Trivia leaderboard — {where}").format(where=where)
    if not top:
        return EmbedBuilder(
            title,
            description=_("No scores yet. Start a question with /trivia play."),
            colour=COLOUR_OPEN,
        ).build()
    builder = EmbedBuilder(
        title, description="\n".join(_score_line(entry) for entry in top), colour=COLOUR_OPEN
    )
    # Translators: a field's name: the reader's own score on the leaderboard.
    you = _("You")
    if mine is None:
        builder.field(you, _("No score yet — answer a /trivia play question to get on the board."))
    else:
        builder.field(you, _score_line(mine))
    footer = ngettext(
        "{count} player in this server · scores are kept per server · "
        "/trivia forget-me deletes yours",
        "{count} players in this server · scores are kept per server · "
        "/trivia forget-me deletes yours",
        players,
    )
    builder.footer(footer.format(count=format_number(players)))
    return builder.build()
