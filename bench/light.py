"""The bot against a bare discord.py bot: both real processes, the same stand-in Discord, one run.

    python -m bench.light                         # 3 interleaved repetitions (about 4 minutes on an idle machine)
    python -m bench.light --reps 5 --calls 100    # more of both
    python -m bench.light --sizes 100             # skip the 1,000-server processes

Real: ``python -m bot run`` as an admin starts it (its own folder, a SQLite file database migrated by a first start,
the reminder loops and heartbeat running), and ``bench/bare_bot.py``, a bare discord.py bot written for this bench
(``/ping`` text, ``/card`` embed with a button whose click updates the card, ``/echo`` with a trivial autocomplete;
same intents and mention policy, no database). Both log in over HTTP, find the gateway, IDENTIFY, receive READY
and one GUILD_CREATE per server, and answer INTERACTION_CREATE events with real HTTP requests over loopback.
Modelled: Discord, by the stand-in of the process tests (``bot.standin.FakeDiscord``, whose route table serves
follow-ups, ``@original`` edits and scheduled events too): it answers at once, with no network latency and no rate
limits. Each
bot has its own instance (one aiohttp server thread each, in this process); every interaction payload is built
here the way Discord shapes it (a server member in a text channel of one of the servers), and a member rotates
over 50 users and 20 servers so the caches are in their steady state, as "after warm-up" means.

Measured, as ratios bot / bare bot in the same run:
* latency (p50, p99; 1 in flight): from sending INTERACTION_CREATE on the websocket until the stand-in received the
  interaction's last request (the callback; for a click also its follow-up; for ``/watchparty create`` the deferral,
  the card posted in the channel, the scheduled event and the host's follow-up, which comes last);
* CPU per interaction: the bot process's CPU time (``/proc/PID/task/*/schedstat``, every thread: the event loop
  and the database threads) over a batch, divided by the batch's interactions; idle work (loops, heartbeats)
  counts, as it would on a real machine;
* throughput with 8 and 32 interactions in flight;
* RSS (``/proc/PID/status`` VmRSS) after warm-up (every server answered once, every row run), at 100 and 1,000
  servers;
* start-up: from spawning the process until one interaction in each of the servers has been answered (READY and
  every GUILD_CREATE are sent as soon as it identifies; the interactions follow on the same websocket).

Each row is compared with the bare bot's answer of the same shape: an embed answer with ``/card``, a text answer with
``/ping`` (decided from the callback the bot actually sent), an autocomplete with ``/echo``'s, an RSVP click with the
bare card's button, ``/watchparty create`` with ``/card``. Rows run in a shuffled order per repetition, each
interleaved with its reference call by call (alternating which goes first; throughput: one flood after the other);
each ratio is the median of the ratios of the paired stretches (p99: of every sample pooled); the absolute figures
beside them are medians per process. The machine is shared: read the ratios, not the absolute times.

Why not pyperf: it times two real bot processes end to end (INTERACTION_CREATE on the websocket to the last request
the stand-in receives) and prints bot / bare ratios from interleaved, paired stretches; pyperf times a Python
function in its own workers and has no notion of a second process answering over loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.standin import (
    DEFAULT_APP_PERMISSIONS,
    DEFAULT_MEMBER_PERMISSIONS,
    LOOPBACK_APPLICATION_ID,
    Call,
    FakeDiscord,
    payloads,
)
from tests.process.conftest import clean_environment

ROOT = Path(__file__).resolve().parent.parent
BARE_BOT = ROOT / "bench" / "bare_bot.py"
GUILD_BASE = 800_000_000_000_000_000
USER_BASE = 300_000_000_000_000_000
USERS = 50
ACTIVE_GUILDS = 20
DISCORD_EPOCH_MS = 1_420_070_400_000
MEMBER_PERMISSIONS = DEFAULT_MEMBER_PERMISSIONS.value  # the tests' everyday member and the bot's invite rights
APP_PERMISSIONS = DEFAULT_APP_PERMISSIONS.value
CHANNEL_TYPE_TEXT = 0
LAST_REQUEST_TIMEOUT = 30.0
TOKEN_PATTERN = re.compile(r"itok(\d+)")
APPLICATION_ID = LOOPBACK_APPLICATION_ID
BOT_USER = payloads.user_payload(APPLICATION_ID, "runon-bot", bot=True, global_name="runon-bot")

_ids = itertools.count()
BOT_PATH = ""  # set by --bot-path


def snowflake() -> int:
    """A Discord id from the current time (discord.py reads times, e.g. for cooldowns, from ids)."""
    return (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22 | (next(_ids) & 0x3FFFFF)


# -- the stand-in ---------------------------------------------------------------------------------


@dataclass
class Waiter:
    expected: int
    future: asyncio.Future[None]
    seen: int = 0
    end: int = 0
    bodies: list[Any] = field(default_factory=list)


class Stand(FakeDiscord):
    """The process tests' stand-in, noting when each interaction's last request arrived."""

    def __init__(self, guilds: int) -> None:
        payloads = {GUILD_BASE + i: guild_payload(GUILD_BASE + i) for i in range(guilds)}
        super().__init__(guilds=payloads)
        self.waiting: dict[int, Waiter] = {}
        self.observers.append(self._observe)

    def _observe(self, call: Call) -> None:
        """Each request once answered: the interaction's last one ends its wait."""
        if (token := TOKEN_PATTERN.search(call.path)) is not None:
            waiter = self.waiting.get(int(token[1]))
            if waiter is not None:
                waiter.seen += 1
                waiter.bodies.append(call.json)
                if waiter.seen >= waiter.expected and not waiter.future.done():
                    waiter.end = time.perf_counter_ns()
                    waiter.future.set_result(None)

    async def call(self, payload: dict[str, Any], expected: int) -> tuple[int, Waiter]:
        """Send one interaction; the ns until its last request arrived."""
        assert len(self.ready_sessions()) == 1
        waiter = Waiter(expected, asyncio.get_running_loop().create_future())
        iid = int(payload["id"])
        self.waiting[iid] = waiter
        started = time.perf_counter_ns()
        await self.interact(payload)
        try:
            await asyncio.wait_for(waiter.future, LAST_REQUEST_TIMEOUT)
        finally:
            del self.waiting[iid]
        return waiter.end - started, waiter


