"""The in-process transport: discord.py's HTTP session and webhook adapter replaced by ones that hand each
request to the :class:`Recorder`, which records it, applies the faults a test asked for (failures, canned
answers, dropped connections, slow answers, rate limits) and answers it from the route table over the state."""

from __future__ import annotations

import asyncio
import copy
import errno
import json as _json
import re
import types
import urllib.parse
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from typing import Any

import aiohttp
import discord
import yarl
from multidict import CIMultiDict

from . import routes
from .limits import DiscordLimits
from .payloads import Payload
from .state import Call, DiscordState, Reject

__all__ = ["HTTPSession", "Recorder", "Rule", "WebhookAdapter", "take_rule", "to_exception"]


def _wire(payload: Any) -> Any:
    """Round-trip through discord.py's own JSON encoder: exactly what goes over the wire."""
    if payload is None:
        return None
    return _json.loads(discord.utils._to_json(payload))


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class _FakeResponse:
    """Quacks like the aiohttp.ClientResponse that discord.HTTPException reads."""

    def __init__(self, status: int, method: str, path: str) -> None:
        self.status = status
        self.reason = _phrase(status)
        self.method = method
        self.url = discord.http.Route.BASE + path
        self.headers: dict[str, str] = {}


def to_exception(reject: Reject, method: str, path: str) -> Exception:
    """The discord.py exception a refusal becomes (403 Forbidden, 404 NotFound, >= 500 DiscordServerError)."""
    if reject.status == 429:
        # What discord.py raises when a rate limit is longer than the client's
        # max_ratelimit_timeout (shorter ones it sleeps through by itself).
        return discord.RateLimited(_retry_after(reject))
    response: Any = _FakeResponse(reject.status, method, path)
    if reject.status == 403:
        return discord.Forbidden(response, reject.body)
    if reject.status == 404:
        return discord.NotFound(response, reject.body)
    if reject.status >= 500:
        return discord.DiscordServerError(response, reject.body)
    return discord.HTTPException(response, reject.body)


def _retry_after(reject: Reject) -> float:
    return float(reject.message) if reject.message.replace(".", "").isdigit() else 60.0


@dataclass
class Rule:
    """A test's instruction for matching requests: fail them, answer them with canned JSON, or fault them."""

    method: str
    pattern: re.Pattern[str]
    times: int = 1_000_000
    reject: Reject | None = None
    body: Any = None
    kind: str = ""  # faults: 'reset-before' (never reached Discord), 'reset-after' (answer lost), 'delay'
    seconds: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        return (self.method == "*" or self.method.upper() == method.upper()) and bool(self.pattern.fullmatch(path))


def take_rule(rules: list[Rule], method: str, path: str, *, newest_first: bool = False) -> Rule | None:
    for rule in reversed(rules) if newest_first else list(rules):
        if rule.matches(method, path):
            rule.times -= 1
            if rule.times <= 0:
                rules.remove(rule)
            return rule
    return None


class _HTTPResponse:
    """What aiohttp's ClientResponse offers to discord.py's HTTPClient.request."""

    def __init__(self, status: int, method: str, url: str, body: Any, headers: dict[str, str]) -> None:
        self.status = status
        self.reason = _phrase(status)
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

    def __init__(self, pending: Awaitable[_HTTPResponse]) -> None:
        self._pending = pending

    async def __aenter__(self) -> _HTTPResponse:
        return await self._pending

    async def __aexit__(self, *exc: object) -> None:
        return None


def _rate_limited(method: str, url: str, retry_after: float, is_global: bool, headers: dict[str, str]) -> _HTTPResponse:
    answer = {"message": "You are being rate limited.", "retry_after": round(retry_after, 3), "global": is_global}
    headers.update({"Retry-After": f"{retry_after:.3f}", "Via": "1.1 google"})
    return _HTTPResponse(429, method, url, answer, headers)


