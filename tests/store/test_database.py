import asyncio
import concurrent.futures
import datetime as dt
import os
import sqlite3
import stat
import threading

import pytest

from bot.store import Database, DatabaseProblem, backup, backup_into, inspect, latest_version, lock_key, progress
from bot.store import migrations as migration_module
from bot.store.progress import USER_DATA
from bot.store.schema import metadata


async def test_migrations_apply_from_zero_and_are_idempotent(tmp_path):
    path = tmp_path / "nested" / "bot.sqlite3"
    db = await Database.open(path)
    assert await db.version() == latest_version()
    assert await db.migrate() == []  # nothing left to apply
    await db.close()
    status = inspect(path)  # the version is readable from the file without opening it
    assert (status.version, status.pending, status.refusal()) == (latest_version(), 0, None)
    reopened = await Database.open(path)
    assert await reopened.version() == latest_version()
    await reopened.close()


async def test_database_and_folder_are_private(tmp_path):
    path = tmp_path / "state" / "bot.sqlite3"
    db = await Database.open(path)
    await db.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700


async def _columns(conn):
    """Every table of the database and its columns, read with plain SQL (what the store's connections speak)."""
    if conn.dialect == "sqlite":
        names = (await conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars()
        return {name: [row[1] for row in await conn.execute(f"PRAGMA table_info({name})")] for name in names}
    found: dict[str, list[str]] = {}
    query = "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
    for table, column in await conn.execute(query):
        found.setdefault(table, []).append(column)
    return found


async def test_migrated_schema_matches_what_the_repositories_query(db):
    async with db.read() as conn:
        found = await _columns(conn)
    for table in metadata.sorted_tables:
        assert table.name in found, table.name
        assert {c.name for c in table.columns} == set(found[table.name]), table.name


def _legacy_database(path, up_to):
    """A database as the first version made it (PRAGMA user_version 1..4), with a member's progress."""
    sql = migration_module.legacy_sql()
    conn = sqlite3.connect(path)
    for version in range(1, up_to + 1):
        conn.executescript(f"BEGIN;\n{sql[version]}\nPRAGMA user_version = {version};\nCOMMIT;")
    conn.execute("INSERT INTO member_progress VALUES (42, 6, 0)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("legacy", [2, 4])
async def test_a_database_of_the_first_version_is_upgraded_keeping_its_data(tmp_path, legacy):
    path = tmp_path / "old.sqlite3"
    _legacy_database(path, legacy)
    before = inspect(path)
    assert (before.version, before.pending) == (legacy, latest_version() - legacy)
    db = await Database.open(path)
    assert await db.version() == latest_version()
    async with db.read() as conn:
        assert await progress.get(conn, 42) == 6
        assert {"instances", "airing_slots"} <= set(await _columns(conn))
    await db.close()


async def test_a_database_newer_than_the_code_is_refused(tmp_path):
    path = tmp_path / "bot.sqlite3"
    await (await Database.open(path)).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    assert inspect(path).newer_than_code
    with pytest.raises(DatabaseProblem, match="newer than this version of the bot"):
        await Database.open(path)


async def test_inspect_never_writes(tmp_path):
    missing = tmp_path / "none" / "bot.sqlite3"
    assert not inspect(missing).exists
    assert not missing.parent.exists()
    path = tmp_path / "bot.sqlite3"
    _legacy_database(path, 3)
    before = path.read_bytes()
    assert inspect(path).pending == latest_version() - 3
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.write_text("hello, I am not a database" * 100), "not a SQLite database"),
    ],
)
async def test_unusable_files_get_one_clear_line(tmp_path, make, message):
    path = tmp_path / "bot.sqlite3"
    make(path)
    with pytest.raises(DatabaseProblem, match=message):
        await Database.open(path)
    assert message in inspect(path).refusal()


async def test_every_user_data_table_exists(db):
    async with db.read() as conn:
        tables = await _columns(conn)
    for table, column in USER_DATA:
        assert column in tables[table], table


