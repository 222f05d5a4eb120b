"""The SQLite implementation of :class:`~bot.store.database.Database`: a file (or ``:memory:``), the embedded default.

One writer connection, and a lock lets one unit of work at a time use it (opened with ``BEGIN IMMEDIATE``, so it
holds the write lock from its first statement). Readers have their own connections and, in WAL mode, read the last
committed state without waiting for the writer. The bot is the only process writing the file: its cache bus is the
in-process one (:class:`~bot.store.bus.CacheBus`).

Each connection is an aiosqlite connection: a thread of its own runs its sqlite3 calls, and every call is a
hand-off to that thread and back (a wake-up each way, the costliest part of a short statement). So that a unit of
work pays for as few as it can:

* a statement is one trip: creating the cursor, executing, fetching every row and closing happen there together
  (:class:`_OneHopCursor`), and ``BEGIN`` travels with a unit's first statement;
* :meth:`SqliteDatabase.run` runs a whole unit of work on the writer's thread, one trip for the unit: its coroutine
  is driven there, and each statement it sends, finding itself on that thread already, runs at once
  (:meth:`_OneHopConnection._execute`).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import sqlite3
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, StaticPool

from .bus import CacheBus
from .database import Database, Tx
from .errors import DatabaseProblem
from .files import BackupReport, SchemaStatus, _create_private, backup, inspect, latest_version

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000
READERS = 4
#: How many of the readers the bot's own background work (the reminder drain) may hold at once: the rest stay free
#: for members' interactions, which never queue behind a burst of a thousand reminders.
BACKGROUND_READERS = READERS - 1

WAITED = (
    "a unit of work run whole on the database thread waited for something else than its own statements "
    "(use db.transaction() for one that must)"
)


class _OneHopCursor:
    """What SQLAlchemy's aiosqlite adapter expects of a driver cursor, with each statement one trip to the
    connection's thread: creating the cursor, executing, fetching every row and closing happen there together
    (aiosqlite makes each of them a trip of its own: four hand-offs for a SELECT, three for an UPDATE). The rows
    are read at once, as the adapter itself does for every non-streaming cursor."""

    __slots__ = ("_conn", "_rows", "arraysize", "description", "lastrowid", "rowcount")

    def __init__(self, conn: _OneHopConnection) -> None:
        self._conn = conn
        self._rows: list[Any] = []
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    async def __aenter__(self) -> _OneHopCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._rows = []

    def __await__(self) -> Any:
        return self.__aenter__().__await__()

    def _run(self, call: Callable[[sqlite3.Cursor], Any], begin: bool) -> tuple[Any, list[Any], int, int | None]:
        cursor = self._conn._conn.cursor()
        try:
            if begin:
                cursor.execute("BEGIN IMMEDIATE")
            call(cursor)
            rows = cursor.fetchall() if cursor.description else []
            return cursor.description, rows, cursor.rowcount, cursor.lastrowid
        finally:
            cursor.close()

    async def execute(self, sql: str, parameters: Any = ()) -> _OneHopCursor:
        return await self._hop(lambda cursor: cursor.execute(sql, parameters))

    async def executemany(self, sql: str, parameters: Any) -> _OneHopCursor:
        return await self._hop(lambda cursor: cursor.executemany(sql, parameters))

    async def _hop(self, call: Callable[[sqlite3.Cursor], Any]) -> _OneHopCursor:
        begin, self._conn.begin_pending = self._conn.begin_pending, False
        if self._conn.alone is not None:  # a unit of work of one statement: it commits as it runs
            if self._conn.alone:
                raise RuntimeError("a unit of work opened for one statement sent a second one")
            self._conn.alone, begin = True, False
        found = await self._conn._execute(self._run, call, begin)
        self.description, self._rows, self.rowcount, self.lastrowid = found
        return self

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        taken, self._rows = self._rows[: size or self.arraysize], self._rows[size or self.arraysize :]
        return taken

    async def fetchall(self) -> list[Any]:
        taken, self._rows = self._rows, []
        return taken

    async def close(self) -> None:
        self._rows = []


class _OneHopConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors cost one thread hand-off a statement (see :class:`_OneHopCursor`).

    A unit of work's ``BEGIN IMMEDIATE`` travels with its first statement (the write lock is taken in the same
    trip, just before it), and ending a unit of work that has no open transaction (a read, or a unit of work that
    sent nothing) takes no trip: a transaction of N statements costs N + 1 hand-offs (its statements and the
    commit) and a read of N statements N, where aiosqlite alone takes three or four a statement, three more for
    BEGIN and one to end."""

    begin_pending = False
    #: In a unit of work of one statement (:meth:`Database.transaction` with ``one_statement``): whether it was
    #: sent; None otherwise.
    alone: bool | None = None

    def cursor(self) -> Any:  # aiosqlite's is an awaitable context manager; so is the cursor itself
        return _OneHopCursor(self)

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``fn`` on the connection's thread: a hand-off from any other thread, at once from that one (a unit of
        work running whole there, :meth:`SqliteDatabase.run`), where the coroutine then never suspends."""
        if threading.get_ident() == self._thread.ident:
            return fn(*args, **kwargs)
        return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    def submit(self, fn: Callable[[], T]) -> asyncio.Future[T]:
        """Run ``fn`` on the connection's thread, one hand-off: its result (or error) arrives on the future."""
        if not self._running or self._connection is None:
            raise DatabaseProblem("the database is closed")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._tx.put_nowait((future, fn))  # aiosqlite's own queue: its thread runs fn and settles the future
        return future

    def _idle(self) -> bool:
        """No transaction is open (nothing was sent since BEGIN, or a reader between statements): sqlite3's own
        commit and rollback would do nothing, so the trip is skipped. (Reading the flag from this thread is safe:
        no statement of this connection is running while its unit of work ends.)"""
        if self.begin_pending:
            self.begin_pending = False
            return True
        return not self._conn.in_transaction

    async def commit(self) -> None:
        if not self._idle():
            await super().commit()

    async def rollback(self) -> None:
        if not self._idle():
            await super().rollback()


