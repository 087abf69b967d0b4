"""Opening the store on PostgreSQL: the pool, the migrations, the cache notices."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from ._errors import StoreError, StoreUnavailable

try:
    import asyncpg
except ImportError:  # the optional extra is missing: say how to add it, in one line
    asyncpg = None


def _unreachable(url: str, exc: BaseException, *, temporary: bool = False) -> StoreError:
    """The one-line refusal; StoreUnavailable when trying again later may work (the server is
    down or starting, the network cut): `heroes-bot run` then exits 75, which a service
    manager restarts, rather than 2, which says a setting must be fixed."""
    from ._connection import redacted

    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    kind = StoreUnavailable if temporary else StoreError
    return kind(
        f"cannot open the PostgreSQL database {redacted(url)} ({reason}): check DATABASE_URL "
        "and that the server is running and reachable."
    )


@asynccontextmanager
async def open_postgres(url: str) -> AsyncIterator[object]:
    if asyncpg is None:
        raise StoreError(
            "DATABASE_URL names PostgreSQL, but asyncpg is not installed: run make run in the "
            "checkout (it installs asyncpg when DATABASE_URL names PostgreSQL), or "
            "pip install '/path/to/heroes-bot[postgres]' (a checkout's path, never PyPI)."
        )
    from ._migrations import migrate_postgres
    from ._pg_notices import CacheNotices
    from ._postgres import CONNECTION_ERRORS, PostgresDatabase, pool_settings
    from ._store import Store

    try:
        pool = await asyncpg.create_pool(url, **pool_settings())
    except CONNECTION_ERRORS as exc:
        raise _unreachable(url, exc, temporary=True) from None
    # A refused login or missing database (PostgresError), a malformed URL (ValueError,
    # OverflowError: a port that is not a number, or above 65535): fix DATABASE_URL.
    except (asyncpg.PostgresError, ValueError, OverflowError) as exc:
        raise _unreachable(url, exc) from None
    database = PostgresDatabase(pool)
    notices = CacheNotices(url, database)
    try:
        try:
            async with pool.acquire() as connection:
                await migrate_postgres(connection)
            await notices.start()
        except CONNECTION_ERRORS as exc:
            raise _unreachable(url, exc, temporary=True) from None
        yield Store(database)
    finally:
        await notices.close()
        await database.close()
