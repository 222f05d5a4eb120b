"""Start-up import cost: ``python -m bot run`` against a bare discord.py bot, from ``python -X importtime``.

    python -m bench.imports                  # 5 interleaved repetitions
    python -m bench.imports --reps 9 --top 20

Real: both processes as ``bench.light`` runs them (``python -m bot run`` on a SQLite database a first start created
and migrated, so every measured start is a restart; ``bench/bare_bot.py``), each under ``python -X importtime``,
each against its own stand-in Discord process with one server, from spawning until the server's first interaction
(``/about``; the bare bot's ``/card``) has been answered: every module imported on the way counts, those a feature
imports when first used included (the path of one cheap command; a feature not used on it, e.g. a chart, is not).
The process then stops, and its ``import time:`` lines are summed.

Measured, per process (medians over the repetitions, which alternate which bot starts first):
* total import time: the sum of every module's own time (what ``-X importtime`` calls *self*), in ms; the
  importtime bookkeeping itself inflates it a little, alike for both;
* modules imported;
* RSS (``/proc/PID/status`` VmRSS) once the first interaction has been answered: the imports, the connection, one
  server's state, one interaction;
* by package, largest first: *cumulative* (the time from the first import of the package until it returned, the
  packages it pulled in included: the cost of importing it first) and *self* (its own modules only). The bot's own
  code is split by subpackage (``bot.store``, ``bot.services``, ...; ``cogs``), everything else by top-level name
  (``sqlalchemy``, ``babel``, ``aiohttp``, ``discord``, the standard library's modules).

Why not pyperf: it times a Python function in its own workers; this counts what two real processes import until
they answer, from the interpreter's own import timing.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bench import light
from bench.light import BARE_BOT, ROOT, Lane, precompile, rss_mib

#: Packages the issue names (shown whether imported or not), by their import names.
NAMED = ("sqlalchemy", "aiosqlite", "alembic", "babel", "PIL", "icalendar", "aiohttp", "discord")
LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S.*)$")


@dataclass
class Imports:
    """One process's ``-X importtime`` lines, summed."""

    total_us: int = 0
    modules: int = 0
    cumulative: dict[str, int] = field(default_factory=dict)  # package -> us, its first import's subtree
    own: dict[str, int] = field(default_factory=dict)  # package -> us, its own modules' self time
    modules_own: dict[str, int] = field(default_factory=dict)  # module -> us, its self time


