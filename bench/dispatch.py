"""Dispatch latency of every slash command and autocomplete through the real command tree.

Run from the repository root::

    python -m bench.dispatch                 # 2,000 timed calls per row, plain-text table
    python -m bench.dispatch --markdown      # the same as a markdown table
    python -m bench.dispatch --calls 5000 --only recap
    python -m bench.dispatch --profile "cast lookup"   # cProfile instead of timing

What is measured
----------------
The production bot (``RunOnBot`` over the real data pack and an in-memory database) is started with
``tests.harness``: nothing reaches the network, the interaction callback goes through discord.py's real
webhook layer into the harness's recording transport. Each row's gateway payload is built once with
the harness's own builders; every timed call then creates a fresh, real ``discord.Interaction`` from it
(not timed) and times, with ``time.perf_counter_ns``, from ``CommandTree._from_interaction`` (what
``ConnectionState.parse_interaction_create`` calls) until the task it spawns has finished, i.e. the
command or autocomplete callback has run and its response went through discord.py's response path.

The harness's per-call extras (``invoke``'s payload building, its task-settling loop, the ``on_interaction``
event, the answer lookup of ``autocomplete``) are deliberately left out; the recording transport that
stands in for Discord's HTTP API stays in, for every row including the baseline.

The baseline is ``/bench-ping``, a trivial command added to the tree inside this process only; it is
dispatched exactly like every other row. Rows are interleaved in shuffled chunks, so drift (CPU
frequency, other processes, garbage collection) spreads over all rows instead of hitting a few.

Aims (from the issue): every command's p50 within 1.5x of the baseline's p50; every autocomplete's
p99 under 2 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import gc
import io
import math
import platform
import pstats
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import discord
from discord import app_commands

from bot.catalog import load_catalog
from bot.client import RunOnBot
from bot.services import Services
from bot.store import Database
from tests.harness import DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, DEFAULT_USER_ID, Harness, close, start

PACK = Path(__file__).resolve().parent.parent / "data" / "run_on"
#: A fixed "now" (the tests' clock): after the run ended, so /airing and autocomplete are stable.
FIXED_NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)

BASELINE = "bench-ping"
REFERENCE_AUTOCOMPLETE = "bench-echo"

COMMAND_P50_RATIO_AIM = 1.5
AUTOCOMPLETE_P99_AIM_NS = 2_000_000

#: Members: one who watched up to episode 6 (so /recap episode:9 takes the gated path), one who finished.
GATED_USER = DEFAULT_USER_ID
FINISHED_USER = DEFAULT_USER_ID + 1
PROGRESS = {GATED_USER: 6, FINISHED_USER: 16}

Kind = Literal["baseline", "command", "autocomplete", "reference"]


@dataclass(frozen=True)
class Spec:
    """One row: a command invocation, or an autocomplete with one focused value."""

    options: dict[str, Any] = field(default_factory=dict)
    user: int = GATED_USER
    note: str = ""


#: Sensible options per command. Commands found in the tree but missing here get generated options.
COMMAND_SPECS: dict[str, list[Spec]] = {
    BASELINE: [Spec()],
    "episode info": [Spec({"episode": 9})],
    "episode list": [Spec()],
    "recap": [
        Spec({"episode": 9}, GATED_USER, "progress 6, gated"),
        Spec({"episode": 9}, FINISHED_USER, "progress 16"),
        Spec({"episode": 9, "public": True}, GATED_USER),
    ],
    "cast lookup": [Spec({"name": "Im Shi Hwan"})],
    "cast list": [Spec()],
    "airing": [Spec()],
    "progress show": [Spec()],
    "progress set": [Spec({"episode": 6})],
    "progress forget": [Spec(note="confirm button only")],
    "about": [Spec()],
}

#: Typed values per (command, focused option). Autocompletes missing here are typed "" and "1".
AUTOCOMPLETE_SPECS: dict[tuple[str, str], list[str]] = {
    (REFERENCE_AUTOCOMPLETE, "text"): ["x"],
    ("recap", "episode"): ["1"],
    ("episode info", "episode"): ["", "1"],
    ("cast lookup", "name"): ["sun kyum", "오미주", "Sooyoung", "", "x"],
    ("progress set", "episode"): ["", "1"],
}


@dataclass
class Case:
    label: str
    kind: Kind
    command: str
    user: int
    options: dict[str, Any]
    focused: tuple[str, str] | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    response: str = ""  # what the sanity pass saw, e.g. "ephemeral, 1 embed, 1 button"
    samples: list[int] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------
# The bot under test
# --------------------------------------------------------------------------------------------------


def add_bench_commands(bot: RunOnBot) -> None:
    """The trivial baseline and a trivial autocomplete, added to this process's tree only."""

    @bot.tree.command(name=BASELINE, description="Benchmark baseline: answers pong")
    async def bench_ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", ephemeral=True)

    @bot.tree.command(name=REFERENCE_AUTOCOMPLETE, description="Benchmark reference: a trivial autocomplete")
    async def bench_echo(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True)

    @bench_echo.autocomplete("text")
    async def bench_echo_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=current or "-", value=current or "-")]


