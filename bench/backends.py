"""What members wait for on each database: /recap, /progress set and an RSVP click, SQLite against PostgreSQL.

    python -m bench.backends [--postgres URL] [--calls 500]

Real: the production bot and command tree, the services, the store on each backend (a SQLite file in WAL mode;
PostgreSQL on this machine over TCP, an empty database the benchmark may wipe).
Modelled: Discord (``bot/standin/inprocess.py``, no network latency): the time measured is from the interaction's
arrival to its first answer, so it is the bot's own work. Calls run one after another (no queueing).

Why not pyperf: latency is what a member waits for, per backend, from interaction to first answer inside one running
bot whose database state grows with every call; pyperf's runner times a function in fresh worker processes and would
rebuild the bot and the database for each, measuring set-up rather than the steady state compared here.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import tempfile
from pathlib import Path

from bench.scheduler import pct
from bot.app import App
from bot.catalog import load_catalog
from bot.client import RunOnBot
from bot.reminders import SenderOptions
from bot.standin import close, start
from tests.conftest import FakeClock, open_database

PACK = Path(__file__).resolve().parent.parent / "data" / "run_on"
NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)
FAST = SenderOptions(global_limit=100_000, channel_burst=100_000)


async def measure(backend: str, calls: int) -> dict[str, tuple[float, float]]:
    with tempfile.TemporaryDirectory() as folder:
        db = await open_database(backend, Path(folder))
        h = await start(RunOnBot(App(load_catalog(PACK), db, FakeClock(NOW), sender=FAST)))
        try:
            await h.invoke("watchparty create", episodes="3", when="2026-12-02 20:30", timezone="Asia/Seoul")
            results = {}
            for name in ("/recap", "/progress set", "RSVP click"):
                h.discord.interactions.clear()
                for index in range(calls):
                    user = h.member(500_000 + index % 50, name="fan")
                    if name == "/recap":
                        await h.invoke("recap", episode=1 + index % 9, user=user)
                    elif name == "/progress set":
                        await h.invoke("progress set", episode=index % 17, user=user)
                    else:
                        await h.click(f"runon:party:1:{('going', 'maybe', 'declined')[index % 3]}", user=user)
                latencies = h.recorder.answer_latencies()
                results[name] = (pct(latencies, 0.5) * 1000, pct(latencies, 0.99) * 1000)
            return results
        finally:
            await close(h)
            await db.close()


async def main(postgres: str | None, calls: int) -> None:
    if postgres:
        os.environ["TEST_DATABASE_URL"] = postgres
        import tests.conftest

        tests.conftest.POSTGRES_URL = postgres
    sqlite = await measure("sqlite", calls)
    pg = await measure("postgresql", calls) if postgres else None
    print(__doc__.split("\n\n")[2].strip() if __doc__ else "")
    print(f"\n{calls} calls each, one at a time.\n")
    print("| interaction | SQLite p50 | SQLite p99 | PostgreSQL p50 | PostgreSQL p99 | ratio p50 | ratio p99 |")
    print("|---|---|---|---|---|---|---|")
    for name, (p50, p99) in sqlite.items():
        if pg is None:
            print(f"| {name} | {p50:.2f} ms | {p99:.2f} ms | - | - | - | - |")
            continue
        q50, q99 = pg[name]
        ratios = f"{q50 / p50:.2f} | {q99 / p99:.2f}"
        print(f"| {name} | {p50:.2f} ms | {p99:.2f} ms | {q50:.2f} ms | {q99:.2f} ms | {ratios} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"), metavar="URL")
    parser.add_argument("--calls", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(main(args.postgres, args.calls))
