"""The database: connections, the unit of work, migrations, schema status and online backups.

Three entry points the program relies on (the process tests in ``tests/process`` are their contract):

* :meth:`Database.open` opens (and by default migrates) the database. Any problem becomes a
  :class:`DatabaseProblem` with a one-line message; no connection or thread is left behind. A new file is
  created ``0600`` and missing folders ``0700``: the file holds members' data.
* :func:`inspect` reads the file's state without writing anything: no migration, no file created.
* :func:`backup` copies a live database consistently with SQLite's online backup API.

Every use case that writes runs in exactly one transaction::

    async with db.transaction() as tx:
        await parties.create(tx.conn, ...)
        await reminders.schedule(tx.conn, ...)

On SQLite there is one writer connection, and a lock lets one transaction at a time use it (opened with
``BEGIN IMMEDIATE``, so it holds the write lock from its first statement). Readers have their own
connections and, in WAL mode, read the last committed state without waiting for the writer. No
repository opens or commits a transaction itself: they take the connection they are given.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime as dt
import functools
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

import aiosqlite
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, StaticPool

from . import migrations

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
READERS = 4
POSTGRES_POOL = (10, 10)  # connections kept, and extra ones opened under load
#: How many of the connections the bot's own background work (the reminder drain) may hold at once: the rest
#: stay free for members' interactions, which never queue behind a burst of a thousand reminders.
BACKGROUND_READERS = READERS - 1
BACKGROUND_POSTGRES = 12

_background: contextvars.ContextVar[bool] = contextvars.ContextVar("runon_db_background", default=False)
_in_lane: contextvars.ContextVar[bool] = contextvars.ContextVar("runon_db_in_lane", default=False)


def background_work() -> None:
    """Mark the current task as the bot's own background work (a reminder delivery, the loop): its reads and, on
    PostgreSQL, its transactions take turns in a lane narrower than the pool, so an interaction always finds
    a free connection. A task created afterwards from this one inherits the mark (asyncio copies the context)."""
    _background.set(True)


_SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100
_USER_VERSION_OFFSET = 60  # the header field PRAGMA user_version reads (4 bytes, big-endian)
FILE_MODE = 0o600
FOLDER_MODE = 0o700


class DatabaseProblem(Exception):
    """The database cannot be used. ``str(error)`` is one line for the admin."""


@dataclass
class Tx:
    """One unit of work: the connection to pass to repositories, and what to do once it committed."""

    conn: AsyncConnection
    _after: list[Callable[[], None]] = field(default_factory=list)

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` only if the transaction commits (e.g. to update a cache)."""
        self._after.append(action)


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
        found = await self._conn._execute(self._run, call, begin)  # type: ignore[no-untyped-call]
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


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://", "postgresql+asyncpg://"))


def _asyncpg_url(target: str) -> str:
    """``postgresql://user:pw@host/db`` as SQLAlchemy's asyncpg driver wants it."""
    return "postgresql+asyncpg://" + target.split("://", 1)[1]


def _libpq_url(target: str) -> str:
    return "postgresql://" + target.split("://", 1)[1]


def redact(target: str) -> str:
    """The database's name for messages and logs. A PostgreSQL URL is rebuilt from its user, host, port and database
    only, so nothing else it carries is ever shown: a password (``user:password@`` or ``?password=``), key files
    (``?sslkey=``), any other setting. One that cannot be read is not shown at all."""
    if not is_postgres(target):
        return target
    unreadable = "postgresql://(a URL that cannot be read)"
    try:
        url = sa.engine.make_url(_asyncpg_url(target))
        port = url.port
    except (sa.exc.ArgumentError, ValueError):
        return unreadable

    def first(name: str) -> str | None:
        value = url.query.get(name)
        return value if value is None or isinstance(value, str) else value[0]

    user = url.username or first("user")
    host = url.host or ""
    if "@" in host:  # an unencoded @ in the password: its tail would show as the host
        return unreadable
    if ":" in host:
        host = f"[{host}]"  # IPv6
    port_text = str(port) if port is not None else first("port")
    database = url.database or first("database") or ""
    shown = "postgresql://"
    if user:
        shown += quote(user, safe="") + "@"
    shown += quote(host, safe="[]:")
    if port_text and port_text.isdigit():
        shown += f":{port_text}"
    shown += "/" + quote(database, safe="")
    socket = None if url.host else first("host")
    if socket:  # a local socket's folder (postgresql://runon@/runon?host=/run/postgresql)
        shown += "?host=" + quote(socket, safe="/")
    return shown


