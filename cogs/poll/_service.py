"""What a /poll cast request becomes: a question and answers that are names from the stored cast,
checked against Discord's poll limits before anything is sent.

A poll asks; it states no fact. Its answers are only names the store holds (a member picks them
from the suggestions); anything else is refused with the reason, before Discord is asked.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from bot.i18n import N_, _, format_number
from bot.replies import escape_input
from bot.store import CastMember
from bot.text import fold
from bot.ui.embeds import shorten

# Template text: posted in the language of the member who runs /poll cast (it is their poll).
# Translators: the question of a poll about the cast; at most 300 characters, ends with "?".
DEFAULT_QUESTION = N_("Who do you most want back in the sequel?")
QUESTION_MAX = 300  # Discord's limit on a poll's question
ANSWER_MAX = 55  # and on each answer's text
ANSWERS_MAX = 10
ANSWERS_MIN = 2  # a poll with one name asks nothing
HOURS_MIN, HOURS_MAX, HOURS_DEFAULT = 1, 768, 24  # Discord: 1 hour to 32 days
# A suggestion's value carries the person's stable key, so picking one can't be ambiguous.
KEY_PREFIX = "person:"


class PollDraft(msgspec.Struct, frozen=True):
    """A poll ready to send: the question and (person key, label) answers in order."""

    question: str
    answers: tuple[tuple[str, str], ...]
    hours: int
    multiselect: bool


def answer_label(name: str) -> str:
    """The name as the store prints it, within Discord's 55 characters for an answer."""
    return shorten(name, ANSWER_MAX)


def resolve_answer(typed: str, cast: Sequence[CastMember]) -> CastMember | None:
    """The cast member a picked suggestion (`person:<key>`) or a typed full name means."""
    if typed.startswith(KEY_PREFIX):
        key = typed.removeprefix(KEY_PREFIX)
        return next((m for m in cast if m.person_key == key), None)
    wanted = fold(typed)  # case, accents, spacing and punctuation ignored
    named = [m for m in cast if fold(m.name) == wanted]
    return named[0] if len(named) == 1 else None


def clean_question(question: str | None) -> tuple[str | None, str | None]:
    """(question, problem): the default when none is given (in the locale in force: the
    member's who asks); spacing tidied; within 300. A member's own question stays as typed."""
    if question is None:
        return _(DEFAULT_QUESTION), None
    text = " ".join(question.split())
    if not text:
        return None, _("The question is empty: write one, or leave it out for the default.")
    if len(text) > QUESTION_MAX:
        # Translators: {length} and {limit} are numbers of characters.
        problem = _("The question is {length} characters long; Discord allows {limit}.")
        return None, problem.format(
            length=format_number(len(text)), limit=format_number(QUESTION_MAX)
        )
    if not text.endswith(("?", "？")):
        # A poll asks; it states no fact. A sentence such as "X is confirmed for the sequel"
        # posted as a poll would read as the bot's claim.
        return None, _("A poll asks: end the question with a question mark.")
    return text, None


def draft_poll(
    question: str | None,
    typed_answers: Sequence[str],
    cast: Sequence[CastMember],
    *,
    hours: int,
    multiselect: bool,
) -> tuple[PollDraft | None, list[str]]:
    """The poll, or every reason it can't be sent (each said in plain words)."""
    problems: list[str] = []
    text, problem = clean_question(question)
    if problem:
        problems.append(problem)
    if not HOURS_MIN <= hours <= HOURS_MAX:
        # Translators: {low}, {high} and {hours} are numbers of hours.
        problem = _("A poll lasts {low} to {high} hours (32 days); got {hours}.")
        problems.append(
            problem.format(
                low=format_number(HOURS_MIN),
                high=format_number(HOURS_MAX),
                hours=format_number(hours),
            )
        )
    answers: list[tuple[str, str]] = []
    for typed in typed_answers:
        member = resolve_answer(typed, cast)
        shown = typed.removeprefix(KEY_PREFIX)
        if member is None:
            # Translators: {typed} is what the member typed in an answer option.
            problem = _(
                "“{typed}” is not in the stored cast: pick names from the suggestions as you type."
            )
            problems.append(problem.format(typed=escape_input(shown, 60)))
        elif any(key == member.person_key for key, _label in answers):
            # Translators: {name} is a cast member's name.
            problems.append(_("{name} is listed twice.").format(name=member.name))
        else:
            answers.append((member.person_key, answer_label(member.name)))
    if len(typed_answers) > ANSWERS_MAX:
        problem = _("A poll has at most {count} answers.")
        problems.append(problem.format(count=format_number(ANSWERS_MAX)))
    elif not problems and len(answers) < ANSWERS_MIN:
        problem = _("A poll needs at least {count} different names.")
        problems.append(problem.format(count=format_number(ANSWERS_MIN)))
    if problems or text is None:
        return None, problems
    return PollDraft(text, tuple(answers), hours, multiselect), []
