"""``python -m bot play`` run as a real process: a script in, the transcript out (plain text, not a terminal)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.settings import VARIABLES

#: A playground that has not finished its script by then is hung.
PLAY_TIMEOUT = 120.0


@dataclass
class Transcript:
    returncode: int
    stdout: str
    stderr: str

    def after(self, line: str) -> str:
        """What the transcript shows after the echo of ``line`` (up to the next echoed line)."""
        marker = f"> {line}\n"
        assert marker in self.stdout, f"{line!r} was not echoed:\n{self.stdout}"
        rest = self.stdout.split(marker, 1)[1]
        echoed = [i for i, text in enumerate(rest.splitlines()) if "#" in text and "> " in text.split("#", 1)[1]]
        return "\n".join(rest.splitlines()[: echoed[0]] if echoed else rest.splitlines())


@dataclass
class Player:
    folder: Path

    def run(self, script: str, *args: str) -> Transcript:
        path = self.folder / "session.play"
        path.write_text(script, encoding="utf-8")
        return self.run_args("--script", str(path), *args)

    def run_args(self, *args: str, stdin: str | None = None) -> Transcript:
        env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
        env.pop("NO_COLOR", None)
        env["PYTHONIOENCODING"] = "utf-8"
        done = subprocess.run(
            [sys.executable, "-m", "bot", "play", *args],
            cwd=self.folder,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=PLAY_TIMEOUT,
        )
        assert "Traceback" not in done.stdout + done.stderr, done.stderr
        return Transcript(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def player(tmp_path: Path) -> Player:
    return Player(tmp_path)
