"""The SQLite implementation of :class:`~bot.store.database.Database`: a file (or ``:memory:``), the embedded default.

One writer connection, and a lock lets one unit of work at a time use it (opened with ``BEGIN IMMEDIATE``, so it
holds the write lock from its first statement). Readers have their own connections and, in WAL mode, read the last
committed state without waiting for the writer. The bot is the only process writing the file: its cache bus is the
in-process one (:class:`~bot.store.bus.CacheBus`).

Each connection is an aiosqlite connection: a :mod:`sqlite3` connection with a thread of its own that runs its
calls (:class:`_Worker`); every call is a hand-off to that thread and back (a wake-up each way: about 55 µs of CPU
on a two-core virtual machine, more than an interaction's whole unit of work costs SQLite). So that a unit of work
pays for as few as it can:

* a statement is one trip: executing it, reading every row and closing its cursor happen there together
  (:func:`_run`), and ``BEGIN IMMEDIATE`` travels with a unit's first statement; ending a unit that sent nothing,
  or a read, takes no trip;
* the short units an interaction waits for (:meth:`SqliteDatabase.run`, and a unit of one statement) take none:
  they run at once on the event loop's thread, start to end (:func:`_drive`), on the writer's own connection (the
  lock keeps every other unit off it meanwhile). That costs the loop no more than the hand-off would: a few indexed
  statements, and a commit that, in WAL mode with ``synchronous = NORMAL``, writes to the operating system's cache
  without waiting for the disk. What could wait stays off the loop (:meth:`SqliteDatabase._start_here`): another
  program holding the file's write lock (such a unit tries ``BEGIN IMMEDIATE`` without waiting, :func:`_begin_here`,
  and, refused, waits on the thread instead); work still queued on the thread (a caller cancelled meanwhile: the
  unit queues behind it); the checkpoints that copy the write-ahead log into the file and flush it to disk
  (SQLite's automatic ones are off on the writer, and :meth:`SqliteDatabase._wrote` runs them on the writer's
  thread, between two units, every :data:`CHECKPOINT_AFTER_ROWS` rows written); the first write after one (SQLite
  starts the log over and flushes its new header); and a file not in WAL mode.

The statements are the repositories' plain SQL (:mod:`bot.store.sql`), sent as they are: no SQLAlchemy is loaded
unless a migration is due (:meth:`SqliteDatabase.migrate`, on a SQLAlchemy connection made for it and then let go).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from . import migrations
from .bus import CacheBus
from .database import Database, Tx
from .errors import DatabaseProblem
from .files import BackupReport, SchemaStatus, _create_private, backup, inspect, latest_version
from .sql import IntegrityError, Result, StatementHook

T = TypeVar("T")
log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
#: Rows written (SQLite's ``total_changes``) between two checkpoints, run on the writer's thread: about the thousand
#: pages after which SQLite would otherwise checkpoint on the writer (an interaction's unit writes a few rows, a page
#: or two each).
CHECKPOINT_AFTER_ROWS = 500
READERS = 4
#: How many of the readers the bot's own background work (the reminder drain) may hold at once: the rest stay free
#: for members' interactions, which never queue behind a burst of a thousand reminders.
BACKGROUND_READERS = READERS - 1

WAITED = (
    "a unit of work run whole on the database thread waited for something else than its own statements "
    "(use db.transaction() for one that must)"
)


def _open(path: str, wal: bool) -> sqlite3.Connection:
    """The worker's sqlite3 connection, opened on its own thread: sqlite3's transaction handling off (the store sends
    BEGIN IMMEDIATE itself), foreign keys on, and WAL for a file (readers then never wait for the writer, nor it for
    them)."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA synchronous = NORMAL")
        if wal:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA wal_autocheckpoint = 0")  # a commit may run on the event loop's thread: see _wrote
    except BaseException:
        conn.close()
        raise
    return conn