NOTIFY_CHANNEL = "runon_cache"
Subscriber = Callable[[str | None], None]  # called with the key, or None when every key may be stale


class Database:
    """Use ``db = await Database.open(path_or_url)`` and ``await db.close()`` (or ``async with``).

    SQLite (the default, a file): one writer connection guarded by a lock, WAL readers.
    PostgreSQL (``postgresql://…``): a pool; transactions run side by side and serialize where they must through
    row locks (``SELECT … FOR UPDATE``, ``SKIP LOCKED`` for reminder claims) and transaction-level advisory
    locks (:func:`bot.store.dialect.lock_key`). Several bot processes may share it: a committed write that other
    processes cache is announced with ``NOTIFY`` (:meth:`publish`), and every process drops its copy."""

    def __init__(self, target: str, writer: AsyncEngine, reader: AsyncEngine | None) -> None:
        self.target = target
        self.dialect = writer.dialect.name
        self._writer = writer
        self._reader = reader  # None: reads share the writer (":memory:") or the pool (PostgreSQL)
        self._write_lock = asyncio.Lock()
        self._writer_conn: AsyncConnection | None = None
        self._writer_driver: _OneHopConnection | None = None  # SQLite: the writer's own connection
        self._subscribers: dict[str, list[Subscriber]] = {}
        self._listener: Any = None  # asyncpg connection LISTENing for cache invalidations
        self._listen_task: asyncio.Task[None] | None = None
        self._closed = False
        self._background_lane = asyncio.Semaphore(BACKGROUND_POSTGRES if self.shared else BACKGROUND_READERS)

    @property
    def path(self) -> str:
        return self.target

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def engines(self) -> list[AsyncEngine]:
        """The engines behind this database (for instrumentation such as statement counters)."""
        return [engine for engine in (self._writer, self._reader) if engine is not None]

    @property
    def shared(self) -> bool:
        """Whether other bot processes may use this database at the same time (PostgreSQL)."""
        return self.dialect == "postgresql"

    @classmethod
    async def open(cls, target: Path | str, *, migrate: bool = True, listen: bool = True) -> Database:
        """Open (creating it if needed) and, with ``migrate``, bring the schema up to date.

        Raises :class:`DatabaseProblem` with one line for the admin; nothing is left running on failure."""
        path = str(target)
        if is_postgres(path):
            return await cls._open_postgres(path, migrate=migrate, listen=listen)
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
            db._writer_driver = driver if isinstance(driver, _OneHopConnection) else None
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

    @classmethod
    async def _open_postgres(cls, target: str, *, migrate: bool, listen: bool) -> Database:
        size, overflow = POSTGRES_POOL
        engine = create_async_engine(
            _asyncpg_url(target), pool_size=size, max_overflow=overflow, pool_pre_ping=True, pool_recycle=1800
        )
        db = cls(target, engine, None)
        try:
            version, latest = await db.version(), latest_version()
            if version > latest:
                raise DatabaseProblem(
                    f"database {redact(target)} has schema version {version}, newer than this version of the bot "
                    f"understands ({latest}); upgrade the bot"
                )
            if migrate and version < latest:
                async with db._writer.begin() as conn:
                    # Several processes may start at once: one migrates, the others wait for it, then see it done.
                    await conn.execute(sa.text("SELECT pg_advisory_xact_lock(8204811)"))
                    await conn.run_sync(migrations.upgrade)
            if listen:
                await db._listen()
        except BaseException as error:
            await db.close()
            if isinstance(error, DatabaseProblem | asyncio.CancelledError):
                raise
            if isinstance(error, sa.exc.DBAPIError | OSError | ConnectionError):
                text = str(getattr(error, "orig", None) or error).splitlines()[0]
                raise DatabaseProblem(f"database {redact(target)} cannot be used: {text}") from None
            raise
        return db

    # -- units of work ---------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def transaction(self, *, one_statement: bool = False) -> AsyncIterator[Tx]:
        """One transaction: commits when the block ends, rolls back if it raises (or is cancelled).

        ``one_statement``: the block sends a single statement (a second one raises), and nothing after it may undo
        it. On SQLite it then runs on its own, atomic as every statement, and commits as it runs: one trip to the
        database's thread instead of two (BEGIN with it, then COMMIT). On PostgreSQL it is an ordinary transaction."""
        if self.shared:
            async with self._lane(), self._writer.begin() as pooled:
                tx = Tx(pooled)
                yield tx
        else:
            conn = self._writer_conn
            if conn is None:
                raise DatabaseProblem("the database is closed")
            async with self._write_lock, conn.begin():
                tx = Tx(conn)
                driver = self._writer_driver if one_statement else None
                if driver is not None:
                    driver.alone = False
                try:
                    yield tx
                finally:
                    if driver is not None:
                        driver.alone = None
        for action in tx._after:
            action()

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads; sees everything committed before it started."""
        if self.shared:
            async with self._lane(), self._writer.connect() as pooled:
                yield pooled
            return
        if self._reader is None:
            async with self.transaction() as tx:
                yield tx.conn
            return
        async with self._lane(), self._reader.connect() as conn:
            yield conn

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

    # -- caches across processes -----------------------------------------------------------------

    def subscribe(self, topic: str, subscriber: Subscriber) -> None:
        """Call ``subscriber(key)`` when another unit of work (in any process) changed ``key`` of ``topic``,
        and ``subscriber(None)`` when notifications may have been missed (everything may be stale)."""
        self._subscribers.setdefault(topic, []).append(subscriber)

    async def publish(self, tx: Tx, topic: str, key: str) -> None:
        """Tell every process, once ``tx`` commits, that ``key`` of ``topic`` changed (and this one at once)."""
        for subscriber in self._subscribers.get(topic, []):
            tx.after_commit(lambda s=subscriber: s(key))  # type: ignore[misc]
        if self.shared:
            await tx.conn.execute(sa.select(sa.func.pg_notify(NOTIFY_CHANNEL, f"{topic}:{key}")))

    def _notified(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        topic, _, key = payload.partition(":")
        for subscriber in self._subscribers.get(topic, []):
            subscriber(key)

    def _everything_stale(self) -> None:
        for subscribers in self._subscribers.values():
            for subscriber in subscribers:
                subscriber(None)

    async def _listen(self) -> None:
        import asyncpg

        self._listener = await asyncpg.connect(_libpq_url(self.target))
        await self._listener.add_listener(NOTIFY_CHANNEL, self._notified)
        self._listener.add_termination_listener(lambda _conn: self._lost_listener())

    def _lost_listener(self) -> None:
        """The notification connection dropped: what other processes changed meanwhile is unknown."""
        if self._closed:
            return
        self._everything_stale()
        if self._listen_task is None or self._listen_task.done():
            self._listen_task = asyncio.get_running_loop().create_task(self._relisten(), name="cache-relisten")

    async def _relisten(self) -> None:
        delay = 1.0
        while True:
            try:
                await self._listen()
            except (OSError, ConnectionError, Exception):
                log.warning(
                    "cache notifications: cannot reconnect to %s; retrying in %.0fs", redact(self.target), delay
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
            else:
                self._everything_stale()  # anything cached during the gap may be old
                return

    # -- schema ----------------------------------------------------------------------------------

    async def version(self) -> int:
        """The schema version of the open database (0 when empty)."""
        async with self.read() as conn:
            return await conn.run_sync(migrations.version_of)

    async def migrate(self) -> list[str]:
        """Apply every pending migration, all in one transaction."""
        async with self.transaction() as tx:
            return await tx.conn.run_sync(migrations.upgrade)

    # -- maintenance -----------------------------------------------------------------------------

    async def backup(self, target: Path) -> BackupReport:
        """A consistent copy of the database, made with SQLite's online backup API: safe while the bot runs."""
        if self.shared:
            raise DatabaseProblem("back up a PostgreSQL database with pg_dump (see the README)")
        if self.target == ":memory:":
            raise DatabaseProblem("an in-memory database cannot be backed up")
        return await asyncio.to_thread(backup, Path(self.target), target)

    async def close(self) -> None:
        self._closed = True
        if self._listen_task is not None:
            self._listen_task.cancel()
        if self._listener is not None:
            listener, self._listener = self._listener, None
            with contextlib.suppress(Exception):
                await listener.close()
        if self._writer_conn is not None:
            with contextlib.suppress(Exception):
                await self._writer_conn.close()
            self._writer_conn = None
            self._writer_driver = None
        await self._writer.dispose()
        if self._reader is not None:
            await self._reader.dispose()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """What :func:`inspect` found. ``problem`` is set when the file cannot be used at all."""

    path: Path
    exists: bool
    version: int
    latest: int
    problem: str | None = None
    writable: bool = True

    @property
    def newer_than_code(self) -> bool:
        return self.version > self.latest

    @property
    def pending(self) -> int:
        """How many schema versions ``run`` would move the database on."""
        return max(self.latest - self.version, 0)

    def refusal(self) -> str | None:
        """The one-line reason the bot must not open this database, if any."""
        if self.problem:
            return f"database {self.path} {self.problem}"
        if self.newer_than_code:
            return (
                f"database {self.path} has schema version {self.version}, newer than this version of the bot "
                f"understands ({self.latest}); upgrade the bot, or restore the backup taken before the upgrade"
            )
        if not self.writable:
            return f"database {self.path} is not writable by this user; fix its owner or permissions (chmod 600)"
        return None


