"""The `meta` table: small named values the bot keeps about itself (the command-sync
fingerprint, each running process's heartbeat), and the size of the film data for /about."""

from __future__ import annotations

from ._database import Repository

# The film data's tables, counted for /about and the logs (constants, never input).
_COUNTED = ("sources", "works", "people", "quotes", "facts")
# Keys of the heartbeats `heroes-bot health` reads: one row a running process (bot/heartbeat.py).
HEARTBEAT_PREFIX = "health:"


class Meta(Repository):
    async def get(self, key: str) -> str | None:
        row = await self._db.one("SELECT value FROM meta WHERE key = ?", (key,))
        return row[0] if row else None

    async def set(self, key: str, value: str) -> None:
        async with self._db.transaction() as db:
            await db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    async def heartbeat(self, key: str, value: str) -> None:
        """Write one process's heartbeat. No cached read depends on a heartbeat (`get` is not
        cached and `heroes-bot health` reads in its own process), so writing one every 30 s
        drops no process's read cache."""
        async with self._db.transaction(changes_cached=False) as db:
            await db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (HEARTBEAT_PREFIX + key, value),
            )

    async def heartbeats(self) -> dict[str, str]:
        """Every stored heartbeat, by key (without the prefix)."""
        rows = await self._db.all(
            "SELECT key, value FROM meta WHERE key LIKE ? ORDER BY key", (HEARTBEAT_PREFIX + "%",)
        )
        return {str(key).removeprefix(HEARTBEAT_PREFIX): str(value) for key, value in rows}

    async def forget_heartbeats(self, keys: list[str]) -> None:
        """Delete the heartbeats of processes long gone."""
        if not keys:
            return
        async with self._db.transaction(changes_cached=False) as db:
            for key in keys:
                await db.execute("DELETE FROM meta WHERE key = ?", (HEARTBEAT_PREFIX + key,))

    async def counts(self) -> dict[str, int]:
        """How many rows of each kind the store holds (for /about and logs)."""
        result: dict[str, int] = {}
        for table in _COUNTED:
            row = await self._db.one(f"SELECT count(*) FROM {table}")
            result[table] = int(row[0]) if row else 0
        return result