class _Worker(aiosqlite.Connection):
    """An aiosqlite connection: a sqlite3 connection and the thread that runs every call on it, in the order they were
    submitted. The store hands it whole calls (:func:`_run`: a statement with its rows; :func:`_drive`: a whole unit
    of work) through aiosqlite's own queue, one hand-off each, instead of aiosqlite's cursor API, which takes three
    or four a statement."""

    def __init__(self, path: str, *, wal: bool) -> None:
        super().__init__(functools.partial(_open, path, wal), 64)
        self._thread.name = "runon-sqlite"
        self._thread.daemon = True  # as SQLAlchemy's were: a stuck statement never keeps the process from exiting
        self.path = path
        self.wal = wal
        #: Calls handed to the thread, and calls it finished: each counter moves on one thread only.
        self.handed = 0
        self.finished = 0

    @property
    def idle(self) -> bool:
        """Nothing handed to the thread is still queued or running there (a caller cancelled meanwhile included):
        only then may the event loop's thread use the connection itself."""
        return self.handed == self.finished

    @property
    def conn(self) -> sqlite3.Connection | None:
        return self._connection

    @property
    def ident(self) -> int | None:
        return self._thread.ident

    async def start(self) -> None:
        await self  # starts the thread and opens the connection on it

    def submit(self, fn: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        """Run ``fn(*args)`` on the thread, one hand-off: its result (or error) arrives on the future."""
        if not self._running or self._connection is None:
            raise DatabaseProblem("the database is closed")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self.handed += 1
        self._tx.put_nowait((future, functools.partial(self._counted, fn, *args)))  # aiosqlite's queue and thread
        return future

    def _counted(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            return fn(*args)
        finally:
            self.finished += 1

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on the thread: a hand-off from any other thread, at once from that one (a unit of work running
        whole there, :meth:`SqliteDatabase.run`), where the coroutine then never suspends."""
        if threading.get_ident() == self._thread.ident:
            return fn(*args)
        return await self.submit(fn, *args)

    async def close(self) -> None:
        if self._connection is None:
            if self._running and self._thread.is_alive():
                self.stop()  # the connection never opened: let the thread go
            return
        with contextlib.suppress(Exception):
            await super().close()


def _run(conn: sqlite3.Connection, sql: str, params: Any, begin: bool, many: bool) -> Result:
    """One statement, on the connection's thread: BEGIN first if it opens a unit of work, every row read."""
    try:
        if begin:
            conn.execute("BEGIN IMMEDIATE")
        cursor = conn.executemany(sql, params) if many else conn.execute(sql, params)
        try:
            rows = cursor.fetchall() if cursor.description is not None else []
            return Result(rows, cursor.rowcount)
        finally:
            cursor.close()
    except sqlite3.IntegrityError as error:
        raise IntegrityError(str(error)) from error


def _busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY


def _begin_here(conn: sqlite3.Connection) -> bool:
    """``BEGIN IMMEDIATE`` on the calling thread (the event loop's) without waiting: False if another connection holds
    the write lock (another program: the bot's own units take turns on one connection), whose wait belongs on the
    database's thread, never on the loop."""
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if _busy(error):
            return False
        raise
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return True


def _nothing() -> None:
    """Queued behind what the thread still has to do: done when that is."""


def _journal_mode(conn: sqlite3.Connection) -> str:
    return str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()


def _checkpoint(conn: sqlite3.Connection) -> None:
    """Copy what the write-ahead log holds into the database file, without waiting for readers or the writer."""
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def _rollback_if_open(conn: sqlite3.Connection) -> None:
    """On the connection's thread, after whatever was queued before: roll back a transaction left open."""
    if conn.in_transaction:
        conn.rollback()


class SqliteConnection:
    """The store's connection protocol (:class:`bot.store.sql.Connection`) on one worker's sqlite3 connection."""

    dialect = "sqlite"
    __slots__ = ("_hooks", "alone", "begin_pending", "here", "worker")

    def __init__(self, worker: _Worker, hooks: list[StatementHook]) -> None:
        self.worker = worker
        self._hooks = hooks
        #: The unit of work's ``BEGIN IMMEDIATE`` is still to be sent, with its first statement.
        self.begin_pending = False
        #: In a unit of work of one statement (``one_statement``): whether it was sent; None otherwise.
        self.alone: bool | None = None
        #: The unit of work runs on the event loop's thread (its BEGIN sent already): each statement runs at once.
        self.here = False

    def _begin(self) -> bool:
        begin, self.begin_pending = self.begin_pending, False
        if self.alone is not None:  # a unit of work of one statement: it commits as it runs
            if self.alone:
                raise RuntimeError("a unit of work opened for one statement sent a second one")
            self.alone, begin = True, False
        return begin

    def _connection(self) -> sqlite3.Connection:
        if self.worker.conn is None:
            raise DatabaseProblem("the database is closed")
        return self.worker.conn

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        for hook in self._hooks:
            hook(sql)
        if self.here:
            return self._run_here(sql, params, False)
        return await self.worker.call(_run, self._connection(), sql, params, self._begin(), False)

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Result:
        for hook in self._hooks:
            hook(sql)
        if self.here:
            return self._run_here(sql, rows, True)
        return await self.worker.call(_run, self._connection(), sql, rows, self._begin(), True)

    async def settled(self) -> None:
        """Wait, if need be, until nothing handed to the thread is still queued or running there: the work of a caller
        cancelled before it ended (twice: while a statement ran, then while its rollback waited) may still be, and
        the connection is this unit's alone only after it. At once in every other case."""
        if not self.worker.idle:
            await self.worker.submit(_nothing)

    def _run_here(self, sql: str, params: Any, many: bool) -> Result:
        conn = self._connection()
        result = _run(conn, sql, params, self._begin(), many)
        if self.alone:  # a unit of one statement commits it as it runs, as it would on the thread
            conn.commit()
        return result

    async def finish(self, commit: bool) -> None:
        """End the unit of work. One that sent nothing (BEGIN still pending) takes no trip, nor a commit with no
        transaction open (a unit of one statement): every statement of a unit that ends well was awaited, so the flag
        read here is the thread's. A rollback (an error, a cancellation) always goes to the thread: a statement may
        still be on its way there (BEGIN with it), and the rollback, queued behind it, looks there."""
        if self.begin_pending:
            self.begin_pending = False
            return
        conn = self.worker.conn
        if conn is None:
            return
        if self.here:
            if not commit:
                _rollback_if_open(conn)
            elif conn.in_transaction:
                conn.commit()
            return
        if not commit:
            await self.worker.call(_rollback_if_open, conn)
        elif conn.in_transaction:
            await self.worker.call(conn.commit)


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


def _migrate_on(raw: sqlite3.Connection) -> list[str]:
    """Apply the pending migrations with Alembic, on the writer's own sqlite3 connection (on its thread), through a
    SQLAlchemy engine made for it and let go afterwards (its pool leaves the connection open)."""
    import sqlalchemy as sa
    from sqlalchemy.pool import StaticPool

    engine = sa.create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool)
    sa.event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    try:
        with engine.begin() as conn:
            return migrations.upgrade(conn)
    finally:
        engine.dispose(close=False)


class _Readers:
    """Up to ``size`` reader connections, opened when first needed, lent one at a time."""

    def __init__(self, path: str, size: int, hooks: list[StatementHook]) -> None:
        self._path = path
        self._hooks = hooks
        self._free = asyncio.Semaphore(size)
        self._idle: list[SqliteConnection] = []
        self._all: list[SqliteConnection] = []

    @contextlib.asynccontextmanager
    async def lend(self) -> AsyncIterator[SqliteConnection]:
        async with self._free:
            conn = self._idle.pop() if self._idle else await self._open()
            try:
                yield conn
            except BaseException:  # an error or a cancellation: a statement may still be on its way to the thread
                raw = conn.worker.conn
                if raw is not None:
                    with contextlib.suppress(sqlite3.Error, DatabaseProblem):
                        await conn.worker.call(_rollback_if_open, raw)
                raise
            else:
                raw = conn.worker.conn
                if raw is not None and raw.in_transaction:  # a read that began one (a snapshot) and did not end it
                    with contextlib.suppress(sqlite3.Error, DatabaseProblem):
                        await conn.worker.call(raw.rollback)
            finally:
                self._idle.append(conn)

    async def _open(self) -> SqliteConnection:
        worker = _Worker(self._path, wal=False)
        conn = SqliteConnection(worker, self._hooks)
        self._all.append(conn)
        await worker.start()
        return conn

    async def close(self) -> None:
        for conn in self._all:
            await conn.worker.close()
        self._all, self._idle = [], []


class SqliteDatabase(Database):
    """A SQLite file: one writer connection guarded by a lock, WAL readers (``:memory:``: the writer alone)."""

    dialect = "sqlite"
    shared = False

    def __init__(self, target: str) -> None:
        super().__init__(target, CacheBus(), BACKGROUND_READERS)
        memory = target == ":memory:"
        self._writer = SqliteConnection(_Worker(target, wal=not memory), self.statement_hooks)
        self._readers = None if memory else _Readers(target, READERS, self.statement_hooks)  # None: share the writer
        self._write_lock = asyncio.Lock()
        self._open = False
        #: The writer's ``total_changes`` at the last checkpoint, and the checkpoint running now (see :meth:`_wrote`).
        self._checkpointed_at = 0
        self._checkpointing: asyncio.Task[None] | None = None
        #: A checkpoint emptied the log, and no write on the thread has started it over yet (see :meth:`_start_here`).
        self._log_restarts = False
        #: Whether units may run on the event loop's thread at all: in WAL mode (or in memory) only, where a commit
        #: does not wait for the disk.
        self._here_safe = False

    @classmethod
    async def connect(cls, path: str, *, migrate: bool = True) -> SqliteDatabase:
        memory = path == ":memory:"
        if not memory:
            status = inspect(path)
            refusal = status.refusal()
            if refusal:
                raise DatabaseProblem(refusal)
            _create_private(Path(path))
        db = cls(path)
        try:
            await db._writer.worker.start()
            db._open = True
            db._here_safe = memory or await db._writer.worker.call(_journal_mode, db._writer._connection()) == "wal"
            version, latest = await db.version(), latest_version()
            if version > latest:
                raise DatabaseProblem(SchemaStatus(Path(path), True, version, latest).refusal())
            if migrate and version < latest:
                await db.migrate()
        except BaseException as error:
            await db.close()
            if isinstance(error, DatabaseProblem | asyncio.CancelledError):
                raise
            if isinstance(error, sqlite3.Error | OSError) or isinstance(getattr(error, "orig", None), sqlite3.Error):
                raise _friendly(path, error) from None
            raise
        return db

    def _start_here(self, conn: SqliteConnection) -> bool:
        """Begin a unit on the event loop's thread, if it can run there without waiting: not without WAL (a commit
        would flush the file to disk), not while anything handed to the writer's thread is unfinished (a caller
        cancelled meanwhile: the connection is still in use there), not for the first write after a checkpoint (SQLite
        then starts its log over and flushes the log's new header to disk), and not while another program holds the
        write lock. False: the unit runs on the thread instead, and waits there if it must."""
        if not self._here_safe or self._log_restarts or not conn.worker.idle:
            return False
        return _begin_here(conn._connection())

    def _writer_in_use(self) -> SqliteConnection:
        if not self._open:
            raise DatabaseProblem("the database is closed")
        return self._writer

    @contextlib.asynccontextmanager
    async def transaction(self, *, one_statement: bool = False) -> AsyncIterator[Tx]:
        """On SQLite, ``one_statement``: the unit runs at once on the event loop's thread when it can
        (:meth:`_start_here`), and its statement commits as it runs, there or on the database's thread. Any other unit
        sends its statements one by one to the database's thread, ``BEGIN IMMEDIATE`` with the first."""
        conn = self._writer_in_use()
        async with self._write_lock:
            await self._writer.settled()
            tx = Tx(conn)
            try:
                if one_statement:  # at once on this thread, unless another program holds the write lock
                    conn.alone = False
                    conn.here = self._start_here(conn)
                else:
                    conn.begin_pending = True
                yield tx
                await conn.finish(True)
            except BaseException:
                with contextlib.suppress(sqlite3.Error, DatabaseProblem):
                    await conn.finish(False)
                raise
            finally:
                conn.alone = None
                conn.begin_pending = False
                conn.here = False
                self._wrote()
        tx.committed()

    async def run(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        conn = self._writer_in_use()
        async with self._write_lock:
            await self._writer.settled()
            tx = Tx(conn)
            try:
                if self._start_here(conn):  # the whole unit, here and now: it never suspends
                    conn.here = True
                    try:
                        result = _drive(self._whole(tx, work, begun=True))
                    finally:
                        conn.here = False
                else:  # it waits on the database's thread, if it must wait
                    result = await self._on_thread(tx, work)
            finally:
                self._wrote()
        tx.committed()
        return result

    @classmethod
    async def _on_thread(cls, tx: Tx, work: Callable[[Tx], Awaitable[T]]) -> T:
        conn: SqliteConnection = tx.conn  # type: ignore[assignment]
        context = contextvars.copy_context()  # the caller's, as if it ran in its task
        whole = conn.worker.submit(lambda: context.run(_drive, cls._whole(tx, work)))
        try:
            return await asyncio.shield(whole)
        except asyncio.CancelledError:
            # The unit runs on to its end on the thread regardless: the writer stays taken until then, and if it
            # committed, what waited for the commit still happens.
            await asyncio.wait([whole])
            if not whole.cancelled() and whole.exception() is None:
                tx.committed()
            raise

    def _wrote(self) -> None:
        """After a unit of work on the writer: every :data:`CHECKPOINT_AFTER_ROWS` rows written, a checkpoint on the
        writer's thread, between two units (as SQLite's own would run inside a commit), so that the write-ahead log
        stays short and no commit on the event loop's thread ever runs one (it flushes the file to disk)."""
        raw = self._writer.worker.conn
        if self._readers is None or raw is None or not self._open:
            return
        written = raw.total_changes
        if self._log_restarts and written > self._checkpointed_at:  # a write since the checkpoint started the log over
            self._log_restarts = False
        if self._checkpointing is not None:
            return
        if written - self._checkpointed_at < CHECKPOINT_AFTER_ROWS:
            return
        self._checkpointed_at = written
        self._checkpointing = asyncio.get_running_loop().create_task(self._checkpoint(), name="runon-sqlite-checkpoint")

    async def _checkpoint(self) -> None:
        try:
            async with self._write_lock:  # between two units: the log can then start over with the next one
                await self._writer.settled()
                raw = self._writer._connection()
                await self._writer.worker.call(_checkpoint, raw)
                self._checkpointed_at = raw.total_changes
                self._log_restarts = True
        except (sqlite3.Error, DatabaseProblem) as error:  # the next one tries again; SQLite's log stays consistent
            log.warning("could not checkpoint the database's write-ahead log: %s", error)
        finally:
            self._checkpointing = None

    @staticmethod
    async def _whole(tx: Tx, work: Callable[[Tx], Awaitable[T]], *, begun: bool = False) -> T:
        conn: SqliteConnection = tx.conn  # type: ignore[assignment]
        conn.begin_pending = not begun
        try:
            result = await work(tx)
            await conn.finish(True)
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                await conn.finish(False)
            raise
        finally:
            conn.begin_pending = False
        return result

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[SqliteConnection]:
        if self._readers is None:
            async with self.transaction() as tx:
                yield tx.conn  # type: ignore[misc]
            return
        async with self._lane(), self._readers.lend() as conn:
            yield conn

    async def migrate(self) -> list[str]:
        """Apply every pending migration, all in one transaction, on the writer's thread."""
        conn = self._writer_in_use()
        async with self._write_lock:
            await self._writer.settled()
            return await conn.worker.submit(_migrate_on, conn._connection())

    async def backup(self, target: Path) -> BackupReport:
        """A consistent copy of the database, made with SQLite's online backup API: safe while the bot runs."""
        if self.target == ":memory:":
            raise DatabaseProblem("an in-memory database cannot be backed up")
        return await asyncio.to_thread(backup, Path(self.target), target)

    async def close(self) -> None:
        self._open = False
        if self._checkpointing is not None:
            await asyncio.wait([self._checkpointing])
        await self._writer.worker.close()
        if self._readers is not None:
            await self._readers.close()
