"""The bot against a bare discord.py bot: both real processes, the same stand-in Discord, one run.

    python -m bench.light                         # 3 interleaved repetitions (about 3 minutes on a quiet machine)
    python -m bench.light --reps 5 --calls 100    # more of both
    python -m bench.light --sizes 100             # skip the 1,000-server processes

Real: ``python -m bot run`` as an admin starts it (its own folder, a SQLite file database migrated by a first start,
the reminder loops and heartbeat running), and ``bench/bare_bot.py``, a bare discord.py bot written for this bench
(``/ping`` text, ``/card`` embed with a button whose click updates the card, ``/echo`` with a trivial autocomplete,
``/party`` the card in public with a scheduled event made beside it; same intents and mention policy, no
database). Both log in over HTTP, find the gateway, IDENTIFY, receive READY
and one GUILD_CREATE per server, and answer INTERACTION_CREATE events with real HTTP requests over loopback.
Modelled: Discord, by the stand-in of the process tests (``bot.standin.FakeDiscord``, whose route table serves
follow-ups, ``@original`` edits and scheduled events too): it answers at once, with no network latency and no rate
limits. Each bot has its own stand-in in a process of its own (``python -m bench.standin_server``: one aiohttp
server, its own core when one is free), so neither bot's load generator shares a Python process, a GIL or a garbage
collector with the other's or with this bench, which only orchestrates: it sends a command a line over a pipe (one
interaction, a batch, a whole flood) and reads back figures the stand-in process took itself. That process builds
every interaction payload the way Discord shapes it (a server member in a text channel of one of the servers; a
member rotates over 50 users and 20 servers so the caches are in their steady state, as "after warm-up" means),
sends it, and notes when the interaction's last request arrived, all with ``time.perf_counter_ns`` (Linux's
``CLOCK_MONOTONIC``, the same clock in every process: start-up compares the bench's spawn time with the stand-in's
"answered"). It forgets each finished interaction (records, answers, requests) so its heap, and its collector's
pauses, stay small over a run.

Measured, as ratios bot / bare bot in the same run:
* latency (p50, p99; 1 in flight): from sending INTERACTION_CREATE on the websocket until the stand-in received the
  interaction's last request (the callback; for a click also its follow-up; for ``/watchparty create`` the deferral,
  the card posted in the channel, the scheduled event and the host's follow-up, which comes last);
* CPU per interaction: the bot process's CPU time (``/proc/PID/task/*/schedstat``, every thread: the event loop
  and the database threads) over a batch, divided by the batch's interactions; idle work (loops, heartbeats)
  counts, as it would on a real machine;
* throughput with 8 and 32 interactions in flight: the stand-in process fires a flood (400 calls by default, their
  payloads built before its clock starts) keeping 8 or 32 unanswered, and times it from the first send to the last
  interaction's last request. Beside it: the bot process's CPU per interaction over the floods (ratio), and how busy
  each process was at 32 in flight (CPU over the flood's wall time: the stand-in well below the bot, and below a
  core, says the load generator is not what limits the rate);
* RSS (``/proc/PID/status`` VmRSS) after warm-up (every server answered once, every row run), at 100 and 1,000
  servers;
* start-up: from spawning the process until one interaction in each of the servers has been answered (READY and
  every GUILD_CREATE are sent as soon as it identifies; the interactions follow on the same websocket): the bot's
  ``/about`` and the bare bot's ``/card``, both an embed answer (the bare bot answered ``/ping``, a line of text,
  before: lighter than any embed, a difference that counts a thousand times at 1,000 servers).

Each row is compared with the bare bot's answer of the same shape: an embed or layout answer with ``/card``, a text
answer with ``/ping`` (decided from the callback the bot actually sent), an autocomplete with ``/echo``'s, an RSVP
click with the bare card's button, ``/watchparty create`` with ``/card``; and ``/watchparty create`` once more
with ``/party``, the bare bot making the same two Discord requests the same way (the card as the command's public
answer, an external scheduled event beside it): the issue's "Discord's own requests aside", what the bot costs beyond
the requests any bot doing this has to make. Rows run in a shuffled order per
repetition, each interleaved with its reference call by call (alternating which goes first). At 1 in flight each
ratio is the median of the ratios of the paired stretches (p99: of every sample pooled). Throughput runs
``--stretches`` floods of each row and as many of its reference, alternating (bot, bare, bare, bot, ...), after a
flood that opens each bot's connections; its ratios are the geometric mean of the middle half of the ratios of
neighbouring floods (a neighbour's burst that halves one flood's rate falls in the discarded quarters). The absolute
figures beside the ratios are medians per process. The machine is shared: read the ratios, not the absolute times.

Why not pyperf: it times two real bot processes end to end (INTERACTION_CREATE on the websocket to the last request
the stand-in receives) and prints bot / bare ratios from interleaved, paired stretches; pyperf times a Python
function in its own workers and has no notion of a second process answering over loopback.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.standin_server import CREATE_BESIDE_PARTY, CREATE_GUILDS, KINDS, USERS
from tests.process.conftest import clean_environment

ROOT = Path(__file__).resolve().parent.parent
BARE_BOT = ROOT / "bench" / "bare_bot.py"
BOT_PATH = ""  # set by --bot-path
#: Seconds both bots stay idle after the warm-up before their memory is read: the bot hands the C heap's free pages
#: back at its first quiet moment after a busy stretch, checked every 5 s (``bot.client.TRIM_CHECK``).
IDLE_BEFORE_RSS = 6.0


def precompile(*folders: Path) -> None:
    """Write the bytecode of the bot's own modules, as installing it does (pip compiles a wheel's modules when it
    installs them; the container and the systemd unit run an installed wheel). A checkout run with
    ``PYTHONDONTWRITEBYTECODE=1`` would otherwise compile its ~140 modules from source at every start (about 0.2 s),
    which no installed bot does; the bare bot's libraries come compiled from their wheels too."""
    import compileall

    for folder in folders:
        compileall.compile_dir(folder, quiet=1)