async def test_a_unit_of_work_commits_all_or_nothing(db):
    async def crash_half_way():
        async with db.transaction() as tx:
            await progress.set_episode(tx.conn, 1, 5, 0)
            await progress.set_episode(tx.conn, 2, 6, 0)
            raise RuntimeError("crash half-way")

    with pytest.raises(RuntimeError):
        await crash_half_way()
    async with db.read() as conn:
        assert (await progress.get(conn, 1), await progress.get(conn, 2)) == (None, None)


async def test_concurrent_units_of_work_never_interleave(db):
    async def bump(user_id):
        async with db.transaction() as tx:
            await lock_key(tx.conn, 99, 1)  # PostgreSQL: read-modify-write of one thing takes its lock
            current = await progress.get(tx.conn, 1) or 0
            await asyncio.sleep(0)  # let others try to get in between the read and the write
            await progress.set_episode(tx.conn, 1, current + 1, 0)
            await progress.set_episode(tx.conn, user_id, 1, 0)

    await asyncio.gather(*(bump(100 + i) for i in range(40)))
    async with db.read() as conn:
        assert await progress.get(conn, 1) == 40  # no lost update, no "transaction within a transaction"


async def test_a_write_is_not_lost_when_another_unit_of_work_rolls_back(db):
    gate = asyncio.Event()

    async def rolled_back():
        async with db.transaction() as tx:
            await progress.set_episode(tx.conn, 1, 9, 0)
            gate.set()
            await asyncio.sleep(0.01)
            raise RuntimeError("rolled back")

    async def failing():
        with pytest.raises(RuntimeError):
            await rolled_back()

    async def plain():
        await gate.wait()
        async with db.transaction() as tx:  # e.g. /timezone set while the other one fails
            await progress.set_episode(tx.conn, 2, 3, 0)

    await asyncio.gather(failing(), plain())
    async with db.read() as conn:
        assert await progress.get(conn, 1) is None
        assert await progress.get(conn, 2) == 3


async def test_readers_see_committed_data_while_a_writer_is_busy(db):
    async with db.transaction() as tx:
        await progress.set_episode(tx.conn, 1, 4, 0)
    async with db.transaction() as tx:
        await progress.set_episode(tx.conn, 1, 8, 0)
        async with db.read() as conn:  # WAL: a reader is not blocked and sees the last commit
            assert await progress.get(conn, 1) == 4
    async with db.read() as conn:
        assert await progress.get(conn, 1) == 8


async def test_a_members_read_finds_a_connection_while_background_work_holds_all_it_may(db):
    """A burst of reminder deliveries (background work) never takes every connection: with more background
    readers waiting than the pool holds, a member's read is served at once, and the background ones in turn."""
    from bot.store import background_work
    from bot.store.postgres import POSTGRES_POOL
    from bot.store.sqlite import READERS

    release = asyncio.Event()
    holding = 0

    async def delivery() -> None:
        nonlocal holding
        background_work()
        async with db.read() as conn:
            holding += 1
            await conn.execute("SELECT 1")
            await release.wait()

    pool = sum(POSTGRES_POOL) if db.shared else READERS
    deliveries = [asyncio.create_task(delivery()) for _ in range(pool + 5)]
    await asyncio.sleep(0.2)
    assert 0 < holding < pool  # they hold what their lane allows, not the whole pool
    async with asyncio.timeout(5):  # without the lane this waits for a connection until the deliveries finish
        async with db.read() as conn:
            assert (await conn.execute("SELECT 1")).scalar() == 1
    release.set()
    await asyncio.gather(*deliveries)
    assert holding == pool + 5


async def test_background_work_that_reads_inside_a_read_never_waits_for_itself(db):
    """Every place in the lane taken by a delivery that, while reading, reads again: each keeps its place for the
    inner read instead of waiting for a second one (which would wait forever)."""
    from bot.store import background_work
    from bot.store.postgres import BACKGROUND_POSTGRES
    from bot.store.sqlite import BACKGROUND_READERS

    lane = BACKGROUND_POSTGRES if db.shared else BACKGROUND_READERS
    inside = asyncio.Barrier(lane)

    async def delivery() -> int:
        background_work()
        async with db.read() as outer:
            await outer.execute("SELECT 1")
            await inside.wait()  # every place in the lane is held now
            async with db.read() as inner:
                return int((await inner.execute("SELECT 2")).scalar_one())

    async with asyncio.timeout(10):
        assert await asyncio.gather(*(delivery() for _ in range(lane))) == [2] * lane


