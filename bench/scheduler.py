"""How long one scheduler tick takes to find and claim due reminders under load.

100,000 pending reminders across 1,000 servers (100 each, due over the next 30 days) sit in a real
SQLite file in WAL mode, as in production. Each measured tick advances the clock by the loop's
interval and claims what became due; a second scenario has a burst of rows due at the same instant.
Claim time is ``ReminderRepository.claim_due`` (the atomic find-and-claim); tick time is the whole
``Scheduler.tick`` with a delivery that sends nothing, so only the bot's own work is measured.

    python -m bench.scheduler [--rows 100000] [--servers 1000] [--ticks 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from bot.services.scheduler import Scheduler, Sent, epoch
from bot.store import Database, ReminderRepository, ReminderRow

NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)
TICK = dt.timedelta(seconds=10)
AIM_MS = 5.0


class NullDelivery:
    async def deliver(self, reminder: ReminderRow, *, nonce: str, now: dt.datetime, late: bool) -> Sent:
        return Sent(None)

    async def report_problem(self, guild_id: int, failure: object) -> None:
        return None


async def fill(db: Database, rows: int, servers: int, seed: int = 7, base: dt.datetime = NOW) -> None:
    """Bulk-load pending reminders (benchmark fixture: written with one executemany, not through
    ``schedule`` one party at a time, which would take minutes)."""
    rng = random.Random(seed)
    start = epoch(base)
    batch = []
    for i in range(rows):
        event_at = start + rng.randrange(60, 30 * 24 * 3600)
        offset = (3600, 600, 0)[i % 3]
        batch.append(("party", i % servers + 1, i // 3 + 1, offset, event_at, event_at - offset))
    await db.conn.execute("BEGIN")
    await db.conn.executemany(
        "INSERT INTO reminders (kind, guild_id, ref_id, offset_seconds, event_at, due_at) VALUES (?, ?, ?, ?, ?, ?)",
        batch,
    )
    await db.conn.execute("COMMIT")


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main(rows: int, servers: int, ticks: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.sqlite3")
        repo = ReminderRepository(db)
        loaded = time.perf_counter()
        await fill(db, rows, servers)
        print(f"Loaded {rows:,} pending reminders across {servers:,} servers in {time.perf_counter() - loaded:.1f}s")
        print("\nQuery plan of the claim (EXPLAIN QUERY PLAN):")
        for step in await repo.explain_claim():
            print(f"  {step}")

        claim_ms, claimed = [], 0
        now = NOW
        for i in range(ticks):
            now += TICK
            t0 = time.perf_counter()
            got = await repo.claim_due(epoch(now), f"t{i}", limit=500, lease_seconds=120)
            claim_ms.append((time.perf_counter() - t0) * 1000)
            claimed += len(got)
            for row in got:  # finish them so they leave the queue, as a real tick would
                await repo.mark_sent(row.id, f"t{i}", epoch(now), None)

        scheduler = Scheduler(repo, {"party": NullDelivery()})
        tick_ms, sent = [], 0
        for _ in range(ticks):
            now += TICK
            t0 = time.perf_counter()
            report = await scheduler.tick(now)
            tick_ms.append((time.perf_counter() - t0) * 1000)
            sent += report.sent

        # A burst: 1,000 reminders (one per server) due at the same instant.
        burst_at = now + dt.timedelta(hours=1)
        await db.conn.execute("BEGIN")
        await db.conn.executemany(
            "INSERT INTO reminders (kind, guild_id, ref_id, offset_seconds, event_at, due_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [("party", g, 10_000_000 + g, 0, epoch(burst_at), epoch(burst_at)) for g in range(1, servers + 1)],
        )
        await db.conn.execute("COMMIT")
        t0 = time.perf_counter()
        burst = await scheduler.tick(burst_at)
        burst_ms = (time.perf_counter() - t0) * 1000
        async with db.conn.execute("SELECT COUNT(*) FROM reminders WHERE state = 'pending'") as cur:
            record = await cur.fetchone()
        pending = int(record[0]) if record else 0
        await db.close()

    print(f"\n{'measure':<58} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  aim")
    print(f"{'-' * 58} {'-' * 8} {'-' * 8} {'-' * 8}  ----")
    for label, samples in (
        (f"claim_due (find + claim), {ticks} ticks, {claimed} rows claimed", claim_ms),
        (f"Scheduler.tick (claim, decide, mark), {ticks} ticks, {sent} sent", tick_ms),
    ):
        ok = "yes" if pct(samples, 0.99) < AIM_MS else "NO"
        print(
            f"{label:<58} {pct(samples, 0.5):8.3f} {pct(samples, 0.99):8.3f} {max(samples):8.3f}  < {AIM_MS} ms: {ok}"
        )
    print(f"{f'burst: {burst.claimed} due at the same instant, one tick':<58} {burst_ms:8.3f}")
    print(f"\nStill pending afterwards: {pending:,} (future reminders; the claim is an index range search)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--servers", type=int, default=1_000)
    parser.add_argument("--ticks", type=int, default=1_000)
    args = parser.parse_args()
    asyncio.run(main(args.rows, args.servers, args.ticks))