async def build_bot() -> tuple[Harness, Database]:
    catalog = load_catalog(PACK)
    db = await Database.open(":memory:")
    bot = RunOnBot(Services.build(catalog, db, lambda: FIXED_NOW))
    add_bench_commands(bot)
    harness = await start(bot)
    return harness, db


def leaf_commands(tree: app_commands.CommandTree[Any]) -> list[app_commands.Command[Any, ..., Any]]:
    return sorted(
        (c for c in tree.walk_commands() if isinstance(c, app_commands.Command)), key=lambda c: c.qualified_name
    )


def generated_value(param: app_commands.Parameter) -> Any:
    """A plausible value for an option of a command this file does not know yet."""
    if param.choices:
        return param.choices[0].value
    t = discord.AppCommandOptionType
    if param.type in (t.integer, t.number):
        return param.min_value if param.min_value is not None else 1
    if param.type is t.string:
        return "a" * max(1, int(param.min_value or 1))
    if param.type is t.boolean:
        return False
    if param.type in (t.user, t.mentionable):
        return GATED_USER
    if param.type is t.channel:
        return DEFAULT_CHANNEL_ID
    if param.type is t.role:
        return DEFAULT_GUILD_ID  # @everyone
    raise ValueError(f"no generated value for option type {param.type.name}")


def describe(options: dict[str, Any]) -> str:
    return " ".join(f"{k}:{v!r}" if isinstance(v, str) else f"{k}:{v}" for k, v in options.items())


def build_cases(h: Harness) -> tuple[list[Case], list[str]]:
    """Every leaf command of the tree, and every autocompleted option, with options from the specs."""
    cases: list[Case] = []
    warnings: list[str] = []
    for command in leaf_commands(h.bot.tree):
        name = command.qualified_name
        kind: Kind = "baseline" if name == BASELINE else "reference" if name == REFERENCE_AUTOCOMPLETE else "command"
        specs = COMMAND_SPECS.get(name)
        if specs is None:
            try:
                options = {p.name: generated_value(p) for p in command.parameters if p.required}
            except ValueError as error:
                warnings.append(f"/{name}: skipped ({error}); add it to COMMAND_SPECS")
                specs = []
            else:
                specs = [Spec(options, note="generated options")]
                warnings.append(f"/{name}: not in COMMAND_SPECS, benchmarked with generated options {options}")
        if kind != "reference":
            for spec in specs:
                label = f"/{name} {describe(spec.options)}".rstrip()
                if spec.note:
                    label += f" ({spec.note})"
                cases.append(Case(label, kind, name, spec.user, dict(spec.options)))
        for param in command.parameters:
            if not param.autocomplete:
                continue
            typed = AUTOCOMPLETE_SPECS.get((name, param.name))
            if typed is None:
                typed = ["", "1"]
                warnings.append(f"/{name} {param.name}: not in AUTOCOMPLETE_SPECS, typed {typed}")
            for value in typed:
                ac_kind: Kind = "reference" if kind == "reference" else "autocomplete"
                label = f"ac /{name} {param.name}={value!r}"
                cases.append(Case(label, ac_kind, name, GATED_USER, {}, focused=(param.name, value)))
    return cases, warnings


# --------------------------------------------------------------------------------------------------
# Sanity pass (public harness API) and payloads (harness builders)
# --------------------------------------------------------------------------------------------------


def summarize(response: dict[str, Any]) -> str:
    data = response.get("data", {})
    parts = ["ephemeral" if int(data.get("flags") or 0) & 64 else "public"]
    if data.get("embeds"):
        parts.append(f"{len(data['embeds'])} embed")
    buttons = sum(len(row.get("components", [])) for row in data.get("components") or [])
    if buttons:
        parts.append(f"{buttons} button" + ("s" if buttons > 1 else ""))
    if not data.get("embeds") and data.get("content"):
        parts.append("text")
    return ", ".join(parts)


