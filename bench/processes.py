"""Reminder fan-out with 1, 2 and 4 bot processes sharing one PostgreSQL database and one rate limit.

    python -m bench.processes --postgres URL [--reminders 10000] [--processes 1,2,4]

Real: N ``python -m bot run`` processes (each running its shard of N), the PostgreSQL database (an empty one the
benchmark may wipe), the reminder loop with its claims and heartbeats, the paced sender, discord.py's HTTP client.
Modelled: Discord, by the local stand-in (``bot/standin/loopback.py``) on 127.0.0.1 with Discord's limits for the
whole bot: 50 requests a second in all (every process together) and 5 messages per channel every 5 seconds,
answered with ``429`` when exceeded. Each reminder is a watch party in its own channel, all due within 30 s.

Measured: from the first post to the last, against the floor N / 50 s (no bot can post faster), and the share
of requests Discord's limiter refused.

Why not pyperf: it times 1, 2 and 4 real bot processes draining a shared queue against one rate limit: a throughput
over minutes, not a function call pyperf could loop.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.standin import FakeDiscord
from tests.process.conftest import clean_environment
from tests.process.loads import due_party_reminders

BASE_CHANNEL = 610_000_000_000_000_000
GLOBAL_LIMIT = 50


def run(url: str, reminders: int, processes: int) -> dict[str, float]:
    # The reminders are an hour before their parties: at 50 requests a second 10,000 take over 200 s to drain, and
    # none of them may go stale meanwhile (the bench measures the drain, not the staleness rule).
    now = dt.datetime.now(dt.UTC)
    asyncio.run(due_party_reminders(url, reminders, now, base_channel=BASE_CHANNEL, lead=3600))
    with FakeDiscord() as fake, tempfile.TemporaryDirectory() as folder:
        limits = fake.rate_limits(global_per_second=GLOBAL_LIMIT, channel_messages=5, channel_window=5.0)
        env = fake.env(clean_environment())
        env.update(DATABASE_URL=url, SHARD_COUNT=str(processes), LOG_LEVEL="WARNING")
        bots = []
        for shard in range(processes):
            out = Path(folder) / f"bot{shard}.log"
            with out.open("w") as log:
                bots.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "bot", "run"],
                        cwd=folder,
                        env=dict(env, SHARD_IDS=str(shard)),
                        stdout=log,
                        stderr=log,
                        stdin=subprocess.DEVNULL,
                    )
                )
        try:
            deadline = time.monotonic() + reminders / GLOBAL_LIMIT * 3 + 120
            while time.monotonic() < deadline:
                if all(fake.messages.get(BASE_CHANNEL + i) for i in range(reminders)):
                    break
                time.sleep(0.5)
            posts = [r for r in fake.find_prefix("POST", "/channels/") if r.status == 200]
            first, last = min(r.started for r in posts), max(r.finished or r.started for r in posts)
            doubled = sum(1 for i in range(reminders) if len(fake.messages.get(BASE_CHANNEL + i, [])) > 1)
            lost = sum(1 for i in range(reminders) if not fake.messages.get(BASE_CHANNEL + i))
        finally:
            for bot in bots:
                bot.terminate()
            for bot in bots:
                try:
                    bot.wait(15)
                except subprocess.TimeoutExpired:
                    bot.kill()
    return {
        "processes": processes,
        "elapsed": last - first,
        "floor": reminders / GLOBAL_LIMIT,
        "requests": limits.requests,
        "limited": limits.limited,
        "lost": lost,
        "doubled": doubled,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"), metavar="URL")
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--processes", default="1,2,4")
    args = parser.parse_args()
    if not args.postgres:
        parser.error("--postgres URL (an empty PostgreSQL database the benchmark may wipe) is needed")
    print(__doc__.split("\n\n")[2].strip() if __doc__ else "")
    print(
        f"\n| processes | reminders | drained in | floor N/{GLOBAL_LIMIT} | ratio (aim <= 1.1) | requests | 429s "
        "| 429 share (aim < 1 %) | lost | posted twice |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for count in (int(n) for n in args.processes.split(",")):
        row = run(args.postgres, args.reminders, count)
        print(
            f"| {count} | {args.reminders:,} | {row['elapsed']:.1f} s | {row['floor']:.0f} s | "
            f"{row['elapsed'] / row['floor']:.3f} | {row['requests']:,} | {row['limited']} | "
            f"{row['limited'] / max(row['requests'], 1):.2%} | {row['lost']} | {row['doubled']} |"
        )


if __name__ == "__main__":
    main()
