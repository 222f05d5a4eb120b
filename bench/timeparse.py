"""What reading a typed time costs, per keystroke of the ``when`` autocomplete (issue 16).

Run from the repository root::

    python -m bench.timeparse            # a plain-text table
    python -m bench.timeparse --calls 5000

Each row is :func:`bot.services.timeparse.preview` on one text, in-process, p50 and p95 per call: a time that
reads, a refusal with nothing to suggest, and refusals whose suggestions are each parsed before they are offered
(the member's text with the doubtful part replaced, so a suggestion that would itself be refused is never shown).
Rows are interleaved in shuffled chunks so drift hits all of them.

Why not pyperf: pyperf would fit these in-process calls, but it is not a dependency of the project (adding it is not
this change's to make); rows are interleaved in shuffled chunks with ``time.perf_counter_ns`` instead, so drift hits
all of them alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]

ROWS = [
    ("reads: friday 8pm", "friday 8pm", "America/New_York"),
    ("reads: 금요일 오후 8시", "금요일 오후 8시", "Asia/Seoul"),
    ("reads: half past 3pm tomorrow", "half past 3pm tomorrow", "America/New_York"),
    ("refused, no suggestion: blorp", "blorp", "America/New_York"),
    ("asked, 2 suggestions: tomorrow 3:30", "tomorrow 3:30", "America/New_York"),
    ("asked, 2 suggestions: 이번 주말 저녁 8시", "이번 주말 저녁 8시", "Asia/Seoul"),
    ("asked, 3 suggestions: friday 9pm IST", "friday 9pm IST", "Europe/London"),
    ("asked, checked twice: thursday 8:00 PST", "thursday 8:00 PST", "America/New_York"),
]


def bench(calls: int) -> list[tuple[str, float, float]]:
    from bot.services.timeparse import preview, warm_up

    warm_up()
    now = dt.datetime(2027, 2, 9, 9, 30, tzinfo=dt.UTC)
    zones = {zone: ZoneInfo(zone) for _, _, zone in ROWS}
    samples: dict[str, list[float]] = {name: [] for name, _, _ in ROWS}
    chunk = 50
    order = [row for row in ROWS for _ in range(max(1, calls // chunk))]
    random.Random(16).shuffle(order)
    for name, text, zone in order:
        tz = zones[zone]
        for _ in range(chunk):
            start = time.perf_counter()
            preview(text, tz, now)
            samples[name].append(time.perf_counter() - start)
    table = []
    for name, _, _ in ROWS:
        values = sorted(samples[name])
        table.append((name, statistics.median(values), values[int(len(values) * 0.95)]))
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--calls", type=int, default=2000, help="timed calls per row")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    print("Reading a typed time (preview, per call, in-process)")
    print(f"{'text':44} {'p50 µs':>9} {'p95 µs':>9}")
    for name, p50, p95 in bench(args.calls):
        print(f"{name:44} {p50 * 1e6:9.1f} {p95 * 1e6:9.1f}")


if __name__ == "__main__":
    main()
