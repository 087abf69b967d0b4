"""The timezone a server's watch-party times are typed in: its quote-of-the-day timezone (the
one timezone a server sets, /quote-daily set), else UTC, and the reply says which."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store import Store


@dataclass(frozen=True, slots=True)
class ServerZone:
    name: str  # IANA name
    note: str  # how members are told where it comes from


async def server_zone(store: Store, guild_id: int) -> ServerZone:
    config = await store.daily.get(guild_id)
    if config is not None:
        return ServerZone(
            config.timezone,
            f"Times typed in {config.timezone} (this server's /quote-daily timezone).",
        )
    return ServerZone(
        "UTC", "Times typed in UTC: this server has set no timezone (/quote-daily set timezone:)."
    )