class HTTPSession:
    """Stands in for discord.py's aiohttp session: every REST call the bot makes goes to the recorder,
    after the network faults and the rate limits the test asked for."""

    def __init__(self, recorder: Recorder, http: discord.http.HTTPClient) -> None:
        self._recorder = recorder
        self._http = http
        self.closed = False

    def __bool__(self) -> bool:
        return True

    def request(self, method: str, url: str, **kwargs: Any) -> _RequestContext:
        return _RequestContext(self._request(method.upper(), url, kwargs))

    async def _request(self, method: str, url: str, kwargs: dict[str, Any]) -> _HTTPResponse:
        recorder = self._recorder
        path = url[len(discord.http.Route.BASE) :] if url.startswith(discord.http.Route.BASE) else url
        path = path.split("?", 1)[0]
        data = kwargs.get("data")
        if isinstance(data, aiohttp.FormData):
            body, files = _form_body(data)
        else:
            body, files = (_json.loads(data) if data else None), []
        reason_header = (kwargs.get("headers") or {}).get("X-Audit-Log-Reason")
        call = Call(method, path, body, files, urllib.parse.unquote(reason_header) if reason_header else None,
                    kwargs.get("params"))  # fmt: skip
        trace = self._http.http_trace
        if trace is not None:  # what aiohttp does for a real session: tell the trace hooks
            params = aiohttp.TraceRequestStartParams(method, yarl.URL(url), CIMultiDict())
            for hook in trace.on_request_start:
                await hook(self, types.SimpleNamespace(), params)  # type: ignore[arg-type]
        fault = take_rule(recorder.faults, method, path)
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
        if fault is not None and fault.kind == "reset-before":
            call.status = 0
            recorder.calls.append(call)
            raise aiohttp.ClientOSError(errno.ECONNRESET, "Connection reset by peer")
        headers: dict[str, str] = {}
        limits = recorder.limits
        if limits is not None:
            found = routes.match(method, path)
            bucket = found[0].bucket_key(found[1]) if found else None
            headers, retry_after, is_global = limits.admit(bucket, recorder.state.clock())
            if retry_after is not None:
                call.status = 429
                recorder.calls.append(call)
                return _rate_limited(method, url, retry_after, is_global, headers)
        try:
            result = await recorder.handle(call)
        except Reject as reject:
            if reject.status == 429:
                return _rate_limited(method, url, _retry_after(reject), False, headers)
            return _HTTPResponse(reject.status, method, url, reject.body, headers)
        if fault is not None and fault.kind == "reset-after":
            raise aiohttp.ServerDisconnectedError("Server disconnected")
        return _HTTPResponse(200 if result is not None else 204, method, url, result, headers)

    async def close(self) -> None:
        self.closed = True


