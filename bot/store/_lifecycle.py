"""Forgetting a member or a server, driven by the declarations in _stored_data.py.

Every table that names a member or a server is declared there; the statements here are built
from those declarations (table and column names are checked identifiers, values are always
parameters), so a table added to the schema and declared is forgotten with no code change here.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from ._database import Repository
from ._stored_data import STORED_DATA, ByParent, Forget, MemberId, StoredData, declared


class Forgotten(msgspec.Struct, frozen=True):
    """Rows a forget touched in one table (deleted, or the member's id cleared)."""

    datum: StoredData
    rows: int
    member: MemberId | None = None  # None: deleted with the server


class ForgetReport(msgspec.Struct, frozen=True):
    guild_id: int | None  # the server forgotten, or the server a member was forgotten in
    changes: tuple[Forgotten, ...]  # only tables where rows were touched

    @property
    def rows(self) -> int:
        return sum(change.rows for change in self.changes)


def _server_clause(datum: StoredData) -> str:
    """SQL selecting the rows of `datum` that belong to the server `:guild`."""
    server = datum.server
    if isinstance(server, str):
        return f"{server} = :guild"
    if isinstance(server, ByParent):
        parent = declared(server.table)
        if parent is None or not isinstance(parent.server, str):
            raise ValueError(f"{datum.table}: its parent {server.table} has no server column")
        return (
            f"{server.column} IN (SELECT {server.key} FROM {server.table} "
            f"WHERE {parent.server} = :guild)"
        )
    raise ValueError(f"{datum.table} is not kept per server")


def _children_first(data: Iterable[StoredData]) -> list[StoredData]:
    """Rows reached through a parent row are deleted before the parent rows."""
    return sorted(data, key=lambda datum: not isinstance(datum.server, ByParent))


class Lifecycle(Repository):
    """Deleting what the bot keeps when a member asks or a server removes the bot."""

    async def forget_member(self, user_id: int, guild_id: int | None) -> ForgetReport:
        """Delete or anonymise every row naming a member, in one transaction.

        With `guild_id`, rows kept per server are forgotten in that server only; with None, in
        every server. Rows not kept per server (news updates a bot owner added) are anonymised
        wherever they are.
        """
        changes: list[Forgotten] = []
        async with self._db.transaction() as db:
            for datum in _children_first(STORED_DATA):
                for member in datum.members:
                    where = f"{member.column} = :user"
                    if guild_id is not None and datum.server is not None:
                        where += f" AND {_server_clause(datum)}"
                    if member.forget is Forget.DELETE_ROW:
                        sql = f"DELETE FROM {datum.table} WHERE {where}"
                    else:
                        sql = f"UPDATE {datum.table} SET {member.column} = NULL WHERE {where}"
                    changed = await db.execute(sql, {"user": user_id, "guild": guild_id})
                    if changed > 0:
                        changes.append(Forgotten(datum, changed, member))
        return ForgetReport(guild_id, tuple(changes))

    async def forget_guild(self, guild_id: int) -> ForgetReport:
        """Delete every row kept for a server (the bot left it), in one transaction."""
        changes: list[Forgotten] = []
        async with self._db.transaction() as db:
            for datum in _children_first(d for d in STORED_DATA if d.server is not None):
                changed = await db.execute(
                    f"DELETE FROM {datum.table} WHERE {_server_clause(datum)}", {"guild": guild_id}
                )
                if changed > 0:
                    changes.append(Forgotten(datum, changed))
        return ForgetReport(guild_id, tuple(changes))

    async def stored_guild_ids(self) -> set[int]:
        """Every server that has at least one row kept for it."""
        selects = [
            f"SELECT {d.server} FROM {d.table}" for d in STORED_DATA if isinstance(d.server, str)
        ]
        rows = await self._db.all(" UNION ".join(selects))
        return {int(row[0]) for row in rows if row[0] is not None}