def latest_version() -> int:
    return migrations.latest_version()


def _existing_ancestor(path: Path) -> Path:
    current = path
    while not current.exists() and current != current.parent:
        current = current.parent
    return current


def inspect(path: Path | str) -> SchemaStatus:
    """The database's state, read without writing: no migration, no file or folder created.

    The version is read from the file's header (every migration writes it there too); when committed changes
    may still sit in the write-ahead log (the bot is running), from a read-only connection instead."""
    path = Path(path)
    latest = latest_version()
    if str(path) == ":memory:":
        return SchemaStatus(path, exists=False, version=0, latest=latest)
    if path.is_dir():
        return SchemaStatus(path, True, 0, latest, problem="is a folder, not a database file")
    if not path.exists():
        ancestor = _existing_ancestor(path.parent)
        if not ancestor.is_dir():
            return SchemaStatus(
                path, False, 0, latest, problem=f"cannot be created: {ancestor} is a file, not a folder"
            )
        return SchemaStatus(path, False, 0, latest, writable=os.access(ancestor, os.W_OK | os.X_OK))
    try:
        with path.open("rb") as handle:
            header = handle.read(_HEADER_SIZE)
    except OSError as error:
        return SchemaStatus(path, True, 0, latest, problem=f"cannot be read: {error.strerror or error}")
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)
    if not header:
        return SchemaStatus(path, True, 0, latest, writable=writable)  # an empty file is a new database to SQLite
    if len(header) < _HEADER_SIZE or not header.startswith(_SQLITE_MAGIC):
        return SchemaStatus(path, True, 0, latest, problem="is not a SQLite database")
    version = int.from_bytes(header[_USER_VERSION_OFFSET : _USER_VERSION_OFFSET + 4], "big")
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    if wal.exists() and shm.exists() and wal.stat().st_size:
        # Committed changes may still sit in the write-ahead log (the bot is running, or stopped without
        # a checkpoint). Both files exist, so a read-only connection creates nothing.
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                row = conn.execute("PRAGMA user_version").fetchone()
                version = int(row[0]) if row else version
            finally:
                conn.close()
        except sqlite3.Error as error:
            return SchemaStatus(path, True, version, latest, problem=f"cannot be read: {error}")
    return SchemaStatus(path, True, version, latest, writable=writable)