async def test_online_backup_is_a_consistent_copy(db, tmp_path):
    if not db.is_sqlite:
        with pytest.raises(DatabaseProblem, match="pg_dump"):
            await db.backup(tmp_path / "copy.sqlite3")
        return
    async with db.transaction() as tx:
        for user in range(200):
            await progress.set_episode(tx.conn, user, user % 17, 0)
    target = tmp_path / "backups" / "copy.sqlite3"
    await db.backup(target)
    copy = await Database.open(target)
    async with copy.read() as conn:
        assert await progress.get(conn, 199) == 199 % 17
    await copy.close()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    with pytest.raises(DatabaseProblem, match="already exists"):
        backup(tmp_path / "bot.sqlite3", tmp_path / "bot.sqlite3")


def _small_database(path):
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 4000)  # 2 MB: a copy takes a moment
    return path


def test_backups_into_a_folder_in_the_same_second_each_get_their_own_file_in_time_order(tmp_path):
    """``migrate-db`` run again at once, or a backup while the start backed up: the second copy is not refused for a
    name the first one took, and a listing still shows them oldest first."""
    source = _small_database(tmp_path / "runon.sqlite3")
    folder = tmp_path / "backups"
    now = dt.datetime(2026, 12, 6, 22, 50, 50, tzinfo=dt.UTC)
    first = backup_into(source, folder, now=now)  # the bot's start, migrate-db: the folder is made private
    second = backup(source, folder, now=now)  # python -m bot backup var/backups/
    assert first.target.name == "runon-v0-20261206T225050Z.sqlite3"
    assert second.target.name == "runon-v0-20261206T225050Z_02.sqlite3"
    assert sorted(p.name for p in folder.iterdir()) == [first.target.name, second.target.name]
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700


def test_backups_at_once_never_share_a_file_nor_overwrite_one(tmp_path):
    """Two processes backing up into one folder at the same moment each finish their own complete copy; two naming
    the same file: one copy, and the other is refused, not written over it."""
    source = _small_database(tmp_path / "runon.sqlite3")
    folder = tmp_path / "backups"
    folder.mkdir()
    now = dt.datetime(2026, 12, 6, 22, 50, 50, tzinfo=dt.UTC)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        reports = list(pool.map(lambda _: backup(source, folder, now=now), range(4)))
    assert len({r.target for r in reports}) == 4
    for report in reports:
        with sqlite3.connect(report.target) as conn:
            assert conn.execute("SELECT COUNT(*) FROM t").fetchone() == (4000,)
    assert not [p for p in folder.iterdir() if p.name.endswith(".partial")]

    target = tmp_path / "copy.sqlite3"
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda _: _outcome(lambda: backup(source, target)), range(2)))
    assert sorted(type(o).__name__ for o in outcomes) == ["BackupReport", "DatabaseProblem"]
    assert "already exists" in str(next(o for o in outcomes if isinstance(o, DatabaseProblem)))
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)


def test_a_backup_the_file_system_refuses_is_a_clear_problem_and_leaves_no_scratch_file(tmp_path, monkeypatch):
    source = _small_database(tmp_path / "runon.sqlite3")
    folder = tmp_path / "backups"

    def refused(*args):
        raise PermissionError(13, "Permission denied", str(args[-1]))

    monkeypatch.setattr(os, "link", refused)
    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(DatabaseProblem, match=r"backup of .* failed: .*Permission denied"):
        backup_into(source, folder)
    assert list(folder.iterdir()) == []


def _outcome(call):
    try:
        return call()
    except DatabaseProblem as problem:
        return problem


