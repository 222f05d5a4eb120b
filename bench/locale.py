"""What speaking Korean costs: rendering an answer in Korean against the same answer in English, end to end
through the command tree, and the start-up time with the message catalogues and CLDR data loaded.

Run from the repository root::

    python -m bench.locale            # plain-text tables
    python -m bench.locale --calls 5000

What is measured
----------------
**Rendering** (in-process): the function a cog calls to build an answer (an embed, turned into the JSON
Discord receives with ``Embed.to_dict()``, or a line of text) over the real show pack, once with the English
``Texts`` and once with the Korean one. English and Korean calls are interleaved in shuffled chunks so drift
hits both. The Korean path does what the English one does plus gettext lookups in the compiled catalogue and
the pack's Korean texts (the English ``Texts`` is gettext's ``NullTranslations``, which returns the id), and the
Korean day format. Aim (from the issue): Korean <= 1.1x English.

**End to end**: ``/recap``, ``/cast lookup`` and a ``when`` preview dispatched through the real command tree
(``bot.standin.inprocess``, no network), as a member with Discord in English and one in Korean; from the interaction to
the recorded answer, harness overhead included for both.

**Start-up** (fresh processes, median of several): importing the bot's package and loading both catalogues;
loading the show pack with its Korean twins checked; reading CLDR for zones and abbreviations (the time
parser's warm-up); and ``python -m bot check`` from start to exit, which does all of it.

Why not pyperf: the figures are Korean over English ratios from interleaved calls in one process (and a start-up
time of separate processes); pyperf compares benchmarks run apart, while drift on this shared machine is exactly
what interleaving removes.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "data" / "run_on"


def _rendering_rows() -> list[tuple[str, Callable[[object], object]]]:
    from bot.catalog import load_catalog
    from bot.deliveries.airing import airing_text
    from bot.errors import UserError
    from bot.services.timeparse import preview
    from bot.services.watch_parties import Party, PartyStatus, PartyView, Rsvp
    from cogs.about import about_embed
    from cogs.cast import card
    from cogs.episodes import info_embed, recap_layout
    from cogs.party_cards import party_embed
    from cogs.timeinput import preview_line

    catalog = load_catalog(PACK)
    episode, lead = catalog.episode(3), catalog.person("ki-seon-gyeom")
    now = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)
    seoul = ZoneInfo("Asia/Seoul")
    shown = preview("friday 8pm", seoul, now)
    refusal = UserError("The note is {length} characters; keep it under {limit}.", length=412, limit=300)
    start_at = int(now.timestamp()) + 86400
    row = PartyView(
        7, 1, 2, 3, 3, 4, start_at, start_at + 9000, "Asia/Seoul", "Snacks!", 10, None, None, PartyStatus.SCHEDULED
    )
    party = Party(row, {Rsvp.GOING: 4, Rsvp.MAYBE: 1, Rsvp.DECLINED: 0, Rsvp.WAITLIST: 0})
    return [
        ("/episode info (embed)", lambda tr: info_embed(tr, catalog, episode).to_dict()),
        ("/recap, blurred (layout)", lambda tr: recap_layout(tr, catalog, episode, 0).to_components()),
        ("/cast lookup card (layout)", lambda tr: card(tr, lead, 2, withhold=True).to_components()),
        ("/about (embed)", lambda tr: about_embed(tr, catalog).to_dict()),
        ("watch-party card (embed)", lambda tr: party_embed(tr, party).to_dict()),
        ("airing post (text)", lambda tr: airing_text(tr, catalog, 3, now, 3600, rewatch=False, thread="")),
        ("when preview line (text)", lambda tr: preview_line(tr, shown)),
        ("a refusal (text)", lambda tr: tr.render(refusal.message)),
    ]


def bench_rendering(calls: int) -> list[tuple[str, float, float]]:
    from bot.catalog import load_catalog
    from bot.locale import texts

    catalog = load_catalog(PACK)
    english = texts("en")
    korean = texts("ko").with_pack(catalog.translations["ko"])
    results = []
    rng = random.Random(5)
    for name, render in _rendering_rows():
        for _ in range(200):  # warm both paths
            render(english)
            render(korean)
        samples: dict[str, list[int]] = {"en": [], "ko": []}
        chunks = [("en", english), ("ko", korean)] * (calls // 50)
        rng.shuffle(chunks)
        for lang, tr in chunks:
            for _ in range(50):
                started = time.perf_counter_ns()
                render(tr)
                samples[lang].append(time.perf_counter_ns() - started)
        results.append((name, statistics.median(samples["en"]) / 1000, statistics.median(samples["ko"]) / 1000))
    return results


async def bench_dispatch(calls: int) -> list[tuple[str, float, float]]:
    from bot.app import App
    from bot.catalog import load_catalog
    from bot.client import RunOnBot
    from bot.standin import close, start
    from bot.store import Database

    catalog = load_catalog(PACK)
    now = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)
    db = await Database.open(":memory:")
    h = await start(RunOnBot(App(catalog, db, lambda: now)))
    rows = [
        ("/recap episode:3 (gated)", lambda loc: h.invoke("recap", episode=3, locale=loc)),
        ("/cast lookup name:기선겸", lambda loc: h.invoke("cast lookup", name="기선겸", locale=loc)),
        (
            "when preview (autocomplete)",
            lambda loc: h.autocomplete(
                "watchparty create", "when", "금요일 오후 8시" if loc == "ko" else "friday 8pm", locale=loc
            ),
        ),
    ]
    results = []
    try:
        for name, call in rows:
            samples: dict[str, list[int]] = {"en-US": [], "ko": []}
            order = ["en-US", "ko"] * calls
            random.Random(9).shuffle(order)
            for locale in ["en-US", "ko"] * 20:
                await call(locale)
            for locale in order:
                h.recorder.calls.clear()
                started = time.perf_counter_ns()
                await call(locale)
                samples[locale].append(time.perf_counter_ns() - started)
            results.append((name, statistics.median(samples["en-US"]) / 1000, statistics.median(samples["ko"]) / 1000))
    finally:
        await close(h)
        await db.close()
    return results


STEPS = """
import json, time
t = time.perf_counter()
import bot.client, cogs.episodes, cogs.setup, cogs.watch_parties
steps = {"import the bot (discord.py, every cog)": time.perf_counter() - t}
t = time.perf_counter()
from bot.locale import load_all
load_all()
steps["load both message catalogues (.mo)"] = time.perf_counter() - t
t = time.perf_counter()
from pathlib import Path
from bot.catalog import load_catalog
load_catalog(Path("data/run_on"))
steps["load the show pack, Korean twins checked"] = time.perf_counter() - t
t = time.perf_counter()
from bot.services.timeparse import warm_up
warm_up()
steps["CLDR: zone names, abbreviations (warm-up)"] = time.perf_counter() - t
print(json.dumps(steps))
"""


def bench_startup(repeat: int) -> list[tuple[str, float]]:
    """Each step's own time, in fresh processes (median), then ``python -m bot check`` from start to exit."""
    import json

    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", STEPS], cwd=ROOT, check=True, capture_output=True, text=True, timeout=120
            ).stdout
        )
        for _ in range(repeat)
    ]
    results = [(name, statistics.median(run[name] for run in runs)) for name in runs[0]]
    check = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "check"], cwd=ROOT, check=False, capture_output=True, timeout=120)
        check.append(time.perf_counter() - started)
    results.append(("python -m bot check, start to exit", statistics.median(check)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--calls", type=int, default=2000, help="timed calls per language and row (rendering)")
    parser.add_argument("--dispatch-calls", type=int, default=300, help="timed calls per language and row")
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per start-up row")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    print("Rendering an answer (p50 per call, in-process)")
    print(f"{'answer':34} {'English':>10} {'Korean':>10} {'ratio':>7}")
    worst = 0.0
    for name, en, ko in bench_rendering(args.calls):
        worst = max(worst, ko / en)
        print(f"{name:34} {en:8.1f}µs {ko:8.1f}µs {ko / en:6.2f}x")
    print(f"worst ratio {worst:.2f}x (aim: <= 1.10x)\n")

    print("End to end through the command tree (p50 per call, harness overhead included for both)")
    print(f"{'call':34} {'English':>10} {'Korean':>10} {'ratio':>7}")
    for name, en, ko in asyncio.run(bench_dispatch(args.dispatch_calls)):
        print(f"{name:34} {en:8.1f}µs {ko:8.1f}µs {ko / en:6.2f}x")
    print()

    print(f"Start-up (fresh process, median of {args.repeat})")
    for name, seconds in bench_startup(args.repeat):
        print(f"{name:44} {seconds * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
