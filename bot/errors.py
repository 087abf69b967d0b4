from discord import app_commands


class UserFacingError(app_commands.AppCommandError):
    """A failure whose message is meant for the member, shown ephemerally as it is."""