def guild_payload(guild_id: int) -> dict[str, Any]:
    """A server with the bot in it (its managed role carries the invite's permissions) and one text channel."""
    role = guild_id + 2
    bot_member = {"user": BOT_USER, "roles": [str(role)], "joined_at": payloads.iso(), "deaf": False, "mute": False,
                  "flags": 0}  # fmt: skip
    roles = [
        payloads.role_payload(guild_id, guild_id, "@everyone", MEMBER_PERMISSIONS, position=0),
        payloads.role_payload(guild_id, role, str(BOT_USER["username"]), APP_PERMISSIONS, position=1, managed=True,
                              tags={"bot_id": BOT_USER["id"]}),
    ]  # fmt: skip
    guild = payloads.guild_payload(
        guild_id, name=f"Run On fans {guild_id % 10_000}", roles=roles, channels=[text_channel(guild_id)],
        members=[bot_member],
    )  # fmt: skip
    guild["member_count"] = 40
    return guild


def text_channel(guild_id: int) -> dict[str, Any]:
    return payloads.channel_payload(guild_id + 1, guild_id, name="general", type=CHANNEL_TYPE_TEXT)


def interaction(kind: int, data: dict[str, Any], guild_id: int, user: int, message: Any = None) -> dict[str, Any]:
    """INTERACTION_CREATE from a member of ``guild_id`` in its text channel."""
    member = payloads.member_payload(user, name=f"fan{user % 1000}", permissions=MEMBER_PERMISSIONS)
    member["user"]["global_name"] = f"Fan {user % 1000}"
    channel = dict(text_channel(guild_id), permissions=str(MEMBER_PERMISSIONS))
    guild = {"id": str(guild_id), "preferred_locale": "en-US", "features": []}
    return payloads.interaction_payload(
        snowflake(), APPLICATION_ID, kind, data, member=member, channel=channel, guild=guild,
        app_permissions=APP_PERMISSIONS, message=message,
    )  # fmt: skip


def slash(command: str, *path: str, **options: Any) -> dict[str, Any]:
    """Command data: ``slash("cast", "lookup", name="x")``; a value wrapped in ``Focused`` is being typed."""
    leaf = []
    for key, value in options.items():
        focused = isinstance(value, Focused)
        value = value.text if isinstance(value, Focused) else value
        kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
        leaf.append({"name": key, "type": kind, "value": value, **({"focused": True} if focused else {})})
    for sub in reversed(path):
        leaf = [{"type": 1, "name": sub, "options": leaf}]
    return {"id": str(snowflake()), "name": command, "type": 1, "options": leaf}


