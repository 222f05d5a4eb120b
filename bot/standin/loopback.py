"""The loopback adapter: Discord's HTTP API and gateway on 127.0.0.1, for tests that run the real bot process.

An aiohttp server on 127.0.0.1 (a random port) in its own thread. Every REST request goes through the same
route table (:mod:`bot.standin.routes`) over the same kind of state (:class:`~bot.standin.state.DiscordState`)
as the in-process adapter, so the two cannot disagree on what Discord does. Point the bot at it with
``DISCORD_API_BASE`` (see :meth:`FakeDiscord.env`): discord.py builds every REST URL from ``Route.BASE``, and the
bot asks ``GET /gateway/bot`` for the websocket URL when the base is set.

What this adapter adds, as Discord does it:

* ``Authorization: Bot <token>`` on REST calls (interaction callbacks and webhooks excepted: their token is in
  the URL); any other token gets ``401`` (discord.py: ``LoginFailure``); ``IDENTIFY`` with another token closes
  the gateway with ``4004``.
* The gateway sends HELLO, answers heartbeats with ACK, answers IDENTIFY with READY (and a GUILD_CREATE per
  guild in the state), pushes INTERACTION_CREATE to the bot (:meth:`FakeDiscord.send_interaction`) and every
  gateway event the state announces.
* A request no route takes answers ``404``, so a test sees a call the stand-in does not know.

Every request is kept in :attr:`FakeDiscord.requests` (thread-safe to read). Use it from sync or async tests::

    with FakeDiscord() as discord_:
        subprocess.run([sys.executable, "-m", "bot", "sync"], env=discord_.env(base_env), timeout=60)
        [put] = discord_.find("PUT", "/applications/{app}/commands")
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

from . import payloads as p
from . import routes
from .limits import DiscordLimits
from .payloads import Payload
from .state import Call, DiscordState, InteractionRecord, Reject

__all__ = ["APPLICATION_ID", "TOKEN", "FakeDiscord", "Session"]

TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.GfAkEd.fake-token-for-tests-only-0123456789abcdef"
APPLICATION_ID = 100000000000000001  # what the token's first part encodes
HEARTBEAT_INTERVAL_MS = 41_250
_T = TypeVar("_T")

OP_DISPATCH, OP_HEARTBEAT, OP_IDENTIFY, OP_RESUME, OP_INVALID_SESSION, OP_HELLO, OP_ACK = 0, 1, 2, 6, 9, 10, 11

#: Requests Discord does not count against the bot's rate limits and takes without the bot token.
_INTERACTION_PATHS = ("/interactions/", "/webhooks/")


@dataclass
class Session:
    """One gateway connection."""

    identify: Payload | None = None
    heartbeats: int = 0
    closed: bool = False
    sequence: int = 0
    ws: web.WebSocketResponse | None = field(default=None, repr=False)


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """A JSON answer as Discord sends it: exactly ``application/json`` (discord.py parses JSON only for that)."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={**(headers or {}), "Content-Type": "application/json"}
    )