# -- the rows -------------------------------------------------------------------------------------


@dataclass
class Row:
    label: str  # also how the stand-in process builds its interaction (bench.standin_server.KINDS)
    bot: str  # "bot" or "bare"
    reference: str | None = None  # the bare row it is compared with; None: decided from the answer
    cheap: bool = False  # in the throughput table
    cpu_aim: float | None = None
    p50_aim: float | None = None
    latencies: list[list[int]] = field(default_factory=list)  # per repetition, ns
    cpu: list[float] = field(default_factory=list)  # per repetition, ns per interaction
    throughput: dict[int, list[float]] = field(default_factory=dict)
    #: CPU over a flood's wall time (1.0: a core busy all along) of the bot process and of its stand-in's
    busy: dict[int, list[tuple[float, float]]] = field(default_factory=dict)
    #: bot / bare from each paired stretch ("p50", "cpu", "8", "32"): the table shows their medians
    ratios: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    shape: str = ""


def cheap(label: str, **extra: Any) -> Row:
    return Row(label, "bot", cheap=True, cpu_aim=1.2, p50_aim=1.2, **extra)


def make_rows() -> list[Row]:
    rows = [
        Row("/ping", "bare"),
        Row("/card", "bare"),
        Row("/party", "bare"),
        Row("/echo autocomplete", "bare"),
        Row("card button click", "bare"),
        cheap("/episode info"),
        cheap("/recap"),
        cheap("/cast lookup"),
        cheap("/cast lookup autocomplete"),
        cheap("/airing info"),
        cheap("/about"),
        cheap("/progress show"),
        Row("/progress set", "bot", cpu_aim=1.5, p50_aim=1.5),
        Row("/watchparty create", "bot", reference="/card", cpu_aim=2.0),
        Row(CREATE_BESIDE_PARTY, "bot", reference="/party", cpu_aim=2.0),
        Row("RSVP click", "bot", reference="card button click", cpu_aim=1.5, p50_aim=1.5),
    ]
    assert {row.label for row in rows} == set(KINDS), "every row is built by the stand-in process"
    return rows


