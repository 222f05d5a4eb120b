"""``python -m bot run`` with cProfile switched on and off by signals, for ``python -m bench.light --profile``.

    python bench/profiled_bot.py OUT.prof

SIGUSR1 starts profiling the event loop's thread; SIGUSR2 stops and writes the statistics to OUT.prof. Everything
else is the real entry point (``bot.cli.main``), unchanged.
"""

from __future__ import annotations

import sys

if sys.path and sys.path[0].endswith("bench"):  # run as a script: bench/locale.py must not hide the stdlib's locale
    sys.path.pop(0)

import cProfile
import signal
from pathlib import Path
from typing import Any

profiler = cProfile.Profile()


def start(*_: Any) -> None:
    global profiler
    profiler = cProfile.Profile()  # each row on its own
    profiler.enable()


def stop(*_: Any) -> None:
    profiler.disable()
    profiler.dump_stats(OUT)


def modules(*_: Any) -> None:
    """SIGHUP: the loaded modules and the memory, beside OUT (what is loaded after warm-up, and why it is big)."""
    status = Path("/proc/self/status").read_text()
    rss = status.split("VmRSS:")[1].split()[0]
    with open(OUT + ".modules", "w") as out:
        out.write(f"VmRSS {rss} kB, {len(sys.modules)} modules\n")
        out.write("\n".join(sorted(sys.modules)))


if __name__ == "__main__":
    OUT = sys.argv[1]
    signal.signal(signal.SIGHUP, modules)
    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    sys.argv = ["bot", "run"]
    from bot.__main__ import main

    sys.exit(main())