async def prepare(h: Harness, cases: Sequence[Case], members: dict[int, dict[str, Any]]) -> None:
    """Run each row once through the public API (fails loudly on any error), then build its payload."""
    for case in cases:
        member = members[case.user]
        errors_before, logged_before = len(h.errors), len(h.logged_errors)
        if case.focused is None:
            await h.invoke(case.command, user=member, **case.options)
            response = h.last_response()
            if response.get("type") != 4:
                raise RuntimeError(f"{case.label}: expected a message response, got {response}")
            case.response = summarize(response)
        else:
            choices = await h.autocomplete(case.command, case.focused[0], case.focused[1], user=member, **case.options)
            case.response = f"{len(choices)} choices"
        if len(h.errors) > errors_before or len(h.logged_errors) > logged_before:
            problems = [repr(e) for e in h.errors[errors_before:]]
            problems += [r.getMessage() for r in h.logged_errors[logged_before:]]
            raise RuntimeError(f"{case.label}: the command failed: {problems}")

        itype = 2 if case.focused is None else 4
        data, leaf = h._build_command_data(
            case.command,
            case.options,
            guild_id=h.guild_id,
            member=member,
            channel_id=None,
            focused=case.focused,
        )
        payload, info = h._base_payload(
            itype,
            data,
            user=member,
            guild_id=h.guild_id,
            channel_id=None,
            app_permissions=None,
            locale="en-US",
            name=leaf.qualified_name,
        )
        h.recorder._register_interaction(info)  # the fake Discord accepts this id's callbacks
        case.payload = payload
    h.recorder.calls.clear()


# --------------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------------


class Dispatcher:
    """Dispatch one payload the way ``ConnectionState.parse_interaction_create`` hands it to the tree."""

    def __init__(self, h: Harness) -> None:
        self.h = h
        self.state = h._state
        self.tree = h.bot.tree
        # The harness's task factory hands every task created on the loop to its collectors.
        self.spawned: list[asyncio.Task[Any]] = []

    def __enter__(self) -> Dispatcher:
        self.h._collectors.append(self.spawned)
        return self

    def __exit__(self, *exc: object) -> None:
        self.h._collectors.remove(self.spawned)

    async def run(self, case: Case, calls: int, samples: list[int] | None) -> None:
        state, tree, spawned, payload = self.state, self.tree, self.spawned, case.payload
        clock = time.perf_counter_ns
        errors_before = len(self.h.errors)
        for _ in range(calls):
            interaction: discord.Interaction[Any] = discord.Interaction(data=payload, state=state)  # type: ignore[arg-type]
            spawned.clear()
            begin = clock()
            tree._from_interaction(interaction)
            await spawned[0]
            end = clock()
            if samples is not None:
                samples.append(end - begin)
            if len(spawned) > 1:  # the command left work behind: wait for it (untimed), it should not happen
                await asyncio.gather(*spawned[1:])
        if len(self.h.errors) > errors_before:
            raise RuntimeError(f"{case.label}: errors while timing: {self.h.errors[errors_before:]!r}")


def forget_traffic(h: Harness) -> None:
    """Keep the fake Discord's memory flat: recorded calls and the messages it pretends exist."""
    h.recorder.calls.clear()
    h.recorder.messages.clear()


async def measure(h: Harness, cases: Sequence[Case], calls: int, warmup: int, chunk: int, seed: int) -> float:
    rng = random.Random(seed)
    began = time.perf_counter()
    with Dispatcher(h) as dispatcher:
        order = list(cases)
        for case in order:
            for start_at in range(0, warmup, chunk):
                await dispatcher.run(case, min(chunk, warmup - start_at), None)
                forget_traffic(h)
        gc.collect()
        for start_at in range(0, calls, chunk):
            rng.shuffle(order)
            for case in order:
                await dispatcher.run(case, min(chunk, calls - start_at), case.samples)
            forget_traffic(h)
    return time.perf_counter() - began


async def profile(h: Harness, cases: Sequence[Case], calls: int, warmup: int, top: int) -> None:
    with Dispatcher(h) as dispatcher:
        for case in cases:
            await dispatcher.run(case, warmup, None)
            forget_traffic(h)
            profiler = cProfile.Profile()
            profiler.enable()
            await dispatcher.run(case, calls, None)
            profiler.disable()
            forget_traffic(h)
            for sort in ("tottime", "cumulative"):
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out)
                stats.sort_stats(sort).print_stats(top)
                print(f"===== {case.label}: {calls} calls, by {sort} =====")
                print(out.getvalue())


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------


def percentile(samples: Sequence[int], q: float) -> int:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


HEADERS = ("name", "p50 µs", "p99 µs", "p50 ratio", "p99 ratio", "aim", "meets", "response")
RIGHT = {1, 2, 3, 4}


