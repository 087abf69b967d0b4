"""Turning store data into Discord embeds that always fit Discord's limits."""
