"""What the bot stores and how it is deleted, in words, from the store's declarations.

/about and /trivia forget-me render from `bot.store.STORED_DATA`, the same declarations that drive
the deleting, so what they say cannot drift from what is kept and deleted. The declarations'
words are English (marked for the catalogs where they are declared) and translated here, where
they are shown.
"""

from __future__ import annotations

from bot.i18n import N_, _, join_clauses, shown_command
from bot.store import STORED_DATA, ForgetReport, features

NOTHING_ELSE = N_(
    "Nothing else: no messages, no member lists (the bot asks for no privileged intent)."
)
FORGET_COMMAND = "/trivia forget-me"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def stored_fields() -> list[tuple[str, str]]:
    """One (name, value) embed field per feature, listing every declared datum."""
    # Translators: an /about field's name; {feature} is a feature's name ("Trivia").
    heading = _("What it stores: {feature}")
    return [
        (
            heading.format(feature=_(feature)),
            "\n".join(f"• {_sentence(_(d.what))}" for d in data),
        )
        for feature, data in features().items()
    ]


def _forgotten_phrases(*, per_server: bool) -> list[str]:
    return [
        _(member.forgotten)
        for datum in STORED_DATA
        for member in datum.members
        if (datum.server is not None) == per_server
    ]


def _forget_command_text() -> str:
    """The first bullet of deleting_text: what the forget command deletes, and where."""
    here = join_clauses(_forgotten_phrases(per_server=True))
    anywhere = join_clauses(_forgotten_phrases(per_server=False))
    if anywhere:
        # Translators: {command} is "/trivia forget-me"; {here} and {anywhere} are lists of
        # what it deletes ("your trivia score; ..."). `everywhere: True` is an option: kept.
        text = _(
            "• `{command}` deletes, in that server (`everywhere: True`: in every server): "
            "{here}; and wherever it is: {anywhere}."
        )
    else:
        # Translators: {command} is "/trivia forget-me"; {here} a list of what it deletes.
        text = _(
            "• `{command}` deletes, in that server (`everywhere: True`: in every server): {here}."
        )
    return text.format(command=shown_command(FORGET_COMMAND), here=here, anywhere=anywhere)


def deleting_text() -> str:
    """How each kind of stored data is deleted."""
    per_server = ", ".join(
        _(feature).lower()
        for feature, data in features().items()
        if any(d.server is not None for d in data)
    )
    # Translators: {features} lists the features that keep data per server ("trivia, polls").
    removed = _(
        "• Removing the bot from a server deletes everything kept for it ({features}), also "
        "when it was removed while the bot was offline (checked when the bot starts)."
    ).format(features=per_server)
    database = _("• The people running the bot can delete the database file itself.")
    return "\n".join((_forget_command_text(), removed, database, _(NOTHING_ELSE)))


def _bullets(phrases: list[str]) -> str:
    return "\n".join(f"• {phrase}" for phrase in phrases)


def _deleted(report: ForgetReport) -> tuple[list[str], list[str]]:
    """What was deleted: (kept per server, so deleted where asked; kept for no server, so
    deleted wherever it is), each phrase once, translated."""
    here: list[str] = []
    anywhere: list[str] = []
    for change in report.changes:
        if change.member is not None:
            gone = here if change.datum.server is not None else anywhere
            phrase = _(change.member.forgotten)
            if phrase not in gone:
                gone.append(phrase)
    return here, anywhere


def forget_reply(report: ForgetReport, *, everywhere: bool) -> str:
    """The answer to /trivia forget-me: what was deleted, from the declarations."""
    # What is kept per server was deleted where asked; what is kept for no server (the author id
    # on news updates) wherever it is, as /about says: listed apart, not as if it were per server.
    here, anywhere = _deleted(report)
    if not here and not anywhere:
        if everywhere:
            return _("There was nothing to delete: the bot keeps nothing about you in any server.")
        return _("There was nothing to delete: the bot keeps nothing about you in this server.")
    parts = []
    if here:
        heading = (
            _("Done, deleted in every server:")
            if everywhere
            else _("Done, deleted in this server:")
        )
        parts.append(f"{heading}\n" + _bullets(here))
    if anywhere:
        heading = _("Deleted wherever it is:") if here else _("Done, deleted wherever it is:")
        parts.append(f"{heading}\n" + _bullets(anywhere))
    closing = _(
        "Nothing else the bot stores names you there. Answering a trivia question again starts "
        "a new score."
    )
    return "\n".join(parts) + "\n" + closing