def rows(cases: Sequence[Case]) -> list[tuple[str, ...]]:
    base = next(c for c in cases if c.kind == "baseline")
    base50, base99 = percentile(base.samples, 0.50), percentile(base.samples, 0.99)
    out = []
    for case in cases:
        p50, p99 = percentile(case.samples, 0.50), percentile(case.samples, 0.99)
        r50, r99 = p50 / base50, p99 / base99
        if case.kind == "baseline":
            aim, meets = "baseline", "-"
        elif case.kind == "command":
            aim, meets = f"p50 ≤ {COMMAND_P50_RATIO_AIM}x", "yes" if r50 <= COMMAND_P50_RATIO_AIM else "NO"
        elif case.kind == "autocomplete":
            aim = f"p99 < {AUTOCOMPLETE_P99_AIM_NS / 1e6:g} ms"
            meets = "yes" if p99 < AUTOCOMPLETE_P99_AIM_NS else "NO"
        else:
            aim, meets = "reference", "-"
        out.append((case.label, f"{p50 / 1000:.1f}", f"{p99 / 1000:.1f}", f"{r50:.2f}x", f"{r99:.2f}x", aim, meets))
        out[-1] += (case.response,)
    return out


def plain_table(table: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in (HEADERS, *table)) for i in range(len(HEADERS))]

    def line(row: Sequence[str]) -> str:
        cells = [cell.rjust(widths[i]) if i in RIGHT else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        return "  ".join(cells).rstrip()

    return "\n".join([line(HEADERS), "  ".join("-" * w for w in widths), *map(line, table)])


def markdown_table(table: Sequence[Sequence[str]]) -> str:
    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"

    align = "| " + " | ".join("---:" if i in RIGHT else "---" for i in range(len(HEADERS))) + " |"
    return "\n".join([line(HEADERS), align, *map(line, table)])


# --------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.dispatch", description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000, help="timed calls per row (default 2000)")
    parser.add_argument("--warmup", type=int, default=200, help="untimed calls per row first (default 200)")
    parser.add_argument("--chunk", type=int, default=100, help="calls per row before switching rows (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the row shuffling")
    parser.add_argument("--only", metavar="TEXT", help="only rows whose name contains TEXT (baseline always runs)")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    parser.add_argument(
        "--profile", metavar="TEXT", help="cProfile the rows whose name contains TEXT instead of timing"
    )
    parser.add_argument("--top", type=int, default=25, help="functions per profile listing (default 25)")
    args = parser.parse_args(argv)
    if args.calls < 1 or args.warmup < 0 or args.chunk < 1:
        parser.error("--calls and --chunk must be positive, --warmup not negative")
    return args


def select(cases: list[Case], text: str | None, *, keep_baseline: bool) -> list[Case]:
    if text is None:
        return cases
    matched = {id(c) for c in cases if text.lower() in c.label.lower()}
    if not matched:
        raise SystemExit(f"no row matches {text!r}; rows: {', '.join(c.label for c in cases)}")
    return [c for c in cases if id(c) in matched or (keep_baseline and c.kind == "baseline")]


async def amain(args: argparse.Namespace) -> int:
    h, db = await build_bot()
    try:
        members = {uid: h.member(uid, name=f"fan{uid}") for uid in PROGRESS}
        for uid, episode in PROGRESS.items():
            await h.invoke("progress set", user=members[uid], episode=episode)
        cases, warnings = build_cases(h)
        if args.profile is not None:
            cases = select(cases, args.profile, keep_baseline=False)
        else:
            cases = select(cases, args.only, keep_baseline=True)
        for warning in warnings:
            print(f"note: {warning}", file=sys.stderr)
        await prepare(h, cases, members)

        if args.profile is not None:
            await profile(h, cases, args.calls, args.warmup, args.top)
            return 0

        elapsed = await measure(h, cases, args.calls, args.warmup, args.chunk, args.seed)
        table = rows(cases)
        print(
            f"Dispatch through the real CommandTree: {args.calls} timed calls per row after {args.warmup} warm-up, "
            f"{len(cases)} rows in {elapsed:.1f}s"
        )
        print(
            f"Python {platform.python_version()}, discord.py {discord.__version__}; "
            f"ratios are to /{BASELINE} (p50 to p50, p99 to p99)"
        )
        print()
        print(markdown_table(table) if args.markdown else plain_table(table))
        missed = [row[0] for row in table if row[6] == "NO"]
        print()
        print(f"{len(missed)} row(s) miss the aim" + (": " + "; ".join(missed) if missed else ""))
        return 0
    finally:
        await close(h)
        await db.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    return asyncio.run(amain(args))


if __name__ == "__main__":
    sys.exit(main())