# -- the processes --------------------------------------------------------------------------------


def cpu_ns(pid: int) -> int:
    """CPU time of every thread of the process so far (ns on CPU, from the scheduler's own accounting)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as handle:
                total += int(handle.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass  # a thread that just ended
    return total


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


#: The next ``/watchparty create``'s number over the whole run (the bot's database outlives its processes).
CREATES = [0]


class StandIn:
    """A stand-in Discord in a process of its own (``python -m bench.standin_server``), one command at a time."""

    def __init__(self, guilds: int, log: Path) -> None:
        with log.open("a") as errors:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bench.standin_server", "--guilds", str(guilds), "--creates", str(CREATES[0])],
                cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
            )  # fmt: skip
        self.log = log
        hello = self._read()
        self.api_base, self.token, self.pid = str(hello["api_base"]), str(hello["token"]), int(hello["pid"])

    def env(self, base: dict[str, str]) -> dict[str, str]:
        return dict(base, DISCORD_API_BASE=self.api_base, DISCORD_TOKEN=self.token)

    def send(self, op: str, **args: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(dict(args, op=op)).encode() + b"\n")
        self.proc.stdin.flush()
        answer = self._read()
        if "error" in answer:
            raise RuntimeError(f"the stand-in could not {op}: {answer['error']}")
        CREATES[0] = max(CREATES[0], int(answer.get("creates", 0)))
        return answer

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the stand-in process ended; see {self.log}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.write(b'{"op": "quit"}\n')
                self.proc.stdin.close()
                self.proc.wait(15)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(5)


class Lane:
    """One bot process and its own stand-in process."""

    def __init__(self, bot: str, guilds: int, folder: Path, command: list[str] | None = None) -> None:
        self.bot = bot
        self.command = command
        self.guilds = guilds
        self.folder = folder
        self.stand = StandIn(guilds, folder / f"{bot}-standin.log")
        self.proc: subprocess.Popen[bytes] | None = None
        self.startup = 0.0
        self.shapes: dict[str, str] = {}

    def start(self) -> None:
        env = self.stand.env(clean_environment())
        env.update(LOG_LEVEL="WARNING")
        if self.bot == "bot" and BOT_PATH:  # --bot-path: another checkout's bot, e.g. to measure a "before"
            env["PYTHONPATH"] = BOT_PATH
        command = [sys.executable, "-m", "bot", "run"] if self.bot == "bot" else [sys.executable, str(BARE_BOT)]
        command = self.command or command
        log = (self.folder / f"{self.bot}.log").open("a")
        started = time.perf_counter_ns()  # CLOCK_MONOTONIC, as the stand-in process's "end"
        self.proc = subprocess.Popen(
            command, cwd=self.folder, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL
        )
        log.close()
        try:
            answer = self.stand.send("startup", pid=self.proc.pid, first="/about" if self.bot == "bot" else "/card")
        except RuntimeError as error:
            raise RuntimeError(f"{self.bot} did not start ({error}); see {self.folder / (self.bot + '.log')}") from None
        self.startup = (int(answer["end"]) - started) / 1e9

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def close(self) -> None:
        self.stop()
        self.stand.close()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def _note(self, row: Row, answer: dict[str, Any]) -> None:
        row.errors += int(answer["errors"])
        row.shape = row.shape or str(answer.get("shape") or "")

    def batch(self, row: Row, calls: int, start: int) -> tuple[list[int], float]:
        """``calls`` interactions one after another: latencies (ns), and CPU ns per interaction."""
        before = cpu_ns(self.pid)
        answer = self.stand.send("batch", row=row.label, calls=calls, start=start)
        cpu = (cpu_ns(self.pid) - before) / calls
        self._note(row, answer)
        return [int(ns) for ns in answer["ns"]], cpu

    def once(self, row: Row, n: int) -> int:
        """One interaction: the ns until its last request arrived."""
        answer = self.stand.send("once", row=row.label, n=n)
        self._note(row, answer)
        return int(answer["ns"])

    def flood(self, row: Row, calls: int, in_flight: int, start: int) -> tuple[float, tuple[float, float]]:
        """Interactions per second with ``in_flight`` at a time, and how busy the bot process and the stand-in
        process were (CPU over the flood's wall time; the bot's read around the command, so a little above)."""
        before = cpu_ns(self.pid)
        answer = self.stand.send("flood", row=row.label, calls=calls, in_flight=in_flight, start=start)
        bot = cpu_ns(self.pid) - before
        self._note(row, answer)
        wall = int(answer["wall_ns"])
        return float(answer["rate"]), (bot / wall, int(answer["cpu_ns"]) / wall)


# -- the run --------------------------------------------------------------------------------------


def reference_of(row: Row) -> str:
    if row.reference:
        return row.reference
    return {"autocomplete": "/echo autocomplete", "embed": "/card"}.get(row.shape, "/ping")


def pct(samples: list[int], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1e6


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def middle_mean(ratios: list[float]) -> float:
    """The geometric mean of the middle half of the ratios (the interquartile mean of their logarithms): less
    swayed by a flood a neighbour's burst hit than a mean, steadier than a median over a dozen pairs."""
    if not ratios:
        return float("nan")
    ordered = sorted(math.log(r) for r in ratios)
    cut = len(ordered) // 4
    kept = ordered[cut : len(ordered) - cut]
    return math.exp(sum(kept) / len(kept))


