"""Offline test harness for the bot: real discord.py machinery, fake Discord.

Tests build REAL ``discord.Interaction`` objects from gateway-shaped payloads and dispatch them
exactly like ``ConnectionState.parse_interaction_create`` does (command tree for slash commands and
autocomplete, the ``ViewStore`` for components / modals, plus the ``on_interaction`` event). Nothing
ever reaches the network:

* ``bot.http.request`` is replaced by a recorder (the bot's own REST calls: ``channel.send``, edits,
  threads, ...);
* a recording ``AsyncWebhookAdapter`` is installed in ``discord.webhook.async_.async_context`` (the
  interaction callback, follow-ups and ``@original`` edits go through it).

Every request becomes a :class:`Call` in ``harness.recorder.calls`` and gets a plausible Discord-shaped
result, so the library keeps working (``InteractionCallbackResponse``, ``Message`` objects, views
stored under the right message id, ...).

All use of discord.py private names is confined to this module.

Typical use::

    h = await start(bot)
    interaction = await h.invoke("episode info", number=3)
    assert h.last_response()["data"]["flags"] & 64
    await h.click("episode:next:3")
    await close(h)
"""

from __future__ import annotations

import asyncio
import collections
import copy
import errno
import itertools
import json as _json
import logging
import re
import types
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.ext import commands
from multidict import CIMultiDict

__all__ = [
    "BOT_USER_ID",
    "DEFAULT_APP_PERMISSIONS",
    "DEFAULT_CHANNEL_ID",
    "DEFAULT_GUILD_ID",
    "DEFAULT_MEMBER_PERMISSIONS",
    "DEFAULT_USER_ID",
    "DM",
    "Call",
    "CommandUnavailable",
    "Harness",
    "Recorder",
    "close",
    "start",
]

BOT_USER_ID = 1000
BOT_USER_NAME = "runon-bot"
DEFAULT_GUILD_ID = 500
DEFAULT_CHANNEL_ID = 600
DEFAULT_USER_ID = 2000
GUILD_OWNER_ID = 1
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

#: Pass as ``guild_id=`` to :meth:`Harness.invoke` for a DM (``None`` works too).
DM: None = None

DEFAULT_MEMBER_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    embed_links=True,
    attach_files=True,
    add_reactions=True,
    use_external_emojis=True,
    read_message_history=True,
    use_application_commands=True,
    change_nickname=True,
    create_instant_invite=True,
    connect=True,
    speak=True,
)

DEFAULT_APP_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    create_public_threads=True,
    send_messages_in_threads=True,
    manage_threads=True,
    create_events=True,  # what Discord wants since 23 February 2026; Manage Events alone no longer creates events
    connect=True,
    manage_messages=True,
)

#: Tasks whose coroutine ``__qualname__`` contains one of these are never waited for when a dispatch
#: settles (they sleep for minutes: view timeouts, ``delete_after``, ``Message.delete(delay=)``,
#: ``discord.ext.tasks`` loops).
DEFAULT_IGNORED_TASKS: tuple[str, ...] = (
    "__timeout_task_impl",
    ".inner_call",
    "Message.delete.<locals>.delete",
    "Loop._loop",
)

_LOADING = 128
_EPHEMERAL = 64


# Paths as they appear in Call.path
_P_CALLBACK = re.compile(r"/interactions/(\d+)/([^/]+)/callback")
_P_WEBHOOK_EXEC = re.compile(r"/webhooks/(\d+)/([^/]+)")
_P_WEBHOOK_MSG = re.compile(r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)")
_P_CHANNEL = re.compile(r"/channels/(\d+)")
_P_CHANNEL_MSGS = re.compile(r"/channels/(\d+)/messages")
_P_CHANNEL_MSG = re.compile(r"/channels/(\d+)/messages/(\d+)")
_P_MSG_THREAD = re.compile(r"/channels/(\d+)/messages/(\d+)/threads")
_P_THREADS = re.compile(r"/channels/(\d+)/threads")
_P_DM = re.compile(r"/users/@me/channels")
_P_USER = re.compile(r"/users/(\d+)")
_P_APPINFO = re.compile(r"/oauth2/applications/@me")
_P_COMMANDS = re.compile(r"/applications/\d+(?:/guilds/\d+)?/commands")
_P_EVENTS = re.compile(r"/guilds/(\d+)/scheduled-events")
_P_EVENT = re.compile(r"/guilds/(\d+)/scheduled-events/(\d+)")
_P_GUILD = re.compile(r"/guilds/(\d+)")
_P_MEMBER = re.compile(r"/guilds/(\d+)/members/(\d+)")
_P_POLL_VOTERS = re.compile(r"/channels/(\d+)/polls/(\d+)/answers/(\d+)")
_P_POLL_EXPIRE = re.compile(r"/channels/(\d+)/polls/(\d+)/expire")

_log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(dt: datetime | None = None) -> str:
    return (dt or _now()).isoformat()


def _wire(payload: Any) -> Any:
    """Round-trip through discord.py's own JSON encoder: exactly what goes over the wire."""
    if payload is None:
        return None
    return _json.loads(discord.utils._to_json(payload))


def _perm_value(permissions: discord.Permissions | int) -> int:
    return permissions.value if isinstance(permissions, discord.Permissions) else int(permissions)


