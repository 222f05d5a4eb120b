"""The SQLite file itself, without opening it as the bot's database: its schema state read from the header
(:func:`inspect`, which writes nothing), online backups (:func:`backup`), and private files and folders (the file
holds members' data: ``0600`` in folders ``0700``)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from msgspec import Struct

from . import migrations
from .errors import DatabaseProblem

_SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100
_USER_VERSION_OFFSET = 60  # the header field PRAGMA user_version reads (4 bytes, big-endian)
FILE_MODE = 0o600
FOLDER_MODE = 0o700


class SchemaStatus(Struct, frozen=True):
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


class BackupReport(Struct, frozen=True):
    target: Path
    version: int
    size: int


def new_backup_path(folder: Path, source: Path, version: int, now: dt.datetime) -> Path:
    """``folder/runon-v5-20261130T120000Z.sqlite3``: sorts by time, says which schema it holds; ``...Z-2.sqlite3``,
    ``-3``... when backups in the same second took the name (a ``migrate-db`` run again at once, a backup while the
    bot's start backed up)."""
    stem = f"{source.stem}-v{version}-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
    path = folder / f"{stem}.sqlite3"
    taken = 1
    while path.exists():
        taken += 1
        path = folder / f"{stem}-{taken}.sqlite3"
    return path


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
        target = new_backup_path(target, source, status.version, now or dt.datetime.now(dt.UTC))
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
