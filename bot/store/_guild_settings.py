"""Per-server settings: how replies are shown by default, how cards look, and the language of
the server's posts."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

import msgspec

from bot.i18n import LOCALES

from ._cache import cached
from ._database import Repository
from ._times import millisecond_stamp

_Flag = Literal["private_replies", "classic_cards"]  # the yes/no columns of guild_settings
_FLAGS = frozenset(get_args(_Flag))


class GuildSettings(msgspec.Struct, frozen=True):
    guild_id: int
    private_replies: bool = False  # information commands answer ephemerally by default
    classic_cards: bool = False  # cards as classic embeds, not Components V2 layouts
    updated_at: str | None = None  # None: never set, the defaults apply
    # The locale of the server's posts (one of bot.i18n.LOCALES); None: follow the server's
    # Discord preferred locale. Replies to a member follow that member's client either way.
    language: str | None = None


class GuildSettingsStore(Repository):
    """Reads and writes `guild_settings`; a server without a row has the defaults."""

    @cached
    async def get(self, guild_id: int) -> GuildSettings:
        row = await self._db.one(
            "SELECT private_replies, updated_at, classic_cards, language FROM guild_settings "
            "WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return GuildSettings(guild_id)
        return GuildSettings(guild_id, bool(row[0]), bool(row[2]), row[1], row[3])

    async def set_private_replies(
        self, guild_id: int, private: bool, *, now: datetime | None = None
    ) -> GuildSettings:
        return await self._set(guild_id, "private_replies", private, now)

    async def set_classic_cards(
        self, guild_id: int, classic: bool, *, now: datetime | None = None
    ) -> GuildSettings:
        """Cards as classic embeds (True) or Components V2 layouts (False) in this server."""
        return await self._set(guild_id, "classic_cards", classic, now)

    async def set_language(
        self, guild_id: int, language: str | None, *, now: datetime | None = None
    ) -> GuildSettings:
        """The locale of this server's posts (a code of bot.i18n.LOCALES), or None to follow the
        server's Discord preferred locale. Any other code is refused with ValueError."""
        if language is not None and language not in LOCALES:
            raise ValueError(f"not a language the bot speaks: {language!r}")
        async with self._db.transaction() as db:
            await db.execute(
                """
                INSERT INTO guild_settings (guild_id, language, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(guild_id) DO UPDATE SET
                    language = excluded.language,
                    updated_at = excluded.updated_at
                """,
                (guild_id, language, millisecond_stamp(now)),
            )
        return await self.get(guild_id)

    async def _set(
        self, guild_id: int, column: _Flag, value: bool, now: datetime | None
    ) -> GuildSettings:
        """Store one yes/no setting of a server (its row made if it has none yet)."""
        if column not in _FLAGS:  # the name goes into the SQL text: only known columns
            raise ValueError(f"not a server setting: {column!r}")
        async with self._db.transaction() as db:
            await db.execute(
                f"""
                INSERT INTO guild_settings (guild_id, {column}, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(guild_id) DO UPDATE SET
                    {column} = excluded.{column},
                    updated_at = excluded.updated_at
                """,
                (guild_id, int(value), millisecond_stamp(now)),
            )
        return await self.get(guild_id)
