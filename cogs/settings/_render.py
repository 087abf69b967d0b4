"""The /settings reply: the server's default for replies and its cards' style, in words."""

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


def cards_text(classic: bool, *, changed: bool) -> str:
    """The cards' style (or the one just set)."""
    style = "classic embeds" if classic else "cards (Discord's newer layout)"
    if changed:
        return f"Done: /sequel status, /sequel news, /film and news posts now show as **{style}**."
    return f"/sequel status, /sequel news, /film and news posts show as **{style}**."
