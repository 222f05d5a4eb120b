"""Issue 13's commands, timed through the production bot and the real command tree.

    python -m bench.fans [--calls 300]

Rows (each a p50 / p99 / max over ``--calls`` timed calls, after a warm-up):

* ``/catchup`` at progress 0 with the server's line at 16: the gate answer, then the *Show* button that builds
  and sends the digest of all 16 episodes.
* the pulse chart: rendering alone (Pillow, 16 bars, PNG encoding), and ``/pulse`` end to end with 16 closed
  polls (the chart is rendered in a worker thread and sent as an attachment). Discord wants the first answer
  within 3 seconds; ``/pulse`` answers directly (no deferral) because its p99 stays far below that.
* ``/calendar server`` with 25 watch parties and 16 rewatch episodes (an .ics of 41 events).

What is real: discord.py's tree, option parsing, views and response path; every line of the bot; SQLite in WAL
mode in a temporary file, as in production. Modelled: Discord (the harness's recording transport answers at
once). Times include the harness's own per-call work (payload building, settling), so they are an upper bound
of the bot's share.

Why not pyperf: the rows run through one started bot whose database and Discord state they change (parties fill,
polls close); pyperf's worker processes would each rebuild it, and its loop calibration cannot replay a click on a
card that has already changed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import platform
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import discord

from bot.app import App, Services
from bot.catalog import load_catalog
from bot.client import RunOnBot
from bot.locale import english, texts
from bot.services.chart import Bar
from bot.services.chart import render as render_chart
from bot.standin import Harness, close, start
from bot.store import Database
from cogs.pulse import chart_text

PACK = Path(__file__).resolve().parent.parent / "data" / "run_on"
NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)
KST = ZoneInfo("Asia/Seoul")
CHART_TEXT = chart_text(english())
KOREAN_CHART_TEXT = chart_text(texts("ko"))  # drawn with the shipped NanumGothic cut
STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True, manage_events=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def timed(calls: int, action: Callable[[], Awaitable[object]]) -> list[float]:
    for _ in range(min(20, calls)):
        await action()
    out = []
    for _ in range(calls):
        t0 = time.perf_counter()
        await action()
        out.append((time.perf_counter() - t0) * 1000)
    return out


async def setup(h: Harness, services: Services) -> None:
    staff = h.member(4000, name="mod", permissions=STAFF)
    await h.invoke("setup spoilers", user=staff, line=16)
    await h.invoke("setup discussion", user=staff, channel=h.add_channel(701, name="episode-talk"))
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    start = NOW + dt.timedelta(days=1)
    for n in range(25):
        await services.parties.create(
            guild_id=h.guild_id, channel_id=h.channel_id, host_id=4000, episodes=f"{n % 16 + 1}",
            starts=start + dt.timedelta(hours=6 * n), zone=KST, note="", capacity=None,
            offsets=(3600, 600, 0), now=NOW,
        )  # fmt: skip
    for episode in range(1, 17):
        message_id = 10_000 + episode
        opened = NOW - dt.timedelta(days=40 - episode)
        await services.pulse.record(h.guild_id, episode, 800 + episode, message_id, opened)
        [row] = [r for r in await services.pulse.open_polls() if r.message_id == message_id]
        await services.pulse.close(row.id, (1, 2, 3, 4 + episode % 3, 5), NOW, "bench")


def row(name: str, values: list[float], note: str = "") -> str:
    return (
        f"| {name:<52} | {statistics.median(values):>8.2f} | {pct(values, 0.99):>8.2f} | {max(values):>8.2f} | {note} |"
    )


async def main(calls: int) -> None:
    catalog = load_catalog(PACK)
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.sqlite3")
        h = await start(RunOnBot(App(catalog, db, lambda: NOW)))
        try:
            await setup(h, h.bot.services)
            fan = h.member(2000, name="fan")
            await h.invoke("progress set", episode=0, user=fan)

            async def catchup_gate() -> None:
                await h.invoke("catchup", user=fan)

            async def catchup_show() -> None:
                await h.click("runon:catchup:show:2000:1:16", user=fan, ephemeral_message=True)

            bars = [Bar(n, 3.0 + n % 3 * 0.5, 15, True) for n in range(1, 17)]
            png = render_chart(bars, CHART_TEXT)

            async def chart() -> None:
                render_chart(bars, CHART_TEXT)

            korean_png = render_chart(bars, KOREAN_CHART_TEXT)

            async def korean_chart() -> None:
                render_chart(bars, KOREAN_CHART_TEXT)

            viewer = h.member(2001, name="viewer")
            await h.invoke("progress set", episode=16, user=viewer)

            async def pulse() -> None:
                await h.invoke("pulse", user=viewer)

            async def calendar() -> None:
                await h.invoke("calendar server", user=fan)

            await catchup_gate()  # the rows time what they claim to: a gate, a digest, a chart, a file
            assert "Catch-up: episodes 1-16" in str(h.last_response())
            await catchup_show()
            assert "Episode 16" in str(h.last_response())
            results = [
                ("/catchup (progress 0, line 16): the gate", await timed(calls, catchup_gate), ""),
                ("/catchup: Show (digest of episodes 1-16)", await timed(calls, catchup_show), ""),
                ("pulse chart: render 16 bars + PNG (Pillow)", await timed(calls, chart), f"{len(png):,} bytes"),
                (
                    "the same chart in Korean (shipped font)",
                    await timed(calls, korean_chart),
                    f"{len(korean_png):,} bytes",
                ),
                ("/pulse end to end (16 closed polls)", await timed(calls, pulse), "no deferral needed"),
                ("/calendar server (25 parties, 16 episodes)", await timed(calls, calendar), ""),
            ]
            h.recorder.clear()
            await calendar()
            [upload] = [c for c in h.recorder.calls if c.blobs]
            ics = next(iter(upload.blobs.values()))
            results[-1] = (results[-1][0], results[-1][1], f"{ics.count(b'BEGIN:VEVENT')} events, {len(ics):,} bytes")
            h.recorder.clear()
        finally:
            await close(h)
            await db.close()
    print(f"python {platform.python_version()}, {platform.machine()}, {calls} timed calls per row (ms)\n")
    print(f"| {'what':<52} | {'p50':>8} | {'p99':>8} | {'max':>8} | note |")
    print(f"|{'-' * 54}|{'-' * 10}|{'-' * 10}|{'-' * 10}|------|")
    for name, values, note in results:
        print(row(name, values, note))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.fans", description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    asyncio.run(main(parser.parse_args().calls))
