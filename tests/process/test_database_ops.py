"""The database as an admin handles it: check reads only, run backs up before migrating, backup is online."""

import asyncio
import hashlib
import shutil
import signal
import sqlite3
import stat
from pathlib import Path

from bot.standin import FakeDiscord
from bot.store import Database, latest_version
from bot.store.migrations import LEGACY_BASELINE, legacy_sql

LATEST = latest_version()


async def _current(path: Path) -> None:
    await (await Database.open(path)).close()


def _old_database(path: Path, version: int, members: int = 3) -> None:
    """A database at schema ``version`` with some members' progress: as the first release left it (1-4, its own
    SQL), or as this code makes it (the latest version)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if version == LATEST:
        asyncio.run(_current(path))
        conn = sqlite3.connect(path, isolation_level=None)
    elif version > LEGACY_BASELINE:
        _at_revision(path, version)
        conn = sqlite3.connect(path, isolation_level=None)
    else:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        sql = legacy_sql()
        for step in range(1, version + 1):
            conn.executescript(f"BEGIN;\n{sql[step]}\nPRAGMA user_version = {step};\nCOMMIT;")
    for user in range(members):
        conn.execute("INSERT INTO member_progress VALUES (?, ?, ?)", (1000 + user, user + 1, 1_700_000_000))
    conn.close()


def _at_revision(path: Path, version: int) -> None:
    """A database as an earlier release of this code made it: the Alembic revisions up to ``version``."""
    import sqlalchemy as sa
    from alembic.runtime.environment import EnvironmentContext

    from bot.store import migrations

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    script, target = migrations._script(), f"{version:04d}"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        with EnvironmentContext(
            migrations._config(), script, fn=lambda rev, _ctx: script._upgrade_revs(target, rev), destination_rev=target
        ) as env:
            env.configure(connection=connection)
            env.run_migrations()
        connection.exec_driver_sql(f"PRAGMA user_version = {version}")
    engine.dispose()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _progress_rows(path: Path) -> int:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM member_progress").fetchone()[0])
    finally:
        conn.close()


def _version(path: Path) -> int:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


# -- check never writes ------------------------------------------------------------------------------


def test_check_creates_no_database(workdir):
    result = workdir.run("check")
    assert result.returncode == 0, result.stderr
    assert f"Database: {workdir.path / 'var' / 'runon.sqlite3'} does not exist yet; run creates it" in result.stdout
    assert _files(workdir.path) == []  # no var/, no file


def test_check_leaves_an_old_database_exactly_as_it_was(workdir):
    database = workdir.path / "var" / "runon.sqlite3"
    _old_database(database, LATEST - 1)
    before, files_before, mtime = _digest(database), _files(database.parent), database.stat().st_mtime_ns
    result = workdir.run("check")
    assert result.returncode == 0, result.stderr
    assert (
        f"Database: schema version {LATEST - 1} of {LATEST}; run backs it up, then applies 1 migration(s)"
        in result.stdout
    )
    assert _digest(database) == before
    assert database.stat().st_mtime_ns == mtime
    assert _files(database.parent) == files_before == ["runon.sqlite3"]  # no -wal, -shm or backup appeared


def test_check_reads_changes_still_in_the_write_ahead_log(workdir):
    database = workdir.path / "var" / "runon.sqlite3"
    _old_database(database, LATEST - 1)
    holder = sqlite3.connect(database, isolation_level=None)  # the running bot, say: keeps the log open
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    # a migration committed by the running bot, still only in its write-ahead log (the header says LATEST - 1)
    holder.executescript(f"BEGIN;\nCREATE TABLE scratch (x INTEGER);\nPRAGMA user_version = {LATEST};\nCOMMIT;")
    try:
        files_before = _files(database.parent)
        result = workdir.run("check")
        assert _files(database.parent) == files_before
    finally:
        holder.close()
    assert f"Database: schema version {LATEST} of {LATEST} (up to date)" in result.stdout


def test_check_names_an_unusable_database_as_a_problem(workdir):
    (workdir.path / "db").mkdir()
    result = workdir.run("check", env=dict(workdir.env, DATABASE_PATH="db"))
    assert result.returncode == 1
    assert f"  - database {workdir.path / 'db'} is a folder, not a database file" in result.stderr
    assert "Traceback" not in result.stderr


# -- run: private files, backup before migrating -----------------------------------------------------


def _run_until_ready(workdir, fake: FakeDiscord, bots):
    bot = workdir.start("run", env=fake.env(workdir.env))
    bots.append(bot)
    fake.wait_for(fake.ready_sessions, 30, "IDENTIFY from the bot")
    return bot


def test_run_creates_the_database_private(workdir, fake, bots):
    bot = _run_until_ready(workdir, fake, bots)
    bot.signal(signal.SIGTERM)
    assert bot.wait().returncode == 0
    folder = workdir.path / "var"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "runon.sqlite3").stat().st_mode) == 0o600
    assert _version(folder / "runon.sqlite3") == LATEST
    assert not (folder / "backups").exists()  # nothing to back up in a new database
    assert f"created the database {folder / 'runon.sqlite3'} (schema version {LATEST})" in bot.stderr


def test_run_backs_up_an_old_database_before_migrating_it(workdir, fake, bots):
    database = workdir.path / "var" / "runon.sqlite3"
    _old_database(database, LATEST - 1, members=5)
    bot = _run_until_ready(workdir, fake, bots)
    bot.signal(signal.SIGTERM)
    result = bot.wait()
    assert result.returncode == 0, result.stderr
    [copy] = (database.parent / "backups").iterdir()
    assert copy.name.startswith(f"runon-v{LATEST - 1}-")
    assert copy.suffix == ".sqlite3"
    assert _version(copy) == LATEST - 1
    assert _progress_rows(copy) == 5
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert _version(database) == LATEST
    assert _progress_rows(database) == 5
    log = result.stderr
    assert f"backed up {database} (schema {LATEST - 1}) to {copy} before migrating to schema {LATEST}" in log
    assert log.index("backed up") < log.index("migrated the database")


# -- backup ---------------------------------------------------------------------------------------------


def test_backup_includes_what_is_still_in_the_write_ahead_log(workdir):
    database = workdir.path / "var" / "runon.sqlite3"
    _old_database(database, LATEST, members=2)
    writer = sqlite3.connect(database, isolation_level=None)  # the running bot: its writes sit in the log
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    for user in range(50):
        writer.execute("INSERT INTO member_progress VALUES (?, 9, 1700000000)", (5000 + user,))
    try:
        shutil.copy(database, workdir.path / "naive-copy.sqlite3")  # the old README's advice
        result = workdir.run("backup", "saved.sqlite3")
        assert result.returncode == 0, result.stderr
    finally:
        writer.close()
    saved = workdir.path / "saved.sqlite3"
    assert _progress_rows(workdir.path / "naive-copy.sqlite3") == 2  # a file copy loses recent writes
    assert _progress_rows(saved) == 52  # the backup has them all
    assert _files(workdir.path).count("saved.sqlite3-wal") == 0  # one self-contained file
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert sqlite3.connect(saved).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert result.stdout.startswith(f"Backed up {database} (schema version {LATEST}, ")
    assert result.stdout.rstrip().endswith(f"to {saved}")


def test_backup_of_a_running_bot(workdir, fake, bots):
    bot = _run_until_ready(workdir, fake, bots)
    result = workdir.run("backup", "backups/")
    assert result.returncode == 0, result.stderr
    [copy] = (workdir.path / "backups").iterdir()
    assert copy.name.startswith(f"runon-v{LATEST}-")
    assert _version(copy) == LATEST
    assert stat.S_IMODE((workdir.path / "backups").stat().st_mode) == 0o700
    bot.signal(signal.SIGTERM)
    assert bot.wait().returncode == 0  # the bot did not notice


def test_backup_never_overwrites_and_needs_a_database(workdir):
    result = workdir.run("backup", "x.sqlite3")
    assert result.returncode == 3
    result.assert_one_error_line(f"there is no database at {workdir.path / 'var' / 'runon.sqlite3'} to back up")
    _old_database(workdir.path / "var" / "runon.sqlite3", LATEST)
    (workdir.path / "x.sqlite3").write_text("precious")
    result = workdir.run("backup", "x.sqlite3")
    assert result.returncode == 3
    result.assert_one_error_line(f"{workdir.path / 'x.sqlite3'} already exists")
    assert (workdir.path / "x.sqlite3").read_text() == "precious"
    assert not [p for p in workdir.path.iterdir() if p.name.endswith(".partial")]
