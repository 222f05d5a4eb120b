"""Operating safely, as an admin sees it from the shell: the heartbeat works on PostgreSQL too, a database URL's
secrets never reach the screen or the log, and ``migrate-db`` takes its URL from the environment or a hidden
prompt (never argv), backs the SQLite file up first and will not copy from under a running bot.

The PostgreSQL variants run when TEST_DATABASE_URL names a throw-away database (see tests/conftest.py)."""

from __future__ import annotations

import os
import pty
import select
import signal
import sqlite3
import stat
import sys
import time

import pytest

from bot.standin import FakeDiscord
from bot.store import latest_version
from tests.conftest import NO_POSTGRES, POSTGRES_URL, wipe_postgres

from .conftest import PROCESS_TIMEOUT, Workdir

SECRET = "s3cret-Do-Not-Show"
needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)


def _with_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _shown(url: str) -> str:
    """What the bot may show of ``url``: user, host, port and database."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return f"postgresql://{parsed.username}@{parsed.host}:{parsed.port}/{parsed.database}"


def _database(workdir: Workdir, members: int = 0) -> sqlite3.Connection:
    """A SQLite database at the default place, at the current schema, with ``members`` progress rows."""
    import asyncio

    from bot.store import Database

    path = workdir.path / "var" / "runon.sqlite3"

    async def create() -> None:
        db = await Database.open(path)
        await db.close()

    asyncio.run(create())
    conn = sqlite3.connect(path, isolation_level=None)
    for user in range(members):
        conn.execute("INSERT INTO member_progress VALUES (?, 5, 1700000000)", (9000 + user,))
    return conn


# -- the heartbeat -----------------------------------------------------------------------------------------------


@needs_postgres
def test_on_postgresql_the_heartbeat_folder_is_created_private_and_the_bot_reports_healthy(
    workdir, fake: FakeDiscord, bots
):
    env = dict(fake.env(workdir.env), DATABASE_URL=POSTGRES_URL)
    assert not (workdir.path / "var").exists()  # nothing else creates it with PostgreSQL
    bot = workdir.start("run", env=env)
    bots.append(bot)
    bot.wait_for_log("ready as runon-bot", timeout=30)
    heartbeat = workdir.path / "var" / "runon.health"
    fake.wait_for(heartbeat.exists, 10, "the heartbeat file")
    assert stat.S_IMODE(heartbeat.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(heartbeat.stat().st_mode) == 0o600
    assert not (workdir.path / "var" / "runon.sqlite3").exists()  # PostgreSQL holds the data, not a file
    healthy = workdir.run("health", env=env)
    assert healthy.returncode == 0, healthy.stderr
    assert healthy.stdout.startswith("healthy: connected as runon-bot")
    bot.signal(signal.SIGTERM)
    result = bot.wait()
    assert result.returncode == 0, result.stderr
    assert "could not write the heartbeat" not in result.stderr
    assert not heartbeat.exists()


@needs_postgres
def test_a_heartbeat_folder_that_cannot_be_created_stops_the_start_with_one_line(workdir, fake: FakeDiscord):
    (workdir.path / "blocked").write_text("a file where the folder should be")
    env = dict(fake.env(workdir.env), DATABASE_URL=POSTGRES_URL, DATABASE_PATH="blocked/var/runon.sqlite3")
    result = workdir.run("run", env=env)
    assert result.returncode == 2, result.stderr
    line = result.assert_one_error_line(f"cannot create {workdir.path / 'blocked' / 'var'} for the heartbeat file")
    assert "make the folder of DATABASE_PATH writable" in line


# -- database URLs are shown without their secrets ------------------------------------------------------------------

UNREACHABLE = f"postgresql://runon:{SECRET}@127.0.0.1:9/runon?password={SECRET}"


def test_check_never_shows_a_password_of_the_database_url(workdir):
    env = dict(workdir.env, DATABASE_URL=UNREACHABLE)
    result = workdir.run("check", env=env)
    assert result.returncode == 1  # it cannot connect: a problem, named
    assert SECRET not in result.stdout + result.stderr
    assert "Settings: database postgresql://runon@127.0.0.1:9/runon," in result.stdout
    assert "postgresql://runon@127.0.0.1:9/runon" in result.stderr  # the problem names the database, safely


@needs_postgres
def test_check_and_the_start_up_log_show_the_database_without_its_password(workdir, fake: FakeDiscord, bots):
    url = _with_query(POSTGRES_URL, f"password={SECRET}")  # the test server trusts local connections: unused
    env = dict(fake.env(workdir.env), DATABASE_URL=url)
    shown = _shown(POSTGRES_URL)
    checked = workdir.run("check", env=env)
    assert SECRET not in checked.stdout + checked.stderr
    assert f"Settings: database {shown}," in checked.stdout
    assert f"Database: PostgreSQL {shown}" in checked.stdout
    bot = workdir.start("run", env=dict(env, LOG_LEVEL="DEBUG"))
    bots.append(bot)
    bot.wait_for_log("ready as runon-bot", timeout=30)
    bot.signal(signal.SIGTERM)
    result = bot.wait()
    assert result.returncode == 0, result.stderr
    assert f"using PostgreSQL {shown} (schema version" in result.stderr
    assert SECRET not in result.stderr + result.stdout


# -- migrate-db ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("migrate-db", "--to", f"postgresql://runon:{SECRET}@db/runon"),
        ("migrate-db", f"--to=postgresql://runon:{SECRET}@db/runon"),
        ("migrate-db", f"postgresql://runon:{SECRET}@db/runon"),
    ],
)
def test_migrate_db_refuses_a_url_on_the_command_line_without_echoing_it(workdir, args):
    _database(workdir, members=3).close()
    result = workdir.run(*args)
    assert result.returncode == 2
    line = result.assert_one_error_line("migrate-db takes no URL on the command line")
    assert "set DATABASE_URL" in line
    assert SECRET not in result.stdout + result.stderr
    assert not (workdir.path / "var" / "backups").exists()  # nothing was done


def test_migrate_db_without_a_url_or_a_terminal_says_how_to_give_one(workdir):
    _database(workdir).close()
    result = workdir.run("migrate-db")  # stdin is not a terminal: no prompt to answer
    assert result.returncode == 2
    result.assert_one_error_line("DATABASE_URL is needed by migrate-db: set it (environment or .env)")


def test_migrate_db_refuses_while_the_bot_runs(workdir, fake: FakeDiscord, bots):
    bot = workdir.start("run", env=fake.env(workdir.env))
    bots.append(bot)
    bot.wait_for_log("ready as runon-bot", timeout=30)
    heartbeat = workdir.path / "var" / "runon.health"
    fake.wait_for(heartbeat.exists, 10, "the heartbeat file")
    env = dict(workdir.env, DATABASE_URL=f"postgresql://runon:{SECRET}@127.0.0.1:9/runon")
    result = workdir.run("migrate-db", env=env)
    assert result.returncode == 3
    line = result.assert_one_error_line("the bot is running on ")
    assert "stop it first" in line
    assert not (workdir.path / "var" / "backups").exists()
    bot.signal(signal.SIGTERM)
    assert bot.wait().returncode == 0
    # stopped: the heartbeat is gone, and the refusal with it (the unreachable server is the next problem)
    after = workdir.run("migrate-db", env=env)
    assert "the bot is running" not in after.stderr
    assert SECRET not in after.stderr + after.stdout


def test_a_stale_heartbeat_does_not_block_migrate_db(workdir):
    _database(workdir).close()
    stale = time.time() - 600  # a bot that crashed ten minutes ago left it behind
    (workdir.path / "var" / "runon.health").write_text(f'{{"at": {stale}, "user": "runon-bot"}}')
    result = workdir.run("migrate-db")
    assert "the bot is running" not in result.stderr
    result.assert_one_error_line("DATABASE_URL is needed by migrate-db")


def _in_a_terminal(workdir: Workdir, env: dict[str, str], answer: str, *args: str) -> tuple[int, str]:
    """Run ``python -m bot *args`` on a pseudo-terminal, type ``answer`` at its prompt; the exit code and screen."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the bot
        try:
            os.chdir(workdir.path)
            os.execve(sys.executable, [sys.executable, "-m", "bot", *args], env)
        finally:
            os._exit(127)
    screen = b""
    answered = False
    deadline = time.monotonic() + PROCESS_TIMEOUT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child closed the terminal (it exited)
                break
            if not chunk:
                break
            screen += chunk
            if not answered and b"(typing is hidden)" in screen:
                os.write(fd, answer.encode() + b"\r")
                answered = True
        else:
            os.kill(pid, signal.SIGKILL)
            raise AssertionError(f"migrate-db did not finish within {PROCESS_TIMEOUT} s:\n{screen.decode()}")
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    assert answered, screen.decode()
    return os.waitstatus_to_exitcode(status), screen.decode(errors="replace")