async def test_reminder_claim_searches_indexes_not_the_table(db):
    from bot.store import reminders

    async with db.read() as conn:
        plan = await reminders.explain_claim(conn)
    if db.is_sqlite:
        assert any("USING INDEX reminders_due" in step for step in plan), plan
        assert not [step for step in plan if step.startswith("SCAN reminders")], plan
    else:
        assert any("Index Scan using reminders_due" in step for step in plan), plan
        assert any("LockRows" in step for step in plan), plan  # FOR UPDATE SKIP LOCKED
        assert not [step for step in plan if "Seq Scan on reminders" in step], plan


def test_the_latest_version_is_alembics_head():
    # latest_version() reads the revisions' file names (no Alembic at start-up); Alembic's own history agrees.
    assert latest_version() == int(migration_module.revisions()[-1])


async def test_the_version_is_read_as_alembic_reads_it(tmp_path):
    import sqlalchemy as sa
    from alembic.runtime.migration import MigrationContext

    db = await Database.open(tmp_path / "bot.sqlite3")
    async with db.read() as conn:
        ours = await migration_module.read_version(conn)  # plain SQL, what every start reads
    await db.close()
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    with engine.connect() as sync:
        theirs = MigrationContext.configure(sync).get_current_revision()
        also_ours = migration_module.version_of(sync)  # what a migration reads, on SQLAlchemy's connection
    engine.dispose()
    assert ours == also_ours == int(theirs) == latest_version()


def test_opening_an_up_to_date_database_does_not_load_alembic(tmp_path):
    # Alembic with Mako and Pygments is 12 MiB and a third of a second: only a migration needs it.
    import subprocess
    import sys

    path = tmp_path / "bot.sqlite3"
    script = (
        "import asyncio, sys\n"
        "from bot.store import Database\n"
        "async def main():\n"
        f"    db = await Database.open({str(path)!r})\n"
        "    print(await db.version())\n"
        "    await db.close()\n"
        "asyncio.run(main())\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'mako', 'pygments'}))\n"
    )
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert first.stdout.split() == [str(latest_version()), "['alembic',", "'mako',", "'pygments']"]  # it migrated
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert again.stdout.split() == [str(latest_version()), "[]"]


async def test_a_unit_of_work_takes_one_trip_to_the_database_thread_a_statement(tmp_path, monkeypatch):
    # Each trip to SQLite's thread is a hand-off between threads (a wake-up each way): BEGIN travels with the first
    # statement, each statement is one trip with its rows, and the commit one more.
    from bot.store.sqlite import _Worker

    db = await Database.open(tmp_path / "bot.sqlite3")
    trips = 0
    original = _Worker.submit

    def counted(self, fn, *args):
        nonlocal trips
        trips += 1
        return original(self, fn, *args)

    monkeypatch.setattr(_Worker, "submit", counted)
    try:
        async with db.transaction() as tx:
            await progress.set_episode(tx.conn, 42, 6, 1)
            await progress.set_episode(tx.conn, 43, 7, 1)
            found = (await tx.conn.execute("SELECT count(*) FROM member_progress")).scalar()
        assert (trips, found) == (4, 2)
        trips = 0
        async with db.transaction():
            pass  # nothing sent: nothing to commit
        assert trips == 0
        for _ in range(2):  # the second read finds the reader connection open
            trips = 0
            async with db.read() as conn:
                rows = (await conn.execute("SELECT user_id FROM member_progress ORDER BY user_id")).all()
        assert (trips, [row[0] for row in rows]) == (1, [42, 43])
    finally:
        await db.close()


