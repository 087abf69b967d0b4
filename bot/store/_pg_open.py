"""Opening the store on PostgreSQL: the pool, the migrations, the cache notices."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from ._errors import StoreError

try:
    import asyncpg
except ImportError:  # the optional extra is missing: say how to add it, in one line
    asyncpg = None


def _unreachable(url: str, exc: BaseException) -> StoreError:
    from ._connection import redacted

    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoreError(
        f"cannot open the PostgreSQL database {redacted(url)} ({reason}): check DATABASE_URL "
        "and that the server is running and reachable."
    )


@asynccontextmanager
async def open_postgres(url: str) -> AsyncIterator[object]:
    if asyncpg is None:
        raise StoreError(
            "DATABASE_URL names PostgreSQL, but asyncpg is not installed: "
            "pip install 'heroes-bot[postgres]' (or make run, which installs it)."
        )
    from ._migrations import migrate_postgres
    from ._pg_notices import CacheNotices
    from ._postgres import CONNECTION_ERRORS, PostgresDatabase, pool_settings
    from ._store import Store

    try:
        pool = await asyncpg.create_pool(url, **pool_settings())
    # ValueError, OverflowError: a malformed URL (a port that is not a number, or above 65535).
    except (*CONNECTION_ERRORS, asyncpg.PostgresError, ValueError, OverflowError) as exc:
        raise _unreachable(url, exc) from None
    database = PostgresDatabase(pool)
    notices = CacheNotices(url, database)
    try:
        try:
            async with pool.acquire() as connection:
                await migrate_postgres(connection)
            await notices.start()
        except CONNECTION_ERRORS as exc:
            raise _unreachable(url, exc) from None
        yield Store(database)
    finally:
        await notices.close()
        await database.close()