class FakeDiscord:
    """Start with :meth:`start` (or ``with FakeDiscord() as fake:``); stop with :meth:`stop`."""

    def __init__(
        self,
        *,
        token: str = TOKEN,
        application_id: int = APPLICATION_ID,
        guilds: Mapping[int, Payload] | None = None,
        callback_delay: float = 0.0,
        gateway_token: str | None = None,
        state: DiscordState | None = None,
    ) -> None:
        self.token = token
        self.application_id = application_id
        #: Discord as the stand-in holds it (the same model the in-process adapter uses).
        self.state = state or DiscordState(application_id=application_id, bot_user_id=application_id)
        self.state.bot_user["global_name"] = self.state.bot_user["username"]
        for guild_id, guild in (guilds or {}).items():
            self.state.guilds[guild_id] = guild
            for channel in guild.get("channels", []):
                self.state.channels[int(channel["id"])] = dict(channel, guild_id=str(guild_id))
        #: Seconds the interaction callback route waits before answering (to catch a bot mid-request).
        self.callback_delay = callback_delay
        #: The token IDENTIFY must carry (default: ``token``); another one closes the gateway with 4004.
        self.gateway_token = gateway_token or token
        #: Seconds to hold requests matching (method, path regex) before answering, e.g. to stop a bot mid-login.
        self.delays: list[tuple[str, re.Pattern[str], float]] = []
        #: Return this status for the next requests matching a (method, path regex) pair, once each.
        self.failures: list[tuple[str, re.Pattern[str], int]] = []
        self.requests: list[Call] = []
        self.sessions: list[Session] = []
        self.interaction_callbacks: list[Payload] = []
        #: Called with each request once it is answered (on the server's thread): benchmarks time with it.
        self.observers: list[Callable[[Call], None]] = []
        self._lock = threading.RLock()
        self._by_channel: tuple[tuple[int, int], dict[int, list[Payload]]] = ((-1, -1), {})
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.state.listeners.append(self._announce)

    # -- life cycle -------------------------------------------------------------------------------

    def start(self) -> FakeDiscord:
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._start_server())
            except BaseException as error:  # reported to the caller of start()
                failure.append(error)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._stop_server())
            loop.close()

        self._thread = threading.Thread(target=serve, name="fake-discord", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fake Discord server did not start within 10 s")
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop = self._thread = None

    def __enter__(self) -> FakeDiscord:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _start_server(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server: Any = site._server
        assert server is not None
        assert server.sockets
        self.port = int(server.sockets[0].getsockname()[1])
        self.state.gateway_url = self.gateway_url

    async def _stop_server(self) -> None:
        for session in self.sessions:
            if session.ws is not None and not session.ws.closed:
                await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests use ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def bot_user(self) -> Payload:
        return dict(self.state.bot_user)

    @property
    def guilds(self) -> dict[int, Payload]:
        """GUILD_CREATE payloads sent after READY, by guild id (empty: the bot is in no server)."""
        return self.state.guilds

    @property
    def commands(self) -> dict[int | None, list[Payload]]:
        """Application commands by guild id (None: global), as the bot's last PUT left them."""
        return self.state.commands

    @property
    def messages(self) -> dict[int, list[Payload]]:
        """The messages that exist, by channel id, oldest first (rebuilt only when messages changed)."""
        with self._lock:
            revision = (self.state.messages_revision, len(self.state.messages))
            if self._by_channel[0] != revision:
                by_channel: dict[int, list[Payload]] = {}
                for message in sorted(self.state.messages.values(), key=lambda m: int(m["id"])):
                    by_channel.setdefault(int(message["channel_id"]), []).append(message)
                self._by_channel = (revision, by_channel)
            return self._by_channel[1]

    @property
    def limits(self) -> DiscordLimits | None:
        return self.state.limits

    def rate_limits(
        self, *, global_per_second: float = 50, channel_messages: int = 5, channel_window: float = 5.0
    ) -> DiscordLimits:
        """Answer like Discord's rate limiter from now on: one global limit for every process of the bot."""
        return self.state.rate_limits(
            global_per_second=global_per_second, channel_messages=channel_messages, channel_window=channel_window
        )

    def env(self, base: Mapping[str, str] | None = None, *, token: str | None = None) -> dict[str, str]:
        """Environment variables that point a bot process at this stand-in."""
        env = dict(base or {})
        env["DISCORD_API_BASE"] = self.api_base
        env["DISCORD_TOKEN"] = token or self.token
        return env

    def find(self, method: str, path: str) -> list[Call]:
        """Requests by method and path; ``{app}`` in ``path`` stands for the application id."""
        wanted = path.replace("{app}", str(self.application_id))
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path == wanted]

    def find_prefix(self, method: str, prefix: str) -> list[Call]:
        """Requests by method whose path starts with ``prefix``."""
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
        """Poll ``predicate`` until it returns something truthy (returned), or fail after ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.02)
        raise TimeoutError(f"fake Discord: no {what} within {timeout} s")

    def ready_sessions(self) -> list[Session]:
        return [s for s in self.sessions if s.identify is not None and not s.closed]

    def next_id(self) -> int:
        with self._lock:
            return self.state.next_id()

    def send_interaction(self, payload: Payload) -> None:
        """Push INTERACTION_CREATE to every identified gateway session (Discord now waits for its answer)."""
        loop = self._loop
        if loop is None:
            raise RuntimeError("not started")
        asyncio.run_coroutine_threadsafe(self.interact(payload), loop).result(5)

    async def interact(self, payload: Payload) -> None:
        """Send INTERACTION_CREATE (on the stand-in's loop): Discord now waits for the bot's answer."""
        with self._lock:
            self.state.register_interaction(InteractionRecord.from_payload(payload, self.state.clock()))
        await self._dispatch_all("INTERACTION_CREATE", payload)

    def slash_in_dm(self, name: str, *, user_id: int = 300000000000000001, options: list[Any] | None = None) -> Payload:
        """An INTERACTION_CREATE payload for ``/name`` used in a DM with the bot."""
        channel_id = 400000000000000000 + user_id % 1000
        user = p.user_payload(user_id, "fan", global_name="Fan")
        channel = {"id": str(channel_id), "type": 1, "last_message_id": None, "recipients": [user]}
        data = {"id": str(self.next_id()), "name": name, "type": 1, "options": options or []}
        return p.interaction_payload(
            self.next_id(), self.application_id, 2, data, member=user, channel=channel, app_permissions=0
        )

    # -- REST -------------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        files: list[str] = []
        blobs: dict[str, bytes] = {}
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            for name, value in form.items():
                if name == "payload_json":
                    body = json.loads(str(value))
                elif isinstance(value, web.FileField):
                    files.append(value.filename)
                    blobs[value.filename] = value.file.read()
        elif request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json":
                body = json.loads(raw or b"null")
        authorized = request.headers.get("Authorization") == f"Bot {self.token}"
        record = Call(request.method, path, body, files, request.headers.get("X-Audit-Log-Reason"),
                      dict(request.query), blobs=blobs, authorized=authorized, started=self.state.clock())  # fmt: skip
        with self._lock:
            self.requests.append(record)
        response = await self._answer(record)
        record.status = response.status
        record.finished = self.state.clock()
        for observer in list(self.observers):
            observer(record)
        return response

    async def _answer(self, call: Call) -> web.Response:
        method, path = call.method, call.path
        limits = self.state.limits
        found = routes.match(method, path)
        if limits is not None and not path.startswith(_INTERACTION_PATHS):
            with self._lock:
                headers, retry_after, is_global = limits.admit(found[0].bucket_key(found[1]) if found else None,
                                                               self.state.clock())  # fmt: skip
            if retry_after is not None:
                answer = {"message": "You are being rate limited.", "retry_after": round(retry_after, 3),
                          "global": is_global}  # fmt: skip
                return json_response(answer, 429, headers | {"Retry-After": f"{retry_after:.3f}", "Via": "1.1 google"})
        for delay_method, pattern, seconds in list(self.delays):
            if delay_method == method and pattern.fullmatch(path):
                await asyncio.sleep(seconds)
        for index, (fail_method, pattern, status) in enumerate(self.failures):
            if fail_method == method and pattern.fullmatch(path):
                del self.failures[index]
                return json_response({"message": f"{status}: injected by the test", "code": 0}, status)
        if not call.authorized and not path.startswith(_INTERACTION_PATHS):
            return json_response({"message": "401: Unauthorized", "code": 0}, 401)
        is_callback = found is not None and found[0].template.startswith("/interactions/")
        if is_callback and isinstance(call.json, dict):
            self.interaction_callbacks.append(call.json)
        try:
            with self._lock:
                result = routes.dispatch(self.state, call)
        except Reject as reject:
            return json_response(reject.body, reject.status)
        except routes.NoRoute:
            return json_response({"message": "404: Not Found", "code": 0}, 404)
        finally:
            if is_callback and self.callback_delay:
                await asyncio.sleep(self.callback_delay)
        call.result = result
        return json_response(result) if result is not None else web.Response(status=204)

    # -- gateway ----------------------------------------------------------------------------------

    def _announce(self, event: str, data: Payload) -> None:
        """A change in the state: tell every connected bot, as Discord's gateway does."""
        loop = self._loop
        if loop is None or not self.ready_sessions():
            return
        coro = self._dispatch_all(event, data)
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            loop.create_task(coro)
        else:
            asyncio.run_coroutine_threadsafe(coro, loop)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        session = Session(ws=ws)
        with self._lock:
            self.sessions.append(session)
        await ws.send_json({"op": OP_HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": None, "t": None})
        try:
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(message.data)
                op = payload.get("op")
                if op == OP_HEARTBEAT:
                    session.heartbeats += 1
                    await ws.send_json({"op": OP_ACK, "d": None, "s": None, "t": None})
                elif op == OP_IDENTIFY:
                    await self._identify(session, payload.get("d") or {})
                elif op == OP_RESUME:
                    await ws.send_json({"op": OP_INVALID_SESSION, "d": False, "s": None, "t": None})
        finally:
            session.closed = True
        return ws

    async def _identify(self, session: Session, data: Payload) -> None:
        assert session.ws is not None
        if data.get("token") != self.gateway_token:
            await session.ws.close(code=4004, message=b"Authentication failed.")
            return
        session.identify = data
        ready = {
            "v": 10,
            "user": self.state.bot_user,
            "guilds": [{"id": str(gid), "unavailable": True} for gid in self.state.guilds],
            "session_id": f"session-{len(self.sessions)}",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            **({"shard": data["shard"]} if data.get("shard") else {}),
            "private_channels": [],
            "relationships": [],
        }
        await self._dispatch(session, "READY", ready)
        for guild in list(self.state.guilds.values()):
            await self._dispatch(session, "GUILD_CREATE", guild)

    async def _dispatch(self, session: Session, event: str, data: Payload) -> None:
        assert session.ws is not None
        session.sequence += 1
        await session.ws.send_json({"op": OP_DISPATCH, "t": event, "s": session.sequence, "d": data})

    def run(self, coro: Coroutine[Any, Any, _T], timeout: float = 600) -> _T:
        """Run a coroutine on the stand-in's own loop (where its websockets live) and wait for its result."""
        if self._loop is None:
            raise RuntimeError("not started")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def push(self, event: str, data: Payload) -> None:
        """Send a gateway event to every identified session (call on the stand-in's loop, e.g. with :meth:`run`)."""
        await self._dispatch_all(event, data)

    async def _dispatch_all(self, event: str, data: Payload) -> None:
        for session in self.ready_sessions():
            await self._dispatch(session, event, data)