def _connector(path: str) -> Callable[[], Any]:
    """SQLAlchemy's ``async_creator`` for SQLite: the one-hop connection, its thread a daemon as SQLAlchemy's own."""

    async def connect() -> Any:
        connection = _OneHopConnection(functools.partial(sqlite3.connect, path), 64)
        connection._thread.daemon = True
        return await connection

    return connect


def _sqlite_url(path: str, *, read_only: bool = False) -> str:
    if path == ":memory:":
        return "sqlite+aiosqlite://"
    if read_only:
        return f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true"
    return f"sqlite+aiosqlite:///{path}"


def _configure_sqlite(engine: AsyncEngine, *, writer: bool, wal: bool = False) -> None:
    """sqlite3's own transaction handling is switched off: SQLAlchemy's ``begin`` emits ``BEGIN IMMEDIATE``
    on the writer, and readers run each statement on its own (WAL gives them a consistent snapshot)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous = NORMAL")
        if wal:  # readers then never wait for the writer, nor it for them
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    if writer:

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn: Connection) -> None:
            driver = conn.connection.driver_connection
            if isinstance(driver, _OneHopConnection):
                driver.begin_pending = True  # sent with the first statement, in the same trip to the thread
            else:
                conn.exec_driver_sql("BEGIN IMMEDIATE")


def _friendly(path: str, error: BaseException) -> DatabaseProblem:
    text = str(getattr(error, "orig", None) or error)
    if "file is not a database" in text:
        return DatabaseProblem(f"database {path} is not a SQLite database (wrong file?)")
    if "unable to open" in text:
        return DatabaseProblem(f"database {path} cannot be opened (a folder, or no permission)")
    if "readonly" in text or "read-only" in text:
        return DatabaseProblem(f"database {path} is read-only for this user; the bot needs to write it")
    return DatabaseProblem(f"database {path}: {text.splitlines()[0] if text else type(error).__name__}")


def _drive(unit: Coroutine[Any, Any, T]) -> T:
    """Run ``unit`` to its end on this thread, in one go: every statement it awaits runs at once here, so it never
    suspends. One that does waited for something else (a read of its own, a lock, Discord): it is stopped, and the
    error rolls its transaction back."""
    try:
        unit.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    error = RuntimeError(WAITED)
    try:
        unit.throw(error)
    except StopIteration:
        pass
    finally:
        unit.close()
    raise error


class SqliteDatabase(Database):
    """A SQLite file: one writer connection guarded by a lock, WAL readers (``:memory:``: the writer alone)."""

    dialect = "sqlite"
    shared = False

    def __init__(self, target: str, writer: AsyncEngine, reader: AsyncEngine | None) -> None:
        super().__init__(target, CacheBus(), BACKGROUND_READERS)
        self._writer = writer
        self._reader = reader  # None: reads share the writer (":memory:")
        self._write_lock = asyncio.Lock()
        self._writer_conn: AsyncConnection | None = None
        self._writer_driver: _OneHopConnection | None = None

    @property
    def engines(self) -> list[AsyncEngine]:
        return [engine for engine in (self._writer, self._reader) if engine is not None]

    @classmethod
    async def connect(cls, path: str, *, migrate: bool = True) -> SqliteDatabase:
        memory = path == ":memory:"
        if not memory:
            status = inspect(path)
            refusal = status.refusal()
            if refusal:
                raise DatabaseProblem(refusal)
            _create_private(Path(path))
        writer = create_async_engine(_sqlite_url(path), poolclass=StaticPool, async_creator=_connector(path))
        _configure_sqlite(writer, writer=True, wal=not memory)
        reader = None
        if not memory:
            reader = create_async_engine(
                _sqlite_url(path),
                async_creator=_connector(path),
                poolclass=AsyncAdaptedQueuePool,
                pool_size=READERS,
                max_overflow=0,
                pool_reset_on_return=None,  # readers never hold a transaction open
            )
            _configure_sqlite(reader, writer=False)
        db = cls(path, writer, reader)
        try:
            db._writer_conn = await writer.connect()
            driver = (await db._writer_conn.get_raw_connection()).driver_connection
            if not isinstance(driver, _OneHopConnection):  # pragma: no cover - _connector makes one
                raise DatabaseProblem(f"database {path}: unexpected driver {type(driver).__name__}")
            db._writer_driver = driver
            version, latest = await db.version(), latest_version()
            if version > latest:
                raise DatabaseProblem(SchemaStatus(Path(path), True, version, latest).refusal())
            if migrate and version < latest:
                await db.migrate()
        except BaseException as error:
            await db.close()
            if isinstance(error, DatabaseProblem | asyncio.CancelledError):
                raise
            if isinstance(error, sa.exc.DBAPIError | sqlite3.Error | OSError):
                raise _friendly(path, error) from None
            raise
        return db

    def _writer_in_use(self) -> tuple[AsyncConnection, _OneHopConnection]:
        if self._writer_conn is None or self._writer_driver is None:
            raise DatabaseProblem("the database is closed")
        return self._writer_conn, self._writer_driver

    @contextlib.asynccontextmanager
    async def transaction(self, *, one_statement: bool = False) -> AsyncIterator[Tx]:
        """On SQLite, ``one_statement`` runs the statement on its own, atomic as every statement, and commits as it
        runs: one trip to the database's thread instead of two (BEGIN with it, then COMMIT)."""
        conn, driver = self._writer_in_use()
        async with self._write_lock, conn.begin():
            tx = Tx(conn)
            if one_statement:
                driver.alone = False
            try:
                yield tx
            finally:
                if one_statement:
                    driver.alone = None
        tx.committed()

    async def run(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        conn, driver = self._writer_in_use()
        context = contextvars.copy_context()  # the caller's, as if it ran in its task
        async with self._write_lock:
            tx = Tx(conn)
            whole = driver.submit(lambda: context.run(_drive, self._whole(tx, work)))
            try:
                result = await asyncio.shield(whole)
            except asyncio.CancelledError:
                # The unit runs on to its end on the thread regardless: the writer stays taken until then, and if it
                # committed, what waited for the commit still happens.
                await asyncio.wait([whole])
                if not whole.cancelled() and whole.exception() is None:
                    tx.committed()
                raise
        tx.committed()
        return result

    @staticmethod
    async def _whole(tx: Tx, work: Callable[[Tx], Awaitable[T]]) -> T:
        async with tx.conn.begin():
            return await work(tx)

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        if self._reader is None:
            async with self.transaction() as tx:
                yield tx.conn
            return
        async with self._lane(), self._reader.connect() as conn:
            yield conn

    async def backup(self, target: Path) -> BackupReport:
        """A consistent copy of the database, made with SQLite's online backup API: safe while the bot runs."""
        if self.target == ":memory:":
            raise DatabaseProblem("an in-memory database cannot be backed up")
        return await asyncio.to_thread(backup, Path(self.target), target)

    async def close(self) -> None:
        if self._writer_conn is not None:
            with contextlib.suppress(Exception):
                await self._writer_conn.close()
            self._writer_conn = None
            self._writer_driver = None
        await self._writer.dispose()
        if self._reader is not None:
            await self._reader.dispose()