@dataclass(frozen=True)
class Focused:
    text: str


# -- the rows -------------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    bot: str  # "bot" or "bare"
    build: Callable[[Lane, int], dict[str, Any]]  # (lane, call number) -> INTERACTION_CREATE payload
    expected: int = 1  # requests carrying the interaction's token, the last of which ends it
    reference: str | None = None  # the bare row it is compared with; None: decided from the answer
    cheap: bool = False  # in the throughput table
    cpu_aim: float | None = None
    p50_aim: float | None = None
    latencies: list[list[int]] = field(default_factory=list)  # per repetition, ns
    cpu: list[float] = field(default_factory=list)  # per repetition, ns per interaction
    throughput: dict[int, list[float]] = field(default_factory=dict)
    #: bot / bare from each paired stretch ("p50", "cpu", "8", "32"): the table shows their medians
    ratios: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    shape: str = ""


def member(n: int) -> int:
    return USER_BASE + n % USERS


def guild(n: int) -> int:
    return GUILD_BASE + n % ACTIVE_GUILDS


def cheap(label: str, data: Callable[[int], dict[str, Any]], kind: int = 2, **extra: Any) -> Row:
    return Row(
        label,
        "bot",
        lambda lane, n: interaction(kind, data(n), guild(n), member(n)),
        cheap=True,
        cpu_aim=1.2,
        p50_aim=1.2,
        **extra,
    )


#: Every ``/watchparty create`` of a run by a (host, server) pair that made none yet: a member plans at most three
#: in ten minutes and five upcoming in a server, a server holds 25 upcoming (the limits would refuse the rest). The
#: hosts are the same 50 members as every other row (their caches warm), the servers the first 100.
CREATES = itertools.count()
CREATE_GUILDS = 100


