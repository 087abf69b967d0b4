"""The language of what the bot posts to a server's channels (news, the quote of the day, event
descriptions): read by everyone there, so it follows the server, not one member.

`/settings language:` wins; otherwise the server's own Discord setting (Community servers set a
"preferred locale"; others default to US English); a server the bot cannot see, English.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import resolve

if TYPE_CHECKING:
    from bot.client import HeroesBot


def chosen_locale(language: str | None, preferred: object) -> str:
    """The supported locale for a server's chosen language (None: not chosen) and its preferred
    locale (a `discord.Locale`, its code, or None)."""
    return resolve(language if language is not None else preferred)


async def server_locale(bot: HeroesBot, guild_id: int | None) -> str:
    """The locale of a post to `guild_id` (None, a DM: English)."""
    if guild_id is None:
        return resolve(None)
    settings = await bot.store.settings.get(guild_id)
    guild = bot.get_guild(guild_id)
    return chosen_locale(settings.language, guild.preferred_locale if guild else None)