def test_migrate_db_in_a_terminal_asks_for_the_url_and_checks_it(workdir):
    _database(workdir).close()
    code, screen = _in_a_terminal(workdir, dict(workdir.env), f"mysql://runon:{SECRET}@db/runon", "migrate-db")
    assert code == 2
    assert "error: DATABASE_URL must be a PostgreSQL URL" in screen
    assert SECRET not in screen  # typing is hidden, and the refusal does not quote it
    assert not (workdir.path / "var" / "backups").exists()


@needs_postgres
def test_migrate_db_backs_the_file_up_first_and_takes_the_url_typed_at_the_prompt(workdir):
    import asyncio

    _database(workdir, members=7).close()
    asyncio.run(wipe_postgres(POSTGRES_URL))
    url = _with_query(POSTGRES_URL, f"password={SECRET}")
    code, screen = _in_a_terminal(workdir, dict(workdir.env), url, "migrate-db")
    assert code == 0, screen
    assert SECRET not in screen
    [copy] = (workdir.path / "var" / "backups").iterdir()
    assert copy.name.startswith(f"runon-v{latest_version()}-")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    saved = sqlite3.connect(copy)
    assert saved.execute("SELECT COUNT(*) FROM member_progress").fetchone() == (7,)
    saved.close()
    assert f"to {copy} first." in screen
    assert screen.index("Backed up") < screen.index("Copied")
    assert f"Copied {workdir.path / 'var' / 'runon.sqlite3'} to {_shown(POSTGRES_URL)};" in screen
    assert "member_progress" in screen
