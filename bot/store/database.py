"""The database: connections, the unit of work, migrations, schema status and online backups.

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
import logging
import os
import sqlite3
import stat
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, StaticPool

from . import migrations
from .migrations import SchemaStatus

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
READERS = 4


class StoreError(Exception):
    """The database cannot be used. ``str(error)`` is one line for the admin."""


@dataclass
class Tx:
    """One unit of work: the connection to pass to repositories, and what to do once it committed."""

    conn: AsyncConnection
    _after: list[Callable[[], None]] = field(default_factory=list)

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` only if the transaction commits (e.g. to update a cache)."""
        self._after.append(action)


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
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def _prepare_file(path: Path) -> None:
    """Create the database's folder (0700) and file (0600); member data is nobody else's business."""
    if path.is_dir():
        raise StoreError(f"database {path} is a folder, not a file; set DATABASE_PATH to a file path")
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    if not path.exists():
        try:
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        except OSError as error:
            raise StoreError(f"database {path} cannot be created: {error.strerror}") from None
        os.close(fd)


def _friendly(path: str, error: BaseException) -> StoreError:
    text = str(getattr(error, "orig", None) or error)
    if "file is not a database" in text:
        return StoreError(f"database {path} is not a SQLite database (wrong file?)")
    if "unable to open" in text:
        return StoreError(f"database {path} cannot be opened (a folder, or no permission)")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"database {path} is read-only for this user; the bot needs to write it")
    return StoreError(f"database {path}: {text.splitlines()[0] if text else type(error).__name__}")


class Database:
    """Use ``db = await Database.open(path)`` and ``await db.close()`` (or ``async with``)."""

    def __init__(self, target: str, writer: AsyncEngine, reader: AsyncEngine | None) -> None:
        self.target = target
        self.dialect = writer.dialect.name
        self._writer = writer
        self._reader = reader  # None: reads share the writer (":memory:")
        self._write_lock = asyncio.Lock()
        self._writer_conn: AsyncConnection | None = None

    @property
    def path(self) -> str:
        return self.target

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @classmethod
    async def open(cls, target: Path | str, *, migrate: bool = True) -> Database:
        """Open (creating it if needed) and, with ``migrate``, bring the schema up to date.

        Raises :class:`StoreError` with one line for the admin; nothing is left running on failure."""
        path = str(target)
        if path != ":memory:":
            _prepare_file(Path(path))
        memory = path == ":memory:"
        writer = create_async_engine(_sqlite_url(path), poolclass=StaticPool)
        _configure_sqlite(writer, writer=True, wal=not memory)
        reader = None
        if not memory:
            reader = create_async_engine(
                _sqlite_url(path),
                poolclass=AsyncAdaptedQueuePool,
                pool_size=READERS,
                max_overflow=0,
                pool_reset_on_return=None,  # readers never hold a transaction open
            )
            _configure_sqlite(reader, writer=False)
        db = cls(path, writer, reader)
        try:
            db._writer_conn = await writer.connect()
            status = await db.schema_status()
            if status.state == "ahead":
                raise StoreError(
                    f"database {path}: {status.describe()}; upgrade the bot, or restore a backup made for this version"
                )
            if migrate and status.pending:
                await db.migrate()
        except BaseException as error:
            await db.close()
            if isinstance(error, StoreError | asyncio.CancelledError):
                raise
            if isinstance(error, sa.exc.DBAPIError | sqlite3.Error | OSError):
                raise _friendly(path, error) from None
            raise
        return db

    # -- units of work ---------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """One transaction: commits when the block ends, rolls back if it raises (or is cancelled)."""
        conn = self._writer_conn
        if conn is None:
            raise StoreError("the database is closed")
        async with self._write_lock, conn.begin():
            tx = Tx(conn)
            yield tx
        for action in tx._after:
            action()

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads; sees everything committed before it started."""
        if self._reader is None:
            async with self.transaction() as tx:
                yield tx.conn
            return
        async with self._reader.connect() as conn:
            yield conn

    # -- schema ----------------------------------------------------------------------------------

    async def schema_status(self) -> SchemaStatus:
        async with self.read() as conn:
            return await conn.run_sync(migrations.status)

    async def version(self) -> str | None:
        return (await self.schema_status()).current

    async def migrate(self) -> list[str]:
        """Apply every pending migration, all in one transaction."""
        async with self.transaction() as tx:
            return await tx.conn.run_sync(migrations.upgrade)

    # -- maintenance -----------------------------------------------------------------------------

    async def backup(self, target: Path) -> None:
        """A consistent copy of the database, made with SQLite's online backup API: safe while the bot runs."""
        if self.target == ":memory:":
            raise StoreError("an in-memory database cannot be backed up")
        await asyncio.to_thread(backup_file, Path(self.target), target)

    async def close(self) -> None:
        if self._writer_conn is not None:
            with contextlib.suppress(Exception):
                await self._writer_conn.close()
            self._writer_conn = None
        await self._writer.dispose()
        if self._reader is not None:
            await self._reader.dispose()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


def backup_file(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` with SQLite's backup API (consistent even while it is written)."""
    if not source.is_file():
        raise StoreError(f"database {source} does not exist")
    target = target.expanduser()
    if target.is_dir():
        target = target / source.name
    if target.resolve() == source.resolve():
        raise StoreError("the backup must go to another file than the database itself")
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = target.with_name(target.name + ".partial")
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        os.chmod(partial, stat.S_IRUSR | stat.S_IWUSR)
        os.replace(partial, target)
    except sqlite3.DatabaseError as error:
        partial.unlink(missing_ok=True)
        raise _friendly(str(source), error) from None
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise StoreError(f"backup to {target} failed: {error.strerror}") from None


def _readable(path: Path) -> bool:
    """Whether the file exists (False: a new database); raises when it cannot be a database."""
    if not path.exists():
        return False
    if path.is_dir():
        raise StoreError(f"database {path} is a folder, not a file; set DATABASE_PATH to a file path")
    if not os.access(path, os.R_OK):
        raise StoreError(f"database {path} cannot be read by this user")
    return True


async def inspect(target: Path | str) -> SchemaStatus:
    """The schema status of a database file, read-only: nothing is created, migrated or written."""
    path = Path(target)
    if not _readable(path):
        return SchemaStatus(None, migrations.head(), "new", migrations.all_revisions())
    engine = create_async_engine(_sqlite_url(str(path), read_only=True), poolclass=StaticPool)
    _configure_sqlite(engine, writer=False)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(migrations.status)
    except (sa.exc.DBAPIError, sqlite3.Error) as error:
        raise _friendly(str(path), error) from None
    finally:
        await engine.dispose()
