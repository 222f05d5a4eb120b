"""Reminder fan-out under Discord's rate limits, and what members feel meanwhile.

    python -m bench.fanout [--sizes 1000,10000] [--rtt 0.05] [--clicks 1000] [--in-flight 100]

Real: the production bot and command tree, the services, the SQLite file database (WAL), the reminder loop,
the paced sender and discord.py's HTTP client with its own rate-limit handling.
Modelled: Discord (``bot/standin/inprocess.py``): a global limit of 50 requests a second and 5 messages per channel
every 5 seconds, answered with ``429`` and the ``X-RateLimit-*`` headers as Discord documents them, and a
round trip of ``--rtt`` seconds for every REST request. Each reminder is one watch party in its own server
and channel (a reminder due in every server at the same instant: the worst case for the global limit).

1. Fan-out: N reminders due at the same instant; the time until the last is delivered, against the floor
   N / 50 s (no bot can post faster), and the share of requests answered ``429``.
2. While the 1,000-reminder burst drains, members keep using the bot (one interaction every 20 ms: /recap,
   /progress set, an RSVP click): the time from each interaction to its answer.
3. 1,000 RSVP clicks on one party with 100 in flight at any time: errors, and the answer time.

Why not pyperf: it measures what happens over minutes of simulated traffic under rate limits (members' answer
latencies while thousands of posts drain), not a repeatable function call; pyperf's calibrated loops do not apply.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
import time
from pathlib import Path

from bench.scheduler import pct
from bot.app import App
from bot.catalog import load_catalog
from bot.client import RunOnBot
from bot.reminders import SenderOptions
from bot.standin import Harness, close, start
from bot.store import Database, parties, reminders
from tests.conftest import FakeClock

PACK = Path(__file__).resolve().parent.parent / "data" / "run_on"
NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)
START = dt.datetime(2026, 12, 2, 11, 30, tzinfo=dt.UTC)
GLOBAL_LIMIT = 50.0


async def _bot(folder: Path, clock: FakeClock) -> tuple[Harness, Database]:
    db = await Database.open(folder / "bench.sqlite3")
    h = await start(RunOnBot(App(load_catalog(PACK), db, clock, sender=SenderOptions(global_limit=GLOBAL_LIMIT))))
    h.recorder.interaction_deadline = 60.0  # measure the answer time, however long, rather than fail
    h.ignored_tasks += ["PacedSender", "ReminderScheduler"]  # a dispatch does not wait for the drain
    return h, db


async def _reminders_in_every_server(db: Database, count: int) -> None:
    async with db.transaction() as tx:
        for index in range(count):
            guild = 100_000 + index
            row = await parties.create(
                tx.conn, guild_id=guild, channel_id=guild * 10, host_id=900_000 + index, episodes=(1, 1),
                starts_at=int(START.timestamp()), ends_at=int(START.timestamp()) + 4200, timezone="UTC", note="",
                capacity=None, now=int(NOW.timestamp()),
            )  # fmt: skip
            await reminders.schedule(tx.conn, "party", guild, row.id, row.starts_at, (3600,))


async def fanout(size: int, rtt: float, *, members: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        clock = FakeClock(NOW)
        h, db = await _bot(Path(folder), clock)
        try:
            limits = h.recorder.rate_limits(global_per_second=GLOBAL_LIMIT, channel_messages=5, channel_window=5.0)
            h.recorder.slow("*", r"/channels/.*", rtt)
            await _reminders_in_every_server(db, size)
            if members:
                await h.invoke("watchparty create", episodes="2", when="2026-12-03 20:30", timezone="Asia/Seoul")
            h.discord.interactions.clear()
            clock.now = START - dt.timedelta(hours=1)
            loop = asyncio.get_running_loop()
            started = loop.time()
            drain = asyncio.create_task(h.bot.services.reminders.tick())
            interactions = 0
            pending: set[asyncio.Future[object]] = set()
            while members and not drain.done():
                user = h.member(700_000 + interactions, name="fan")
                kind = interactions % 3
                if kind == 0:
                    job = h.invoke("recap", episode=1 + interactions % 9, user=user)
                elif kind == 1:
                    job = h.invoke("progress set", episode=interactions % 16, user=user)
                else:
                    job = h.click(f"runon:party:{size + 1}:going", user=user)
                task = asyncio.ensure_future(job)
                pending.add(task)
                task.add_done_callback(pending.discard)
                interactions += 1
                await asyncio.sleep(0.02)
            report = await drain
            elapsed = loop.time() - started
            latencies = h.recorder.answer_latencies()
        finally:
            await close(h)
            await db.close()
    floor = size / GLOBAL_LIMIT
    return {
        "size": size,
        "elapsed": elapsed,
        "floor": floor,
        "ratio": elapsed / floor,
        "sent": report.sent,
        "failed": report.failed,
        "requests": limits.requests,
        "limited": limits.limited,
        "peak": limits.peak_per_second,
        "interactions": len(latencies),
        "p50": pct(latencies, 0.5) * 1000 if latencies else 0.0,
        "p99": pct(latencies, 0.99) * 1000 if latencies else 0.0,
    }


async def rsvp_storm(clicks: int, in_flight: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        h, db = await _bot(Path(folder), FakeClock(NOW))
        try:
            await h.invoke("watchparty create", episodes="3", when="2026-12-02 20:30", timezone="Asia/Seoul")
            h.discord.interactions.clear()
            gate = asyncio.Semaphore(in_flight)

            async def click(index: int) -> None:
                async with gate:
                    status = ("going", "maybe", "declined")[index % 3]
                    await h.click(f"runon:party:1:{status}", user=h.member(800_000 + index, name="fan"))

            started = time.perf_counter()
            await asyncio.gather(*(click(i) for i in range(clicks)))
            elapsed = time.perf_counter() - started
            answers = [r.get("data", r).get("content") or "" for r in h.responses()]
            errors = len(h.errors) + len([a for a in answers if "went wrong" in a])
            latencies = h.recorder.answer_latencies()
        finally:
            await close(h)
            await db.close()
    return {
        "clicks": clicks,
        "answered": len(latencies),
        "errors": errors,
        "elapsed": elapsed,
        "p50": pct(latencies, 0.5) * 1000,
        "p99": pct(latencies, 0.99) * 1000,
    }


async def main(sizes: list[int], rtt: float, clicks: int, in_flight: int) -> None:
    print(__doc__.split("\n\n")[2].strip() if __doc__ else "")
    print(
        f"\nModelled Discord: global limit {GLOBAL_LIMIT:.0f}/s, 5 messages per channel per 5 s, "
        f"{rtt * 1000:.0f} ms RTT."
    )
    print(
        "\n| reminders | drained in | floor N/50 | ratio (aim <= 1.1) | sent | failed | requests | 429s | 429 share "
        "| peak req/s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    rows = []
    for size in sizes:
        row = await fanout(size, rtt, members=size == sizes[0])
        rows.append(row)
        print(
            f"| {size:,} | {row['elapsed']:.1f} s | {row['floor']:.1f} s | {row['ratio']:.3f} | {row['sent']:,} | "
            f"{row['failed']} | {row['requests']:,} | {row['limited']} | {row['limited'] / row['requests']:.2%} | "
            f"{row['peak']} |"
        )
    first = rows[0]
    print(f"\nWhile the {first['size']:,}-reminder burst drained: {first['interactions']} interactions "
          f"(/recap, /progress set, RSVP clicks), answer time p50 {first['p50']:.1f} ms, p99 {first['p99']:.1f} ms "
          f"(aim p99 < 50 ms).")  # fmt: skip
    storm = await rsvp_storm(clicks, in_flight)
    print("\n| RSVP clicks | in flight | answered | errors | p50 | p99 | all done in |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {storm['clicks']:,} | {in_flight} | {storm['answered']:,} | {storm['errors']} | {storm['p50']:.1f} ms | "
        f"{storm['p99']:.1f} ms | {storm['elapsed']:.2f} s |"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="reminder counts, comma-separated")
    parser.add_argument("--rtt", type=float, default=0.05, help="modelled Discord round trip, seconds")
    parser.add_argument("--clicks", type=int, default=1000)
    parser.add_argument("--in-flight", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main([int(s) for s in args.sizes.split(",")], args.rtt, args.clicks, args.in_flight))