async def test_a_unit_of_work_of_one_statement_runs_at_once_without_a_trip(tmp_path, monkeypatch):
    # /progress set and a member's remembered language write one row: BEGIN, the statement and COMMIT run at once on
    # the event loop's thread (microseconds, no wait for the disk in WAL mode), instead of a hand-off to the database's
    # thread and back, which costs more than the statement.
    from bot.store.sqlite import _Worker

    db = await Database.open(tmp_path / "bot.sqlite3")
    trips = 0
    original = _Worker.submit

    def counted(self, fn, *args):
        nonlocal trips
        trips += 1
        return original(self, fn, *args)

    monkeypatch.setattr(_Worker, "submit", counted)
    try:
        async with db.transaction(one_statement=True) as tx:
            await progress.set_episode(tx.conn, 42, 6, 1)
        assert trips == 0
        async with db.read() as conn:
            assert await progress.get(conn, 42) == 6  # committed, seen by another connection

        async def two_statements():
            async with db.transaction(one_statement=True) as tx:
                await progress.set_episode(tx.conn, 43, 7, 1)
                await progress.set_episode(tx.conn, 44, 7, 1)

        with pytest.raises(RuntimeError, match="second"):
            await two_statements()
        async with db.transaction() as tx:  # an ordinary unit of work after it is all or nothing again
            await progress.set_episode(tx.conn, 45, 8, 1)
            await progress.set_episode(tx.conn, 46, 8, 1)
        async with db.read() as conn:  # the block's first statement committed as it ran, as on the thread
            assert [await progress.get(conn, u) for u in (43, 44, 45, 46)] == [7, None, 8, 8]
    finally:
        await db.close()


def test_the_store_on_sqlite_loads_no_sqlalchemy_and_postgresqls_loads_its_core_without_the_orm(tmp_path):
    # A bot on an up-to-date SQLite file runs on aiosqlite alone (SQLAlchemy and its async engine: 16 MiB and 135 ms of
    # every start). For PostgreSQL, sqlalchemy.ext.asyncio's package would import the ORM (6 MiB, 60 ms) for its
    # session: the store loads the Core half only, and every other name still imports (the real package then).
    import subprocess
    import sys

    script = (
        "import asyncio, sys\n"
        "from bot.store import Database, progress\n"
        "async def main():\n"
        f"    db = await Database.open({str(tmp_path / 'bot.sqlite3')!r})\n"
        "    async with db.transaction() as tx:\n"
        "        await progress.set_episode(tx.conn, 1, 2, 3)\n"
        "    async with db.read() as conn:\n"
        "        print(await progress.get(conn, 1))\n"
        "    await db.close()\n"
        "asyncio.run(main())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic'))[:1])\n"
    )
    subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)  # migrates
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert again.stdout.split() == ["2", "[]"]
    core = (
        "import sys\n"
        "from bot.store import _async_core\n"
        "from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine\n"
        "print('sqlalchemy.orm' in sys.modules)\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\n"
        "print(AsyncSession.__name__, 'sqlalchemy.orm' in sys.modules)\n"
    )
    found = subprocess.run([sys.executable, "-c", core], capture_output=True, text=True, timeout=60, check=True)
    assert found.stdout.split() == ["False", "AsyncSession", "True"]


async def test_a_whole_unit_of_work_runs_at_once_without_a_trip_to_the_database_thread(tmp_path, monkeypatch):
    # db.run(work): the unit runs whole, BEGIN, its statements, the rows it reads and COMMIT, at once on the event
    # loop's thread: no hand-off, where db.transaction() takes one a statement and one for the commit.
    from bot.store.sqlite import _Worker

    db = await Database.open(tmp_path / "bot.sqlite3")
    trips = 0
    original = _Worker.submit

    def counted(self, fn, *args):
        nonlocal trips
        trips += 1
        return original(self, fn, *args)

    monkeypatch.setattr(_Worker, "submit", counted)
    committed = []

    async def work(tx):
        await progress.set_episode(tx.conn, 42, 6, 1)
        await progress.set_episode(tx.conn, 43, 7, 1)
        tx.after_commit(lambda: committed.append("after"))
        return (await tx.conn.execute("SELECT count(*) FROM member_progress")).scalar()

    try:
        assert await db.run(work) == 2
        assert (trips, committed) == (0, ["after"])
        async with db.read() as conn:  # committed: another connection sees both rows
            assert [await progress.get(conn, u) for u in (42, 43)] == [6, 7]
    finally:
        await db.close()