def create_private_folders(folder: Path) -> None:
    """Create ``folder`` and its missing parents ``0700`` (raises :class:`OSError`)."""
    missing: list[Path] = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        created.mkdir(mode=FOLDER_MODE)
        created.chmod(FOLDER_MODE)  # the umask may have narrowed or widened it


def _create_private(path: Path) -> None:
    """Create the missing folders ``0700`` and the file ``0600`` before SQLite opens it."""
    try:
        create_private_folders(path.parent)
        if not path.exists():
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            os.close(descriptor)
            path.chmod(FILE_MODE)
    except OSError as error:
        where = error.filename or path
        raise DatabaseProblem(f"database {path} cannot be created: {where}: {error.strerror or error}") from None


@dataclass(frozen=True, slots=True)
class BackupReport:
    target: Path
    version: int
    size: int


def backup_name(source: Path, version: int, now: dt.datetime) -> str:
    """``runon-v5-20261130T120000Z.sqlite3``: sorts by time, says which schema it holds."""
    return f"{source.stem}-v{version}-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.sqlite3"


def backup(source: Path | str, target: Path | str, *, now: dt.datetime | None = None) -> BackupReport:
    """Copy ``source`` to ``target`` with SQLite's online backup API.

    Safe while the bot runs: the copy is one consistent snapshot that includes everything committed,
    also what still sits in the write-ahead log (a file copy would miss it). ``target`` may be a folder
    (a timestamped name is picked). An existing file is never overwritten. The copy is a single
    self-contained file (rollback journal), checked with ``PRAGMA quick_check``, created ``0600``."""
    source, target = Path(source), Path(target)
    status = inspect(source)
    if not status.exists:
        raise DatabaseProblem(f"there is no database at {source} to back up (DATABASE_PATH)")
    if status.problem:
        raise DatabaseProblem(status.refusal())
    if target.is_dir():
        target = target / backup_name(source, status.version, now or dt.datetime.now(dt.UTC))
    if target.exists():
        raise DatabaseProblem(f"{target} already exists; name a new file or a folder")
    if target.resolve() == source.resolve():
        raise DatabaseProblem("the backup must go to another file than the database itself")
    partial = target.with_name(f".{target.name}.partial")
    if partial.parent.is_dir():
        partial.unlink(missing_ok=True)  # a leftover of an interrupted backup
    _create_private(partial)  # folders 0700, an empty 0600 file SQLite then fills
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)  # all pages in one step: one read transaction, one consistent snapshot
                dst.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
                check = dst.execute("PRAGMA quick_check").fetchone()
                if not check or check[0] != "ok":
                    raise DatabaseProblem(f"the backup failed its integrity check: {check[0] if check else '?'}")
                row = dst.execute("PRAGMA user_version").fetchone()
                version = int(row[0]) if row else 0
            finally:
                dst.close()
        finally:
            src.close()
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)  # the name appears only once the copy is complete
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise DatabaseProblem(f"backup of {source} failed: {error}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupReport(target, version, target.stat().st_size)