def party_create(lane: Lane, n: int) -> dict[str, Any]:
    k = next(CREATES)
    when = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30 + k % 200)).strftime("%Y-%m-%d 20:30")
    data = slash("watchparty", "create", episodes="3-4", when=when, timezone="Asia/Seoul")
    lane.create_guild = GUILD_BASE + k % CREATE_GUILDS
    return interaction(2, data, lane.create_guild, USER_BASE + (k // CREATE_GUILDS) % USERS)


def rsvp_click(lane: Lane, n: int) -> dict[str, Any]:
    card = lane.card
    assert card is not None, "no watch party card to click (the create row runs first)"
    party = int(TOKEN_PARTY.search(json.dumps(card["components"]))[1])  # type: ignore[index]
    status = ("going", "maybe")[(n // USERS) % 2]  # each member's click changes their answer
    data = {"custom_id": f"runon:party:{party}:{status}", "component_type": 2}
    return interaction(3, data, int(card["guild_id"]), member(n), message=card)


def bare_click(lane: Lane, n: int) -> dict[str, Any]:
    body = {"embeds": [{"title": "Episode 1"}], "components": BARE_COMPONENTS}
    message = lane.stand.state.create_message(guild(n) + 1, body)
    data = {"custom_id": "bare:card:going", "component_type": 2}
    return interaction(3, data, guild(n), member(n), message=message)


TOKEN_PARTY = re.compile(r"runon:party:(\d+):")
BARE_COMPONENTS = [
    {"type": 1, "components": [{"type": 2, "style": 3, "label": "Going", "custom_id": "bare:card:going"}]}
]


def make_rows() -> list[Row]:
    return [
        Row("/ping", "bare", lambda lane, n: interaction(2, slash("ping"), guild(n), member(n))),
        Row("/card", "bare", lambda lane, n: interaction(2, slash("card"), guild(n), member(n))),
        Row(
            "/echo autocomplete",
            "bare",
            lambda lane, n: interaction(4, slash("echo", text=Focused("x")), guild(n), member(n)),
        ),
        Row("card button click", "bare", bare_click, expected=2),
        cheap("/episode info", lambda n: slash("episode", "info", episode=9)),
        cheap("/recap", lambda n: slash("recap", episode=9)),
        cheap("/cast lookup", lambda n: slash("cast", "lookup", name="ki-seon-gyeom")),
        cheap("/cast lookup autocomplete", lambda n: slash("cast", "lookup", name=Focused("sun kyum")), kind=4),
        cheap("/airing info", lambda n: slash("airing", "info")),
        cheap("/about", lambda n: slash("about")),
        cheap("/progress show", lambda n: slash("progress", "show")),
        Row(
            "/progress set",
            "bot",
            lambda lane, n: interaction(2, slash("progress", "set", episode=6 + (n // USERS) % 2), guild(n), member(n)),
            cpu_aim=1.5,
            p50_aim=1.5,
        ),
        Row("/watchparty create", "bot", party_create, expected=2, reference="/card", cpu_aim=2.0),
        Row("RSVP click", "bot", rsvp_click, expected=2, reference="card button click", cpu_aim=1.5, p50_aim=1.5),
    ]


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


class Lane:
    """One bot process and its own stand-in."""

    def __init__(self, bot: str, guilds: int, folder: Path, command: list[str] | None = None) -> None:
        self.bot = bot
        self.command = command
        self.guilds = guilds
        self.folder = folder
        self.stand = Stand(guilds)
        self.stand.start()
        self.card: dict[str, Any] | None = None
        self.card_posted: dict[str, Any] | None = None
        self.create_guild = GUILD_BASE
        self.proc: subprocess.Popen[bytes] | None = None
        self.startup = 0.0

    def start(self) -> None:
        env = self.stand.env(clean_environment())
        env.update(LOG_LEVEL="WARNING")
        if self.bot == "bot" and BOT_PATH:  # --bot-path: another checkout's bot, e.g. to measure a "before"
            env["PYTHONPATH"] = BOT_PATH
        command = [sys.executable, "-m", "bot", "run"] if self.bot == "bot" else [sys.executable, str(BARE_BOT)]
        command = self.command or command
        log = (self.folder / f"{self.bot}.log").open("a")
        started = time.perf_counter_ns()
        self.proc = subprocess.Popen(
            command, cwd=self.folder, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL
        )
        log.close()
        first = "/about" if self.bot == "bot" else "/ping"
        self.stand.run(self._all_servers_answered(first))
        self.startup = (time.perf_counter_ns() - started) / 1e9

    async def _all_servers_answered(self, command: str) -> None:
        deadline = time.monotonic() + 120
        while not (
            (sessions := self.stand.ready_sessions()) and sessions[0].sequence >= 1 + self.guilds
        ):  # READY and every GUILD_CREATE sent
            if time.monotonic() > deadline or (self.proc and self.proc.poll() is not None):
                raise RuntimeError(f"{self.bot} did not connect; see {self.folder / (self.bot + '.log')}")
            await asyncio.sleep(0.005)
        name = command.lstrip("/")
        await asyncio.gather(
            *(self.stand.call(interaction(2, slash(name), GUILD_BASE + i, member(i)), 1) for i in range(self.guilds))
        )

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
        self.stand.stop()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def batch(self, row: Row, calls: int, start: int) -> tuple[list[int], float]:
        """``calls`` interactions one after another: latencies (ns), and CPU ns per interaction."""
        before = cpu_ns(self.pid)
        samples = [self.once(row, n) for n in range(start, start + calls)]
        return samples, (cpu_ns(self.pid) - before) / calls

    def once(self, row: Row, n: int) -> int:
        """One interaction: the ns until its last request arrived."""
        elapsed, waiter = self.stand.run(self.stand.call(row.build(self, n), row.expected))
        self._look(row, waiter)
        return int(elapsed)

    def _look(self, row: Row, waiter: Waiter) -> None:
        first = waiter.bodies[0] if waiter.bodies else {}
        text = json.dumps(waiter.bodies)
        if "Something went wrong" in text or "error id" in text:
            row.errors += 1
        if not row.shape and isinstance(first, dict):
            data = first.get("data") or {}
            row.shape = "autocomplete" if first.get("type") == 8 else "embed" if data.get("embeds") else "text"
        if row.label == "/watchparty create":
            posted = [m for m in self.stand.messages.get(self.create_guild + 1, []) if m.get("components")]
            if not posted or posted[-1] is self.card_posted:  # refused (a limit): no card, not what is measured
                row.errors += 1
                return
            self.card_posted = posted[-1]
            self.card = dict(posted[-1], guild_id=str(self.create_guild))

    def flood(self, row: Row, calls: int, in_flight: int, start: int) -> float:
        """Interactions per second with ``in_flight`` at a time."""

        async def go() -> float:
            gate = asyncio.Semaphore(in_flight)

            async def one(n: int) -> None:
                async with gate:
                    await self.stand.call(row.build(self, n), row.expected)

            began = time.perf_counter_ns()
            await asyncio.gather(*(one(n) for n in range(start, start + calls)))
            return calls / ((time.perf_counter_ns() - began) / 1e9)

        return float(self.stand.run(go()))


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


@dataclass
class Process:
    startup: dict[str, list[float]] = field(default_factory=lambda: {"bot": [], "bare": []})
    rss: dict[str, list[float]] = field(default_factory=lambda: {"bot": [], "bare": []})


def warm_up(lanes: dict[str, Lane], rows: list[Row], calls: int) -> None:
    for row in rows:  # creates: once in each of their servers too (each server's settings read once, as in use)
        lanes[row.bot].batch(row, max(calls, CREATE_GUILDS) if row.build is party_create else calls, 10_000)


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
                    for name, lane in lanes.items():
                        processes[size].rss[name].append(rss_mib(lane.pid))
                    if size != args.sizes[0]:
                        continue
                    timed = [row for row in rows if row.bot == "bot"]
                    rng.shuffle(timed)
                    for index, row in enumerate(timed):
                        paired(lanes, [row, by_label[reference_of(row)]], args.calls, rep * 100_000 + index * 1000)
                    for in_flight in (8, 32):
                        for index, row in enumerate(r for r in timed if r.cheap):
                            pair = [row, by_label[reference_of(row)]]
                            rates = {}
                            for one in pair if index % 2 else reversed(pair):
                                rate = lanes[one.bot].flood(one, args.flood, in_flight, 50_000 + index * 1000)
                                one.throughput.setdefault(in_flight, []).append(rate)
                                rates[one.bot] = rate
                            row.ratios.setdefault(str(in_flight), []).append(rates["bot"] / rates["bare"])
                    print(f"repetition {rep + 1} of {args.reps} done", file=sys.stderr, flush=True)
                finally:
                    for lane in lanes.values():
                        lane.close()
    report(rows, by_label, processes, args)


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
        f"{args.flood} a row at 8 and at 32 in flight; {args.sizes[0]:,} servers ({others} for memory and "
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
    print("\n| throughput (cheap commands) | 8 in flight | 32 in flight | bot /s at 8 / 32 | bare /s at 8 / 32 |")
    print("|---|---|---|---|---|")
    for row in (r for r in rows if r.cheap and r.throughput):
        ref = by_label[reference_of(row)]
        cells, absolute = [], []
        for k in (8, 32):
            mine, theirs = median(row.throughput[k]), median(ref.throughput[k])
            paired_ratio = median(row.ratios[str(k)])
            cells.append(f"{paired_ratio:.2f}×{mark(-paired_ratio, -0.8)}")
            absolute.append((mine, theirs))
        print(
            f"| {row.label} vs {ref.label} | {cells[0]} | {cells[1]} | {absolute[0][0]:.0f} / {absolute[1][0]:.0f} | "
            f"{absolute[0][1]:.0f} / {absolute[1][1]:.0f} |"
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
    parser.add_argument("--flood", type=int, default=160, help="calls a row at 8 and at 32 in flight")
    parser.add_argument("--warmup", type=int, default=USERS, help="calls a row before measuring (every member once)")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[100, 1000])
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument(
        "--bot-path",
        metavar="DIR",
        help="run the bot from DIR (a checkout of another commit, e.g. git archive COMMIT bot cogs data | tar -x "
        "-C DIR; ln -s ../data DIR/bot/showpack) to measure it against the bare bot the same way",
    )
    parser.add_argument("--profile", action="append", metavar="ROW", help="cProfile the bot over this row instead")
    parser.add_argument("--top", type=int, default=30, help="functions per profile listing")
    parser.add_argument(
        "--save", metavar="PREFIX", help="with --profile: also keep each row's statistics as PREFIX<row>.prof"
    )
    args = parser.parse_args()
    global BOT_PATH
    BOT_PATH = args.bot_path or ""
    if args.profile:
        profile(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