@dataclass
class Process:
    startup: dict[str, list[float]] = field(default_factory=lambda: {"bot": [], "bare": []})
    rss: dict[str, list[float]] = field(default_factory=lambda: {"bot": [], "bare": []})


def warm_up(lanes: dict[str, Lane], rows: list[Row], calls: int) -> None:
    for row in rows:  # creates: once in each of their servers too (each server's settings read once, as in use)
        lanes[row.bot].batch(row, max(calls, CREATE_GUILDS) if row.label == "/watchparty create" else calls, 10_000)


def paired(lanes: dict[str, Lane], pair: list[Row], calls: int, start: int) -> None:
    """A row and its reference call by call, alternating which goes first: drift (the neighbours' load, frequency)
    hits both alike. CPU is each process's over the whole stretch (the work after an answer counts too)."""
    before = {one.label: cpu_ns(lanes[one.bot].pid) for one in pair}
    samples: dict[str, list[int]] = {one.label: [] for one in pair}
    for n in range(start, start + calls):
        for one in pair if n % 2 else reversed(pair):
            samples[one.label].append(lanes[one.bot].once(one, n))
    for one in pair:
        one.latencies.append(samples[one.label])
        one.cpu.append((cpu_ns(lanes[one.bot].pid) - before[one.label]) / calls)
    row, ref = pair
    row.ratios.setdefault("p50", []).append(pct(row.latencies[-1], 0.5) / pct(ref.latencies[-1], 0.5))
    row.ratios.setdefault("cpu", []).append(row.cpu[-1] / ref.cpu[-1])


def floods(lanes: dict[str, Lane], pair: list[Row], in_flight: int, args: argparse.Namespace, start: int) -> None:
    """A row's floods and its reference's, ``args.stretches`` of each, alternating (bot, bare, bare, bot, ...):
    each bot / bare ratio is of two neighbouring floods, so drift in the neighbours' load hits both alike."""
    row = pair[0]
    for stretch in range(args.stretches):
        rates, cpu = {}, {}
        for one in pair if stretch % 2 else reversed(pair):
            rate, busy = lanes[one.bot].flood(one, args.flood, in_flight, start + stretch * args.flood)
            one.throughput.setdefault(in_flight, []).append(rate)
            one.busy.setdefault(in_flight, []).append(busy)
            rates[one.bot], cpu[one.bot] = rate, busy[0] / rate  # the bot process's CPU seconds per interaction
        row.ratios.setdefault(str(in_flight), []).append(rates["bot"] / rates["bare"])
        row.ratios.setdefault(f"cpu{in_flight}", []).append(cpu["bot"] / cpu["bare"])


