"""A running bot stops cleanly on SIGTERM (``docker stop``, ``systemctl stop``) and SIGINT (Ctrl-C).

How long a stop takes is measured by ``python -m bench.shutdown``; here only the promise is checked:
exit 0 within 10 s, in-flight work finished, new work refused politely, the database closed."""

import re
import signal
import sqlite3
import time

import pytest

from bot.standin import FakeDiscord

from .conftest import STOP_LIMIT


def _start(workdir, fake: FakeDiscord, bots):
    bot = workdir.start("run", env=fake.env(workdir.env))
    bots.append(bot)
    fake.wait_for(fake.ready_sessions, 30, "IDENTIFY from the bot")
    return bot


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_a_connected_bot_with_exit_0(workdir, fake: FakeDiscord, bots, sig):
    bot = _start(workdir, fake, bots)
    bot.wait_for_log("ready as runon-bot")
    sent = bot.signal(sig)
    result = bot.wait(STOP_LIMIT)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - sent < STOP_LIMIT
    assert f"{sig.name} received: stopping" in result.stderr
    assert "Traceback" not in result.stderr
    assert fake.sessions[0].closed  # the gateway connection was closed, not dropped with the process
    database = workdir.path / "var" / "runon.sqlite3"
    # SQLite removes the write-ahead log when the last connection closes cleanly
    assert database.exists()
    assert not (workdir.path / "var" / "runon.sqlite3-wal").exists()
    assert sqlite3.connect(database).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_in_flight_interactions_finish_and_new_ones_are_told_to_retry(workdir, fake: FakeDiscord, bots):
    fake.callback_delay = 1.5  # Discord is slow to take the bot's answer
    bot = _start(workdir, fake, bots)
    fake.send_interaction(fake.slash_in_dm("about"))
    fake.wait_for(lambda: fake.find("POST", _callback_path(fake, 0)), 10, "the bot's answer to /about")
    sent = bot.signal(signal.SIGTERM)
    time.sleep(0.3)
    fake.send_interaction(fake.slash_in_dm("about", user_id=300000000000000002))  # arrives while stopping
    result = bot.wait(STOP_LIMIT)
    exited = time.monotonic()
    assert result.returncode == 0, result.stderr
    [answer] = fake.find("POST", _callback_path(fake, 0))
    assert answer.status == 200
    assert answer.finished is not None
    assert sent < answer.finished < exited  # in flight at SIGTERM, and the bot waited for Discord's reply
    assert answer.json["data"]["embeds"][0]["title"]  # the /about card, complete
    assert "stopping: finishing 1 interaction(s) in progress" in result.stderr
    [refusal] = fake.find("POST", _callback_path(fake, 1))
    assert refusal.json["data"]["content"] == "I'm restarting right now. Please try again in a minute."
    assert refusal.json["data"]["flags"] == 64
    assert "error id" not in result.stderr


def _callback_path(fake: FakeDiscord, index: int) -> str:
    """The callback path of the ``index``-th interaction the test sent (ids come from the fake's counter)."""
    calls = [r.path for r in fake.requests if r.path.endswith("/callback")]
    if index < len(calls):
        return calls[index]
    return "/no-such-callback-yet"


def test_a_stop_during_login_exits_at_once(workdir, fake: FakeDiscord, bots):
    fake.delays.append(("GET", re.compile(r"/oauth2/applications/@me"), 30.0))  # Discord hangs mid-login
    bot = workdir.start("run", env=fake.env(workdir.env))
    bots.append(bot)
    fake.wait_for(lambda: fake.find("GET", "/oauth2/applications/@me"), 20, "the login request")
    bot.signal(signal.SIGTERM)
    result = bot.wait(STOP_LIMIT)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert not fake.sessions  # it never went on to connect


def test_health_follows_the_connection(workdir, fake: FakeDiscord, bots):
    assert workdir.run("health").returncode == 1  # not running
    bot = _start(workdir, fake, bots)
    bot.wait_for_log("ready as runon-bot")
    heartbeat = workdir.path / "var" / "runon.health"
    fake.wait_for(heartbeat.exists, 10, "the heartbeat file")
    healthy = workdir.run("health")
    assert healthy.returncode == 0, healthy.stderr
    assert healthy.stdout.startswith("healthy: connected as runon-bot")
    assert oct(heartbeat.stat().st_mode & 0o777) == "0o600"
    bot.signal(signal.SIGTERM)
    assert bot.wait().returncode == 0
    assert not heartbeat.exists()  # a stopped bot is not healthy
    gone = workdir.run("health")
    assert gone.returncode == 1
    gone.assert_one_error_line(f"no heartbeat at {heartbeat}: the bot is not running")


def test_a_stale_heartbeat_is_unhealthy(workdir):
    (workdir.path / "var").mkdir()
    stale = time.time() - 600  # a bot that hung or lost Discord ten minutes ago
    (workdir.path / "var" / "runon.health").write_text(f'{{"at": {stale}, "user": "runon-bot"}}')
    result = workdir.run("health")
    assert result.returncode == 1
    line = result.assert_one_error_line("the last heartbeat is 6")
    assert line.endswith(" s old: the bot is not connected to Discord")
