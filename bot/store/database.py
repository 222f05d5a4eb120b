"""The database interface the services use: units of work, reads, the schema's version; and the one factory that
picks its implementation from the target (:meth:`Database.open`).

Two implementations: :class:`bot.store.sqlite.SqliteDatabase` (a file, the embedded default; sqlite3) and
:class:`bot.store.postgres.PostgresDatabase` (``postgresql://…``; asyncpg, a pool shared by several processes). What
a write tells the caches travels on the database's :attr:`Database.bus` (:mod:`bot.store.bus`).

Three entry points the program relies on (the process tests in ``tests/process`` are their contract):

* :meth:`Database.open` opens (and by default migrates) the database. Any problem becomes a
  :class:`DatabaseProblem` with a one-line message; no connection or thread is left behind. A new file is
  created ``0600`` and missing folders ``0700``: the file holds members' data.
* :func:`inspect` reads the file's state without writing anything: no migration, no file created.
* :func:`backup` copies a live database consistently with SQLite's online backup API.

Every use case that writes runs in exactly one unit of work, in one of two forms::

    async with db.transaction() as tx:          # statements sent one by one from the caller's task
        await parties.create(tx.conn, ...)
        await reminders.schedule(tx.conn, ...)

    async def work(tx: Tx) -> PartyRow:         # the whole unit at once: one trip to SQLite's thread
        ...
    row = await db.run(work)

No repository opens or commits a transaction itself: they take the connection they are given.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import contextvars
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from msgspec import Struct, field

from . import migrations
from .bus import CacheBus
from .errors import DatabaseProblem
from .files import (
    BackupReport,
    SchemaStatus,
    backup,
    backup_into,
    create_private_folders,
    inspect,
    latest_version,
)
from .sql import Connection, StatementHook
from .urls import is_postgres, redact

__all__ = [
    "BackupReport",
    "Database",
    "DatabaseProblem",
    "SchemaStatus",
    "Tx",
    "background_work",
    "backup",
    "backup_into",
    "create_private_folders",
    "inspect",
    "is_postgres",
    "latest_version",
    "redact",
]

T = TypeVar("T")

_background: contextvars.ContextVar[bool] = contextvars.ContextVar("runon_db_background", default=False)
_in_lane: contextvars.ContextVar[bool] = contextvars.ContextVar("runon_db_in_lane", default=False)


def background_work() -> None:
    """Mark the current task as the bot's own background work (a reminder delivery, the loop): its reads and, on
    PostgreSQL, its transactions take turns in a lane narrower than the pool, so an interaction always finds
    a free connection. A task created afterwards from this one inherits the mark (asyncio copies the context)."""
    _background.set(True)


class Tx(Struct):
    """One unit of work: the connection to pass to repositories, and what to do once it committed."""

    conn: Connection
    _after: list[Callable[[], None]] = field(default_factory=list)

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` only if the transaction commits (e.g. to update a cache)."""
        self._after.append(action)

    def committed(self) -> None:
        """The unit of work committed: run what waited for it (the implementations call this)."""
        for action in self._after:
            action()


class Database(abc.ABC):
    """Use ``db = await Database.open(path_or_url)`` and ``await db.close()`` (or ``async with``)."""

    #: The dialect's name: ``"sqlite"`` or ``"postgresql"``.
    dialect: str
    #: Whether other bot processes may use this database at the same time.
    shared: bool

    def __init__(self, target: str, bus: CacheBus, background_lane: int) -> None:
        self.target = target
        #: Where a committed write tells the caches (in this process, and on PostgreSQL in every other one).
        self.bus = bus
        self._background_lane = asyncio.Semaphore(background_lane)
        #: Called with the SQL of every statement before it is sent, on any connection of this database
        #: (instrumentation: ``bench.dispatch`` counts statements with it). Empty: nothing is called.
        self.statement_hooks: list[StatementHook] = []

    @classmethod
    async def open(cls, target: Path | str, *, migrate: bool = True, listen: bool = True) -> Database:
        """The database ``target`` names: a PostgreSQL URL, else a SQLite file (``":memory:"`` for a scratch one).
        Opens (creating it if needed) and, with ``migrate``, brings the schema up to date; with ``listen``
        (PostgreSQL), hears the cache notifications of other processes.

        Raises :class:`DatabaseProblem` with one line for the admin; nothing is left running on failure."""
        path = str(target)
        if is_postgres(path):
            from . import _async_core  # noqa: F401  (SQLAlchemy's asyncio extension without its ORM, loaded first)
            from .postgres import PostgresDatabase

            return await PostgresDatabase.connect(path, migrate=migrate, listen=listen)
        from .sqlite import SqliteDatabase

        return await SqliteDatabase.connect(path, migrate=migrate)

    @property
    def path(self) -> str:
        return self.target

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    # -- units of work ---------------------------------------------------------------------------

    @abc.abstractmethod
    def transaction(self, *, one_statement: bool = False) -> AbstractAsyncContextManager[Tx]:
        """One transaction: commits when the block ends, rolls back if it raises (or is cancelled); after it
        committed, the actions of :meth:`Tx.after_commit` run.

        ``one_statement``: the block sends a single statement (a second one raises), and nothing after it may undo
        it; an implementation may then skip BEGIN and COMMIT (SQLite runs it on its own, atomic as every
        statement)."""

    @abc.abstractmethod
    async def run(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        """``await work(tx)`` as one unit of work and return its result: committed if it returns, rolled back if
        it raises; the :meth:`Tx.after_commit` actions run after the commit.

        ``work`` sends statements on ``tx.conn`` and waits for nothing else (no read of its own through
        :meth:`read`, no Discord, no lock): on SQLite it runs whole on the database's thread, one hand-off for the
        unit instead of one a statement, and waiting for anything else there raises :class:`RuntimeError`."""

    @abc.abstractmethod
    def read(self) -> AbstractAsyncContextManager[Connection]:
        """A connection for reads; sees everything committed before it started."""

    @contextlib.asynccontextmanager
    async def _lane(self) -> AsyncIterator[None]:
        """Background work waits for a place in its lane before taking a connection; members' work does not. A task
        already in the lane (a read inside a read) keeps its place: waiting for a second one could deadlock."""
        if not _background.get() or _in_lane.get():
            yield
            return
        async with self._background_lane:
            token = _in_lane.set(True)
            try:
                yield
            finally:
                _in_lane.reset(token)

    # -- schema and maintenance ------------------------------------------------------------------

    async def version(self) -> int:
        """The schema version of the open database (0 when empty)."""
        async with self.read() as conn:
            return await migrations.read_version(conn)

    @abc.abstractmethod
    async def migrate(self) -> list[str]:
        """Apply every pending migration, all in one transaction (Alembic, on a SQLAlchemy connection)."""

    @abc.abstractmethod
    async def backup(self, target: Path) -> BackupReport:
        """A consistent copy of the live database (SQLite; PostgreSQL is backed up with its own tools)."""

    @abc.abstractmethod
    async def close(self) -> None: ...

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