def start_pair(folders: dict[str, Path], guilds: int, process: Process, rep: int) -> dict[str, Lane]:
    lanes: dict[str, Lane] = {}
    order = ["bot", "bare"] if rep % 2 else ["bare", "bot"]
    for name in order:  # one at a time: a start-up does not compete with the other's
        lane = Lane(name, guilds, folders[name])
        lanes[name] = lane
        lane.start()
        process.startup[name].append(lane.startup)
    return lanes


def run(args: argparse.Namespace) -> None:
    rows = make_rows()
    by_label = {row.label: row for row in rows}
    processes: dict[int, Process] = {size: Process() for size in args.sizes}
    rng = random.Random(args.seed)
    source = Path(BOT_PATH) if BOT_PATH else ROOT
    precompile(source / "bot", source / "cogs")
    with tempfile.TemporaryDirectory(prefix="bench-light-") as tmp:
        folders = {"bot": Path(tmp) / "bot", "bare": Path(tmp) / "bare"}
        for folder in folders.values():
            folder.mkdir()
        prime = Lane("bot", 1, folders["bot"])  # creates and migrates the database: later starts are restarts
        try:
            prime.start()
        finally:
            prime.close()
        for rep in range(args.reps):
            for size in args.sizes:
                lanes = start_pair(folders, size, processes[size], rep)
                try:
                    warm_up(lanes, rows, args.warmup)
                    time.sleep(IDLE_BEFORE_RSS)  # both idle a moment, as a bot between interactions is
                    for name, lane in lanes.items():
                        processes[size].rss[name].append(rss_mib(lane.pid))
                    if size != args.sizes[0]:
                        continue
                    timed = [row for row in rows if row.bot == "bot"]
                    rng.shuffle(timed)
                    for index, row in enumerate(timed if args.latency else []):
                        paired(lanes, [row, by_label[reference_of(row)]], args.calls, rep * 100_000 + index * 1000)
                    for name, lane in lanes.items():  # each bot's connections to Discord opened, 32 at a time
                        lane.flood(by_label["/about" if name == "bot" else "/ping"], 320, 32, 40_000)
                    for in_flight in (8, 32):
                        for index, row in enumerate(r for r in timed if r.cheap):
                            floods(lanes, [row, by_label[reference_of(row)]], in_flight, args, 50_000 + index * 10_000)
                    print(f"repetition {rep + 1} of {args.reps} done", file=sys.stderr, flush=True)
                finally:
                    for lane in lanes.values():
                        lane.close()
    report(rows, by_label, processes, args)
    if args.raw:
        raw = {row.label: {"throughput": row.throughput, "busy": row.busy, "ratios": row.ratios} for row in rows}
        Path(args.raw).write_text(json.dumps(raw, indent=1), encoding="utf-8")


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "-"


def mark(value: float, aim: float | None) -> str:
    if aim is None:
        return ""
    return " ✓" if value <= aim else " ✗"


