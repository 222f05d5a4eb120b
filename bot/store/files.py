"""The SQLite file itself, without opening it as the bot's database: its schema state read from the header
(:func:`inspect`, which writes nothing), online backups (:func:`backup`), and private files and folders (the file
holds members' data: ``0600`` in folders ``0700``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import tempfile
from collections.abc import Callable
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


#: A backup's scratch file, beside where it will be named once complete (``.runon-backup-*.partial``).
PARTIAL_PREFIX = ".runon-backup-"
#: A scratch file older than this is a leftover of an interrupted backup (a backup in progress is never this old).
STALE_PARTIAL = dt.timedelta(days=1)


def backup_name(source: Path, version: int, now: dt.datetime, taken: int = 1) -> str:
    """``runon-v5-20261130T120000Z.sqlite3``: sorts by time, says which schema it holds. ``..._02.sqlite3``,
    ``_03``... when backups in the same second took the name (they sort after it)."""
    extra = f"_{taken:02d}" if taken > 1 else ""
    return f"{source.stem}-v{version}-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}{extra}.sqlite3"


def backup(source: Path | str, target: Path | str, *, now: dt.datetime | None = None) -> BackupReport:
    """Copy ``source`` to ``target``, a new file, or an existing folder for a timestamped name (:func:`backup_into`).

    Safe while the bot runs: the copy is one consistent snapshot, taken with SQLite's online backup API, that includes
    everything committed, also what still sits in the write-ahead log (a file copy would miss it). An existing file is
    never overwritten, also one that appears while the copy is made. The copy is a single self-contained file
    (rollback journal), checked with ``PRAGMA quick_check``, created ``0600``."""
    source, target = Path(source), Path(target)
    if target.is_dir():
        return backup_into(source, target, now=now)
    if target.exists():
        raise DatabaseProblem(f"{target} already exists; name a new file or a folder")
    if target.resolve() == source.resolve():
        raise DatabaseProblem("the backup must go to another file than the database itself")
    return _copy(source, target.parent, lambda _version, taken: target if taken == 1 else None)


def backup_into(source: Path | str, folder: Path | str, *, now: dt.datetime | None = None) -> BackupReport:
    """Copy ``source`` into ``folder`` (created ``0700`` if missing) under a new timestamped name
    (:func:`backup_name`). Backups in the same second, even at once from two processes (a ``migrate-db`` while the
    bot's start backs up), each get their own file."""
    source, folder = Path(source), Path(folder)
    when = now or dt.datetime.now(dt.UTC)
    return _copy(source, folder, lambda version, taken: folder / backup_name(source, version, when, taken))


def _copy(source: Path, folder: Path, name: Callable[[int, int], Path | None]) -> BackupReport:
    """The copy, made in a scratch file of its own in ``folder``, then linked to ``name(version, n)`` for the first
    ``n`` whose file does not exist (None: no other name may be taken)."""
    status = inspect(source)
    if not status.exists:
        raise DatabaseProblem(f"there is no database at {source} to back up (DATABASE_PATH)")
    if status.problem:
        raise DatabaseProblem(status.refusal())
    try:
        create_private_folders(folder)
        _remove_stale_partials(folder)
        descriptor, scratch = tempfile.mkstemp(dir=folder, prefix=PARTIAL_PREFIX, suffix=".partial")  # 0600
        os.close(descriptor)
    except OSError as error:
        where = error.filename or folder
        raise DatabaseProblem(f"cannot write a backup in {folder}: {where}: {error.strerror or error}") from None
    partial = Path(scratch)
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
        target = _publish(partial, lambda taken: name(status.version, taken))
    except sqlite3.Error as error:
        raise DatabaseProblem(f"backup of {source} failed: {error}") from None
    except OSError as error:  # the folder full, or taken away, while the copy was written or named
        raise DatabaseProblem(
            f"backup of {source} failed: {error.filename or folder}: {error.strerror or error}"
        ) from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(target, version, target.stat().st_size)


def _publish(partial: Path, name: Callable[[int], Path | None]) -> Path:
    """Give the complete copy its name: a hard link, which fails instead of replacing a file that exists (one made
    meanwhile by another backup, or by anyone)."""
    for taken in range(1, 100):
        target = name(taken)
        if target is None:
            break
        try:
            os.link(partial, target)
            return target
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links: the same, checked just before the rename
            if target.exists():
                continue
            os.replace(partial, target)
            return target
    first = name(1)
    raise DatabaseProblem(f"{first} already exists; name a new file or a folder")


def _remove_stale_partials(folder: Path) -> None:
    """Scratch files of backups interrupted long ago (a crash, a kill): never one still being written."""
    cutoff = (dt.datetime.now(dt.UTC) - STALE_PARTIAL).timestamp()
    for leftover in folder.glob(f"{PARTIAL_PREFIX}*.partial"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
