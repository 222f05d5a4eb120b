"""Every way a start can fail ends with one clear line and a non-zero exit: never a traceback, never a hang.

Exit codes (README, "Exit codes"): 2 configuration (settings, show pack, a refused token), 3 database,
4 Discord unreachable, 141 broken pipe."""

import contextlib
import os
import re
import sqlite3
import subprocess
import sys

import pytest

from bot.standin import FakeDiscord
from bot.store import latest_version

from .conftest import PROCESS_TIMEOUT, Workdir

OTHER_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789ABCD"


def _run(workdir: Workdir, fake: FakeDiscord, **extra: str):
    env = fake.env(workdir.env)
    env.update(extra)
    return workdir.run("run", env=env)


# -- settings --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value", "start"),
    [
        ("DISCORD_TOKEN", "", "DISCORD_TOKEN is not set"),
        ("DISCORD_TOKEN", "secret-but-short", "DISCORD_TOKEN does not look like a bot token"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be one of"),
        ("DEV_GUILD_ID", "my-server", "DEV_GUILD_ID must be a Discord ID"),
        ("DISCORD_API_BASE", "ftp://example.invalid", "DISCORD_API_BASE must be an http:// or https:// URL"),
        ("DISCORD_API_BASE", "http://127.0.0.1:9", "DISCORD_API_BASE must end with /api/v10"),
    ],
)
def test_bad_settings(workdir, variable, value, start):
    env = dict(workdir.env, DISCORD_TOKEN=OTHER_TOKEN)
    env[variable] = value
    result = workdir.run("run", env=env)
    assert result.returncode == 2
    line = result.assert_one_error_line(start)
    assert line.endswith("(see .env.example)")
    assert "secret-but-short" not in result.stdout + result.stderr
    assert not (workdir.path / "var").exists()  # nothing was created


def test_a_broken_show_pack(workdir, fake):
    pack = workdir.path / "pack"
    pack.mkdir()
    (pack / "show.toml").write_text("[show]\ntitle = 3\n", encoding="utf-8")
    result = _run(workdir, fake, SHOW_PACK="pack")  # relative: read against the working directory
    assert result.returncode == 2
    line = result.assert_one_error_line("the show pack is invalid: show.toml: ")
    assert re.search(r"\(and \d+ more: python -m bot check lists them all\)$", line)


# -- the database -----------------------------------------------------------------------------------


def test_a_file_that_is_not_sqlite(workdir, fake):
    (workdir.path / "notes.txt").write_text("my notes, not a database\n" * 20)
    result = _run(workdir, fake, DATABASE_PATH="notes.txt")
    assert result.returncode == 3
    result.assert_one_error_line(f"database {workdir.path / 'notes.txt'} is not a SQLite database")
    assert (workdir.path / "notes.txt").read_text().startswith("my notes")  # untouched
    assert not fake.requests  # refused before anything reached Discord


def test_a_folder(workdir, fake):
    (workdir.path / "data.db").mkdir()
    result = _run(workdir, fake, DATABASE_PATH="data.db")
    assert result.returncode == 3
    result.assert_one_error_line(f"database {workdir.path / 'data.db'} is a folder, not a database file")


def test_a_folder_that_cannot_be_created(workdir, fake):
    (workdir.path / "state").write_text("a file where the folder should be")
    result = _run(workdir, fake, DATABASE_PATH="state/runon.sqlite3")
    assert result.returncode == 3
    result.assert_one_error_line(f"database {workdir.path / 'state' / 'runon.sqlite3'} cannot be created")


@contextlib.contextmanager
def _read_only(path):
    """Make ``path`` (a file and its folder) unwritable for this process: chmod for a normal user; for root
    (who ignores modes), the immutable attribute."""
    targets = [path, path.parent]
    if os.geteuid() != 0:
        path.chmod(0o400)
        path.parent.chmod(0o500)
        try:
            yield
        finally:
            path.parent.chmod(0o700)
            path.chmod(0o600)
        return
    done = subprocess.run(["chattr", "+i", *map(str, targets)], capture_output=True, timeout=10, check=False)
    if done.returncode != 0:
        pytest.skip(f"running as root and chattr +i is not available here: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, targets)], capture_output=True, timeout=10, check=False)


def test_a_database_that_is_not_writable(workdir, fake):
    folder = workdir.path / "state"
    folder.mkdir()
    database = folder / "runon.sqlite3"
    sqlite3.connect(database).close()
    with _read_only(database):
        result = _run(workdir, fake, DATABASE_PATH=str(database))
    assert result.returncode == 3
    result.assert_one_error_line(f"database {database} is not writable by this user")


def test_a_database_newer_than_the_code(workdir, fake):
    database = workdir.path / "future.sqlite3"
    conn = sqlite3.connect(database)
    conn.execute("CREATE TABLE something_new (x)")
    conn.execute(f"PRAGMA user_version = {latest_version() + 5}")
    conn.commit()
    conn.close()
    before = database.read_bytes()
    result = _run(workdir, fake, DATABASE_PATH=str(database))
    assert result.returncode == 3
    line = result.assert_one_error_line(f"database {database} has schema version {latest_version() + 5}")
    assert f"newer than this version of the bot understands ({latest_version()})" in line
    assert database.read_bytes() == before


# -- Discord ----------------------------------------------------------------------------------------


def test_a_token_discord_refuses(workdir, fake):
    result = workdir.run("run", env=fake.env(workdir.env, token=OTHER_TOKEN))
    assert result.returncode == 2
    result.assert_one_error_line("DISCORD_TOKEN was refused by Discord")
    assert [r.status for r in fake.requests] == [401]


def test_a_token_the_gateway_refuses(workdir):
    with FakeDiscord(gateway_token=OTHER_TOKEN) as fake:
        result = workdir.run("run", env=fake.env(workdir.env))
    assert result.returncode == 2
    result.assert_one_error_line("the gateway refused DISCORD_TOKEN")


def test_no_network(workdir):
    with FakeDiscord() as fake:
        env = fake.env(workdir.env)  # the address of a server that is gone: connection refused
    result = workdir.run("run", env=env)
    assert result.returncode == 4
    result.assert_one_error_line(f"cannot reach http://127.0.0.1:{fake.port}/api/v10")
    assert "check the network" in result.lines[-1]


def test_discord_down(workdir, fake):
    fake.failures.append(("GET", re.compile(r"/users/@me"), 503))
    result = _run(workdir, fake)
    assert result.returncode == 4
    result.assert_one_error_line(f"{fake.api_base} answered 503")


# -- output ----------------------------------------------------------------------------------------


def test_a_closed_pipe_ends_check_at_once(workdir):
    """python -m bot check | head -2"""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "check"],
        cwd=workdir.path,
        env=workdir.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    first = [proc.stdout.readline(), proc.stdout.readline()]
    proc.stdout.close()  # what head does after two lines
    try:
        proc.wait(PROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("check hung on a closed pipe") from None
    stderr = proc.stderr.read()
    assert first[0].startswith("Settings: database ")
    assert proc.returncode == 141
    assert "Traceback" not in stderr
    assert "BrokenPipeError" not in stderr
    assert not (workdir.path / "var").exists()
