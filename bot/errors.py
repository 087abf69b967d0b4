from discord import app_commands

from bot.i18n import N_


class UserFacingError(app_commands.AppCommandError):
    """A failure whose message is meant for the member, shown ephemerally as it is: written with
    `_()` where it is raised, in the task answering the interaction, so already in the member's
    language (bot/i18n)."""


# One wording, wherever the database drops out under a member's command or button press.
# Only what is known: a change is all or nothing, but a connection lost during its commit leaves
# which one unknown, so the answer does not claim that nothing was saved.
# Marked, not translated: shown as `_(DATABASE_AWAY)` in the member's language.
DATABASE_AWAY = N_(
    "The bot's database can't be reached for a moment. Please try again in a minute."
)


def database_away(error: BaseException) -> bool:
    """True when `error` (or what it wraps: discord.py's CommandInvokeError) is the store
    saying the database was out of reach: a moment's outage, not a bug."""
    from bot.store import StoreUnavailable  # here: the errors module stays import-light

    seen: BaseException | None = error
    for _depth in range(4):  # a few wrappers deep at most
        if seen is None:
            return False
        if isinstance(seen, StoreUnavailable):
            return True
        seen = getattr(seen, "original", None) or seen.__cause__
    return False
