"""The one pace of sends shared by every process on the database (Discord's global limit).

Each send reserves the next free slot, `interval` after the previous one, whichever process took
it; the caller then waits until its slot. One short UPDATE per send, so processes started or
killed at any time need no leader and no takeover: a killed process only wastes the slots it
had reserved. On PostgreSQL the slots are counted on the database server's clock (hosts' clocks
may differ); on SQLite, all processes share one host, and the caller's clock is used.
"""

from __future__ import annotations

from ._database import Repository

DISCORD = "discord"  # the pace of a bot not yet logged in (its id unknown)


class SendPacing(Repository):
    async def reserve(self, interval: float, *, now: float, name: str = DISCORD) -> float:
        """Reserve the next send slot of pace `name`; return how many seconds to wait for it
        (0: send now). One pace per bot (Discord's limit is per bot token): the sandbox's
        emulated bot, run on the live database, never spends the real bot's slots.

        `now`: the caller's clock in seconds since the epoch (SQLite; ignored on PostgreSQL).
        """
        clock = self._db.dialect(
            sqlite=":now", postgres="extract(epoch from clock_timestamp())::float8"
        )
        later = self._db.dialect(sqlite="max", postgres="greatest")
        # Not a change any cached read depends on: no cache is dropped for it.
        async with self._db.transaction(changes_cached=False) as tx:
            row = await tx.one(
                f"INSERT INTO send_pacing (name, next_at) VALUES (:name, {clock} + :interval) "
                f"ON CONFLICT (name) DO UPDATE SET "
                f"next_at = {later}(send_pacing.next_at, {clock}) + :interval "
                f"RETURNING next_at - :interval - {clock}",
                {"now": now, "interval": interval, "name": name},
            )
        return max(0.0, float(row[0])) if row else 0.0
