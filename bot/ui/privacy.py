"""What the bot stores and how it is deleted, in words, from the store's declarations.

/about and /trivia forget-me render from `bot.store.STORED_DATA`, the same declarations that drive
the deleting, so what they say cannot drift from what is kept and deleted.
"""

from __future__ import annotations

from bot.store import STORED_DATA, ForgetReport, features

NOTHING_ELSE = "Nothing else: no messages, no member lists (the bot asks for no privileged intent)."
FORGET_COMMAND = "/trivia forget-me"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def stored_fields() -> list[tuple[str, str]]:
    """One (name, value) embed field per feature, listing every declared datum."""
    return [
        (f"What it stores: {feature}", "\n".join(f"• {_sentence(d.what)}" for d in data))
        for feature, data in features().items()
    ]


def _forgotten_phrases(*, per_server: bool) -> list[str]:
    return [
        member.forgotten
        for datum in STORED_DATA
        for member in datum.members
        if (datum.server is not None) == per_server
    ]


def deleting_text() -> str:
    """How each kind of stored data is deleted."""
    per_server = ", ".join(
        feature.lower()
        for feature, data in features().items()
        if any(d.server is not None for d in data)
    )
    not_per_server = _forgotten_phrases(per_server=False)
    return (
        f"• `{FORGET_COMMAND}` deletes, in that server (`everywhere: True`: in every server): "
        + "; ".join(_forgotten_phrases(per_server=True))
        + (f"; and wherever it is: {'; '.join(not_per_server)}" if not_per_server else "")
        + ".\n"
        f"• Removing the bot from a server deletes everything kept for it ({per_server}), also "
        "when it was removed while the bot was offline (checked when the bot starts).\n"
        "• The people running the bot can delete the database file itself.\n" + NOTHING_ELSE
    )


def _bullets(phrases: list[str]) -> str:
    return "\n".join(f"• {phrase}" for phrase in phrases)


def forget_reply(report: ForgetReport, *, everywhere: bool) -> str:
    """The answer to /trivia forget-me: what was deleted, from the declarations."""
    where = "in every server" if everywhere else "in this server"
    # What is kept per server was deleted `where`; what is kept for no server (the author id on
    # news updates) wherever it is, as /about says: listed apart, not as if it were per server.
    here: list[str] = []
    anywhere: list[str] = []
    for change in report.changes:
        if change.member is not None:
            gone = here if change.datum.server is not None else anywhere
            if change.member.forgotten not in gone:
                gone.append(change.member.forgotten)
    if not here and not anywhere:
        return f"There was nothing to delete: the bot keeps nothing about you {where}."
    parts = [f"Done, deleted {where}:\n" + _bullets(here)] if here else []
    if anywhere:
        heading = "Deleted wherever it is:" if here else "Done, deleted wherever it is:"
        parts.append(f"{heading}\n" + _bullets(anywhere))
    return (
        "\n".join(parts) + "\n"
        "Nothing else the bot stores names you there. Answering a trivia question again starts "
        "a new score."
    )
