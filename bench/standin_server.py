"""One bot's stand-in Discord for ``bench.light``, in a process of its own, driven over a pipe.

    python -m bench.standin_server --guilds 100      # then JSON lines on stdin, one answer line each on stdout

``bench.light`` starts one of these per bot process, so the stand-in's work (building INTERACTION_CREATE payloads,
sending them on the websocket, parsing and answering the bot's HTTP requests) runs on a core of its own and never
shares a Python process, a GIL or a garbage collector with the other bot's stand-in or with the bench. The bench
only orchestrates: each command below is one line, and the work it asks for (one interaction, a batch, or a whole
flood of N interactions with K in flight) is done here, with every timestamp taken here (``time.perf_counter_ns``,
which is ``CLOCK_MONOTONIC`` on Linux: the bench compares it with its own, e.g. for start-up).

Commands (a JSON object a line; the answer is a JSON object a line, ``{"error": ...}`` when the command failed):

* ``{"op": "startup", "pid": P, "first": "/about"}``: wait until process ``P`` identified and got READY and every
  GUILD_CREATE, then send ``first`` in every server (all at once) and wait for each answer: ``{"end": ns}``.
* ``{"op": "once", "row": LABEL, "n": N}``: one interaction of the row (``n`` picks its member and server), to its
  last request: ``{"ns": latency, ...}``.
* ``{"op": "batch", "row": LABEL, "calls": C, "start": N}``: ``C`` of them one after the other: ``{"ns": [...]}``.
* ``{"op": "flood", "row": LABEL, "calls": C, "in_flight": K, "start": N}``: ``C`` interactions, ``K`` in flight
  at any time (payloads built before the clock starts): ``{"rate": per second, "cpu_ns": this process's CPU over
  the flood, "wall_ns": ...}``.
* ``{"op": "quit"}``.

Every answer also carries ``errors`` (interactions answered with an error message, refused by the stand-in, or
never finished), ``shape`` (what the row's first answer was: ``embed``, ``text`` or ``autocomplete``) and
``creates`` (the next ``/watchparty create`` number, for the next process on the same database).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import itertools
import json
import os
import re
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.standin import (
    DEFAULT_APP_PERMISSIONS,
    DEFAULT_MEMBER_PERMISSIONS,
    LOOPBACK_APPLICATION_ID,
    Call,
    FakeDiscord,
    payloads,
)

GUILD_BASE = 800_000_000_000_000_000
USER_BASE = 300_000_000_000_000_000
USERS = 50
ACTIVE_GUILDS = 20
DISCORD_EPOCH_MS = 1_420_070_400_000
MEMBER_PERMISSIONS = DEFAULT_MEMBER_PERMISSIONS.value  # the tests' everyday member and the bot's invite rights
APP_PERMISSIONS = DEFAULT_APP_PERMISSIONS.value
CHANNEL_TYPE_TEXT = 0
LAST_REQUEST_TIMEOUT = 30.0
STARTUP_TIMEOUT = 120.0
TOKEN_PATTERN = re.compile(r"itok(\d+)")
TOKEN_PARTY = re.compile(r"runon:party:(\d+):")
APPLICATION_ID = LOOPBACK_APPLICATION_ID
BOT_USER = payloads.user_payload(APPLICATION_ID, "runon-bot", bot=True, global_name="runon-bot")
BARE_COMPONENTS = [
    {"type": 1, "components": [{"type": 2, "style": 3, "label": "Going", "custom_id": "bare:card:going"}]}
]
#: A ``/watchparty create`` goes to a (host, server) pair that made none yet: a member plans at most three in ten
#: minutes and five upcoming in a server, a server holds 25 upcoming (the limits would refuse the rest). The hosts
#: are the same 50 members as every other row (their caches warm), the servers the first 100.
CREATE_GUILDS = 100
#: ``/watchparty create`` compared with ``/party`` instead of ``/card``: what the bot costs beyond its Discord requests.
CREATE_BESIDE_PARTY = "/watchparty create (requests aside)"
COMPONENTS_V2 = 1 << 15  # a message flag: the answer is a layout (Discord's components v2), a card like an embed

_ids = itertools.count()


def snowflake() -> int:
    """A Discord id from the current time (discord.py reads times, e.g. for cooldowns, from ids)."""
    return (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22 | (next(_ids) & 0x3FFFFF)


# -- payloads -------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Focused:
    text: str


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


def member(n: int) -> int:
    return USER_BASE + n % USERS


def guild(n: int) -> int:
    return GUILD_BASE + n % ACTIVE_GUILDS


# -- the rows: how each builds its interaction ------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    build: Callable[[Stand, int], dict[str, Any]]  # (stand-in, call number) -> INTERACTION_CREATE payload
    expected: int = 1  # requests carrying the interaction's token, the last of which ends it


def command(kind: int, data: Callable[[int], dict[str, Any]]) -> Kind:
    return Kind(lambda stand, n: interaction(kind, data(n), guild(n), member(n)))


def party_create(stand: Stand, n: int) -> dict[str, Any]:
    k = stand.creates
    stand.creates += 1
    when = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30 + k % 200)).strftime("%Y-%m-%d 20:30")
    data = slash("watchparty", "create", episodes="3-4", when=when, timezone="Asia/Seoul")
    stand.create_guild = GUILD_BASE + k % CREATE_GUILDS
    return interaction(2, data, stand.create_guild, USER_BASE + (k // CREATE_GUILDS) % USERS)


def rsvp_click(stand: Stand, n: int) -> dict[str, Any]:
    card = stand.card
    assert card is not None, "no watch party card to click (the create row runs first)"
    party = int(TOKEN_PARTY.search(json.dumps(card["components"]))[1])  # type: ignore[index]
    status = ("going", "maybe")[(n // USERS) % 2]  # each member's click changes their answer
    data = {"custom_id": f"runon:party:{party}:{status}", "component_type": 2}
    return interaction(3, data, int(card["guild_id"]), member(n), message=card)


def bare_click(stand: Stand, n: int) -> dict[str, Any]:
    body = {"embeds": [{"title": "Episode 1"}], "components": BARE_COMPONENTS}
    message = stand.state.create_message(guild(n) + 1, body)
    data = {"custom_id": "bare:card:going", "component_type": 2}
    return interaction(3, data, guild(n), member(n), message=message)


CREATE = Kind(party_create, expected=int(os.environ.get("BENCH_CREATE_REQUESTS", "1")))

#: Every row of ``bench.light`` by its label.
KINDS: dict[str, Kind] = {
    "/ping": command(2, lambda n: slash("ping")),
    "/card": command(2, lambda n: slash("card")),
    "/party": Kind(lambda stand, n: interaction(2, slash("party"), GUILD_BASE + n % CREATE_GUILDS, member(n))),
    "/echo autocomplete": command(4, lambda n: slash("echo", text=Focused("x"))),
    "card button click": Kind(bare_click, expected=2),
    "/episode info": command(2, lambda n: slash("episode", "info", episode=9)),
    "/recap": command(2, lambda n: slash("recap", episode=9)),
    "/cast lookup": command(2, lambda n: slash("cast", "lookup", name="ki-seon-gyeom")),
    "/cast lookup autocomplete": command(4, lambda n: slash("cast", "lookup", name=Focused("sun kyum"))),
    "/airing info": command(2, lambda n: slash("airing", "info")),
    "/about": command(2, lambda n: slash("about")),
    "/progress show": command(2, lambda n: slash("progress", "show")),
    "/progress set": command(2, lambda n: slash("progress", "set", episode=6 + (n // USERS) % 2)),
    # The card is the answer itself (a checkout before it, --bot-path: 2, until the host's follow-up, which came last).
    "/watchparty create": CREATE,
    # The same command again, beside the bare bot's /party (its Discord requests made the same way, nothing else).
    CREATE_BESIDE_PARTY: CREATE,
    "RSVP click": Kind(rsvp_click, expected=2),
}


# -- the stand-in ---------------------------------------------------------------------------------


@dataclass
class Waiter:
    expected: int
    future: asyncio.Future[None]
    seen: int = 0
    end: int = 0
    failed: bool = False  # a request the stand-in refused (4xx/5xx)
    bodies: list[Any] = field(default_factory=list)


class Stand(FakeDiscord):
    """The process tests' stand-in, noting when each interaction's last request arrived."""

    def __init__(self, guilds: int, creates: int = 0) -> None:
        super().__init__(guilds={GUILD_BASE + i: guild_payload(GUILD_BASE + i) for i in range(guilds)})
        self.guild_count = guilds
        self.waiting: dict[int, Waiter] = {}
        self.observers.append(self._observe)
        self.creates = creates
        self.create_guild = GUILD_BASE
        self.card: dict[str, Any] | None = None  # the last watch party card posted (the RSVP row clicks it)
        self.posted: dict[str, Any] | None = None  # the card posted by the ``/watchparty create`` running now
        self.sent: list[str] = []  # tokens of the interactions sent since the last clean-up

    def _observe(self, call: Call) -> None:
        """Each request once answered: the interaction's last one ends its wait."""
        if (token := TOKEN_PATTERN.search(call.path)) is not None:
            waiter = self.waiting.get(int(token[1]))
            if waiter is not None:
                waiter.seen += 1
                waiter.bodies.append(call.json)
                waiter.failed = waiter.failed or call.status >= 400
                message = (call.result.get("resource") or {}).get("message") if isinstance(call.result, dict) else None
                public = not int(((call.json or {}).get("data") or {}).get("flags") or 0) & 64
                if (call.json or {}).get("type") == 4 and public and message and message.get("components"):
                    self.posted = message  # a public answer with buttons: /watchparty create's card, in the channel
                if waiter.seen >= waiter.expected and not waiter.future.done():
                    waiter.end = time.perf_counter_ns()
                    waiter.future.set_result(None)
        elif (
            call.method == "POST"
            and call.path == f"/channels/{self.create_guild + 1}/messages"
            and isinstance(call.result, dict)
            and call.result.get("components")
        ):
            self.posted = call.result

    async def call(self, payload: dict[str, Any], expected: int) -> tuple[int, Waiter]:
        """Send one interaction; the ns until its last request arrived (the waiter failed if it never did)."""
        waiter = Waiter(expected, asyncio.get_running_loop().create_future())
        iid = int(payload["id"])
        self.waiting[iid] = waiter
        self.sent.append(payload["token"])
        started = time.perf_counter_ns()
        await self.interact(payload)
        try:
            async with asyncio.timeout(LAST_REQUEST_TIMEOUT):
                await waiter.future
        except TimeoutError:
            waiter.failed = True
        finally:
            del self.waiting[iid]
        return waiter.end - started, waiter

    def clean_up(self) -> None:
        """Forget what the finished interactions left (records, answers, requests): the heap stays small, so the
        garbage collector's pauses do not grow over a run. The watch party card the RSVP row clicks is kept."""
        keep = int(self.card["id"]) if self.card else None
        for token in self.sent:
            record = self.state.tokens.pop(token, None)
            if record is not None:
                self.state.interactions.pop(record.id, None)
            self.state.originals.pop(token, None)
        self.sent.clear()
        for message_id in [m for m in self.state.messages if m != keep]:
            del self.state.messages[message_id]
        self.requests.clear()
        self.interaction_callbacks.clear()