def report(rows: list[Row], by_label: dict[str, Row], processes: dict[int, Process], args: argparse.Namespace) -> None:
    others = ", ".join(f"{size:,}" for size in args.sizes[1:]) or "no other size"
    print(
        f"\nbench.light: {args.reps} interleaved repetitions; {args.calls} calls a row each at 1 in flight, "
        f"{args.stretches} floods of {args.flood} a row at 8 and at 32 in flight, each beside one of its reference; "
        f"{args.sizes[0]:,} servers ({others} for memory and "
        "start-up). Ratios are bot / bare bot in the same run; ✓/✗ against the issue's aim.\n"
    )
    print("| interaction (1 in flight) | bare reference | p50 | p99 | CPU per interaction | bot p50 / p99 / CPU | "
          "bare p50 / p99 / CPU | errors |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for row in (r for r in rows if r.bot == "bot" and r.latencies):
        ref = by_label[reference_of(row)]
        p50, rp50 = median([pct(s, 0.5) for s in row.latencies]), median([pct(s, 0.5) for s in ref.latencies])
        p99, rp99 = pct(list(itertools.chain(*row.latencies)), 0.99), pct(list(itertools.chain(*ref.latencies)), 0.99)
        cpu, rcpu = median(row.cpu) / 1e6, median(ref.cpu) / 1e6
        p50_ratio, cpu_ratio = median(row.ratios["p50"]), median(row.ratios["cpu"])
        print(
            f"| {row.label} | {ref.label} | {p50_ratio:.2f}×{mark(p50_ratio, row.p50_aim)} | {ratio(p99, rp99)} | "
            f"{cpu_ratio:.2f}×{mark(cpu_ratio, row.cpu_aim)} | {p50:.2f} / {p99:.2f} / {cpu:.2f} ms | "
            f"{rp50:.2f} / {rp99:.2f} / {rcpu:.2f} ms | {row.errors + ref.errors} |"
        )
    print(
        "\n| throughput (cheap commands) | 8 in flight | 32 in flight | bot /s at 8 / 32 | bare /s at 8 / 32 | "
        "bot CPU per interaction at 8 / 32 | busy at 32: bot, its stand-in / bare bot, its stand-in |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in (r for r in rows if r.cheap and r.throughput):
        ref = by_label[reference_of(row)]
        cells, rates, flood_cpu = [], [], []
        for k in (8, 32):
            paired_ratio = middle_mean(row.ratios[str(k)])
            cells.append(f"{paired_ratio:.2f}×{mark(-paired_ratio, -0.8)}")
            rates.append(f"{median(row.throughput[k]):.0f}")
            flood_cpu.append(f"{middle_mean(row.ratios[f'cpu{k}']):.2f}×")
        busy = [median([b[i] for b in one.busy[32]]) for one in (row, ref) for i in (0, 1)]
        print(
            f"| {row.label} vs {ref.label} | {cells[0]} | {cells[1]} | {' / '.join(rates)} | "
            f"{median(ref.throughput[8]):.0f} / {median(ref.throughput[32]):.0f} | {' / '.join(flood_cpu)} | "
            f"{busy[0]:.0%}, {busy[1]:.0%} / {busy[2]:.0%}, {busy[3]:.0%} |"
        )
    print("\n| process | servers | ratio | bot | bare bot |")
    print("|---|---|---|---|---|")
    for size, process in processes.items():
        bot, bare = median(process.rss["bot"]), median(process.rss["bare"])
        each = median([a / b for a, b in zip(process.rss["bot"], process.rss["bare"], strict=True)])
        print(f"| RSS after warm-up | {size:,} | {each:.2f}×{mark(each, 1.5)} | {bot:.1f} MiB | {bare:.1f} MiB |")
        bot, bare = median(process.startup["bot"]), median(process.startup["bare"])
        each = median([a / b for a, b in zip(process.startup["bot"], process.startup["bare"], strict=True)])
        print(
            f"| start-up to every server answered | {size:,} | {each:.2f}×{mark(each, 1.2)} | {bot:.2f} s | "
            f"{bare:.2f} s |"
        )


#: Where a function's own time is counted, by the first of these its file name contains.
AREAS = (
    ("select.epoll", "waiting (epoll: Discord's answers, the database thread)"),
    ("_queue.SimpleQueue", "handing work to the database thread (put_nowait)"),
    ("sqlalchemy", "SQLAlchemy (building, compiling, results)"),
    ("aiosqlite", "aiosqlite"),
    ("discord", "discord.py"),
    ("aiohttp", "aiohttp (HTTP, websocket)"),
    ("asyncio", "asyncio"),
    ("/bot/", "the bot's own code (bot/)"),
    ("/cogs/", "the bot's own code (cogs/)"),
    ("json", "json"),
    ("babel", "Babel"),
)


def where_the_time_goes(stats: Any, calls: int) -> str:
    """The profile's own time per interaction, summed by library: a summary of where the milliseconds go."""
    totals: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        where = f"{filename}:{name}"
        area = next((label for key, label in AREAS if key in where), "other (socket calls, C builtins, stdlib)")
        totals[area] = totals.get(area, 0.0) + tottime
    whole = sum(totals.values())
    lines = [f"  {seconds / calls * 1000:7.3f} ms  {seconds / whole:6.1%}  {area}"
             for area, seconds in sorted(totals.items(), key=lambda item: -item[1])]  # fmt: skip
    return "per interaction, under the profiler (its overhead inflates Python-heavy parts):\n" + "\n".join(lines)


def profile(args: argparse.Namespace) -> None:
    """cProfile the bot process (its event loop thread) over ``--calls`` interactions of each row named."""
    import pstats
    import signal

    rows = make_rows()
    wanted = [row for row in rows if row.bot == "bot" and row.label in args.profile]
    with tempfile.TemporaryDirectory(prefix="bench-light-") as tmp:
        folder = Path(tmp)
        out = folder / "bot.prof"
        prime = Lane("bot", 1, folder)
        try:
            prime.start()
        finally:
            prime.close()
        lane = Lane("bot", args.sizes[0], folder, [sys.executable, str(ROOT / "bench" / "profiled_bot.py"), str(out)])
        try:
            lane.start()
            warm_up({"bot": lane}, [row for row in rows if row.bot == "bot"], args.warmup)
            for row in wanted:
                out.unlink(missing_ok=True)
                os.kill(lane.pid, signal.SIGUSR1)
                time.sleep(0.2)
                samples, cpu = lane.batch(row, args.calls, 70_000)
                os.kill(lane.pid, signal.SIGUSR2)
                deadline = time.monotonic() + 30
                while not out.exists() and time.monotonic() < deadline:
                    time.sleep(0.1)
                time.sleep(0.5)
                print(f"\n===== {row.label}: {args.calls} calls in the real process, p50 {pct(samples, 0.5):.2f} ms, "
                      f"{cpu / 1e6:.2f} ms CPU each (unprofiled figures: see the table) =====")  # fmt: skip
                if args.save:
                    shutil.copy(out, f"{args.save}{row.label.strip('/').replace(' ', '_')}.prof")
                stats = pstats.Stats(str(out))
                print(where_the_time_goes(stats, args.calls))
                for order in ("tottime", "cumulative"):
                    stats.sort_stats(order).print_stats(args.top)
        finally:
            lane.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--calls", type=int, default=60, help="timed calls a row per repetition, 1 in flight")
    parser.add_argument("--flood", type=int, default=400, help="calls a flood at 8 and at 32 in flight")
    parser.add_argument(
        "--stretches", type=int, default=8, help="floods a row (and as many of its reference) per repetition"
    )
    parser.add_argument("--warmup", type=int, default=USERS, help="calls a row before measuring (every member once)")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[100, 1000])
    parser.add_argument(
        "--no-latency", dest="latency", action="store_false", help="skip the 1-in-flight rows (throughput only)"
    )
    parser.add_argument("--raw", metavar="FILE", help="also write every flood's figures and paired ratio (JSON)")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument(
        "--bot-path",
        metavar="DIR",
        help="run the bot from DIR (a checkout of another commit, e.g. git archive COMMIT bot cogs data | tar -x "
        "-C DIR; ln -s ../data DIR/bot/showpack) to measure it against the bare bot the same way",
    )
    parser.add_argument(
        "--create-requests",
        type=int,
        metavar="N",
        help="requests with the interaction's token that end a /watchparty create (default 1, its card; 2 for a bot "
        "before the card became the answer, whose host's follow-up came last)",
    )
    parser.add_argument("--profile", action="append", metavar="ROW", help="cProfile the bot over this row instead")
    parser.add_argument("--top", type=int, default=30, help="functions per profile listing")
    parser.add_argument(
        "--save", metavar="PREFIX", help="with --profile: also keep each row's statistics as PREFIX<row>.prof"
    )
    args = parser.parse_args()
    global BOT_PATH
    BOT_PATH = args.bot_path or ""
    if args.create_requests:
        os.environ["BENCH_CREATE_REQUESTS"] = str(args.create_requests)  # read by the stand-in processes
    if args.profile:
        profile(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