async def test_a_whole_unit_of_work_is_all_or_nothing(db):
    committed = []

    async def work(tx):
        await progress.set_episode(tx.conn, 1, 5, 0)
        tx.after_commit(lambda: committed.append(1))
        await progress.set_episode(tx.conn, 2, 5, 0)
        raise ValueError("the rule refused it")

    with pytest.raises(ValueError, match="refused"):
        await db.run(work)
    async with db.read() as conn:
        assert [await progress.get(conn, u) for u in (1, 2)] == [None, None]
    assert committed == []  # a cache is not told of a write that never happened

    async def next_one(tx):
        await progress.set_episode(tx.conn, 3, 9, 0)
        return "done"

    assert await db.run(next_one) == "done"  # the writer is free again
    async with db.read() as conn:
        assert await progress.get(conn, 3) == 9


async def test_a_whole_unit_of_work_that_waits_for_something_else_is_stopped_and_rolled_back(tmp_path):
    # On SQLite's thread nothing but the unit's own statements can be waited for: one that waits (a read of its own,
    # a lock, Discord) is a mistake in the code, stopped with a clear error, and leaves nothing half written.
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:

        async def waits(tx):
            await progress.set_episode(tx.conn, 1, 5, 0)
            await asyncio.sleep(0)
            await progress.set_episode(tx.conn, 2, 5, 0)

        with pytest.raises(RuntimeError, match="waited for something else"):
            await db.run(waits)
        async with db.transaction() as tx:  # the writer is usable again
            await progress.set_episode(tx.conn, 3, 5, 0)
        async with db.read() as conn:
            assert [await progress.get(conn, u) for u in (1, 2, 3)] == [None, None, 5]
    finally:
        await db.close()


class OtherProgram:
    """Another program holding the database file's write lock (an admin's ``sqlite3`` shell in a transaction), from a
    thread of its own, until :meth:`release`."""

    def __init__(self, path):
        self.path = path
        self.holding = threading.Event()
        self._release = threading.Event()
        self._thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self):
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            self.holding.set()
            self._release.wait(10)
            conn.rollback()
        finally:
            conn.close()

    def __enter__(self):
        self._thread.start()
        assert self.holding.wait(5)
        return self

    def release(self):
        self._release.set()
        self._thread.join(5)

    def __exit__(self, *exc):
        self.release()


class Ticker:
    """Counts the event loop's 10 ms ticks while it runs: a loop frozen by a wait does not tick."""

    def __init__(self):
        self.ticks = 0
        self._task = None

    async def _tick(self):
        while True:
            await asyncio.sleep(0.01)
            self.ticks += 1

    def __enter__(self):
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *exc):
        self._task.cancel()


async def test_while_another_program_holds_the_write_lock_units_wait_off_the_event_loop(tmp_path):
    # The short units run on the event loop's thread. Should another program hold the file's write lock, waiting for
    # it there would freeze the whole bot (every interaction, the heartbeat) for up to 5 seconds: they wait on the
    # database's thread instead, the loop goes on, and they commit once the lock is free.
    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path)

    async def work(tx):
        await progress.set_episode(tx.conn, 1, 4, 0)
        return "saved"

    async def one_statement():
        async with db.transaction(one_statement=True) as tx:
            await progress.set_episode(tx.conn, 2, 5, 0)

    try:
        with Ticker() as loop, OtherProgram(path) as other:
            units = asyncio.gather(db.run(work), one_statement())
            await asyncio.sleep(0.3)
            assert not units.done()  # still waiting for the lock...
            assert loop.ticks >= 10  # ...while the loop went on (a frozen loop would not have ticked at all)
            other.release()
            assert await asyncio.wait_for(units, 5) == ["saved", None]
        async with db.read() as conn:
            assert [await progress.get(conn, u) for u in (1, 2)] == [4, 5]
    finally:
        await db.close()


