"""A local stand-in for Discord, for tests that run the real bot process.

An aiohttp server on 127.0.0.1 (a random port) in its own thread, serving the REST routes the bot uses
at start-up, for ``sync`` and for scheduled posts, plus a minimal gateway websocket. Point the bot at it
with ``DISCORD_API_BASE`` (see :meth:`FakeDiscord.env`): discord.py builds every REST URL from
``Route.BASE``, and the bot asks ``GET /gateway/bot`` for the websocket URL when the base is set.

What it models, as Discord does it:

* ``Authorization: Bot <token>`` on REST calls; any other token gets ``401`` (discord.py: ``LoginFailure``);
  ``IDENTIFY`` with another token closes the gateway with ``4004``.
* ``PUT`` application (guild) commands replaces the whole set and answers it with ids; ``GET`` lists it.
* ``POST /channels/{id}/messages`` honours ``nonce`` + ``enforce_nonce``: the same nonce in the same channel
  within a few minutes returns the message already created instead of a second one.
* The gateway sends HELLO, answers heartbeats with ACK, answers IDENTIFY with READY (and a GUILD_CREATE per
  configured guild), and can push INTERACTION_CREATE to the bot (:meth:`FakeDiscord.send_interaction`).
* Anything else answers ``404`` and is logged, so a test sees a call the stand-in does not know.

Every request is kept in :attr:`FakeDiscord.requests` (thread-safe to read). Use it from sync or async tests::

    with FakeDiscord() as discord_:
        subprocess.run([sys.executable, "-m", "bot", "sync"], env=discord_.env(base_env), timeout=60)
        [put] = discord_.find("PUT", "/applications/{app}/commands")
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.GfAkEd.fake-token-for-tests-only-0123456789abcdef"
APPLICATION_ID = 100000000000000001  # what the token's first part encodes
BOT_USER = {
    "id": str(APPLICATION_ID),
    "username": "runon-bot",
    "discriminator": "0",
    "global_name": "runon-bot",
    "avatar": None,
    "bot": True,
    "flags": 0,
}
NONCE_WINDOW_SECONDS = 5 * 60  # Discord de-duplicates a nonce "within the past few minutes"
HEARTBEAT_INTERVAL_MS = 41_250

OP_DISPATCH, OP_HEARTBEAT, OP_IDENTIFY, OP_RESUME, OP_INVALID_SESSION, OP_HELLO, OP_ACK = 0, 1, 2, 6, 9, 10, 11


@dataclass
class Request:
    """One REST call as the stand-in saw it."""

    method: str
    path: str  # below the API base, e.g. /applications/1/commands
    query: dict[str, str]
    json: Any
    authorized: bool
    started: float  # time.monotonic()
    finished: float | None = None
    status: int | None = None


@dataclass
class Session:
    """One gateway connection."""

    identify: dict[str, Any] | None = None
    heartbeats: int = 0
    closed: bool = False
    sequence: int = 0
    ws: web.WebSocketResponse | None = field(default=None, repr=False)


def _iso(moment: dt.datetime | None = None) -> str:
    return (moment or dt.datetime.now(dt.UTC)).isoformat()


def _json(data: Any, status: int = 200) -> web.Response:
    # Exactly "application/json", as Discord sends it: discord.py parses JSON only for that header value.
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"message": message, "code": code}, status)


class FakeDiscord:
    """Start with :meth:`start` (or ``with FakeDiscord() as fake:``); stop with :meth:`stop`."""

    def __init__(
        self,
        *,
        token: str = TOKEN,
        application_id: int = APPLICATION_ID,
        guilds: Mapping[int, dict[str, Any]] | None = None,
        callback_delay: float = 0.0,
        gateway_token: str | None = None,
    ) -> None:
        self.token = token
        self.application_id = application_id
        #: Full GUILD_CREATE payloads sent after READY, by guild id (empty: the bot is in no server).
        self.guilds: dict[int, dict[str, Any]] = dict(guilds or {})
        #: Seconds the interaction callback route waits before answering (to catch a bot mid-request).
        self.callback_delay = callback_delay
        #: The token IDENTIFY must carry (default: ``token``); another one closes the gateway with 4004.
        self.gateway_token = gateway_token or token
        #: Seconds to hold requests matching (method, path regex) before answering, e.g. to stop a bot mid-login.
        self.delays: list[tuple[str, re.Pattern[str], float]] = []
        #: Return this status for the next requests matching a (method, path regex) pair, once each.
        self.failures: list[tuple[str, re.Pattern[str], int]] = []
        self.requests: list[Request] = []
        #: Discord's rate limits for the whole bot (all its processes together), when a test sets them.
        self.limits: Any = None
        self.sessions: list[Session] = []
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # by guild id; None = global
        self.messages: dict[int, list[dict[str, Any]]] = {}  # by channel id
        self.interaction_callbacks: list[dict[str, Any]] = []
        self._nonces: dict[tuple[int, str], tuple[float, dict[str, Any]]] = {}
        self._ids = itertools.count(200_000_000_000_000_000)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

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
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        assert server.sockets
        self.port = int(server.sockets[0].getsockname()[1])

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

    def env(self, base: Mapping[str, str] | None = None, *, token: str | None = None) -> dict[str, str]:
        """Environment variables that point a bot process at this stand-in."""
        env = dict(base or {})
        env["DISCORD_API_BASE"] = self.api_base
        env["DISCORD_TOKEN"] = token or self.token
        return env

    def find(self, method: str, path: str) -> list[Request]:
        """Requests by method and path; ``{app}`` in ``path`` stands for the application id."""
        wanted = path.replace("{app}", str(self.application_id))
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path == wanted]

    def find_prefix(self, method: str, prefix: str) -> list[Request]:
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
            return next(self._ids)

    def send_interaction(self, payload: dict[str, Any]) -> None:
        """Push INTERACTION_CREATE to every identified gateway session."""
        loop = self._loop
        if loop is None:
            raise RuntimeError("not started")
        asyncio.run_coroutine_threadsafe(self._dispatch_all("INTERACTION_CREATE", payload), loop).result(5)

    def slash_in_dm(self, name: str, *, user_id: int = 300000000000000001, options: list[Any] | None = None) -> dict:
        """An INTERACTION_CREATE payload for ``/name`` used in a DM with the bot."""
        iid = self.next_id()
        channel_id = 400000000000000000 + user_id % 1000
        user = {"id": str(user_id), "username": "fan", "discriminator": "0", "global_name": "Fan", "avatar": None}
        return {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": 2,
            "token": f"interaction-token-{iid}",
            "version": 1,
            "data": {"id": str(self.next_id()), "name": name, "type": 1, "options": options or []},
            "channel_id": str(channel_id),
            "channel": {"id": str(channel_id), "type": 1, "flags": 0, "last_message_id": None, "recipients": [user]},
            "user": user,
            "locale": "en-US",
            "app_permissions": "0",
            "entitlements": [],
            "authorizing_integration_owners": {"0": "0"},
            "context": 1,
            "attachment_size_limit": 10 * 1024 * 1024,
        }

    # -- REST -------------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json":
                body = json.loads(raw or b"null")
            elif request.content_type.startswith("multipart/"):
                body = {"multipart": True}
        authorized = request.headers.get("Authorization") == f"Bot {self.token}"
        record = Request(request.method, path, dict(request.query), body, authorized, time.monotonic())
        with self._lock:
            self.requests.append(record)
        response = await self._answer(request.method, path, body, authorized)
        record.status = response.status
        record.finished = time.monotonic()
        return response

    def rate_limits(
        self, *, global_per_second: float = 50, channel_messages: int = 5, channel_window: float = 5.0
    ) -> Any:
        """Answer like Discord's rate limiter from now on: one global limit for every process of the bot."""
        from bot.standin.inprocess import DiscordLimits

        self.limits = DiscordLimits(
            global_per_second=global_per_second, channel_messages=channel_messages, channel_window=channel_window
        )
        return self.limits

    async def _answer(self, method: str, path: str, body: Any, authorized: bool) -> web.Response:
        limits = self.limits
        if limits is not None and not path.startswith(("/interactions/", "/webhooks/", "/gateway")):
            headers, retry_after, is_global = limits.admit(method, path, time.monotonic())
            if retry_after is not None:
                answer = {"message": "You are being rate limited.", "retry_after": round(retry_after, 3),
                          "global": is_global}  # fmt: skip
                headers.update({"Retry-After": f"{retry_after:.3f}", "Via": "1.1 google"})
                return web.json_response(answer, status=429, headers=headers)
        for delay_method, pattern, seconds in list(self.delays):
            if delay_method == method and pattern.fullmatch(path):
                await asyncio.sleep(seconds)
        for index, (fail_method, pattern, status) in enumerate(self.failures):
            if fail_method == method and pattern.fullmatch(path):
                del self.failures[index]
                return _error(status, 0, f"{status}: injected by the test")
        if match := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path):
            return await self._callback(int(match[1]), body)
        if not authorized:
            return _error(401, 0, "401: Unauthorized")
        app = str(self.application_id)
        if method == "GET" and path == "/users/@me":
            return _json(BOT_USER)
        if method == "GET" and path == "/oauth2/applications/@me":
            return _json(self._application())
        if method == "GET" and path == "/gateway/bot":
            return _json(
                {
                    "url": self.gateway_url,
                    "shards": 1,
                    "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
                }
            )
        if match := re.fullmatch(rf"/applications/{app}(?:/guilds/(\d+))?/commands", path):
            guild = int(match[1]) if match[1] else None
            if method == "GET":
                return _json(self.commands.get(guild, []))
            if method == "PUT":
                return self._put_commands(guild, body)
        if (match := re.fullmatch(r"/channels/(\d+)/messages", path)) and method == "POST":
            return self._post_message(int(match[1]), body)
        return _error(404, 0, "404: Not Found")

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(self.application_id),
            "name": "runon-bot",
            "description": "",
            "icon": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": {"id": "1", "username": "owner", "discriminator": "0", "avatar": None},
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
        }

    def _put_commands(self, guild: int | None, body: Any) -> web.Response:
        if not isinstance(body, list):
            return _error(400, 50035, "Invalid Form Body")
        seen: set[tuple[int, str]] = set()
        for command in body:
            kind = int(command.get("type", 1))
            name = str(command.get("name", ""))
            if (kind, name) in seen:
                return _error(400, 50035, f"Invalid Form Body: duplicate command name {name!r}")
            seen.add((kind, name))
            if kind == 1 and not re.fullmatch(r"[-_a-z0-9]{1,32}", name):
                return _error(400, 50035, f"Invalid Form Body: bad command name {name!r}")
            if kind == 1 and not 1 <= len(command.get("description", "")) <= 100:
                return _error(400, 50035, f"Invalid Form Body: bad description for {name!r}")
        stored = []
        for command in body:
            entry = {"description": "", "options": [], "default_member_permissions": None, "nsfw": False}
            entry.update(command, id=str(self.next_id()), application_id=str(self.application_id), version="1")
            if guild is not None:
                entry["guild_id"] = str(guild)
            stored.append(entry)
        self.commands[guild] = stored
        return _json(stored)

    def _message(self, channel_id: int, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": str(self.next_id()),
            "channel_id": str(channel_id),
            "author": BOT_USER,
            "content": body.get("content") or "",
            "timestamp": _iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": int(body.get("flags") or 0),
            "nonce": body.get("nonce"),
        }

    def _post_message(self, channel_id: int, body: Any) -> web.Response:
        body = body if isinstance(body, dict) else {}
        nonce = body.get("nonce")
        now = time.monotonic()
        if nonce is not None and body.get("enforce_nonce"):
            key = (channel_id, str(nonce))
            found = self._nonces.get(key)
            if found is not None and now - found[0] < NONCE_WINDOW_SECONDS:
                return _json(found[1])
        message = self._message(channel_id, body)
        self.messages.setdefault(channel_id, []).append(message)
        if nonce is not None and body.get("enforce_nonce"):
            self._nonces[(channel_id, str(nonce))] = (now, message)
        return _json(message)

    async def _callback(self, interaction_id: int, body: Any) -> web.Response:
        if self.callback_delay:
            await asyncio.sleep(self.callback_delay)
        body = body if isinstance(body, dict) else {}
        self.interaction_callbacks.append(body)
        summary: dict[str, Any] = {
            "id": str(interaction_id),
            "type": 2,
            "response_message_id": None,
            "response_message_loading": False,
            "response_message_ephemeral": False,
        }
        result: dict[str, Any] = {"interaction": summary}
        kind = int(body.get("type", 0))
        if kind in (4, 5):
            data = body.get("data") or {}
            message = self._message(0, data)
            summary.update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(int(data.get("flags") or 0) & 64),
            )
            result["resource"] = {"type": kind, "message": message}
        return _json(result)

    # -- gateway ----------------------------------------------------------------------------------

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

    async def _identify(self, session: Session, data: dict[str, Any]) -> None:
        assert session.ws is not None
        if data.get("token") != self.gateway_token:
            await session.ws.close(code=4004, message=b"Authentication failed.")
            return
        session.identify = data
        ready = {
            "v": 10,
            "user": BOT_USER,
            "guilds": [{"id": str(gid), "unavailable": True} for gid in self.guilds],
            "session_id": f"session-{len(self.sessions)}",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            **({"shard": data["shard"]} if data.get("shard") else {}),
            "private_channels": [],
            "relationships": [],
        }
        await self._dispatch(session, "READY", ready)
        for guild in self.guilds.values():
            await self._dispatch(session, "GUILD_CREATE", guild)

    async def _dispatch(self, session: Session, event: str, data: dict[str, Any]) -> None:
        assert session.ws is not None
        session.sequence += 1
        await session.ws.send_json({"op": OP_DISPATCH, "t": event, "s": session.sequence, "d": data})

    async def _dispatch_all(self, event: str, data: dict[str, Any]) -> None:
        for session in self.ready_sessions():
            await self._dispatch(session, event, data)