def _walk_components(components: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for comp in components or ():
        yield comp
        if comp.get("components"):
            yield from _walk_components(comp["components"])
        for key in ("component", "accessory"):
            if isinstance(comp.get(key), dict):
                yield from _walk_components([comp[key]])


def _find_component(message: dict[str, Any], custom_id: str) -> dict[str, Any] | None:
    for comp in _walk_components(message.get("components") or []):
        if comp.get("custom_id") == custom_id:
            return comp
    return None


# --------------------------------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------------------------------


@dataclass
class Call:
    """One request the bot made to (fake) Discord."""

    method: str
    path: str
    json: Any  # dict (or list for bulk endpoints) | None
    files: list[str]
    reason: str | None
    params: dict[str, Any] | None = None
    status: int = 200  # HTTP status the fake Discord answered with (>= 400 when fail() hit)
    blobs: dict[str, bytes] = field(default_factory=dict, repr=False)  # uploaded files' bytes, by file name
    result: Any = field(default=None, repr=False)  # what the fake Discord returned


class _FakeResponse:
    """Quacks like the aiohttp.ClientResponse that discord.HTTPException reads."""

    def __init__(self, status: int, method: str, path: str) -> None:
        self.status = status
        try:
            self.reason = HTTPStatus(status).phrase
        except ValueError:
            self.reason = "Error"
        self.method = method
        self.url = discord.http.Route.BASE + path
        self.headers: dict[str, str] = {}


class DiscordLimits:
    """Discord's rate limits as documented: a global limit per bot (50 requests a second by default) and
    per-route buckets, here the one that matters for posts (about 5 messages per channel every 5 seconds).
    Answers carry the ``X-RateLimit-*`` headers discord.py reads; a request over a limit gets a ``429`` with
    ``retry_after`` (and ``global: true`` for the global limit), as Discord sends it."""

    def __init__(
        self, *, global_per_second: float = 50, channel_messages: int = 5, channel_window: float = 5.0
    ) -> None:
        self.global_per_second = global_per_second
        self.channel_messages = channel_messages
        self.channel_window = channel_window
        self._global: collections.deque[float] = collections.deque()
        self._buckets: dict[str, tuple[float, int]] = {}  # bucket -> (window start, requests in it)
        self.requests = 0
        self.limited = 0  # 429 answers
        self.limited_global = 0
        self.peak_per_second = 0

    def admit(self, method: str, path: str, now: float) -> tuple[dict[str, str], float | None, bool]:
        """Headers for the answer, and ``retry_after`` (with whether it is global) when the request is refused."""
        self.requests += 1
        window = self._global
        while window and now - window[0] >= 1.0:
            window.popleft()
        if len(window) >= self.global_per_second:
            self.limited += 1
            self.limited_global += 1
            retry = max(window[0] + 1.0 - now, 0.001)
            return {"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"}, retry, True
        match = _P_CHANNEL_MSGS.fullmatch(path)
        headers: dict[str, str] = {}
        if match and method == "POST":
            bucket = f"messages:{match.group(1)}"
            start, used = self._buckets.get(bucket, (now, 0))
            if now - start >= self.channel_window:
                start, used = now, 0
            reset_after = start + self.channel_window - now
            if used >= self.channel_messages:
                self.limited += 1
                return (
                    {
                        "X-RateLimit-Limit": str(self.channel_messages),
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                        "X-RateLimit-Bucket": "messages",
                        "X-RateLimit-Scope": "user",
                    },
                    max(reset_after, 0.001),
                    False,
                )
            used += 1
            self._buckets[bucket] = (start, used)
            headers = {
                "X-RateLimit-Limit": str(self.channel_messages),
                "X-RateLimit-Remaining": str(self.channel_messages - used),
                "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                "X-RateLimit-Reset": f"{_now().timestamp() + reset_after:.3f}",
                "X-RateLimit-Bucket": "messages",
            }
        window.append(now)
        self.peak_per_second = max(self.peak_per_second, len(window))
        return headers, None, False


@dataclass
class _Fault:
    method: str
    pattern: re.Pattern[str]
    kind: str  # 'reset-before' (never reached Discord), 'reset-after' (processed, answer lost), 'delay'
    times: int
    seconds: float = 0.0


class _HTTPResponse:
    """What aiohttp's ClientResponse offers to discord.py's HTTPClient.request."""

    def __init__(self, status: int, method: str, url: str, body: Any, headers: dict[str, str]) -> None:
        self.status = status
        try:
            self.reason = HTTPStatus(status).phrase
        except ValueError:
            self.reason = "Error"
        self.method = method
        self.url = url
        self.headers = CIMultiDict(headers)
        self._text = "" if body is None else _json.dumps(body)
        if body is not None:
            self.headers["content-type"] = "application/json"

    async def text(self, encoding: str = "utf-8") -> str:
        return self._text

    async def read(self) -> bytes:
        return self._text.encode()

    async def __aenter__(self) -> _HTTPResponse:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def release(self) -> None:
        return None


def _form_body(form: aiohttp.FormData) -> tuple[Any, list[str]]:
    body: Any = None
    names: list[str] = []
    for options, _headers, value in form._fields:
        if options.get("name") == "payload_json":
            body = _json.loads(value)
        elif options.get("filename") is not None:
            names.append(str(options["filename"]))
    return body, names


class _RequestContext:
    """``async with session.request(...) as response`` (aiohttp's _RequestContextManager)."""

    def __init__(self, pending: Any) -> None:
        self._pending = pending

    async def __aenter__(self) -> _HTTPResponse:
        response: _HTTPResponse = await self._pending
        return response

    async def __aexit__(self, *exc: object) -> None:
        return None


class _FakeSession:
    """Stands in for discord.py's aiohttp session: every REST call the bot makes lands in the recorder,
    after the network faults and the rate limits the test asked for."""

    def __init__(self, harness: Harness) -> None:
        self._harness = harness
        self.closed = False

    def __bool__(self) -> bool:
        return True

    def request(self, method: str, url: str, **kwargs: Any) -> _RequestContext:
        return _RequestContext(self._request(method, url, kwargs))

    async def _request(self, method: str, url: str, kwargs: dict[str, Any]) -> _HTTPResponse:
        recorder = self._harness.recorder
        path = url[len(discord.http.Route.BASE) :] if url.startswith(discord.http.Route.BASE) else url
        path = path.split("?", 1)[0]
        data = kwargs.get("data")
        if isinstance(data, aiohttp.FormData):
            body, files = _form_body(data)
        else:
            body, files = (_json.loads(data) if data else None), []
        reason_header = (kwargs.get("headers") or {}).get("X-Audit-Log-Reason")
        reason = urllib.parse.unquote(reason_header) if reason_header else None
        trace = self._harness.bot.http.http_trace
        if trace is not None:  # what aiohttp does for a real session: tell the trace hooks
            params = aiohttp.TraceRequestStartParams(method, yarl.URL(url), CIMultiDict())
            for hook in trace.on_request_start:
                await hook(self, types.SimpleNamespace(), params)
        fault = recorder._take_fault(method, path)
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
        if fault is not None and fault.kind == "reset-before":
            recorder.calls.append(Call(method.upper(), path, body, files, reason, kwargs.get("params"), status=0))
            raise aiohttp.ClientOSError(errno.ECONNRESET, "Connection reset by peer")
        headers: dict[str, str] = {}
        limits = recorder.limits
        if limits is not None:
            headers, retry_after, is_global = limits.admit(method.upper(), path, asyncio.get_running_loop().time())
            if retry_after is not None:
                call = Call(method.upper(), path, body, files, reason, kwargs.get("params"), status=429)
                recorder.calls.append(call)
                answer = {"message": "You are being rate limited.", "retry_after": round(retry_after, 3),
                          "global": is_global}  # fmt: skip
                headers.update({"Retry-After": f"{retry_after:.3f}", "Via": "1.1 google"})
                return _HTTPResponse(429, method, url, answer, headers)
        try:
            result = await recorder._handle(method, path, body, files, reason, kwargs.get("params"))
        except _Reject as reject:
            if reject.status == 429:
                seconds = float(reject.message) if reject.message.replace(".", "").isdigit() else 60.0
                answer = {"message": "You are being rate limited.", "retry_after": seconds, "global": False}
                headers.update({"Retry-After": str(seconds), "Via": "1.1 google"})
                return _HTTPResponse(429, method, url, answer, headers)
            return _HTTPResponse(reject.status, method, url, {"code": reject.code, "message": reject.message}, headers)
        if fault is not None and fault.kind == "reset-after":
            raise aiohttp.ServerDisconnectedError("Server disconnected")
        return _HTTPResponse(200 if result is not None else 204, method, url, result, headers)

    async def close(self) -> None:
        self.closed = True


class _Reject(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def build(self, method: str, path: str) -> Exception:
        if self.status == 429:
            # What discord.py raises when a rate limit is longer than the client's
            # max_ratelimit_timeout (shorter ones it sleeps through by itself).
            return discord.RateLimited(float(self.message) if self.message.replace(".", "").isdigit() else 60.0)
        response = _FakeResponse(self.status, method, path)
        data = {"code": self.code, "message": self.message}
        if self.status == 403:
            return discord.Forbidden(response, data)  # type: ignore[arg-type]
        if self.status == 404:
            return discord.NotFound(response, data)  # type: ignore[arg-type]
        if self.status >= 500:
            return discord.DiscordServerError(response, data)  # type: ignore[arg-type]
        return discord.HTTPException(response, data)  # type: ignore[arg-type]


@dataclass
class _Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    code: int
    message: str
    times: int


@dataclass
class _Canned:
    method: str
    pattern: re.Pattern[str]
    body: Any


@dataclass
class _InteractionInfo:
    id: int
    type: int
    token: str
    channel_id: int
    guild_id: int | None
    user: dict[str, Any]
    name: str | None = None
    message_id: int | None = None  # the message a component interaction was attached to
    origin: _InteractionInfo | None = None  # for modal submits: the interaction that opened the modal
    created_at: float = 0.0  # loop time Discord sent it (the 3-second deadline runs from here)
    answered: bool = False
    answered_at: float | None = None  # loop time of the first answer (for latency measurements)


def _method_matches(rule_method: str, method: str) -> bool:
    return rule_method == "*" or rule_method.upper() == method.upper()


class Recorder:
    """Records every request and plays a minimal, consistent Discord.

    ``path_regex`` arguments are matched with :func:`re.fullmatch` against :attr:`Call.path`
    (e.g. ``"/channels/600/messages"``; no query string). ``method`` may be ``"*"``.
    """

    def __init__(self) -> None:
        self.calls: list[Call] = []
        #: Messages that "exist" on fake Discord, id -> message payload, least recently touched first.
        self.messages: dict[int, dict[str, Any]] = {}
        self.cdn: dict[str, bytes] = {}  # attachment URL -> bytes served by the fake CDN
        self.events: dict[int, dict[str, Any]] = {}  # scheduled events by id
        self._failures: list[_Failure] = []
        self._canned: list[_Canned] = []
        self._interactions: dict[int, _InteractionInfo] = {}
        self._tokens: dict[str, _InteractionInfo] = {}
        self._originals: dict[str, int] = {}  # interaction token -> message id of @original
        self._ids = itertools.count(discord.utils.time_snowflake(_now()))
        self._harness: Harness | None = None
        self.application_id: int = BOT_USER_ID
        self.bot_user: dict[str, Any] = {}
        #: Discord's rate limits, when a test turns them on with :meth:`rate_limits`.
        self.limits: DiscordLimits | None = None
        self._faults: list[_Fault] = []
        #: (channel id, nonce) -> message id: Discord returns the first message for a repeated nonce.
        self._nonces: dict[tuple[int, str], int] = {}
        self.duplicates_prevented = 0
        #: Seconds Discord waits for the first answer to an interaction before it shows "did not respond".
        self.interaction_deadline: float = 3.0
        #: Discord takes one first answer per interaction (benchmarks replaying one payload turn this off).
        self.single_answer = True
        #: Poll votes: message id -> answer id -> the members who chose it, in order.
        self.poll_votes: dict[int, dict[int, list[int]]] = {}

    # -- public API ---------------------------------------------------------------------------------

    def clear(self) -> None:
        """Forget recorded calls, canned responses and pending failures (messages stay known)."""
        self.calls.clear()
        self._failures.clear()
        self._canned.clear()

    def fail(
        self,
        method: str,
        path_regex: str,
        *,
        status: int = 403,
        code: int = 50013,
        message: str = "Missing Permissions",
        times: int = 1,
    ) -> None:
        """Make the next ``times`` matching requests fail with the real discord.py exception
        (403 -> Forbidden, 404 -> NotFound, >= 500 -> DiscordServerError, else HTTPException)."""
        self._failures.append(_Failure(method, re.compile(path_regex), status, code, message, times))

    def respond(self, method: str, path_regex: str, body: Any) -> None:
        """Canned JSON result for matching requests (latest rule wins; kept until :meth:`clear`).
        ``body`` may be a callable taking the :class:`Call` and returning the result."""
        self._canned.append(_Canned(method, re.compile(path_regex), body))

    def next_id(self) -> int:
        """A fresh, realistic snowflake."""
        return next(self._ids)

    def answer_latencies(self) -> list[float]:
        """Seconds from each interaction's arrival to its first answer (what the member waits for)."""
        return [i.answered_at - i.created_at for i in self._interactions.values() if i.answered_at is not None]

    def rate_limits(
        self, *, global_per_second: float = 50, channel_messages: int = 5, channel_window: float = 5.0
    ) -> DiscordLimits:
        """Answer like Discord's rate limiter from now on (REST calls of the bot; interaction answers are
        not subject to the global limit, as on Discord)."""
        self.limits = DiscordLimits(
            global_per_second=global_per_second, channel_messages=channel_messages, channel_window=channel_window
        )
        return self.limits

    def drop(self, method: str, path_regex: str, *, times: int = 1, after_processing: bool = False) -> None:
        """Reset the connection of the next ``times`` matching REST requests: before Discord saw them, or
        (``after_processing``) after Discord acted on them, so only the answer is lost."""
        kind = "reset-after" if after_processing else "reset-before"
        self._faults.append(_Fault(method, re.compile(path_regex), kind, times))

    def slow(self, method: str, path_regex: str, seconds: float, *, times: int = 1_000_000) -> None:
        """Matching REST requests take ``seconds`` before Discord answers."""
        self._faults.append(_Fault(method, re.compile(path_regex), "delay", times, seconds))

    def _take_fault(self, method: str, path: str) -> _Fault | None:
        for fault in self._faults:
            if _method_matches(fault.method, method) and fault.pattern.fullmatch(path):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    # -- request handling ---------------------------------------------------------------------------

    async def _handle(
        self,
        method: str,
        path: str,
        body: Any,
        files: list[str],
        reason: str | None,
        params: dict[str, Any] | None,
        blobs: dict[str, bytes] | None = None,
    ) -> Any:
        call = Call(method=method.upper(), path=path, json=body, files=files, reason=reason, params=params)
        call.blobs = dict(blobs or {})
        self.calls.append(call)
        await asyncio.sleep(0)  # behave like I/O: let other tasks interleave

        for failure in self._failures:
            if _method_matches(failure.method, call.method) and failure.pattern.fullmatch(path):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                call.status = failure.status
                raise _Reject(failure.status, failure.code, failure.message)

        for canned in reversed(self._canned):
            if _method_matches(canned.method, call.method) and canned.pattern.fullmatch(path):
                result = canned.body(call) if callable(canned.body) else copy.deepcopy(canned.body)
                call.result = result
                return copy.deepcopy(result)

        try:
            result = self._default(call)
        except _Reject as reject:
            call.status = reject.status
            raise
        call.result = result
        if result is None:
            call.status = 204
        return copy.deepcopy(result)

    def _default(self, call: Call) -> Any:  # a routing table
        m, p, body = call.method, call.path, call.json if isinstance(call.json, dict) else {}

        if m == "DELETE":
            if match := _P_CHANNEL_MSG.fullmatch(p):
                self.messages.pop(int(match.group(2)), None)
            elif (match := _P_WEBHOOK_MSG.fullmatch(p)) and (mid := self._webhook_message_id(match)):
                self.messages.pop(mid, None)
            return None

        if match := _P_CALLBACK.fullmatch(p):
            return self._interaction_callback(int(match.group(1)), match.group(2), body, call.files)

        if match := _P_WEBHOOK_MSG.fullmatch(p):
            mid = self._webhook_message_id(match)
            if mid is None or mid not in self.messages:
                raise _Reject(404, 10008, "Unknown Message")
            if m == "GET":
                return self.messages[mid]
            return self._edit_message(mid, body, call.files)

        if (match := _P_WEBHOOK_EXEC.fullmatch(p)) and m == "POST":
            return self._followup(int(match.group(1)), match.group(2), body, call.files)

        if (match := _P_CHANNEL_MSGS.fullmatch(p)) and m == "POST":
            channel_id = int(match.group(1))
            nonce = body.get("nonce")
            if nonce is not None and body.get("enforce_nonce"):
                existing = self._nonces.get((channel_id, str(nonce)))
                if existing is not None and existing in self.messages:
                    self.duplicates_prevented += 1
                    return self.messages[existing]
            message = self._new_message(channel_id, body, call.files, flags=int(body.get("flags") or 0))
            if nonce is not None and body.get("enforce_nonce"):
                self._nonces[(channel_id, str(nonce))] = int(message["id"])
            return message

        if match := _P_CHANNEL_MSG.fullmatch(p):
            mid = int(match.group(2))
            if mid not in self.messages:
                raise _Reject(404, 10008, "Unknown Message")
            if m == "GET":
                return self.messages[mid]
            if m == "PATCH":
                return self._edit_message(mid, body, call.files)
            return {}

        if (match := _P_MSG_THREAD.fullmatch(p)) and m == "POST":
            return self._thread(int(match.group(1)), body, thread_id=int(match.group(2)))

        if (match := _P_THREADS.fullmatch(p)) and m == "POST":
            return self._thread(int(match.group(1)), body, files=call.files)

        if _P_DM.fullmatch(p) and m == "POST":
            return self._dm_channel(int(body["recipient_id"]))

        if (match := _P_POLL_VOTERS.fullmatch(p)) and m == "GET":
            return self._poll_voters(int(match.group(2)), int(match.group(3)), call.params or {})

        if (match := _P_POLL_EXPIRE.fullmatch(p)) and m == "POST":
            mid = int(match.group(2))
            if mid not in self.messages or "poll" not in self.messages[mid]:
                raise _Reject(404, 10008, "Unknown Message")
            self.end_poll(mid)
            return self.messages[mid]

        if _P_APPINFO.fullmatch(p) and m == "GET":
            return self._app_info()

        if _P_COMMANDS.fullmatch(p):
            return [] if m in ("GET", "PUT") else {}

        if (match := _P_EVENTS.fullmatch(p)) and m == "POST":
            self._check_create_events(int(match.group(1)), body)
            return self._scheduled_event(int(match.group(1)), body)

        if match := _P_EVENT.fullmatch(p):
            event = self.events.get(int(match.group(2)))
            if event is None:
                raise _Reject(404, 10070, "Unknown Guild Scheduled Event")
            if m == "PATCH":
                event.update({k: v for k, v in body.items() if k in event or k == "status"})
            return copy.deepcopy(event)

        harness = self._harness
        if harness is not None and (match := _P_CHANNEL.fullmatch(p)) and m in ("PATCH", "DELETE"):
            return harness._channel_changed(int(match.group(1)), m, body)

        if harness is not None and m == "GET":
            if match := _P_MEMBER.fullmatch(p):
                spec = harness._members.get(int(match.group(2)))
                if spec is None:
                    raise _Reject(404, 10007, "Unknown Member")
                return spec
            if match := _P_USER.fullmatch(p):
                return harness._user_payload(int(match.group(1)))
            if match := _P_CHANNEL.fullmatch(p):
                channel = harness._channels.get(int(match.group(1)))
                if channel is None:
                    raise _Reject(404, 10003, "Unknown Channel")
                return channel
            if match := _P_GUILD.fullmatch(p):
                guild = harness._guild_payloads.get(int(match.group(1)))
                if guild is None:
                    raise _Reject(404, 10004, "Unknown Guild")
                return guild

        return {}

    # -- fake Discord objects -----------------------------------------------------------------------

    def _touch(self, message: dict[str, Any]) -> dict[str, Any]:
        mid = int(message["id"])
        self.messages.pop(mid, None)
        self.messages[mid] = message
        return message

    def _attachments(self, channel_id: int, body: dict[str, Any], files: list[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for index, att in enumerate(body.get("attachments") or []):
            att_id = int(att.get("id", index))
            if att_id < 1_000_000 and "url" not in att:  # a new upload (File.to_dict(index))
                filename = att.get("filename") or (files[att_id] if att_id < len(files) else f"file{att_id}")
                new_id = self.next_id()
                url = f"https://cdn.discordapp.com/attachments/{channel_id}/{new_id}/{filename}"
                entry = {"id": str(new_id), "filename": filename, "size": 0, "url": url, "proxy_url": url}
                if att.get("description"):
                    entry["description"] = att["description"]
                out.append(entry)
            else:
                out.append(att)
        return out

    def _poll(self, poll: dict[str, Any]) -> dict[str, Any]:
        hours = float(poll.get("duration") or 24)
        answers = [dict(a, answer_id=i) for i, a in enumerate(poll.get("answers") or [], start=1)]
        return {
            "question": poll.get("question") or {"text": ""},
            "answers": answers,
            "expiry": _iso(_now() + timedelta(hours=hours)),
            "allow_multiselect": bool(poll.get("allow_multiselect")),
            "layout_type": poll.get("layout_type", 1),
            "results": {"is_finalized": False, "answer_counts": []},
        }

    # -- polls: votes, results, ending ------------------------------------------------------------

    def cast_vote(self, message_id: int, user_id: int, answer_id: int, *, add: bool = True) -> None:
        """A member votes (or takes a vote back) on a poll: its live results change as Discord's would."""
        message = self.messages[message_id]
        if not any(a["answer_id"] == answer_id for a in message["poll"]["answers"]):
            raise ValueError(f"poll {message_id} has no answer {answer_id}")
        voters = self.poll_votes.setdefault(message_id, {}).setdefault(answer_id, [])
        if add and user_id not in voters:
            voters.append(user_id)
        elif not add and user_id in voters:
            voters.remove(user_id)
        self._poll_results(message_id, finalized=bool(message["poll"]["results"]["is_finalized"]))

    def end_poll(self, message_id: int, *, at: datetime | None = None, finalized: bool = True) -> None:
        """The poll ends (its expiry passes, or End Poll): voting closes and, once ``finalized``, the counts
        are Discord's exact final tally."""
        message = self.messages[message_id]
        message["poll"]["expiry"] = _iso(at or _now())
        self._poll_results(message_id, finalized=finalized)

    def _poll_results(self, message_id: int, *, finalized: bool) -> None:
        votes = self.poll_votes.get(message_id, {})
        counts = [
            {"id": answer_id, "count": len(users), "me_voted": BOT_USER_ID in users}
            for answer_id, users in sorted(votes.items())
            if users
        ]
        self.messages[message_id]["poll"]["results"] = {"is_finalized": finalized, "answer_counts": counts}

    def _poll_voters(self, message_id: int, answer_id: int, params: dict[str, Any]) -> dict[str, Any]:
        """GET answer voters: users by ascending id, ``limit`` (1-100, default 25) after ``after``."""
        message = self.messages.get(message_id)
        if message is None or "poll" not in message:
            raise _Reject(404, 10008, "Unknown Message")
        limit = max(1, min(int(params.get("limit") or 25), 100))
        after = int(params.get("after") or 0)
        users = sorted(u for u in self.poll_votes.get(message_id, {}).get(answer_id, []) if u > after)[:limit]
        harness = self._harness
        payloads = [harness._user_payload(u) if harness else {"id": str(u)} for u in users]
        return {"users": payloads}

    def _new_message(
        self,
        channel_id: int,
        body: dict[str, Any],
        files: Sequence[str] = (),
        *,
        flags: int = 0,
        info: _InteractionInfo | None = None,
        message_id: int | None = None,
    ) -> dict[str, Any]:
        mid = message_id or self.next_id()
        msg: dict[str, Any] = {
            "id": str(mid),
            "channel_id": str(channel_id),
            "type": 0,
            "content": body.get("content") or "",
            "tts": bool(body.get("tts")),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._attachments(channel_id, body, list(files)),
            "embeds": copy.deepcopy(body.get("embeds") or []),
            "components": copy.deepcopy(body.get("components") or []),
            "pinned": False,
            "flags": flags,
            "timestamp": _iso(),
            "edited_timestamp": None,
            "author": copy.deepcopy(self.bot_user),
        }
        if body.get("poll"):
            msg["poll"] = self._poll(body["poll"])
        ref = body.get("message_reference")
        if ref and ref.get("message_id"):
            msg["type"] = 19
            msg["message_reference"] = {
                "message_id": str(ref["message_id"]),
                "channel_id": str(ref.get("channel_id") or channel_id),
                **({"guild_id": str(ref["guild_id"])} if ref.get("guild_id") else {}),
            }
        if info is not None:
            msg["webhook_id"] = str(self.application_id)
            msg["application_id"] = str(self.application_id)
            if info.type == 2:
                msg["type"] = 20
            msg["interaction_metadata"] = {
                "id": str(info.id),
                "type": info.type,
                "user": copy.deepcopy(info.user),
                "authorizing_integration_owners": {"0": str(info.guild_id or 0)},
                **({"name": info.name} if info.name else {}),
                **({"interacted_message_id": str(info.message_id)} if info.message_id else {}),
            }
        return self._touch(msg)

    def _edit_message(self, mid: int, body: dict[str, Any], files: Sequence[str] = ()) -> dict[str, Any]:
        msg = self.messages[mid]
        for key in ("content", "embeds", "components"):
            if key in body:
                msg[key] = copy.deepcopy(body[key]) if body[key] is not None else ([] if key != "content" else "")
        if "flags" in body and body["flags"] is not None:
            msg["flags"] = int(body["flags"]) | (int(msg.get("flags") or 0) & _EPHEMERAL)
        if "attachments" in body:
            msg["attachments"] = self._attachments(int(msg["channel_id"]), body, list(files))
        msg["flags"] = int(msg.get("flags") or 0) & ~_LOADING
        msg["edited_timestamp"] = _iso()
        return self._touch(msg)

    def _webhook_message_id(self, match: re.Match[str]) -> int | None:
        token, which = match.group(2), match.group(3)
        if which == "@original":
            return self._originals.get(token)
        return int(which)

    def _interaction_callback(
        self, interaction_id: int, token: str, body: dict[str, Any], files: list[str]
    ) -> dict[str, Any]:
        info = self._interactions.get(interaction_id)
        if info is None:
            raise _Reject(404, 10062, "Unknown interaction")
        if info.answered and self.single_answer:
            raise _Reject(400, 40060, "Interaction has already been acknowledged.")
        if asyncio.get_running_loop().time() - info.created_at > self.interaction_deadline:
            raise _Reject(404, 10062, "Unknown interaction")  # Discord gave up after 3 seconds
        info.answered = True
        info.answered_at = asyncio.get_running_loop().time()
        cb_type = int(body.get("type", 0))
        data = body.get("data") or {}
        summary: dict[str, Any] = {
            "id": str(interaction_id),
            "type": info.type,
            "response_message_id": None,
            "response_message_loading": False,
            "response_message_ephemeral": False,
        }
        result: dict[str, Any] = {"interaction": summary}
        message: dict[str, Any] | None = None
        if cb_type in (4, 5):
            flags = int(data.get("flags") or 0) | (_LOADING if cb_type == 5 else 0)
            message = self._new_message(info.channel_id, data if cb_type == 4 else {}, files, flags=flags, info=info)
            self._originals[token] = int(message["id"])
        elif cb_type in (6, 7) and info.message_id is not None:
            self._originals[token] = info.message_id
            if cb_type == 7 and info.message_id in self.messages:
                message = self._edit_message(info.message_id, data, files)
            summary["response_message_id"] = str(info.message_id)
        if message is not None:
            summary["response_message_id"] = message["id"]
            summary["response_message_loading"] = cb_type == 5
            summary["response_message_ephemeral"] = bool(int(message.get("flags") or 0) & _EPHEMERAL)
            result["resource"] = {"type": cb_type, "message": message}
        return result

    def _followup(self, app_id: int, token: str, body: dict[str, Any], files: list[str]) -> dict[str, Any]:
        info = self._tokens.get(token)
        original = self._originals.get(token)
        if original is not None and int(self.messages.get(original, {}).get("flags", 0)) & _LOADING:
            # The first follow-up after a "thinking" defer fills the loading message.
            return self._edit_message(original, body, files)
        channel_id = info.channel_id if info else 0
        return self._new_message(channel_id, body, files, flags=int(body.get("flags") or 0), info=info)

    def _thread(
        self, channel_id: int, body: dict[str, Any], *, thread_id: int | None = None, files: Sequence[str] = ()
    ) -> dict[str, Any]:
        harness = self._harness
        parent = harness._channels.get(channel_id) if harness else None
        if parent is not None and parent.get("type") in (15, 16):
            _check_forum_post(parent, body)
        guild_id = int(parent["guild_id"]) if parent and parent.get("guild_id") else DEFAULT_GUILD_ID
        thread_type = 11 if thread_id is not None else int(body.get("type") or 11)
        tid = thread_id or self.next_id()
        payload: dict[str, Any] = {
            "id": str(tid),
            "guild_id": str(guild_id),
            "parent_id": str(channel_id),
            "owner_id": str(self.bot_user.get("id", BOT_USER_ID)),
            "name": body.get("name", "thread"),
            "type": thread_type,
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": body.get("rate_limit_per_user") or 0,
            "flags": 0,
            "last_message_id": None,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": body.get("auto_archive_duration") or 1440,
                "archive_timestamp": _iso(),
                "locked": False,
                "invitable": bool(body.get("invitable", True)),
            },
        }
        if "message" in body:  # forum / media post: the starter message has the thread's id
            payload["message"] = self._new_message(tid, body["message"], files, message_id=tid)
        if harness is not None:  # THREAD_CREATE would follow on the gateway
            harness._register_thread(payload)
        return payload

    def _dm_channel(self, user_id: int) -> dict[str, Any]:
        harness = self._harness
        user = harness._user_payload(user_id) if harness else {"id": str(user_id)}
        channel_id = harness._dm_channel_id(user_id) if harness else self.next_id()
        return {"id": str(channel_id), "type": 1, "recipients": [user], "last_message_id": None}

    def _app_info(self) -> dict[str, Any]:
        return {
            "id": str(self.application_id),
            "name": self.bot_user.get("username", BOT_USER_NAME),
            "description": "",
            "icon": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": {"id": str(GUILD_OWNER_ID), "username": "owner", "discriminator": "0", "avatar": None},
            "verify_key": "0" * 64,
            "flags": 0,
        }

    def _check_create_events(self, guild_id: int, body: dict[str, Any]) -> None:
        """Discord's rule since 23 February 2026: Create Events (server-wide for an external event; in the
        channel, with View Channel and Connect, for a voice event). Manage Events alone is refused."""
        harness = self._harness
        guild = harness.bot.get_guild(guild_id) if harness is not None else None
        if guild is None:
            return
        channel = guild.get_channel(int(body["channel_id"])) if body.get("channel_id") else None
        if channel is not None:
            perms = channel.permissions_for(guild.me)
            allowed = perms.create_events and perms.view_channel and perms.connect
        else:
            allowed = guild.me.guild_permissions.create_events
        if not allowed:
            raise _Reject(403, 50013, "Missing Permissions")

    def _scheduled_event(self, guild_id: int, body: dict[str, Any]) -> dict[str, Any]:
        event = {
            "id": str(self.next_id()),
            "guild_id": str(guild_id),
            "creator_id": str(self.bot_user.get("id", BOT_USER_ID)),
            "channel_id": body.get("channel_id"),
            "name": body.get("name", ""),
            "description": body.get("description"),
            "scheduled_start_time": body.get("scheduled_start_time") or _iso(),
            "scheduled_end_time": body.get("scheduled_end_time"),
            "privacy_level": body.get("privacy_level", 2),
            "status": 1,
            "entity_type": body.get("entity_type", 3),
            "entity_id": None,
            "entity_metadata": body.get("entity_metadata"),
            "user_count": 0,
            "image": None,
            "recurrence_rule": body.get("recurrence_rule"),
        }
        self.events[int(event["id"])] = event
        return copy.deepcopy(event)

    # -- lookups used by Harness --------------------------------------------------------------------

    def _register_interaction(self, info: _InteractionInfo) -> None:
        self._interactions[info.id] = info
        self._tokens[info.token] = info

    def _last_message_with(self, custom_id: str) -> dict[str, Any] | None:
        for message in reversed(list(self.messages.values())):
            if _find_component(message, custom_id) is not None:
                return message
        return None


#: ChannelFlags.REQUIRE_TAG: a forum (or media) channel whose posts must carry a tag.
FORUM_REQUIRE_TAG = 1 << 4


def _check_forum_post(forum: dict[str, Any], body: dict[str, Any]) -> None:
    """What Discord checks on a new forum post's tags: known tag ids only, and at least one when the forum
    has *Require tags* on (``400``, JSON code ``40067``)."""
    applied = [str(tag) for tag in body.get("applied_tags") or []]
    known = {str(tag.get("id")) for tag in forum.get("available_tags") or []}
    if any(tag not in known for tag in applied):
        raise _Reject(400, 50035, "Invalid Form Body (applied_tags: unknown tag)")
    if not applied and int(forum.get("flags") or 0) & FORUM_REQUIRE_TAG:
        raise _Reject(400, 40067, "A tag is required to create a forum post in this channel")


def _file_bytes(file: discord.File) -> bytes:
    """What an upload carries, read without disturbing the file's position."""
    handle = file.fp
    position = handle.tell()
    handle.seek(0)
    data = handle.read()
    handle.seek(position)
    return bytes(data)


class _RecordingWebhookAdapter(discord.webhook.async_.AsyncWebhookAdapter):
    """Webhook / interaction-response transport that only records."""

    def __init__(self, recorder: Recorder) -> None:
        super().__init__()
        self._recorder = recorder

    async def request(  # type: ignore[override]
        self,
        route: discord.http.Route,
        session: Any,
        *,
        payload: dict[str, Any] | None = None,
        multipart: list[dict[str, Any]] | None = None,
        files: Sequence[discord.File] | None = None,
        params: dict[str, Any] | None = None,
        reason: str | None = None,
        **kw: Any,
    ) -> Any:
        body = _wire(payload)
        if body is None and multipart:
            body = next((_json.loads(p["value"]) for p in multipart if p.get("name") == "payload_json"), None)
        names = [f.filename or "" for f in files or []]
        blobs = {f.filename or "": _file_bytes(f) for f in files or []}
        path = route.url[len(discord.http.Route.BASE) :]
        try:
            return await self._recorder._handle(route.method, path, body, names, reason, params, blobs)
        except _Reject as reject:
            raise reject.build(route.method, path) from None


# --------------------------------------------------------------------------------------------------
# Harness
# --------------------------------------------------------------------------------------------------


class CommandUnavailable(Exception):
    """Discord would never send this interaction (unknown command, default_permissions the member
    lacks, context not allowed, NSFW command outside an NSFW channel, missing required option or
    a value outside the declared choices/range)."""


_DEFAULT: Any = ...


class _ErrorLogHandler(logging.Handler):
    def __init__(self, sink: list[logging.LogRecord]) -> None:
        super().__init__(level=logging.ERROR)
        self._sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self._sink.append(record)


class Harness:
    """Drives a ``commands.Bot`` offline. Prefer :func:`start` / :func:`close`."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._state = bot._connection
        self.recorder = Recorder()
        self.recorder._harness = self
        #: AppCommandErrors that reached ``bot.tree.on_error`` (CommandInvokeError wraps exceptions).
        self.errors: list[app_commands.AppCommandError] = []
        #: ERROR records logged by discord.py (ignored exceptions in views, dynamic items, events, ...).
        self.logged_errors: list[logging.LogRecord] = []
        #: Max seconds a dispatch may take to settle before TimeoutError.
        self.settle_timeout: float = 10.0
        self.ignored_tasks: list[str] = list(DEFAULT_IGNORED_TASKS)
        #: Refuse interactions Discord would not send (see CommandUnavailable).
        self.enforce_discord_rules: bool = True

        self.guild_id: int = DEFAULT_GUILD_ID
        self.channel_id: int = DEFAULT_CHANNEL_ID

        self._guild_payloads: dict[int, dict[str, Any]] = {}
        self._channels: dict[int, dict[str, Any]] = {}
        self._members: dict[int, dict[str, Any]] = {}
        self._dm_channels: dict[int, int] = {}
        self._command_ids: dict[tuple[str, int | None], int] = {}
        self._bot_roles: dict[int, int] = {}
        self._collectors: list[list[asyncio.Task[Any]]] = []
        self._factory_loop: asyncio.AbstractEventLoop | None = None
        self._prev_factory: Any = None
        self._factory: Any = None
        self._closed = False

        # -- identity: what login() would have set --
        state = self._state
        app_id = state.application_id or BOT_USER_ID
        state.application_id = app_id
        self.application_id: int = app_id
        self.bot_user_payload: dict[str, Any] = {
            "id": str(BOT_USER_ID),
            "username": BOT_USER_NAME,
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "bot": True,
            "public_flags": 0,
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
        }
        state.user = discord.ClientUser(state=state, data=self.bot_user_payload)  # type: ignore[arg-type]
        self.recorder.application_id = app_id
        self.recorder.bot_user = {
            k: self.bot_user_payload[k] for k in ("id", "username", "discriminator", "global_name", "avatar", "bot")
        }

        # -- transports --
        self._orig_session = bot.http.__dict__.get("_HTTPClient__session")
        bot.http._HTTPClient__session = _FakeSession(self)  # type: ignore[attr-defined]
        self._orig_global_over = bot.http._global_over
        bot.http._global_over = asyncio.Event()  # what static_login() sets up
        bot.http._global_over.set()
        bot.http.get_from_cdn = self._get_from_cdn  # type: ignore[method-assign]
        self._adapter = _RecordingWebhookAdapter(self.recorder)
        self._prev_adapter = discord.webhook.async_.async_context.get()
        discord.webhook.async_.async_context.set(self._adapter)

        self._log_handler = _ErrorLogHandler(self.logged_errors)
        logging.getLogger("discord").addHandler(self._log_handler)

        # -- world --
        self.add_guild(
            DEFAULT_GUILD_ID,
            name="Run On Fans",
            channels=[self._channel_payload(DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, name="general")],
        )

    # ---------------------------------------------------------------------------------------------
    # world building
    # ---------------------------------------------------------------------------------------------

    @property
    def guild(self) -> discord.Guild:
        guild = self.bot.get_guild(self.guild_id)
        assert guild is not None
        return guild

    def add_guild(
        self,
        guild_id: int,
        *,
        name: str = "Guild",
        owner_id: int = GUILD_OWNER_ID,
        everyone_permissions: discord.Permissions | int = DEFAULT_MEMBER_PERMISSIONS,
        locale: str = "en-US",
        channels: Sequence[dict[str, Any]] = (),
        roles: Sequence[dict[str, Any]] = (),
    ) -> discord.Guild:
        """Add (or replace) a guild through a GUILD_CREATE-shaped payload. The bot is a member
        with a managed role carrying DEFAULT_APP_PERMISSIONS."""
        bot_role_id = self._bot_roles.setdefault(guild_id, self.recorder.next_id())
        payload: dict[str, Any] = {
            "id": str(guild_id),
            "name": name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "features": [],
            "mfa_level": 0,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "preferred_locale": locale,
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "unavailable": False,
            "large": False,
            "member_count": 2,
            "joined_at": _iso(),
            "emojis": [],
            "stickers": [],
            "voice_states": [],
            "presences": [],
            "threads": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "roles": [
                self._role_payload(guild_id, guild_id, "@everyone", everyone_permissions, position=0),
                self._role_payload(
                    guild_id,
                    bot_role_id,
                    BOT_USER_NAME,
                    DEFAULT_APP_PERMISSIONS,
                    position=1,
                    managed=True,
                    tags={"bot_id": str(BOT_USER_ID)},
                ),
                *roles,
            ],
            "channels": [dict(c, guild_id=str(guild_id)) for c in channels],
            "members": [
                {
                    "user": dict(self.bot_user_payload),
                    "roles": [str(bot_role_id)],
                    "joined_at": _iso(),
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                }
            ],
        }
        self._guild_payloads[guild_id] = payload
        for channel in payload["channels"]:
            self._channels[int(channel["id"])] = channel
        existing = self._state._get_guild(guild_id)
        if existing is not None:
            self._state._remove_guild(existing)
        return self._state._add_guild_from_data(payload)  # type: ignore[arg-type]

    def set_guild_locale(self, locale: str, *, guild_id: int | None = None) -> None:
        """The server's Discord language (Server Settings > Overview > Server Primary Language), changed as a
        GUILD_UPDATE would change it; interactions then carry it as ``guild_locale``."""
        gid = guild_id or self.guild_id
        self._guild_payloads[gid]["preferred_locale"] = locale
        guild = self._state._get_guild(gid)
        assert guild is not None
        guild.preferred_locale = discord.Locale(locale)

    def add_channel(
        self,
        channel_id: int,
        *,
        name: str | None = None,
        guild_id: int | None = None,
        type: int = 0,
        parent_id: int | None = None,
        nsfw: bool = False,
        topic: str | None = None,
    ) -> Any:
        """Add a guild channel (text=0, voice=2, category=4, news=5, forum=15, threads=10/11/12)."""
        gid = guild_id or self.guild_id
        guild = self._state._get_guild(gid)
        if guild is None:
            guild = self.add_guild(gid)
        if type in (10, 11, 12):
            return self._register_thread(
                {
                    "id": str(channel_id),
                    "guild_id": str(gid),
                    "parent_id": str(parent_id or self.channel_id),
                    "owner_id": str(BOT_USER_ID),
                    "name": name or f"thread-{channel_id}",
                    "type": type,
                    "message_count": 0,
                    "member_count": 1,
                    "rate_limit_per_user": 0,
                    "flags": 0,
                    "last_message_id": None,
                    "thread_metadata": {
                        "archived": False,
                        "auto_archive_duration": 1440,
                        "archive_timestamp": _iso(),
                        "locked": False,
                    },
                }
            )
        payload = self._channel_payload(
            channel_id,
            gid,
            name=name,
            type=type,
            parent_id=parent_id,
            nsfw=nsfw,
            topic=topic,
            position=len(guild.channels),
        )
        self._channels[channel_id] = payload
        factory, _ = discord.channel._guild_channel_factory(type)
        if factory is None:
            raise ValueError(f"unsupported channel type {type}")
        channel = factory(guild=guild, state=self._state, data=payload)  # type: ignore[call-arg,arg-type]
        guild._add_channel(channel)
        return channel

    @staticmethod
    def _channel_payload(
        channel_id: int,
        guild_id: int,
        *,
        name: str | None = None,
        type: int = 0,
        parent_id: int | None = None,
        nsfw: bool = False,
        topic: str | None = None,
        position: int = 0,
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(channel_id),
            "type": type,
            "guild_id": str(guild_id),
            "name": name or f"channel-{channel_id}",
            "position": position,
            "permission_overwrites": [],
            "nsfw": nsfw,
            "topic": topic,
            "rate_limit_per_user": 0,
            "parent_id": str(parent_id) if parent_id else None,
            "last_message_id": None,
            "flags": 0,
        }
        if type in (15, 16):
            payload.update(
                available_tags=[], default_reaction_emoji=None, default_sort_order=None, default_forum_layout=0
            )
        if type in (2, 13):
            payload.update(bitrate=64000, user_limit=0, rtc_region=None, video_quality_mode=1)
        return payload

    def _channel_changed(self, channel_id: int, method: str, body: dict[str, Any]) -> Any:
        """PATCH or DELETE /channels/{id}: change the stored channel and the gateway cache like the
        CHANNEL_UPDATE / THREAD_UPDATE / *_DELETE events that would follow."""
        payload = self._channels.get(channel_id)
        if payload is None:
            raise _Reject(404, 10003, "Unknown Channel")
        if method == "DELETE":
            self.remove_channel(channel_id)
            return payload
        payload = copy.deepcopy(payload)
        is_thread = payload["type"] in (10, 11, 12)
        for key, value in body.items():
            if is_thread and key in ("archived", "locked", "auto_archive_duration", "invitable"):
                payload["thread_metadata"][key] = value
            elif key == "available_tags":
                payload[key] = [dict(tag, id=str(tag.get("id") or self.recorder.next_id())) for tag in value]
            else:
                payload[key] = value
        self._channels[channel_id] = payload
        if is_thread:
            self._register_thread(payload)
        else:
            self._state.parse_channel_update(payload)  # type: ignore[arg-type]
        return payload

    def set_bot_permissions(self, permissions: discord.Permissions | int, *, guild_id: int | None = None) -> None:
        """Change the bot's managed role (its server-wide permissions), as an admin would."""
        gid = guild_id or self.guild_id
        role_id = self._bot_roles[gid]
        for payload in self._guild_payloads[gid]["roles"]:
            if int(payload["id"]) == role_id:
                payload["permissions"] = str(_perm_value(permissions))
                self._state.parse_guild_role_update({"guild_id": str(gid), "role": copy.deepcopy(payload)})  # type: ignore[arg-type]

    def set_overwrite(
        self,
        channel_id: int,
        target_id: int = BOT_USER_ID,
        *,
        allow: discord.Permissions | int = 0,
        deny: discord.Permissions | int = 0,
        role: bool = False,
    ) -> None:
        """Set a channel permission overwrite (default: for the bot member), as staff would in Discord."""
        payload = copy.deepcopy(self._channels[channel_id])
        overwrites = [o for o in payload.get("permission_overwrites", []) if int(o["id"]) != target_id]
        overwrites.append(
            {
                "id": str(target_id),
                "type": 0 if role else 1,
                "allow": str(_perm_value(allow)),
                "deny": str(_perm_value(deny)),
            }
        )
        payload["permission_overwrites"] = overwrites
        self._channels[channel_id] = payload
        self._state.parse_channel_update(payload)  # type: ignore[arg-type]

    def remove_channel(self, channel_id: int) -> None:
        """Delete a channel or thread from Discord's side (as if someone deleted it)."""
        payload = self._channels.pop(channel_id, None)
        if payload is None:
            return
        guild = self._state._get_guild(int(payload["guild_id"]))
        if guild is None:
            return
        thread = guild.get_thread(channel_id)
        if thread is not None:
            guild._remove_thread(thread)
        channel = guild.get_channel(channel_id)
        if channel is not None:
            guild._remove_channel(channel)

    def set_forum(
        self,
        channel_id: int,
        *,
        require_tag: bool | None = None,
        tags: Sequence[str | dict[str, Any]] | None = None,
        gateway: bool = True,
    ) -> list[int]:
        """Change a forum channel as staff would: *Require tags* on or off, and its tags (names, or tag payloads
        such as ``{"name": "Spoilers", "moderated": True}``). Returns the ids of the forum's tags. With
        ``gateway=False`` the bot's cache is not told (a CHANNEL_UPDATE it has not received yet)."""
        payload = copy.deepcopy(self._channels[channel_id])
        if require_tag is not None:
            flags = int(payload.get("flags") or 0)
            payload["flags"] = flags | FORUM_REQUIRE_TAG if require_tag else flags & ~FORUM_REQUIRE_TAG
        if tags is not None:
            payload["available_tags"] = [
                {"id": str(self.recorder.next_id()), "moderated": False, "emoji_id": None, "emoji_name": None}
                | ({"name": tag} if isinstance(tag, str) else tag)
                for tag in tags
            ]
        self._channels[channel_id] = payload
        if gateway:
            self._state.parse_channel_update(payload)  # type: ignore[arg-type]
        return [int(tag["id"]) for tag in payload.get("available_tags") or []]

    def archive_thread(self, thread_id: int) -> None:
        """Archive a thread on Discord's side; the cached Thread forgets it, as the gateway would."""
        payload = self._channels[thread_id]
        payload["thread_metadata"]["archived"] = True
        guild = self._state._get_guild(int(payload["guild_id"]))
        thread = guild.get_thread(thread_id) if guild else None
        if guild is not None and thread is not None:
            guild._remove_thread(thread)

    async def _get_from_cdn(self, url: str) -> bytes:
        """The CDN download behind ``Attachment.read()``. ``recorder.fail("GET", url_regex, status=404)`` makes it
        fail as discord.py's ``get_from_cdn`` does (404 NotFound, 403 Forbidden, else HTTPException)."""
        call = Call("GET", url, None, [], None)
        self.recorder.calls.append(call)
        await asyncio.sleep(0)  # a download is I/O: let other tasks run
        for failure in self.recorder._failures:
            if _method_matches(failure.method, "GET") and failure.pattern.fullmatch(url):
                failure.times -= 1
                if failure.times <= 0:
                    self.recorder._failures.remove(failure)
                call.status = failure.status
                raise _Reject(failure.status, failure.code, failure.message).build("GET", url)
        return self.recorder.cdn.get(url, b"fake-bytes:" + url.rsplit("/", 1)[-1].encode())

    async def invoke_message_menu(
        self,
        name: str,
        message: dict[str, Any],
        *,
        user: dict[str, Any] | None = None,
        channel_id: int | None = None,
        app_permissions: int | None = None,
        locale: str = "en-US",
    ) -> discord.Interaction:
        """Run a message context-menu command on ``message`` (a message payload, e.g. from
        :meth:`message_payload`), to completion."""
        command = self.bot.tree.get_command(name, type=discord.AppCommandType.message)
        if command is None:
            raise CommandUnavailable(f"no message menu named {name!r}")
        member = copy.deepcopy(user) if user is not None else self.member()
        if self.enforce_discord_rules and command.default_permissions is not None:
            have = discord.Permissions(int(member.get("permissions", "0")))
            if not have.administrator and not command.default_permissions.is_subset(have):
                raise CommandUnavailable(f"{name}: member lacks the default permissions")
        cmd_id = self._command_ids.setdefault((name, None), self.recorder.next_id())
        data = {
            "id": str(cmd_id),
            "name": name,
            "type": 3,
            "target_id": str(message["id"]),
            "resolved": {"messages": {str(message["id"]): message}},
        }
        payload, info = self._base_payload(
            2,
            data,
            user=member,
            guild_id=self.guild_id,
            channel_id=channel_id or int(message["channel_id"]),
            app_permissions=app_permissions,
            locale=locale,
            name=name,
        )
        return await self._dispatch(payload, info)

    def message_payload(
        self,
        content: str,
        *,
        author: dict[str, Any] | None = None,
        channel_id: int | None = None,
        attachments: Sequence[str] = (),
    ) -> dict[str, Any]:
        """A message posted by a member (stored, so the bot can fetch or delete it)."""
        channel = channel_id or self.channel_id
        mid = self.recorder.next_id()
        author_user = (author or self.member())["user"]
        message = {
            "id": str(mid),
            "channel_id": str(channel),
            "guild_id": str(self.guild_id),
            "type": 0,
            "content": content,
            "author": author_user,
            "timestamp": _iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [
                {
                    "id": str(self.recorder.next_id()),
                    "filename": name,
                    "size": 1000,
                    "url": f"https://cdn.discordapp.com/attachments/{channel}/{mid}/{name}",
                    "proxy_url": f"https://media.discordapp.net/attachments/{channel}/{mid}/{name}",
                    "content_type": "image/png" if name.endswith(".png") else "application/octet-stream",
                }
                for name in attachments
            ],
            "embeds": [],
            "pinned": False,
            "flags": 0,
            "components": [],
        }
        self.recorder.messages[mid] = message
        return copy.deepcopy(message)

    def _register_thread(self, payload: dict[str, Any]) -> discord.Thread | None:
        self._channels[int(payload["id"])] = payload
        guild = self._state._get_guild(int(payload["guild_id"]))
        if guild is None:
            return None
        thread = discord.Thread(guild=guild, state=self._state, data=payload)  # type: ignore[arg-type]
        guild._add_thread(thread)
        return thread

    def add_role(
        self,
        role_id: int,
        *,
        name: str | None = None,
        permissions: discord.Permissions | int = 0,
        guild_id: int | None = None,
        position: int = 1,
        mentionable: bool = False,
    ) -> discord.Role:
        gid = guild_id or self.guild_id
        guild = self._state._get_guild(gid)
        if guild is None:
            guild = self.add_guild(gid)
        payload = self._role_payload(gid, role_id, name or f"role-{role_id}", permissions, position=position)
        payload["mentionable"] = mentionable
        self._guild_payloads[gid]["roles"].append(payload)
        role = discord.Role(guild=guild, state=self._state, data=payload)  # type: ignore[arg-type]
        guild._add_role(role)
        return role

    @staticmethod
    def _role_payload(
        guild_id: int,
        role_id: int,
        name: str,
        permissions: discord.Permissions | int,
        *,
        position: int,
        managed: bool = False,
        tags: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(role_id),
            "name": name,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "color": 0,
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": position,
            "permissions": str(_perm_value(permissions)),
            "managed": managed,
            "mentionable": False,
            "flags": 0,
        }
        if tags is not None:
            payload["tags"] = tags
        return payload

    def member(
        self,
        user_id: int = DEFAULT_USER_ID,
        *,
        name: str = "fan",
        permissions: discord.Permissions | int = DEFAULT_MEMBER_PERMISSIONS,
        roles: Sequence[int] = (),
        nick: str | None = None,
        bot: bool = False,
    ) -> dict[str, Any]:
        """A gateway member payload (``{"user": {...}, "roles": [...], "permissions": "..."}``).

        ``permissions`` is what Discord puts in the interaction (resolved channel permissions).
        Unknown role ids are created in the default guild; permissions beyond @everyone's are also
        granted through a synthetic role so ``member.guild_permissions`` agrees."""
        value = _perm_value(permissions)
        guild = self._state._get_guild(self.guild_id)
        role_ids = [int(r) for r in roles]
        if guild is not None:
            for role_id in role_ids:
                if guild.get_role(role_id) is None:
                    self.add_role(role_id)
            everyone = guild.default_role.permissions.value
            extra = value & ~everyone
            if extra:
                synthetic = 9_000_000_000 + extra % 1_000_000_000
                if guild.get_role(synthetic) is None:
                    self.add_role(synthetic, name=f"perms-{value}", permissions=value)
                if synthetic not in role_ids:
                    role_ids.append(synthetic)
        spec: dict[str, Any] = {
            "user": {
                "id": str(user_id),
                "username": name,
                "discriminator": "0",
                "global_name": name,
                "avatar": None,
                "bot": bot,
                "public_flags": 0,
            },
            "roles": [str(r) for r in role_ids],
            "permissions": str(value),
            "joined_at": _iso(_now() - timedelta(days=30)),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "nick": nick,
            "avatar": None,
            "communication_disabled_until": None,
        }
        self._members[user_id] = spec
        return copy.deepcopy(spec)

    def _user_payload(self, user_id: int) -> dict[str, Any]:
        if user_id == BOT_USER_ID:
            return copy.deepcopy(self.recorder.bot_user)
        spec = self._members.get(user_id)
        if spec is not None:
            return copy.deepcopy(spec["user"])
        return {
            "id": str(user_id),
            "username": f"user{user_id}",
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "bot": False,
            "public_flags": 0,
        }

    def _dm_channel_id(self, user_id: int) -> int:
        if user_id not in self._dm_channels:
            channel_id = self.recorder.next_id()
            self._dm_channels[user_id] = channel_id
            self._channels[channel_id] = {
                "id": str(channel_id),
                "type": 1,
                "recipients": [self._user_payload(user_id)],
                "last_message_id": None,
            }
        return self._dm_channels[user_id]

    # ---------------------------------------------------------------------------------------------
    # transports
    # ---------------------------------------------------------------------------------------------

    def _install_context(self) -> None:
        discord.webhook.async_.async_context.set(self._adapter)

    async def _ensure_ready(self) -> asyncio.AbstractEventLoop:
        if self._closed:
            raise RuntimeError("harness is closed")
        loop = asyncio.get_running_loop()
        if self.bot.loop is not loop:
            await self.bot._async_setup_hook()
        if self._factory_loop is not loop:
            self._prev_factory = loop.get_task_factory()
            prev = self._prev_factory
            collectors = self._collectors

            def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
                task = prev(loop, coro, **kwargs) if prev is not None else asyncio.Task(coro, loop=loop, **kwargs)
                for collector in collectors:
                    collector.append(task)
                return task

            loop.set_task_factory(factory)
            self._factory = factory
            self._factory_loop = loop
        self._install_context()
        self._ensure_error_hook()
        return loop

    def _ensure_error_hook(self) -> None:
        tree = self.bot.tree
        current = tree.on_error
        if getattr(current, "__harness__", None) is self:
            return

        async def on_error(interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
            self.errors.append(error)
            await current(interaction, error)

        on_error.__harness__ = self  # type: ignore[attr-defined]
        tree.on_error = on_error  # type: ignore[method-assign]

    def _is_ignored(self, task: asyncio.Task[Any]) -> bool:
        qualname = getattr(task.get_coro(), "__qualname__", "") or ""
        return any(pattern in qualname for pattern in self.ignored_tasks)

    async def _settle(self, loop: asyncio.AbstractEventLoop, created: list[asyncio.Task[Any]]) -> None:
        deadline = loop.time() + self.settle_timeout
        while True:
            for _ in range(3):
                await asyncio.sleep(0)
            pending = [t for t in created if not t.done() and not self._is_ignored(t)]
            if not pending:
                break
            remaining = deadline - loop.time()
            if remaining <= 0:
                names = ", ".join(f"{t.get_name()} ({getattr(t.get_coro(), '__qualname__', '?')})" for t in pending)
                raise TimeoutError(f"dispatch did not settle within {self.settle_timeout}s; pending: {names}")
            await asyncio.wait(pending, timeout=remaining)
        for task in created:
            if task.done() and not task.cancelled() and not self._is_ignored(task):
                exc = task.exception()
                if exc is not None:
                    raise exc

    async def _dispatch(self, payload: dict[str, Any], info: _InteractionInfo) -> discord.Interaction:
        """Mirror of ConnectionState.parse_interaction_create, then wait for everything it spawned."""
        loop = await self._ensure_ready()
        state = self._state
        self.recorder._register_interaction(info)
        interaction: discord.Interaction = discord.Interaction(data=payload, state=state)  # type: ignore[arg-type]
        created: list[asyncio.Task[Any]] = []
        self._collectors.append(created)
        try:
            data = payload.get("data") or {}
            if payload["type"] in (2, 4) and state._command_tree:
                state._command_tree._from_interaction(interaction)
            elif payload["type"] == 3:
                state._view_store.dispatch_view(data["component_type"], data["custom_id"], interaction)
            elif payload["type"] == 5:
                state._view_store.dispatch_modal(
                    data["custom_id"], interaction, data["components"], data.get("resolved", {})
                )
            state.dispatch("interaction", interaction)
            await self._settle(loop, created)
        finally:
            self._collectors.remove(created)
        return interaction

    # ---------------------------------------------------------------------------------------------
    # payload building
    # ---------------------------------------------------------------------------------------------

    def _base_payload(
        self,
        itype: int,
        data: dict[str, Any],
        *,
        user: dict[str, Any] | None,
        guild_id: int | None,
        channel_id: int | None,
        app_permissions: int | None,
        locale: str,
        name: str | None = None,
        message: dict[str, Any] | None = None,
        origin: _InteractionInfo | None = None,
    ) -> tuple[dict[str, Any], _InteractionInfo]:
        member = copy.deepcopy(user) if user is not None else self.member()
        if "user" not in member:  # a bare user payload was passed
            member = {
                "user": member,
                "roles": [],
                "permissions": str(DEFAULT_MEMBER_PERMISSIONS.value),
                "joined_at": _iso(),
                "deaf": False,
                "mute": False,
                "flags": 0,
            }
        user_payload = member["user"]
        iid = self.recorder.next_id()
        token = f"itok{iid}"
        app_perms = DEFAULT_APP_PERMISSIONS.value if app_permissions is None else _perm_value(app_permissions)
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "locale": locale,
            "app_permissions": str(app_perms),
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if guild_id is not None:
            guild_payload = self._guild_payloads.get(guild_id)
            if guild_payload is None:
                self.add_guild(guild_id)
                guild_payload = self._guild_payloads[guild_id]
            if channel_id is None:
                channel_id = (
                    next(
                        (
                            int(c["id"])
                            for c in self._channels.values()
                            if c.get("guild_id") == str(guild_id) and c["type"] in (0, 5)
                        ),
                        None,
                    )
                    or self.add_channel(self.recorder.next_id(), guild_id=guild_id).id
                )
            if channel_id not in self._channels:
                self.add_channel(channel_id, guild_id=guild_id)
            channel = dict(self._channels[channel_id])
            channel["permissions"] = member.get("permissions", str(DEFAULT_MEMBER_PERMISSIONS.value))
            guild_locale = guild_payload.get("preferred_locale", "en-US")
            payload.update(
                guild_id=str(guild_id),
                guild={"id": str(guild_id), "locale": guild_locale, "features": guild_payload.get("features", [])},
                guild_locale=guild_locale,
                channel_id=str(channel_id),
                channel=channel,
                member=member,
                authorizing_integration_owners={"0": str(guild_id)},
                context=0,
            )
        else:
            user_id = int(user_payload["id"])
            if channel_id is None:
                channel_id = self._dm_channel_id(user_id)
            channel = self._channels.get(channel_id) or {
                "id": str(channel_id),
                "type": 1,
                "recipients": [user_payload],
                "last_message_id": None,
            }
            payload.update(
                channel_id=str(channel_id),
                channel=dict(channel, flags=0),
                user=user_payload,
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        if message is not None:
            payload["message"] = message
        info = _InteractionInfo(
            id=iid,
            type=itype,
            token=token,
            channel_id=channel_id,
            guild_id=guild_id,
            user=user_payload,
            name=name,
            message_id=int(message["id"]) if message is not None else None,
            origin=origin,
            created_at=asyncio.get_running_loop().time(),
        )
        return payload, info

    def _resolve_guild(self, guild_id: Any) -> int | None:
        return self.guild_id if guild_id is _DEFAULT else guild_id

    def _find_command(
        self, path: str, guild_id: int | None
    ) -> tuple[
        app_commands.Command[Any, ..., Any], list[app_commands.Command[Any, ..., Any] | app_commands.Group], int | None
    ]:
        parts = path.split()
        if not parts:
            raise ValueError("empty command path")
        tree = self.bot.tree
        root = None
        scoped_guild: int | None = None
        if guild_id is not None:
            root = tree.get_command(parts[0], guild=discord.Object(guild_id))
            scoped_guild = guild_id if root is not None else None
        if root is None:
            root = tree.get_command(parts[0])
        if root is None:
            raise CommandUnavailable(f"no slash command {parts[0]!r} is registered for guild {guild_id}")
        chain: list[Any] = [root]
        node: Any = root
        for part in parts[1:]:
            if not isinstance(node, app_commands.Group):
                raise CommandUnavailable(f"{node.qualified_name!r} has no subcommand {part!r}")
            child = node.get_command(part)
            if child is None:
                raise CommandUnavailable(f"{node.qualified_name!r} has no subcommand {part!r}")
            chain.append(child)
            node = child
        if isinstance(node, app_commands.Group):
            raise CommandUnavailable(f"{path!r} is a group; name a subcommand")
        return node, chain, scoped_guild

    def _check_available(
        self, root: Any, guild_id: int | None, scoped_guild: int | None, member: dict[str, Any], channel_id: int | None
    ) -> None:
        if not self.enforce_discord_rules:
            return
        spec = root.to_dict(self.bot.tree)
        if guild_id is None:
            if scoped_guild is not None:
                raise CommandUnavailable(f"/{root.name} is a guild command")
            contexts = spec.get("contexts")
            if spec.get("dm_permission") is False or (contexts is not None and 1 not in contexts):
                raise CommandUnavailable(f"/{root.name} cannot be used in DMs")
            return
        contexts = spec.get("contexts")
        if scoped_guild is None and contexts is not None and 0 not in contexts:
            raise CommandUnavailable(f"/{root.name} cannot be used in guilds")
        required = spec.get("default_member_permissions")
        if required is not None:
            have = int(member.get("permissions", 0))
            if not have & discord.Permissions.administrator.flag and (int(required) & ~have):
                raise CommandUnavailable(
                    f"/{root.name} requires default_member_permissions={required}; member has {have}"
                )
        if spec.get("nsfw"):
            channel = self._channels.get(channel_id or self.channel_id) or {}
            if not channel.get("nsfw"):
                raise CommandUnavailable(f"/{root.name} is NSFW and the channel is not")

    def _option_value(
        self, param: app_commands.Parameter, value: Any, resolved: dict[str, Any], guild_id: int | None
    ) -> Any:
        t = param.type
        if isinstance(value, app_commands.Choice):
            value = value.value
        if t is discord.AppCommandOptionType.string:
            return str(value)
        if t is discord.AppCommandOptionType.integer:
            return int(value)
        if t is discord.AppCommandOptionType.boolean:
            return bool(value)
        if t is discord.AppCommandOptionType.number:
            return float(value)
        if t is discord.AppCommandOptionType.attachment:
            return self._resolve_attachment(value, resolved)
        snowflake = self._snowflake(value)
        if t is discord.AppCommandOptionType.user:
            self._resolve_user(snowflake, value, resolved, guild_id)
        elif t is discord.AppCommandOptionType.channel:
            self._resolve_channel(snowflake, resolved)
        elif t is discord.AppCommandOptionType.role:
            self._resolve_role(snowflake, resolved, guild_id)
        elif t is discord.AppCommandOptionType.mentionable:
            if guild_id is not None and self._role_data(snowflake, guild_id) is not None:
                self._resolve_role(snowflake, resolved, guild_id)
            else:
                self._resolve_user(snowflake, value, resolved, guild_id)
        return str(snowflake)

    @staticmethod
    def _snowflake(value: Any) -> int:
        if isinstance(value, dict):
            return int(value["user"]["id"] if "user" in value else value["id"])
        if hasattr(value, "id"):
            return int(value.id)
        return int(value)

    def _resolve_user(self, user_id: int, value: Any, resolved: dict[str, Any], guild_id: int | None) -> None:
        spec = value if isinstance(value, dict) and "user" in value else self._members.get(user_id)
        user = copy.deepcopy(spec["user"]) if spec else self._user_payload(user_id)
        resolved.setdefault("users", {})[str(user_id)] = user
        if spec is not None and guild_id is not None:
            member = {k: copy.deepcopy(v) for k, v in spec.items() if k != "user"}
            resolved.setdefault("members", {})[str(user_id)] = member

    def _resolve_channel(self, channel_id: int, resolved: dict[str, Any]) -> None:
        if channel_id not in self._channels:
            self.add_channel(channel_id)
        raw = self._channels[channel_id]
        data = {
            k: raw[k]
            for k in (
                "id",
                "type",
                "name",
                "parent_id",
                "guild_id",
                "nsfw",
                "topic",
                "rate_limit_per_user",
                "last_message_id",
                "flags",
                "position",
                "thread_metadata",
            )
            if k in raw
        }
        data["permissions"] = str(DEFAULT_MEMBER_PERMISSIONS.value)
        resolved.setdefault("channels", {})[str(channel_id)] = data

    def _role_data(self, role_id: int, guild_id: int) -> dict[str, Any] | None:
        for role in self._guild_payloads.get(guild_id, {}).get("roles", []):
            if int(role["id"]) == role_id:
                return role
        return None

    def _resolve_role(self, role_id: int, resolved: dict[str, Any], guild_id: int | None) -> None:
        gid = guild_id or self.guild_id
        data = self._role_data(role_id, gid)
        if data is None:
            self.add_role(role_id, guild_id=gid)
            data = self._role_data(role_id, gid)
        resolved.setdefault("roles", {})[str(role_id)] = copy.deepcopy(data)

    def _resolve_attachment(self, value: Any, resolved: dict[str, Any]) -> str:
        if isinstance(value, dict):
            data = dict(value)
        else:
            filename = getattr(value, "filename", None) or str(value)
            data = {"filename": filename, "size": 0}
        att_id = int(data.get("id") or self.recorder.next_id())
        url = f"https://cdn.discordapp.com/ephemeral-attachments/{self.channel_id}/{att_id}/{data['filename']}"
        data.setdefault("url", url)
        data.setdefault("proxy_url", url)
        data.setdefault("size", 0)
        data["id"] = str(att_id)
        data["ephemeral"] = True
        resolved.setdefault("attachments", {})[str(att_id)] = data
        return str(att_id)

    def _build_command_data(
        self,
        command: str,
        options: dict[str, Any],
        *,
        guild_id: int | None,
        member: dict[str, Any],
        channel_id: int | None,
        focused: tuple[str, str] | None = None,
    ) -> tuple[dict[str, Any], app_commands.Command[Any, ..., Any]]:
        leaf, chain, scoped_guild = self._find_command(command, guild_id)
        self._check_available(chain[0], guild_id, scoped_guild, member, channel_id)
        params = leaf.parameters
        by_name: dict[str, app_commands.Parameter] = {}
        for param in params:
            by_name[param.display_name] = param
            by_name.setdefault(param.name, param)

        given: dict[str, Any] = {}
        for key, value in options.items():
            if key not in by_name and key.endswith("_") and key[:-1] in by_name:
                key = key[:-1]  # `user_=` addresses an option called "user"
            if key not in by_name:
                raise TypeError(f"/{leaf.qualified_name} has no option {key!r} (has {sorted(by_name)})")
            given[by_name[key].display_name] = value
        if focused is not None:
            focused_name = by_name[focused[0]].display_name if focused[0] in by_name else None
            if focused_name is None:
                raise TypeError(f"/{leaf.qualified_name} has no option {focused[0]!r}")
            given[focused_name] = focused[1]
        else:
            focused_name = None

        resolved: dict[str, Any] = {}
        opts: list[dict[str, Any]] = []
        for param in params:
            name = param.display_name
            if name not in given:
                if param.required and focused is None and self.enforce_discord_rules:
                    raise CommandUnavailable(f"/{leaf.qualified_name}: required option {name!r} missing")
                continue
            value = given[name]
            if value is None:
                continue
            if name == focused_name:
                opts.append({"type": param.type.value, "name": name, "value": str(value), "focused": True})
                continue
            wire = self._option_value(param, value, resolved, guild_id)
            self._check_value(leaf, param, wire)
            opts.append({"type": param.type.value, "name": name, "value": wire})

        node_options: list[dict[str, Any]] = opts
        for cmd in reversed(chain[1:]):
            kind = 2 if isinstance(cmd, app_commands.Group) else 1
            node_options = [{"type": kind, "name": cmd.name, "options": node_options}]
        root = chain[0]
        cmd_id = self._command_ids.setdefault((root.name, scoped_guild), self.recorder.next_id())
        data: dict[str, Any] = {"id": str(cmd_id), "name": root.name, "type": 1, "options": node_options}
        if resolved:
            data["resolved"] = resolved
        if scoped_guild is not None:
            data["guild_id"] = str(scoped_guild)
        return data, leaf

    def _check_value(self, leaf: Any, param: app_commands.Parameter, wire: Any) -> None:
        if not self.enforce_discord_rules:
            return
        if param.choices and wire not in [c.value for c in param.choices]:
            raise CommandUnavailable(f"/{leaf.qualified_name}: {wire!r} is not a choice of {param.display_name!r}")
        t = param.type
        if t in (discord.AppCommandOptionType.integer, discord.AppCommandOptionType.number):
            measure = wire
        elif t is discord.AppCommandOptionType.string:
            measure = len(wire)
        else:
            return
        if param.min_value is not None and measure < param.min_value:
            raise CommandUnavailable(f"/{leaf.qualified_name}: {param.display_name}={wire!r} below minimum")
        if param.max_value is not None and measure > param.max_value:
            raise CommandUnavailable(f"/{leaf.qualified_name}: {param.display_name}={wire!r} above maximum")

    # ---------------------------------------------------------------------------------------------
    # public driving API
    # ---------------------------------------------------------------------------------------------

    async def invoke(
        self,
        command: str,
        *,
        user: dict[str, Any] | None = None,
        channel_id: int | None = None,
        guild_id: int | None = _DEFAULT,
        app_permissions: int | None = None,
        locale: str = "en-US",
        **options: Any,
    ) -> discord.Interaction:
        """Run a slash command (``"recap"``, ``"episode info"``) to completion and return the Interaction.

        Options are given by (display or Python) name; an option whose name collides with a keyword
        here can be passed with a trailing underscore (``user_=...``). ``guild_id=None`` means a DM."""
        gid = self._resolve_guild(guild_id)
        member = copy.deepcopy(user) if user is not None else self.member()
        data, leaf = self._build_command_data(command, options, guild_id=gid, member=member, channel_id=channel_id)
        payload, info = self._base_payload(
            2,
            data,
            user=member,
            guild_id=gid,
            channel_id=channel_id,
            app_permissions=app_permissions,
            locale=locale,
            name=leaf.qualified_name,
        )
        return await self._dispatch(payload, info)

    async def autocomplete(
        self,
        command: str,
        focused: str,
        value: str,
        *,
        user: dict[str, Any] | None = None,
        channel_id: int | None = None,
        guild_id: int | None = _DEFAULT,
        locale: str = "en-US",
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Type-4 interaction with ``focused`` option typed as ``value``; returns the choices sent back."""
        gid = self._resolve_guild(guild_id)
        member = copy.deepcopy(user) if user is not None else self.member()
        data, leaf = self._build_command_data(
            command, options, guild_id=gid, member=member, channel_id=channel_id, focused=(focused, value)
        )
        payload, info = self._base_payload(
            4,
            data,
            user=member,
            guild_id=gid,
            channel_id=channel_id,
            app_permissions=None,
            locale=locale,
            name=leaf.qualified_name,
        )
        await self._dispatch(payload, info)
        for call in reversed(self.recorder.calls):
            match = _P_CALLBACK.fullmatch(call.path)
            if match and int(match.group(1)) == info.id and isinstance(call.json, dict) and call.json.get("type") == 8:
                return list(call.json.get("data", {}).get("choices", []))
        raise AssertionError(f"autocomplete for /{command} {focused}= sent no choices (see harness.logged_errors)")

    def _component_message(
        self,
        custom_id: str,
        message: dict[str, Any] | None,
        ephemeral_message: bool,
        synth: dict[str, Any],
        channel_id: int | None,
    ) -> dict[str, Any]:
        if message is None:
            found = self.recorder._last_message_with(custom_id)
            if found is not None:
                message = copy.deepcopy(found)
            else:
                message = self.recorder._new_message(
                    channel_id or self.channel_id, {"components": [{"type": 1, "components": [synth]}]}
                )
                message = copy.deepcopy(message)
        else:
            message = copy.deepcopy(message)
            message.setdefault("id", str(self.recorder.next_id()))
            message.setdefault("channel_id", str(channel_id or self.channel_id))
            message.setdefault("type", 0)
            message.setdefault("content", "")
            message.setdefault("author", copy.deepcopy(self.recorder.bot_user))
            message.setdefault("timestamp", _iso())
            message.setdefault("components", [])
            message.setdefault("flags", 0)
            message.setdefault("attachments", [])
            message.setdefault("embeds", [])
            message.setdefault("mentions", [])
            if int(message["id"]) not in self.recorder.messages:
                self.recorder._touch(copy.deepcopy(message))
        if ephemeral_message:
            message["flags"] = int(message.get("flags") or 0) | _EPHEMERAL
            stored = self.recorder.messages.get(int(message["id"]))
            if stored is not None:
                stored["flags"] = message["flags"]
        return message

    def _channel_context(self, channel_id: int) -> int | None:
        """Guild id of a known channel, None for DM channels."""
        raw = self._channels.get(channel_id)
        if raw is None:
            return self.guild_id
        if raw.get("type") in (1, 3):
            return None
        return int(raw["guild_id"]) if raw.get("guild_id") else self.guild_id

    async def _component(
        self,
        custom_id: str,
        extra: dict[str, Any],
        synth: dict[str, Any],
        *,
        message: dict[str, Any] | None,
        user: dict[str, Any] | None,
        channel_id: int | None,
        ephemeral_message: bool,
        locale: str = "en-US",
    ) -> discord.Interaction:
        await self._ensure_ready()
        msg = self._component_message(custom_id, message, ephemeral_message, synth, channel_id)
        component = _find_component(msg, custom_id) or synth
        cid = channel_id or int(msg["channel_id"])
        gid = self._channel_context(cid)
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": int(component.get("type", synth["type"]))}
        data.update(extra)
        if data["component_type"] in (5, 6, 7, 8) and "values" in data:
            resolved: dict[str, Any] = {}
            for v in data["values"]:
                sf = int(v)
                if data["component_type"] == 8:
                    self._resolve_channel(sf, resolved)
                elif data["component_type"] == 6 or (
                    data["component_type"] == 7 and gid is not None and self._role_data(sf, gid) is not None
                ):
                    self._resolve_role(sf, resolved, gid)
                else:
                    self._resolve_user(sf, None, resolved, gid)
            data["values"] = [str(v) for v in data["values"]]
            data["resolved"] = resolved
        payload, info = self._base_payload(
            3,
            data,
            user=user,
            guild_id=gid,
            channel_id=cid,
            app_permissions=None,
            locale=locale,
            message=msg,
        )
        return await self._dispatch(payload, info)

    async def click(
        self,
        custom_id: str,
        *,
        message: dict[str, Any] | None = None,
        user: dict[str, Any] | None = None,
        channel_id: int | None = None,
        ephemeral_message: bool = False,
        locale: str = "en-US",
    ) -> discord.Interaction:
        """Press a button. ``message`` defaults to the latest known message carrying ``custom_id``
        (one is synthesised if none exists, so DynamicItems can be clicked directly)."""
        synth = {"type": 2, "style": 1, "label": "button", "custom_id": custom_id}
        return await self._component(
            custom_id,
            {},
            synth,
            message=message,
            user=user,
            channel_id=channel_id,
            ephemeral_message=ephemeral_message,
            locale=locale,
        )

    async def select(
        self,
        custom_id: str,
        values: list[str],
        *,
        message: dict[str, Any] | None = None,
        user: dict[str, Any] | None = None,
        channel_id: int | None = None,
        ephemeral_message: bool = False,
        locale: str = "en-US",
    ) -> discord.Interaction:
        """Choose ``values`` in a select menu (string, user, role, mentionable or channel select)."""
        synth = {"type": 3, "custom_id": custom_id, "options": [{"label": str(v), "value": str(v)} for v in values]}
        return await self._component(
            custom_id,
            {"values": list(values)},
            synth,
            message=message,
            user=user,
            channel_id=channel_id,
            ephemeral_message=ephemeral_message,
            locale=locale,
        )

    async def submit_modal(
        self, custom_id: str, fields: dict[str, Any], *, user: dict[str, Any] | None = None, locale: str = "en-US"
    ) -> discord.Interaction:
        """Submit the modal ``custom_id`` (as last sent by the bot) with text-input values by custom_id."""
        await self._ensure_ready()
        sent: dict[str, Any] | None = None
        origin: _InteractionInfo | None = None
        for call in reversed(self.recorder.calls):
            match = _P_CALLBACK.fullmatch(call.path)
            body = call.json if isinstance(call.json, dict) else {}
            if match and call.status < 300 and body.get("type") == 9 and body["data"].get("custom_id") == custom_id:
                sent = body["data"]
                origin = self.recorder._interactions.get(int(match.group(1)))
                break
        remaining = dict(fields)

        def convert(comp: dict[str, Any]) -> dict[str, Any] | None:
            t = comp.get("type")
            if t == 1:
                return {"type": 1, "components": [c for c in map(convert, comp.get("components", [])) if c]}
            if t == 18:
                inner = convert(comp["component"])
                return {"type": 18, "id": comp.get("id", 0), "component": inner} if inner else None
            cid = comp.get("custom_id")
            if cid is None:
                return {"type": t, "id": comp.get("id", 0)}
            value = remaining.pop(cid, None)
            if t == 4:
                text = "" if value is None else str(value)
                return {"type": 4, "id": comp.get("id", 0), "custom_id": cid, "value": text}
            if value is None:
                values = []
            elif isinstance(value, list | tuple):
                values = [str(v) for v in value]
            else:
                values = [str(value)]
            return {"type": t, "id": comp.get("id", 0), "custom_id": cid, "values": values}

        components = [c for c in map(convert, (sent or {}).get("components", [])) if c]
        for cid, value in remaining.items():  # not found in the sent modal: plain text inputs
            components.append({"type": 1, "components": [{"type": 4, "custom_id": cid, "value": str(value)}]})

        message = None
        if origin is not None and origin.message_id is not None:
            message = copy.deepcopy(self.recorder.messages.get(origin.message_id))
        channel_id = origin.channel_id if origin else self.channel_id
        gid = origin.guild_id if origin else self.guild_id
        if user is None and origin is not None:
            user = copy.deepcopy(self._members.get(int(origin.user["id"]))) or {"user": origin.user}
        payload, info = self._base_payload(
            5,
            {"custom_id": custom_id, "components": components},
            user=user,
            guild_id=gid,
            channel_id=channel_id,
            app_permissions=None,
            locale=locale,
            message=message,
            origin=origin,
        )
        return await self._dispatch(payload, info)

    # ---------------------------------------------------------------------------------------------
    # readers
    # ---------------------------------------------------------------------------------------------

    def responses(self) -> list[dict[str, Any]]:
        """Successful interaction traffic in order: ``{"kind": "callback"|"followup"|"edit_original"|
        "edit_followup", **json_body}``."""
        out: list[dict[str, Any]] = []
        app = str(self.application_id)
        for call in self.recorder.calls:
            if call.status >= 300 or not isinstance(call.json, dict):
                continue
            if _P_CALLBACK.fullmatch(call.path) and call.method == "POST":
                out.append({"kind": "callback", **call.json})
            elif (match := _P_WEBHOOK_MSG.fullmatch(call.path)) and call.method == "PATCH" and match.group(1) == app:
                kind = "edit_original" if match.group(3) == "@original" else "edit_followup"
                out.append({"kind": kind, **call.json})
            elif (match := _P_WEBHOOK_EXEC.fullmatch(call.path)) and call.method == "POST" and match.group(1) == app:
                out.append({"kind": "followup", **call.json})
        return out

    def last_response(self) -> dict[str, Any]:
        responses = self.responses()
        if not responses:
            raise AssertionError("no interaction response was recorded")
        return responses[-1]

    async def gateway(self, event: str, data: dict[str, Any]) -> None:
        """Deliver a gateway dispatch (``"MESSAGE_POLL_VOTE_ADD"``, ...) to the bot's real parser, as the
        websocket does, and wait for every listener it starts."""
        loop = await self._ensure_ready()
        created: list[asyncio.Task[Any]] = []
        self._collectors.append(created)
        try:
            self._state.parsers[event](copy.deepcopy(data))
            await self._settle(loop, created)
        finally:
            self._collectors.remove(created)

    async def vote(self, message_id: int, user_id: int, answer_id: int, *, add: bool = True) -> None:
        """A member votes on a poll (or removes the vote): Discord's results change, and the bot gets
        ``MESSAGE_POLL_VOTE_ADD`` / ``_REMOVE`` (the Guild Message Polls intent)."""
        self.recorder.cast_vote(message_id, user_id, answer_id, add=add)
        message = self.recorder.messages[message_id]
        channel = self._channels.get(int(message["channel_id"])) or {}
        payload = {
            "user_id": str(user_id),
            "channel_id": message["channel_id"],
            "message_id": str(message_id),
            "answer_id": answer_id,
        }
        if channel.get("guild_id"):
            payload["guild_id"] = str(channel["guild_id"])
        await self.gateway("MESSAGE_POLL_VOTE_ADD" if add else "MESSAGE_POLL_VOTE_REMOVE", payload)

    def polls(self, channel_id: int | None = None) -> list[dict[str, Any]]:
        """Messages with a poll the bot posted (stored as Discord keeps them), in order."""
        return [
            m
            for m in self.recorder.messages.values()
            if "poll" in m and (channel_id is None or int(m["channel_id"]) == channel_id)
        ]

    def channel_messages(self, channel_id: int | None = None) -> list[dict[str, Any]]:
        """JSON bodies successfully POSTed to /channels/{id}/messages (all channels when None)."""
        out: list[dict[str, Any]] = []
        for call in self.recorder.calls:
            match = _P_CHANNEL_MSGS.fullmatch(call.path)
            if not match or call.method != "POST" or call.status >= 300:
                continue
            if channel_id is None or int(match.group(1)) == channel_id:
                out.append(call.json if isinstance(call.json, dict) else {})
        return out

    # ---------------------------------------------------------------------------------------------
    # teardown
    # ---------------------------------------------------------------------------------------------

    def _stop_views(self) -> None:
        store = self._state._view_store
        views = {item.view for items in store._views.values() for item in items.values() if item.view is not None}
        views.update(store._modals.values())
        for view in views:
            view.stop()

    def _uninstall(self) -> None:
        if self._closed:
            return
        self._closed = True
        http = self.bot.http
        http._HTTPClient__session = self._orig_session  # type: ignore[attr-defined]
        http._global_over = self._orig_global_over
        http.__dict__.pop("get_from_cdn", None)
        if discord.webhook.async_.async_context.get() is self._adapter:
            discord.webhook.async_.async_context.set(self._prev_adapter)
        loop = self._factory_loop
        if loop is not None and not loop.is_closed() and loop.get_task_factory() is self._factory:
            loop.set_task_factory(self._prev_factory)
        logging.getLogger("discord").removeHandler(self._log_handler)


async def start(bot: commands.Bot, *, ready: bool = True) -> Harness:
    """What ``login()`` would do, minus the network: loop setup, identity, recording, ``setup_hook``.

    ``setup_hook`` runs with recording active (its REST calls, e.g. ``tree.sync()``, are recorded).
    With ``ready=True`` the internal ready event is set so ``wait_until_ready()`` returns."""
    await bot._async_setup_hook()
    harness = Harness(bot)
    await harness._ensure_ready()
    await bot.setup_hook()
    if ready:
        bot._ready.set()
    return harness


async def close(harness: Harness) -> None:
    """Close the bot (unloads cogs/extensions, still recorded) and remove all instrumentation."""
    if harness._closed:
        return
    harness._install_context()
    harness._stop_views()
    try:
        await harness.bot.close()
    finally:
        harness._uninstall()
