"""The sequel tracker: validating updates, broadcasting them to following channels, and the
quote-of-the-day schedule. Storage lives in bot.store; Discord commands in cogs/."""