# -- the commands ---------------------------------------------------------------------------------


class Driver:
    def __init__(self, stand: Stand) -> None:
        self.stand = stand
        self.errors = 0
        self.shape = ""

    def look(self, label: str, waiter: Waiter) -> None:
        """Count an error answer (the bot's error message, a refused request, no answer) and note the shape."""
        first = waiter.bodies[0] if waiter.bodies else {}
        text = json.dumps(waiter.bodies)
        if waiter.failed or "Something went wrong" in text or "error id" in text:
            self.errors += 1
        if not self.shape and isinstance(first, dict):  # the op's first answer
            data = first.get("data") or {}
            card = data.get("embeds") or int(data.get("flags") or 0) & COMPONENTS_V2  # an embed or a layout
            self.shape = "autocomplete" if first.get("type") == 8 else "embed" if card else "text"
        if label in ("/watchparty create", CREATE_BESIDE_PARTY):
            posted, self.stand.posted = self.stand.posted, None
            if posted is None:  # refused (a limit): no card, not what is measured
                self.errors += 1
                return
            self.stand.card = dict(posted, guild_id=str(self.stand.create_guild))

    async def once(self, label: str, n: int) -> int:
        kind = KINDS[label]
        elapsed, waiter = await self.stand.call(kind.build(self.stand, n), kind.expected)
        self.look(label, waiter)
        return elapsed

    async def batch(self, label: str, calls: int, start: int) -> list[int]:
        return [await self.once(label, n) for n in range(start, start + calls)]

    async def flood(self, label: str, calls: int, in_flight: int, start: int) -> dict[str, Any]:
        kind = KINDS[label]
        stateful = ("/watchparty create", CREATE_BESIDE_PARTY, "RSVP click")
        assert label not in stateful, "floods are for the stateless rows"
        built = iter([kind.build(self.stand, n) for n in range(start, start + calls)])
        waiters: list[Waiter] = []

        async def worker() -> None:
            for payload in built:
                waiters.append((await self.stand.call(payload, kind.expected))[1])

        cpu = time.process_time_ns()
        began = time.perf_counter_ns()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        wall = time.perf_counter_ns() - began
        cpu = time.process_time_ns() - cpu
        for waiter in waiters:  # after the clock: the load generator does no more than it must while timed
            self.look(label, waiter)
        return {"rate": calls / (wall / 1e9), "wall_ns": wall, "cpu_ns": cpu}

    async def startup(self, pid: int, first: str) -> dict[str, Any]:
        """READY and every GUILD_CREATE sent, then ``first`` answered in every server."""
        stand = self.stand
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not ((sessions := stand.ready_sessions()) and sessions[0].sequence >= 1 + stand.guild_count):
            if time.monotonic() > deadline or not alive(pid):
                raise RuntimeError(f"bot process {pid} did not connect")
            await asyncio.sleep(0.005)
        name = first.lstrip("/")
        await asyncio.gather(
            *(stand.call(interaction(2, slash(name), GUILD_BASE + i, member(i)), 1) for i in range(stand.guild_count))
        )
        return {"end": time.perf_counter_ns()}

    async def handle(self, message: dict[str, Any]) -> dict[str, Any]:
        op = message["op"]
        self.errors, self.shape = 0, ""
        answer: dict[str, Any]
        if op == "startup":
            answer = await self.startup(int(message["pid"]), str(message["first"]))
        elif op == "once":
            answer = {"ns": await self.once(message["row"], int(message["n"]))}
        elif op == "batch":
            answer = {"ns": await self.batch(message["row"], int(message["calls"]), int(message["start"]))}
        elif op == "flood":
            answer = await self.flood(
                message["row"], int(message["calls"]), int(message["in_flight"]), int(message["start"])
            )
        else:
            raise ValueError(f"unknown op {op!r}")
        self.stand.clean_up()
        return answer | {"errors": self.errors, "shape": self.shape, "creates": self.stand.creates}


def alive(pid: int) -> bool:
    """Whether the process runs (not gone, not a zombie waiting for its parent)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--guilds", type=int, default=100)
    parser.add_argument("--creates", type=int, default=0, help="the first /watchparty create's number")
    args = parser.parse_args()
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)  # the answers; anything printed goes to stderr
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    stand = Stand(args.guilds, args.creates)
    stand.start()
    driver = Driver(stand)
    gc.collect()
    gc.freeze()  # the server's guilds and modules: never scanned again
    out.write(json.dumps({"api_base": stand.api_base, "token": stand.token, "pid": os.getpid()}) + "\n")
    try:
        for line in sys.stdin:
            message = json.loads(line)
            if message.get("op") == "quit":
                break
            try:
                answer = stand.run(driver.handle(message))
            except Exception as error:
                answer = {"error": f"{error!r}\n{traceback.format_exc()}"}
            out.write(json.dumps(answer) + "\n")
    finally:
        stand.stop()


if __name__ == "__main__":
    main()
