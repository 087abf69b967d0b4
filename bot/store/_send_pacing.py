"""The one pace of sends shared by every process on the database (Discord's global limit).

Each send reserves the next free slot, `interval` after the previous one, whichever process took
it; the caller then waits until its slot. One short UPDATE per send, so processes started or
killed at any time need no leader and no takeover: a killed process only wastes the slots it
had reserved. On PostgreSQL the slots are counted on the database server's clock (hosts' clocks
may differ); on SQLite, all processes share one host, and the caller's clock is used.
"""

from __future__ import annotations

from ._database import Repository

DISCORD = "discord"


class SendPacing(Repository):
    async def reserve(self, interval: float, *, now: float) -> float:
        """Reserve the next send slot; return how many seconds to wait for it (0: send now).

        `now`: the caller's clock in seconds since the epoch (SQLite; ignored on PostgreSQL).
        """
        clock = self._db.dialect(
            sqlite=":now", postgres="extract(epoch from clock_timestamp())::float8"
        )
        later = self._db.dialect(sqlite="max", postgres="greatest")
        # Not a change any cached read depends on: no cache is dropped for it.
        async with self._db.transaction(changes_cached=False) as tx:
            row = await tx.one(
                f"UPDATE send_pacing SET next_at = {later}(next_at, {clock}) + :interval "
                f"WHERE name = :name RETURNING next_at - :interval - {clock}",
                {"now": now, "interval": interval, "name": DISCORD},
            )
        return max(0.0, float(row[0])) if row else 0.0
