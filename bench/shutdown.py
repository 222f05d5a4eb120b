"""How long a connected bot takes from SIGTERM to exit.

Each run starts the real process (``python -m bot run``) in a fresh folder against the local stand-in
for Discord (``bot/standin/loopback.py``), waits until it is ready, sends SIGTERM and times the exit.
Two scenarios: an idle bot, and a bot answering an interaction whose reply Discord takes 1 s to accept
(the bot must wait for it). The promise is an exit within 10 s (Docker's and systemd's grace period).

    python -m bench.shutdown [--runs 7]

Why not pyperf: it times a process from SIGTERM to exit, once per run; pyperf times Python functions in-process.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.settings import VARIABLES
from bot.standin import FakeDiscord

PROMISE_S = 10.0


def one_run(in_flight: bool) -> float:
    with tempfile.TemporaryDirectory() as folder, FakeDiscord(callback_delay=1.0 if in_flight else 0.0) as fake:
        env = fake.env({k: v for k, v in os.environ.items() if k not in VARIABLES})
        log = Path(folder) / "bot.log"
        with log.open("w") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=err
            )
        try:
            deadline = time.monotonic() + 30
            while "ready as" not in log.read_text():
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"the bot did not get ready:\n{log.read_text()}")
                time.sleep(0.02)
            if in_flight:
                fake.send_interaction(fake.slash_in_dm("about"))
                fake.wait_for(lambda: [r for r in fake.requests if r.path.endswith("/callback")], 10, "callback")
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(30)
            elapsed = time.monotonic() - started
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if code != 0:
            raise RuntimeError(f"exit code {code}:\n{log.read_text()}")
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"SIGTERM to exit, {args.runs} runs each (promise: under {PROMISE_S:.0f} s)\n")
    print(f"{'scenario':<44} {'median':>8} {'min':>8} {'max':>8}")
    for label, in_flight in (("idle, connected", False), ("one interaction in flight (Discord takes 1 s)", True)):
        times = [one_run(in_flight) for _ in range(args.runs)]
        print(
            f"{label:<44} {statistics.median(times) * 1000:>6.0f}ms {min(times) * 1000:>6.0f}ms "
            f"{max(times) * 1000:>6.0f}ms"
        )


if __name__ == "__main__":
    main()
