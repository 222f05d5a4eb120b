"""Airing reminders under load, through the production bot and the recorded HTTP layer.

1. 1,000 servers each run a rewatch (16 episodes on Wed/Thu 21:00 KST, airing posts on) on top of
   the watch-party load of ``bench.scheduler`` (100,000 pending party reminders): the time of one
   scheduler tick as the clock advances by the loop's interval.
2. All 1,000 servers started their rewatch the same day, so 1,000 "airs in 24 hours" reminders fall
   due at the same instant: the time for one tick to deliver all of them through ``AiringDelivery``,
   each a real ``channel.send`` with its nonce and role ping, recorded instead of sent.

    python -m bench.airing [--servers 1000] [--ticks 300]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.scheduler import fill, pct
from bot.catalog import load_catalog
from bot.client import RunOnBot
from bot.services import Services
from bot.store import Database
from tests.harness import close, start

PACK = Path(__file__).resolve().parent.parent / "data" / "run_on"
NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)
KST = ZoneInfo("Asia/Seoul")
FIRST_AIRING = dt.datetime(2026, 11, 25, 21, tzinfo=KST).astimezone(dt.UTC)
TICK = dt.timedelta(seconds=10)
AIM_MS = 5.0


async def main(servers: int, ticks: int, party_rows: int) -> None:
    catalog = load_catalog(PACK)
    clock_now = [NOW]
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.sqlite3")
        services = Services.build(catalog, db, lambda: clock_now[0])
        h = await start(RunOnBot(services))
        try:
            # the watch-party load lies after the burst, so the burst measures the airing posts alone
            await fill(db, party_rows, servers, base=FIRST_AIRING + dt.timedelta(days=1))
            t0 = time.perf_counter()
            for guild_id in range(1, servers + 1):
                await services.guilds.set_airing(guild_id, 10_000 + guild_id, 20_000 + guild_id, None, NOW)
                await services.rewatch.start(guild_id, FIRST_AIRING.astimezone(KST).date(), 1,
                                             catalog.show.slots, KST, NOW)  # fmt: skip
            async with db.conn.execute("SELECT COUNT(*) FROM reminders WHERE state = 'pending'") as cur:
                record = await cur.fetchone()
            pending = int(record[0]) if record else 0
            print(f"{servers:,} servers on rewatches set up in {time.perf_counter() - t0:.1f}s; "
                  f"{pending:,} reminders pending in all (airing + {party_rows:,} watch-party)")  # fmt: skip

            # 1. Ordinary ticks, nothing or little due.
            tick_ms, claimed = [], 0
            now = NOW
            for _ in range(ticks):
                now += TICK
                clock_now[0] = now
                t = time.perf_counter()
                report = await services.scheduler.tick(now)
                tick_ms.append((time.perf_counter() - t) * 1000)
                claimed += report.claimed
            h.recorder.clear()

            # 2. The burst: every server's "episode 1 airs in 24 hours" at the same instant.
            burst_at = FIRST_AIRING - dt.timedelta(hours=24)
            clock_now[0] = burst_at
            t = time.perf_counter()
            report = await services.scheduler.tick(burst_at)
            burst_s = time.perf_counter() - t
            posts = [c for c in h.recorder.calls if c.method == "POST" and c.path.endswith("/messages")]
            nonces = {c.json["nonce"] for c in posts if isinstance(c.json, dict)}
        finally:
            await close(h)
            await db.close()

    print(f"\n{'measure':<62} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  aim")
    print(f"{'-' * 62} {'-' * 8} {'-' * 8} {'-' * 8}  ----")
    ok = "yes" if pct(tick_ms, 0.99) < AIM_MS else "NO"
    label = f"scheduler tick, {ticks} ticks ({claimed} claimed along the way)"
    print(f"{label:<62} {pct(tick_ms, 0.5):8.3f} {pct(tick_ms, 0.99):8.3f} {max(tick_ms):8.3f}  < {AIM_MS} ms: {ok}")
    print(
        f"\nBurst at {burst_at:%Y-%m-%d %H:%M} UTC: {report.claimed} claimed, {report.sent} sent, "
        f"{report.failed} failed, {report.skipped} skipped in {burst_s * 1000:.0f} ms "
        f"({burst_s * 1e6 / max(report.sent, 1):.0f} µs per reminder); "
        f"{len(posts)} channel posts recorded, {len(nonces)} distinct nonces."
    )
    print("(Delivery through the recorded HTTP layer: Discord's own latency and rate limits are not included.)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", type=int, default=1_000)
    parser.add_argument("--ticks", type=int, default=300)
    parser.add_argument("--party-rows", type=int, default=100_000)
    args = parser.parse_args()
    asyncio.run(main(args.servers, args.ticks, args.party_rows))
