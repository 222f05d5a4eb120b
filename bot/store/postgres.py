"""The PostgreSQL implementation of :class:`~bot.store.database.Database` (``postgresql://…``): asyncpg through
SQLAlchemy's engine, a pool of connections.

The engine is kept for what it does well and the bot relies on: the pool with pre-ping (a connection the server
dropped is replaced before a unit of work gets it), recycling, overflow under load, and Alembic's migrations on the
same connections. Statements are the repositories' plain SQL (:class:`bot.store.alchemy.AlchemyConnection`, sent
with ``exec_driver_sql``: no expression is built or compiled).

Units of work run side by side and serialize where they must through row locks (``SELECT … FOR UPDATE``, ``SKIP
LOCKED`` for reminder claims) and transaction-level advisory locks (:func:`bot.store.dialect.lock_key`). Several bot
processes may share the database: a committed write that other processes cache is announced on the
:class:`~bot.store.bus.PostgresBus` (``NOTIFY``), and every process drops its copy.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from . import migrations
from .alchemy import AlchemyConnection
from .bus import PostgresBus
from .database import Database, Tx
from .errors import DatabaseProblem
from .files import BackupReport, latest_version
from .schema import add_postgresql_predicates
from .urls import asyncpg_url, libpq_url, redact

T = TypeVar("T")

POSTGRES_POOL = (10, 10)  # connections kept, and extra ones opened under load
#: How many connections the bot's own background work (the reminder drain) may hold at once.
BACKGROUND_POSTGRES = 12
MIGRATION_LOCK = 8204811  # several processes may start at once: one migrates, the others wait for it

# The schema spells its partial indexes for SQLite only (it then needs no PostgreSQL dialect); the same clauses here:
add_postgresql_predicates()


class PostgresDatabase(Database):
    """A PostgreSQL database, possibly shared with other bot processes."""

    dialect = "postgresql"
    shared = True

    def __init__(self, target: str, engine: AsyncEngine) -> None:
        super().__init__(target, PostgresBus(libpq_url(target), redact(target)), BACKGROUND_POSTGRES)
        self._engine = engine

    @classmethod
    async def connect(cls, target: str, *, migrate: bool = True, listen: bool = True) -> PostgresDatabase:
        size, overflow = POSTGRES_POOL
        engine = create_async_engine(
            asyncpg_url(target), pool_size=size, max_overflow=overflow, pool_pre_ping=True, pool_recycle=1800
        )
        db = cls(target, engine)
        try:
            version, latest = await db.version(), latest_version()
            if version > latest:
                raise DatabaseProblem(
                    f"database {redact(target)} has schema version {version}, newer than this version of the bot "
                    f"understands ({latest}); upgrade the bot"
                )
            if migrate and version < latest:
                # Several processes may start at once: one migrates, the others wait for it, then see it done.
                await db.migrate()
            if listen:
                await db.bus.start()
        except BaseException as error:
            await db.close()
            if isinstance(error, DatabaseProblem | asyncio.CancelledError):
                raise
            if isinstance(error, sa.exc.DBAPIError | OSError | ConnectionError):
                text = str(getattr(error, "orig", None) or error).splitlines()[0]
                raise DatabaseProblem(f"database {redact(target)} cannot be used: {text}") from None
            raise
        return db

    @contextlib.asynccontextmanager
    async def transaction(self, *, one_statement: bool = False) -> AsyncIterator[Tx]:
        async with self._lane(), self._engine.begin() as pooled:
            tx = Tx(AlchemyConnection(pooled, self.statement_hooks))
            yield tx
        tx.committed()

    async def run(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        """Statements go one by one from the caller's task (asyncpg is asynchronous all the way; there is no
        thread to hand them to)."""
        async with self.transaction() as tx:
            result = await work(tx)
        return result

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AlchemyConnection]:
        async with self._lane(), self._engine.connect() as pooled:
            yield AlchemyConnection(pooled, self.statement_hooks)

    async def migrate(self) -> list[str]:
        """Apply every pending migration in one transaction; several processes starting at once take turns."""
        async with self._engine.begin() as conn:
            await conn.execute(sa.text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
            return await conn.run_sync(migrations.upgrade)

    async def backup(self, target: Path) -> BackupReport:
        raise DatabaseProblem("back up a PostgreSQL database with pg_dump (see the README)")

    async def close(self) -> None:
        await self.bus.close()
        await self._engine.dispose()