async def test_the_write_ahead_log_is_checkpointed_off_the_event_loop_and_stays_short(tmp_path):
    # Commits on the event loop's thread never run SQLite's automatic checkpoint (it flushes the file to disk): the
    # bot runs one on the database thread every few hundred rows written instead. Without any, the -wal file beside the
    # database would grow by a page or two for every interaction, for as long as the bot runs.
    from bot.store.sqlite import CHECKPOINT_AFTER_ROWS

    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path)
    rows = CHECKPOINT_AFTER_ROWS * 8
    try:
        for user in range(rows):  # one member's /progress set after another's

            async def work(tx, user=user):
                await progress.set_episode(tx.conn, user, 1 + user % 16, 0)

            await db.run(work)
            await asyncio.sleep(0)  # the next interaction comes in from the gateway
        await asyncio.sleep(0.2)
        wal = path.with_name(path.name + "-wal").stat().st_size
        assert wal < rows * 4096 / 4  # a short log, reused from its start after each checkpoint
        copy = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)  # the file alone, without its log
        try:
            in_file = copy.execute("SELECT count(*) FROM member_progress").fetchone()[0]
        finally:
            copy.close()
        assert in_file >= rows - CHECKPOINT_AFTER_ROWS * 2  # what was written is in the database file itself
    finally:
        await db.close()


async def test_the_first_write_after_a_checkpoint_runs_on_the_database_thread(tmp_path, monkeypatch):
    # A checkpoint empties the log; the next write starts it over and flushes its new header to disk. That write runs
    # on the database's thread, so the event loop never waits for the disk; the writes after it run at once again.
    from bot.store import sqlite as sqlite_store

    monkeypatch.setattr(sqlite_store, "CHECKPOINT_AFTER_ROWS", 5)
    db = await Database.open(tmp_path / "bot.sqlite3")
    trips = 0
    original = sqlite_store._Worker.submit

    def counted(self, fn, *args):
        nonlocal trips
        trips += 1
        return original(self, fn, *args)

    monkeypatch.setattr(sqlite_store._Worker, "submit", counted)

    async def one(user):
        async def work(tx):
            await progress.set_episode(tx.conn, user, 3, 0)

        nonlocal trips
        trips = 0
        await db.run(work)
        return trips

    try:
        async with db.transaction() as tx:  # SQLite's own checkpoints are off on the writer: they would run in a commit
            assert (await tx.conn.execute("PRAGMA wal_autocheckpoint")).scalar() == 0
        assert [await one(user) for user in range(5)] == [0] * 5  # at once, on the loop; the fifth row sets one off
        await asyncio.sleep(0.2)  # the checkpoint runs on the writer's thread
        assert [await one(user) for user in range(5, 8)] == [1, 0, 0]
        async with db.read() as conn:
            assert [await progress.get(conn, u) for u in (0, 7)] == [3, 3]
    finally:
        await db.close()


async def test_a_unit_cancelled_twice_finishes_on_the_thread_before_the_next_one_uses_the_connection(tmp_path):
    # A unit on the database's thread, cancelled while a statement runs and again while its rollback waits (a stop,
    # a timeout around it): its statement and rollback are still queued there when the write lock is free again. The
    # next unit must not use the connection from the event loop meanwhile: it queues behind them on the thread, the
    # loop goes on, and it commits.
    db = await Database.open(tmp_path / "bot.sqlite3")
    slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) FROM c"

    async def cancelled():
        async with db.transaction() as tx:
            await progress.set_episode(tx.conn, 7, 1, 0)
            await tx.conn.execute(slow)

    async def work(tx):
        await progress.set_episode(tx.conn, 1, 4, 0)
        return "saved"

    try:
        first = asyncio.create_task(cancelled())
        await asyncio.sleep(0.05)
        first.cancel()
        await asyncio.sleep(0)
        first.cancel()  # again, while it waits for its rollback
        with pytest.raises(asyncio.CancelledError):
            await first
        with Ticker() as loop:
            assert await asyncio.wait_for(db.run(work), 10) == "saved"
        assert loop.ticks >= 3  # the loop went on while it waited for the thread
        async with db.read() as conn:
            assert [await progress.get(conn, u) for u in (1, 7)] == [4, None]
    finally:
        await db.close()


