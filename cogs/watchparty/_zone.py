"""The timezone a server's watch-party times are typed in: its quote-of-the-day timezone (the
one timezone a server sets, /quote-daily set), else UTC, and the reply says which."""

from __future__ import annotations

import msgspec

from bot.i18n import _
from bot.store import Store


class ServerZone(msgspec.Struct, frozen=True):
    name: str  # IANA name
    note: str  # how members are told where it comes from (in the locale in force)


async def server_zone(store: Store, guild_id: int) -> ServerZone:
    config = await store.daily.get(guild_id)
    if config is not None:
        # Translators: {timezone} is an IANA timezone name such as Europe/Paris (kept as is).
        note = _("Times typed in {timezone} (this server's /quote-daily timezone).")
        return ServerZone(config.timezone, note.format(timezone=config.timezone))
    return ServerZone(
        "UTC",
        _("Times typed in UTC: this server has set no timezone (/quote-daily set timezone:)."),
    )
