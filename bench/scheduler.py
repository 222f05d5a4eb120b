"""How long the reminder loop takes to find and claim due reminders with 100,000 pending.

100,000 pending reminders across 1,000 servers (due over the next 30 days) sit in a real SQLite file in WAL
mode, as in production. Each measured tick advances the clock by the loop's interval and claims what became
due. Claim time is ``reminders.claim_due`` (the atomic find-and-claim, in its unit of work); tick time is the
whole ``ReminderScheduler.tick`` (instances, claim, decide, mark) with a delivery that sends nothing, so only
the bot's own work is measured.

    python -m bench.scheduler [--rows 100000] [--servers 1000] [--ticks 1000] [--postgres URL]

With ``--postgres`` (an empty database it may wipe) the same runs on PostgreSQL too, for the comparison.

Why not pyperf: each measured tick changes the database (claimed reminders stop being due, the clock advances), so
calls are not repeatable the way pyperf's loops require; the table reports each tick as it happens.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from bot.clock import epoch
from bot.reminders import Attempt, Outgoing, PacedSender, ReminderScheduler, Sent
from bot.store import Database, ReminderRow, reminders
from bot.store.sql import marks
from tests.conftest import FakeClock

NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)
TICK = dt.timedelta(seconds=10)
AIM_MS = 5.0


class NoPosts:
    """The sender's transport for a loop whose deliveries post nothing."""

    def requests_needed(self, item: Outgoing) -> int:
        return 1

    async def post(self, item: Outgoing) -> int:
        raise AssertionError("the benchmark's deliveries post nothing")


class NullDelivery:
    async def deliver(self, reminder: ReminderRow, attempt: Attempt) -> Sent:
        return Sent(None)


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def fill(db: Database, rows: int, servers: int, seed: int = 7, base: dt.datetime = NOW) -> None:
    """Bulk-load pending reminders (a benchmark fixture: one multi-row insert, not one party at a time)."""
    rng = random.Random(seed)
    start = epoch(base)
    batch = []
    for i in range(rows):
        event_at = start + rng.randrange(60, 30 * 24 * 3600)
        offset = (3600, 600, 0)[i % 3]
        batch.append(
            {
                "kind": "party",
                "guild_id": i % servers + 1,
                "ref_id": i // 3 + 1,
                "offset_seconds": offset,
                "event_at": event_at,
                "due_at": event_at - offset,
            }
        )
    async with db.transaction() as tx:
        for chunk in range(0, len(batch), 10_000):
            await tx.conn.executemany(
                f"INSERT INTO reminders ({', '.join(batch[0])}) VALUES ({marks(len(batch[0]))})",
                [tuple(row.values()) for row in batch[chunk : chunk + 10_000]],
            )


async def measure(db: Database, rows: int, servers: int, ticks: int) -> dict[str, object]:
    loaded = time.perf_counter()
    await fill(db, rows, servers)
    load_s = time.perf_counter() - loaded
    async with db.read() as conn:
        plan = await reminders.explain_claim(conn)
    claim_ms, claimed = [], 0
    now = NOW
    for i in range(ticks):
        now += TICK
        t0 = time.perf_counter()
        async with db.transaction() as tx:
            got = await reminders.claim_due(tx.conn, epoch(now), f"bench-{i}", limit=100)
        claim_ms.append((time.perf_counter() - t0) * 1000)
        claimed += len(got)
        async with db.transaction() as tx:  # finish them so they leave the queue, as a real tick would
            for row in got:
                await reminders.mark_sent(tx.conn, row.id, f"bench-{i}", epoch(now), None)
    clock = FakeClock(now)
    scheduler = ReminderScheduler(db, clock, PacedSender(NoPosts(), wall_clock=clock), {"party": NullDelivery()})
    tick_ms, sent = [], 0
    for _ in range(ticks):
        clock.advance(seconds=TICK.total_seconds())
        t0 = time.perf_counter()
        report = await scheduler.tick()
        tick_ms.append((time.perf_counter() - t0) * 1000)
        sent += report.sent
    return {"load_s": load_s, "plan": plan, "claim_ms": claim_ms, "claimed": claimed, "tick_ms": tick_ms, "sent": sent}


async def main(rows: int, servers: int, ticks: int, postgres: str | None) -> None:
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.sqlite3")
        try:
            results["SQLite (file, WAL)"] = await measure(db, rows, servers, ticks)
        finally:
            await db.close()
    if postgres:
        from tests.conftest import wipe_postgres

        await wipe_postgres(postgres)
        db = await Database.open(postgres, listen=False)
        try:
            results["PostgreSQL"] = await measure(db, rows, servers, ticks)
        finally:
            await db.close()
    print(f"| backend | measure | p50 ms | p99 ms | max ms | aim p99 < {AIM_MS} ms |")
    print("|---|---|---|---|---|---|")
    for backend, result in results.items():
        claim_ms, tick_ms = result["claim_ms"], result["tick_ms"]
        for label, samples in (
            (f"claim_due (find + claim, its transaction), {ticks} ticks, {result['claimed']} claimed", claim_ms),
            (f"ReminderScheduler.tick (reap, claim, deliver nothing, mark), {ticks} ticks", tick_ms),
        ):
            assert isinstance(samples, list)
            ok = "yes" if pct(samples, 0.99) < AIM_MS else "no"
            print(
                f"| {backend} | {label} | {pct(samples, 0.5):.3f} | {pct(samples, 0.99):.3f} | {max(samples):.3f} "
                f"| {ok} |"
            )
    for backend, result in results.items():
        print(f"\n{backend}: {rows:,} pending reminders across {servers:,} servers, loaded in {result['load_s']:.1f} s")
        print("query plan of the claim:")
        for step in result["plan"]:  # type: ignore[attr-defined]
            print(f"  {step}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--servers", type=int, default=1_000)
    parser.add_argument("--ticks", type=int, default=1_000)
    parser.add_argument("--postgres", metavar="URL", help="also run on this (empty, wipeable) PostgreSQL database")
    args = parser.parse_args()
    asyncio.run(main(args.rows, args.servers, args.ticks, args.postgres))
