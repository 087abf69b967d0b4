"""The `meta` table: small named values the bot keeps about itself (the command-sync
fingerprint), and the size of the film data for /about."""

from __future__ import annotations

from ._database import Repository

# The film data's tables, counted for /about and the logs (constants, never input).
_COUNTED = ("sources", "works", "people", "quotes", "facts")


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

    async def counts(self) -> dict[str, int]:
        """How many rows of each kind the store holds (for /about and logs)."""
        result: dict[str, int] = {}
        for table in _COUNTED:
            row = await self._db.one(f"SELECT count(*) FROM {table}")
            result[table] = int(row[0]) if row else 0
        return result
