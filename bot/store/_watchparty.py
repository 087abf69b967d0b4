"""Watch parties: the scheduled events the bot made in each server, and premiere opt-ins.

The premiere is made once per server, ever: a server's opt-in row is claimed ('waiting' or
'no-date' -> 'creating') before Discord is called, and settled 'created' in the same transaction
that stores the event (whose kind 'premiere' is unique per server). A claim left 'creating' by a
crash is taken again only once stale, and the caller then first looks for the event on Discord.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import msgspec

from ._database import Repository
from ._times import iso

PARTY, PREMIERE = "party", "premiere"
WAITING, CREATING, CREATED, NO_DATE = "waiting", "creating", "created", "no-date"

_PARTY_COLUMNS = (
    "guild_id, event_id, kind, title, channel_id, location, starts_at, ends_at, created_by, "
    "created_at, cancelled_at"
)
_PREMIERE_COLUMNS = (
    "guild_id, enabled, set_by, set_at, state, release_on, event_id, note, updated_at"
)


class WatchParty(msgspec.Struct, frozen=True):
    guild_id: int
    event_id: int
    kind: str  # PARTY or PREMIERE
    title: str
    channel_id: int | None  # None: an external event
    location: str | None
    starts_at: str  # UTC ISO-8601
    ends_at: str | None
    created_by: int | None
    created_at: str
    cancelled_at: str | None


class NewWatchParty(msgspec.Struct, frozen=True):
    """An event Discord just created, to be stored."""

    guild_id: int
    event_id: int
    title: str
    starts_at: datetime
    ends_at: datetime | None = None
    channel_id: int | None = None
    location: str | None = None
    created_by: int | None = None
    kind: str = PARTY


class PremiereSetting(msgspec.Struct, frozen=True):
    guild_id: int
    enabled: bool
    set_by: int | None
    set_at: str
    state: str
    release_on: str | None
    event_id: int | None
    note: str | None
    updated_at: str


def _party(row: Iterable[Any]) -> WatchParty:
    return WatchParty(*row)


def _row(party: NewWatchParty, now: datetime) -> tuple[Any, ...]:
    """The new party's stored values, in _PARTY_COLUMNS' order but the last (cancelled_at)."""
    return (
        party.guild_id,
        party.event_id,
        party.kind,
        party.title,
        party.channel_id,
        party.location,
        iso(party.starts_at),
        iso(party.ends_at) if party.ends_at else None,
        party.created_by,
        iso(now),
    )


def _premiere(row: Iterable[Any]) -> PremiereSetting:
    values = list(row)
    values[1] = bool(values[1])
    return PremiereSetting(*values)


class WatchParties(Repository):
    """Reads and writes `watch_parties` and `watch_party_premieres`."""

    async def add(self, party: NewWatchParty, *, now: datetime) -> WatchParty:
        async with self._db.transaction() as db:
            await self._insert(db, party, now)
        return WatchParty(*_row(party, now), None)  # as stored: not read back

    @staticmethod
    async def _insert(db: Any, party: NewWatchParty, now: datetime) -> None:
        await db.execute(
            f"INSERT INTO watch_parties ({_PARTY_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            _row(party, now),
        )

    async def get(self, guild_id: int, event_id: int) -> WatchParty | None:
        row = await self._db.one(
            f"SELECT {_PARTY_COLUMNS} FROM watch_parties WHERE guild_id = ? AND event_id = ?",
            (guild_id, event_id),
        )
        return _party(row) if row else None

    async def upcoming(
        self, guild_id: int, *, after: datetime, limit: int = 25
    ) -> list[WatchParty]:
        """The server's events not cancelled that have not ended (or started, without an end),
        soonest first."""
        rows = await self._db.all(
            f"SELECT {_PARTY_COLUMNS} FROM watch_parties WHERE guild_id = ? "
            "AND cancelled_at IS NULL AND coalesce(ends_at, starts_at) > ? "
            "ORDER BY starts_at, event_id LIMIT ?",
            (guild_id, iso(after), limit),
        )
        return [_party(r) for r in rows]

    async def cancel(self, guild_id: int, event_id: int, *, now: datetime) -> bool:
        async with self._db.transaction() as db:
            changed = await db.execute(
                "UPDATE watch_parties SET cancelled_at = ? "
                "WHERE guild_id = ? AND event_id = ? AND cancelled_at IS NULL",
                (iso(now), guild_id, event_id),
            )
        return changed > 0

    # ------------------------------------------------------------------ premieres

    async def premiere(self, guild_id: int) -> PremiereSetting | None:
        row = await self._db.one(
            f"SELECT {_PREMIERE_COLUMNS} FROM watch_party_premieres WHERE guild_id = ?",
            (guild_id,),
        )
        return _premiere(row) if row else None

    async def set_premiere(
        self, guild_id: int, enabled: bool, *, by: int | None, now: datetime
    ) -> PremiereSetting:
        """Opt in or out; the state is kept, so a premiere made once is never made again."""
        async with self._db.transaction() as db:
            await db.execute(
                """
                INSERT INTO watch_party_premieres (guild_id, enabled, set_by, set_at, updated_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (guild_id) DO UPDATE SET
                    enabled = excluded.enabled, set_by = excluded.set_by,
                    set_at = excluded.set_at
                """,
                (guild_id, int(enabled), by, iso(now), iso(now)),
            )
        setting = await self.premiere(guild_id)
        if setting is None:
            raise RuntimeError(f"the premiere setting of server {guild_id} vanished when stored")
        return setting

    async def premieres_due(self, *, stale_before: datetime) -> list[PremiereSetting]:
        """Opted-in servers still without their premiere (a claim older than `stale_before`
        counts: its process died mid-creation)."""
        rows = await self._db.all(
            f"SELECT {_PREMIERE_COLUMNS} FROM watch_party_premieres WHERE enabled = 1 AND "
            "(state IN (?, ?) OR (state = ? AND updated_at < ?)) ORDER BY guild_id",
            (WAITING, NO_DATE, CREATING, iso(stale_before)),
        )
        return [_premiere(r) for r in rows]

    async def claim_premiere(self, guild_id: int, *, now: datetime, stale_before: datetime) -> bool:
        """Take the server's premiere to create it; False: done, or another process has it."""
        async with self._db.transaction() as db:
            changed = await db.execute(
                "UPDATE watch_party_premieres SET state = ?, updated_at = ? "
                "WHERE guild_id = ? AND enabled = 1 AND "
                "(state IN (?, ?) OR (state = ? AND updated_at < ?))",
                (CREATING, iso(now), guild_id, WAITING, NO_DATE, CREATING, iso(stale_before)),
            )
        return changed > 0

    async def premiere_created(
        self, party: NewWatchParty, release_on: str, *, now: datetime
    ) -> None:
        """Store the premiere event and settle the claim, in one transaction."""
        async with self._db.transaction() as db:
            await self._insert(db, party, now)
            await db.execute(
                "UPDATE watch_party_premieres SET state = ?, release_on = ?, event_id = ?, "
                "note = NULL, updated_at = ? WHERE guild_id = ?",
                (CREATED, release_on, party.event_id, iso(now), party.guild_id),
            )

    async def premiere_not_made(
        self, guild_id: int, note: str, *, no_date: bool, now: datetime
    ) -> None:
        """Say why the server has no premiere yet. `no_date`: the sources give no usable date
        (state 'no-date', set on a waiting server, no claim needed); else Discord refused or
        failed: the claim is released ('waiting') and tried again later."""
        if no_date:
            where = "(state = ? OR (state = ? AND coalesce(note, '') <> ?))"
            params: tuple[Any, ...] = (WAITING, NO_DATE, note[:500])
        else:
            where, params = "state = ?", (CREATING,)
        async with self._db.transaction() as db:
            await db.execute(
                f"UPDATE watch_party_premieres SET state = ?, note = ?, updated_at = ? "
                f"WHERE guild_id = ? AND {where}",
                (NO_DATE if no_date else WAITING, note[:500], iso(now), guild_id, *params),
            )

    async def note_premiere(self, guild_id: int, note: str, *, now: datetime) -> None:
        """Why a waiting server's premiere is not made yet (the bot lacks a permission, say),
        written only when it changes: a pass that finds the same reason writes nothing."""
        async with self._db.transaction() as db:
            await db.execute(
                "UPDATE watch_party_premieres SET note = ?, updated_at = ? "
                "WHERE guild_id = ? AND state IN (?, ?) AND coalesce(note, '') <> ?",
                (note[:500], iso(now), guild_id, WAITING, NO_DATE, note[:500]),
            )
