"""``python -m bot run`` with cProfile switched on and off by signals, for ``python -m bench.light --profile``.

    python bench/profiled_bot.py OUT.prof

SIGUSR1 starts profiling the event loop's thread and what the database threads run for it (each SQLite
connection's calls: with ``db.run`` a whole unit of work runs there); SIGUSR2 stops and writes the statistics of all
of them to OUT.prof. Everything else is the real entry point (``bot.cli.main``), unchanged.
"""

from __future__ import annotations

import sys

if sys.path and sys.path[0].endswith("bench"):  # run as a script: bench/locale.py must not hide the stdlib's locale
    sys.path.pop(0)

import cProfile
import pstats
import signal
import threading
from pathlib import Path
from typing import Any

profiler = cProfile.Profile()
#: One profiler per database thread, for the row being profiled (None: not profiling).
threads: dict[int, cProfile.Profile] | None = None
threads_lock = threading.Lock()


def _profile_database_threads() -> None:
    """Each SQLite connection's thread (``bot.store.sqlite._Worker``) runs the calls submitted to it: while a row is
    profiled, each call runs under that thread's own profiler (cProfile sees one thread only)."""
    from bot.store.sqlite import _Worker

    submit = _Worker.submit

    def profiled(function: Any) -> Any:
        def call(*args: Any) -> Any:
            if threads is None:
                return function(*args)
            with threads_lock:
                mine = threads.setdefault(threading.get_ident(), cProfile.Profile())
            return mine.runcall(function, *args)

        return call

    _Worker.submit = lambda self, function, *args: submit(self, profiled(function), *args)  # type: ignore[method-assign]


def start(*_: Any) -> None:
    global profiler, threads
    profiler = cProfile.Profile()  # each row on its own
    threads = {}
    profiler.enable()


def stop(*_: Any) -> None:
    global threads
    profiler.disable()
    with threads_lock:
        others, threads = list((threads or {}).values()), None
    stats = pstats.Stats(profiler)
    for other in others:
        stats.add(other)
    stats.dump_stats(OUT)


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
    _profile_database_threads()
    sys.argv = ["bot", "run"]
    from bot.__main__ import main

    sys.exit(main())