class Recorder:
    """Records every request, hands it to the route table over :attr:`state`, and applies what the test asked
    for: failures, canned answers, dropped connections and slow answers.

    ``path_regex`` arguments are matched with :func:`re.fullmatch` against :attr:`Call.path`
    (e.g. ``"/channels/600/messages"``; no query string). ``method`` may be ``"*"``.
    """

    def __init__(self, state: DiscordState | None = None) -> None:
        self.state = state or DiscordState()
        self.calls: list[Call] = []
        self.failures: list[Rule] = []
        self.canned: list[Rule] = []
        self.faults: list[Rule] = []

    # -- the state, as tests have always read it through the recorder -----------------------------

    @property
    def messages(self) -> dict[int, Payload]:
        """Messages that exist, id -> payload, least recently touched first."""
        return self.state.messages

    @property
    def cdn(self) -> dict[str, bytes]:
        return self.state.cdn

    @property
    def events(self) -> dict[int, Payload]:
        return self.state.events

    @property
    def poll_votes(self) -> dict[int, dict[int, list[int]]]:
        return self.state.poll_votes

    @property
    def limits(self) -> DiscordLimits | None:
        return self.state.limits

    @property
    def duplicates_prevented(self) -> int:
        return self.state.duplicates_prevented

    @property
    def interaction_deadline(self) -> float:
        return self.state.interaction_deadline

    @interaction_deadline.setter
    def interaction_deadline(self, seconds: float) -> None:
        self.state.interaction_deadline = seconds

    @property
    def single_answer(self) -> bool:
        return self.state.single_answer

    @single_answer.setter
    def single_answer(self, value: bool) -> None:
        self.state.single_answer = value

    def next_id(self) -> int:
        """A fresh, realistic snowflake."""
        return self.state.next_id()

    def answer_latencies(self) -> list[float]:
        """Seconds from each interaction's arrival to its first answer (what the member waits for)."""
        return self.state.answer_latencies()

    def rate_limits(
        self, *, global_per_second: float = 50, channel_messages: int = 5, channel_window: float = 5.0
    ) -> DiscordLimits:
        """Answer like Discord's rate limiter from now on (see :meth:`DiscordState.rate_limits`)."""
        return self.state.rate_limits(
            global_per_second=global_per_second, channel_messages=channel_messages, channel_window=channel_window
        )

    def cast_vote(self, message_id: int, user_id: int, answer_id: int, *, add: bool = True) -> None:
        self.state.cast_vote(message_id, user_id, answer_id, add=add)

    def end_poll(self, message_id: int, *, at: datetime | None = None, finalized: bool = True) -> None:
        self.state.end_poll(message_id, at=at, finalized=finalized)

    # -- what a test asks for ---------------------------------------------------------------------

    def clear(self) -> None:
        """Forget recorded calls, canned responses and pending failures (the state stays)."""
        self.calls.clear()
        self.failures.clear()
        self.canned.clear()

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
        self.failures.append(Rule(method, re.compile(path_regex), times, reject=Reject(status, code, message)))

    def respond(self, method: str, path_regex: str, body: Any) -> None:
        """Canned JSON result for matching requests (latest rule wins; kept until :meth:`clear`).
        ``body`` may be a callable taking the :class:`Call` and returning the result."""
        self.canned.append(Rule(method, re.compile(path_regex), body=body))

    def drop(self, method: str, path_regex: str, *, times: int = 1, after_processing: bool = False) -> None:
        """Reset the connection of the next ``times`` matching REST requests: before Discord saw them, or
        (``after_processing``) after Discord acted on them, so only the answer is lost."""
        kind = "reset-after" if after_processing else "reset-before"
        self.faults.append(Rule(method, re.compile(path_regex), times, kind=kind))

    def slow(self, method: str, path_regex: str, seconds: float, *, times: int = 1_000_000) -> None:
        """Matching REST requests take ``seconds`` before Discord answers."""
        self.faults.append(Rule(method, re.compile(path_regex), times, kind="delay", seconds=seconds))

    # -- request handling ---------------------------------------------------------------------------

    async def handle(self, call: Call) -> Any:
        """Record ``call`` and answer it: a failure the test asked for, a canned answer, or the route table's."""
        call.started = self.state.clock()
        self.calls.append(call)
        await asyncio.sleep(0)  # behave like I/O: let other tasks interleave
        try:
            result = self._answer(call)
        except Reject as reject:
            call.status = reject.status
            raise
        finally:
            call.finished = self.state.clock()
        call.result = result
        if result is None:
            call.status = 204
        return copy.deepcopy(result)

    def _answer(self, call: Call) -> Any:
        failure = take_rule(self.failures, call.method, call.path)
        if failure is not None and failure.reject is not None:
            raise failure.reject
        for canned in reversed(self.canned):
            if canned.matches(call.method, call.path):
                return canned.body(call) if callable(canned.body) else copy.deepcopy(canned.body)
        try:
            return routes.dispatch(self.state, call)
        except routes.NoRoute:
            return None if call.method == "DELETE" else {}


def _file_bytes(file: discord.File) -> bytes:
    """What an upload carries, read without disturbing the file's position."""
    handle = file.fp
    position = handle.tell()
    handle.seek(0)
    data = handle.read()
    handle.seek(position)
    return bytes(data)


class WebhookAdapter(discord.webhook.async_.AsyncWebhookAdapter):
    """Webhook / interaction-response transport: through the recorder, as the HTTP session is."""

    def __init__(self, recorder: Recorder) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._recorder = recorder

    async def request(
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
        path = route.url[len(discord.http.Route.BASE) :]
        call = Call(route.method, path, body, [f.filename or "" for f in files or []], reason, params)
        call.blobs = {f.filename or "": _file_bytes(f) for f in files or []}
        try:
            return await self._recorder.handle(call)
        except Reject as reject:
            raise to_exception(reject, route.method, path) from None
