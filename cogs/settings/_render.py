"""The /settings reply: the server's default for replies, in words."""

from __future__ import annotations


def _mode(private: bool) -> str:
    return "private (only the member who asked sees them)" if private else "public"


def replies_text(private: bool, *, changed: bool) -> str:
    """The current default (or the one just set), and what members can still choose."""
    if changed:
        text = f"Done: replies in this server are now **{_mode(private)}** by default."
    else:
        text = f"Replies in this server are **{_mode(private)}** by default."
    return text + (
        "\nAnyone can still choose per command with its `private` option. Trivia questions "
        "are always public; public replies have a short cooldown per member and per channel."
    )