async def test_a_cancelled_caller_does_not_break_a_whole_unit_of_work_under_way(tmp_path):
    # The caller gives up (its interaction timed out) while the unit waits on SQLite's thread (another program held
    # the write lock): the unit still ends as it would have, what waited for its commit still happens, and the next
    # unit of work gets the writer after it.
    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path)
    started = asyncio.Event()
    loop = asyncio.get_running_loop()
    committed = []

    async def work(tx):
        loop.call_soon_threadsafe(started.set)
        await progress.set_episode(tx.conn, 1, 4, 0)
        tx.after_commit(lambda: committed.append(1))

    try:
        with OtherProgram(path) as other:
            caller = asyncio.create_task(db.run(work))
            await started.wait()
            caller.cancel()
            await asyncio.sleep(0.05)
            other.release()
            with pytest.raises(asyncio.CancelledError):
                await caller
        assert committed == [1]  # it ran to its end before the caller's cancellation went on
        async with db.transaction() as tx:
            await progress.set_episode(tx.conn, 2, 4, 0)
        async with db.read() as conn:
            assert [await progress.get(conn, u) for u in (1, 2)] == [4, 4]
    finally:
        await db.close()


def test_a_bot_on_sqlite_never_loads_the_postgresql_dialect(tmp_path):
    # SQLAlchemy's PostgreSQL dialect is about 0.15 s of a start and some MiB: a bot on a SQLite file does without it.
    import subprocess
    import sys

    path = tmp_path / "bot.sqlite3"
    script = (
        "import asyncio, sys\n"
        "from bot.store import Database, progress, reminders\n"
        "async def main():\n"
        f"    db = await Database.open({str(path)!r})\n"
        "    async def work(tx):\n"
        "        await progress.set_episode(tx.conn, 1, 2, 3)\n"
        "        await reminders.schedule(tx.conn, 'party', 1, 1, 10_000, (60,))\n"
        "    await db.run(work)\n"
        "    async with db.read() as conn:\n"
        "        print(await progress.get(conn, 1))\n"
        "    await db.close()\n"
        "asyncio.run(main())\n"  # the second start finds the schema up to date (the first one migrated it)
        "print('sqlalchemy.dialects.postgresql' in sys.modules, 'asyncpg' in sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert again.stdout.split() == ["2", "False", "False"]


def test_the_partial_indexes_are_partial_on_postgresql_too():
    # The schema spells a partial index's WHERE for SQLite; the PostgreSQL implementation adds the same clause.
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex

    import bot.store.postgres  # noqa: F401
    from bot.store.schema import metadata

    partial = [
        i for t in metadata.tables.values() for i in t.indexes if i.dialect_options["sqlite"]["where"] is not None
    ]
    assert {index.name for index in partial} == {"reminders_due", "reminders_claimed", "episode_polls_due"}
    for index in partial:
        on_sqlite = str(CreateIndex(index).compile(dialect=sqlite.dialect()))
        on_postgres = str(CreateIndex(index).compile(dialect=postgresql.dialect()))
        where = on_sqlite.split(" WHERE ", 1)[1]
        assert where.startswith("state = '")
        assert on_postgres.endswith(f" WHERE {where}"), on_postgres


async def test_a_unit_of_work_cancelled_with_its_first_statement_on_the_way_leaves_nothing_behind(tmp_path):
    """A delivery stopped at shutdown, a member's interaction cancelled: the unit's first statement (and BEGIN with
    it) may still be on its way to SQLite's thread. Nothing of the unit is kept, and the next ones work."""
    import asyncio

    from bot.store import members

    db = await Database.open(tmp_path / "bot.sqlite3")
    try:

        async def both_or_nothing():
            async with db.transaction() as tx:
                await members.set_timezone(tx.conn, 1, "Asia/Seoul", 1)
                await members.set_timezone(tx.conn, 2, "Asia/Seoul", 1)

        unit = asyncio.create_task(both_or_nothing())
        await asyncio.sleep(0)  # the first statement is handed to the thread
        unit.cancel()
        with pytest.raises(asyncio.CancelledError):
            await unit
        async with db.transaction(one_statement=True) as tx:
            await members.set_language(tx.conn, 3, "ko", 1)
        async with db.transaction() as tx:
            await members.set_language(tx.conn, 4, "en-US", 1)
        async with db.read() as conn:
            rows = (await conn.execute("SELECT user_id, timezone, language FROM member_settings ORDER BY user_id")).rows
        assert [tuple(row) for row in rows] == [(3, None, "ko"), (4, None, "en-US")]
    finally:
        await db.close()
