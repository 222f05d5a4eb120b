"""Run the real entry point (``python -m bot ...``) as an admin would, with a time limit on everything.

* The process runs in a fresh temporary folder (its working directory: no ``.env`` of a checkout is read)
  with the bot's variables removed from the environment, so a developer's configuration never leaks in.
* Discord is :class:`bot.standin.loopback.FakeDiscord` on 127.0.0.1; nothing reaches the network.
* Every wait has a deadline: a hang fails the test instead of blocking CI.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.settings import VARIABLES
from bot.standin import FakeDiscord

#: A process that has not exited by then is hung (the bot itself promises 10 s for a stop).
PROCESS_TIMEOUT = 60.0
STOP_LIMIT = 10.0


def clean_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("PYTHONWARNINGS", None)
    return env


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stderr.strip().splitlines()

    def assert_one_error_line(self, expected_start: str) -> str:
        """The failure ends with exactly one ``error:`` line (the last), and never a traceback."""
        assert "Traceback" not in self.stderr + self.stdout, self.stderr
        errors = [line for line in self.lines if line.startswith("error:")]
        assert len(errors) == 1, self.stderr
        assert self.lines[-1] == errors[0], self.stderr
        assert errors[0].startswith(f"error: {expected_start}"), errors[0]
        for line in self.lines[:-1]:  # anything before it is routine logging, not a warning or an error
            assert " INFO " in line, self.stderr
        return errors[0]


@dataclass
class Workdir:
    """The folder the bot runs in, and its environment."""

    path: Path
    env: dict[str, str]

    def run(self, *args: str, timeout: float = PROCESS_TIMEOUT, env: dict[str, str] | None = None) -> Result:
        done = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=self.path,
            env=env if env is not None else self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    def start(self, *args: str, env: dict[str, str] | None = None) -> BotProcess:
        return BotProcess(self, args, env if env is not None else self.env)


class BotProcess:
    """A bot running in the background; its output goes to files (a full pipe can't block it)."""

    def __init__(self, workdir: Workdir, args: tuple[str, ...], env: dict[str, str]) -> None:
        self.out_path = workdir.path / "bot.stdout"
        self.err_path = workdir.path / "bot.stderr"
        with self.out_path.open("w") as out, self.err_path.open("w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", *args],
                cwd=workdir.path,
                env=env,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                text=True,
            )

    @property
    def stderr(self) -> str:
        return self.err_path.read_text()

    def wait_for_log(self, text: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.stderr:
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"the bot exited ({self.proc.returncode}) before logging {text!r}:\n{self.stderr}")
            time.sleep(0.05)
        raise AssertionError(f"the bot did not log {text!r} within {timeout} s:\n{self.stderr}")

    def signal(self, sig: signal.Signals = signal.SIGTERM) -> float:
        self.proc.send_signal(sig)
        return time.monotonic()

    def wait(self, timeout: float = STOP_LIMIT) -> Result:
        """Wait for the exit; a bot still running after ``timeout`` is killed and the test fails."""
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            raise AssertionError(f"the bot did not exit within {timeout} s:\n{self.stderr}") from None
        return Result(self.proc.returncode, self.out_path.read_text(), self.stderr)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)


@pytest.fixture
def workdir(tmp_path: Path) -> Workdir:
    folder = tmp_path / "bot-home"
    folder.mkdir()
    return Workdir(folder, clean_environment())


@pytest.fixture
def fake() -> Iterator[FakeDiscord]:
    with FakeDiscord() as server:
        yield server


@pytest.fixture
def bots() -> Iterator[list[BotProcess]]:
    """Register background bots here; any still running at the end is killed."""
    started: list[BotProcess] = []
    yield started
    for bot in started:
        bot.kill()
