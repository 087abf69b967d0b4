"""The /settings reply: the server's default for replies, its cards' style and the language of
its posts, in words (the member's own language: the reply is theirs)."""

from __future__ import annotations

from bot.i18n import NATIVE_NAMES, _


def replies_text(private: bool, *, changed: bool) -> str:
    """The current default (or the one just set), and what members can still choose."""
    if changed and private:
        text = _(
            "Done: replies in this server are now **private (only the member who asked sees "
            "them)** by default."
        )
    elif changed:
        text = _("Done: replies in this server are now **public** by default.")
    elif private:
        text = _(
            "Replies in this server are **private (only the member who asked sees them)** by "
            "default."
        )
    else:
        text = _("Replies in this server are **public** by default.")
    return (
        text
        + "\n"
        + _(
            "Anyone can still choose per command with its `private` option. Trivia questions "
            "are always public; public replies have a short cooldown per member and per channel."
        )
    )


def cards_text(classic: bool, *, changed: bool) -> str:
    """The cards' style (or the one just set)."""
    if changed and classic:
        return _(
            "Done: /sequel status, /sequel news, /film and news posts now show as **classic "
            "embeds**."
        )
    if changed:
        return _(
            "Done: /sequel status, /sequel news, /film and news posts now show as **cards "
            "(Discord's newer layout)**."
        )
    if classic:
        return _("/sequel status, /sequel news, /film and news posts show as **classic embeds**.")
    return _(
        "/sequel status, /sequel news, /film and news posts show as **cards (Discord's newer "
        "layout)**."
    )


def language_text(chosen: str | None, in_force: str, *, changed: bool) -> str:
    """The language of the server's posts: `chosen` (None: Discord's server language) and the
    locale that gives now (`in_force`), each said by its own name."""
    # Native names are never translated: a member looks for the name of the language they read.
    language = NATIVE_NAMES[in_force]
    if chosen is not None and changed:
        # Translators: {language} is a language's own name, e.g. "Français".
        text = _(
            "Done: the bot's posts in this server (sequel news, the quote of the day, "
            "watch-party events) are now in **{language}**."
        )
    elif chosen is not None:
        # Translators: {language} is a language's own name, e.g. "Français".
        text = _(
            "The bot's posts in this server (sequel news, the quote of the day, watch-party "
            "events) are in **{language}**."
        )
    elif changed:
        # Translators: {language} is a language's own name, e.g. "Français".
        text = _(
            "Done: the bot's posts in this server (sequel news, the quote of the day, "
            "watch-party events) now follow the server's language in Discord: **{language}** "
            "for now."
        )
    else:
        # Translators: {language} is a language's own name, e.g. "Français".
        text = _(
            "The bot's posts in this server (sequel news, the quote of the day, watch-party "
            "events) follow the server's language in Discord: **{language}** for now."
        )
    return (
        text.format(language=language)
        + "\n"
        + _("Replies to a member's command are in that member's own Discord language.")
    )