def package(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "bot" and len(parts) > 1:
        return f"bot.{parts[1]}"
    return parts[0]


def parse(lines: Iterable[str]) -> Imports:
    """Sum ``import time: self | cumulative | [indent]name`` lines (children are printed before their parent,
    one indent level deeper)."""
    entries: list[tuple[int, int, int, str]] = []  # (level, self, cumulative, module)
    for line in lines:
        match = LINE.match(line.rstrip("\n"))
        if match:
            entries.append((len(match[3]) // 2, int(match[1]), int(match[2]), match[4].strip()))
    result = Imports(total_us=sum(own for _, own, _, _ in entries), modules=len(entries))
    # The parent of an entry is the next entry after it one level up: walk backwards keeping the open ancestors.
    ancestors: list[tuple[int, str]] = []  # (level, package), innermost last
    for level, own, cumulative, module in reversed(entries):
        while ancestors and ancestors[-1][0] >= level:
            ancestors.pop()
        name = package(module)
        parent = ancestors[-1][1] if ancestors else None
        if parent != name:  # the package's entry point from outside it
            result.cumulative[name] = result.cumulative.get(name, 0) + cumulative
        result.own[name] = result.own.get(name, 0) + own
        result.modules_own[module] = own
        ancestors.append((level, name))
    return result


@dataclass
class Runs:
    imports: list[Imports] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)


def measure(name: str, folder: Path) -> tuple[Imports, float]:
    program = ["-m", "bot", "run"] if name == "bot" else [str(BARE_BOT)]
    log = folder / f"{name}.log"
    log.unlink(missing_ok=True)
    lane = Lane(name, 1, folder, [sys.executable, "-X", "importtime", *program])
    try:
        lane.start()
        rss = rss_mib(lane.pid)
    finally:
        lane.close()
    with log.open(encoding="utf-8", errors="replace") as handle:
        return parse(handle), rss


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def report(runs: dict[str, Runs], reps: int, top: int) -> None:
    bot, bare = runs["bot"], runs["bare"]
    print(
        f"\nbench.imports: {reps} interleaved repetitions; each process under python -X importtime from spawning "
        "until its first interaction was answered (one server). Medians.\n"
    )
    print("| measure | bot | bare bot | ratio |")
    print("|---|---|---|---|")
    rows = [
        ("total import time (sum of self)", [i.total_us / 1000 for i in bot.imports],
         [i.total_us / 1000 for i in bare.imports], "{:.0f} ms"),
        ("modules imported", [float(i.modules) for i in bot.imports], [float(i.modules) for i in bare.imports],
         "{:.0f}"),
        ("RSS at the first answer", bot.rss, bare.rss, "{:.1f} MiB"),
    ]  # fmt: skip
    for label, mine, theirs, form in rows:
        ratios = [a / b for a, b in zip(mine, theirs, strict=True) if b]
        print(f"| {label} | {form.format(median(mine))} | {form.format(median(theirs))} | {median(ratios):.2f}× |")

    def table(of: str) -> dict[str, tuple[float, float]]:
        imports = runs[of].imports
        names = {name for one in imports for name in one.cumulative}
        return {
            name: (
                median([one.cumulative.get(name, 0) / 1000 for one in imports]),
                median([one.own.get(name, 0) / 1000 for one in imports]),
            )
            for name in names
        }

    by_package, bare_packages = table("bot"), table("bare")
    named = list(NAMED)
    others = [name for name, _ in sorted(by_package.items(), key=lambda item: -item[1][0]) if name not in NAMED][:top]
    print(
        f"\n| package (the issue's, then the bot's top {top} by cumulative) | bot cumulative | bot self | "
        "bare cumulative | bare self |"
    )
    print("|---|---|---|---|---|")
    for name in [*named, *others]:
        cells = [f"{pair[0]:.1f} ms | {pair[1]:.1f} ms" if (pair := side.get(name)) else "not imported | -"
                 for side in (by_package, bare_packages)]  # fmt: skip
        print(f"| {name} | {cells[0]} | {cells[1]} |")
    slowest = {name: median([one.modules_own.get(name, 0) / 1000 for one in bot.imports])
               for name in {name for one in bot.imports for name in one.modules_own}}  # fmt: skip
    print(f"\n| the bot's {top} slowest modules (self) | ms | imported by the bare bot |")
    print("|---|---|---|")
    for name, value in sorted(slowest.items(), key=lambda item: -item[1])[:top]:
        print(f"| {name} | {value:.1f} | {'yes' if any(name in one.modules_own for one in bare.imports) else 'no'} |")
    own_code = sum(value[1] for name, value in by_package.items() if name.startswith("bot.") or name == "cogs")
    extra = sum(value[1] for name, value in by_package.items() if name not in bare_packages)
    print(
        f"\nSelf time in the bot's own code (bot.*, cogs): {own_code:.0f} ms; in every package the bare bot does not "
        f"import (the bot's code included): {extra:.0f} ms."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--top", type=int, default=15, help="other packages in the table, by cumulative time")
    parser.add_argument("--bot-path", metavar="DIR", help="the bot from another checkout, as bench.light's option")
    args = parser.parse_args()
    if args.bot_path:
        light.BOT_PATH = args.bot_path  # Lane runs the bot from there
    runs = {"bot": Runs(), "bare": Runs()}
    source = Path(args.bot_path) if args.bot_path else ROOT
    precompile(source / "bot", source / "cogs")  # as an installed bot has them (see bench.light.precompile)
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
        folder = Path(tmp)
        prime = Lane("bot", 1, folder)  # creates and migrates the database: every measured start is a restart
        try:
            prime.start()
        finally:
            prime.close()
        for rep in range(args.reps):
            for name in ("bot", "bare") if rep % 2 == 0 else ("bare", "bot"):
                imports, rss = measure(name, folder)
                runs[name].imports.append(imports)
                runs[name].rss.append(rss)
            print(f"repetition {rep + 1} of {args.reps} done", file=sys.stderr, flush=True)
    report(runs, args.reps, args.top)


if __name__ == "__main__":
    main()
