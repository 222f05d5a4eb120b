"""The paced sender: everything the bot posts on its own goes through here.

* **Global pacing.** Discord allows a bot a fixed number of requests per second (50 by default) across all
  its traffic. Posts are spaced evenly at a share of that limit (90 % by default), leaving the rest for
  answers to commands, so the bot does not provoke ``429`` answers in the first place.
* **Per-channel buckets.** Discord also limits messages per channel (about 5 every 5 seconds). A channel
  whose bucket is empty waits without holding up other channels; a ``429`` for one channel blocks only it.
* **Fairness.** Servers take turns (round robin), and one server has at most a few requests in flight, so a
  server whose sends are slow or failing cannot hold up the others beyond the pacing floor.
* **Nothing is lost to a 429.** A rate-limited post waits for Discord's ``retry_after`` and goes out while
  its moment has not passed. Transient failures (connection reset, timeout, 5xx) are retried with backoff,
  with the same nonce, but only within Discord's nonce window. Only Discord's definitive answers (missing
  access or permission, unknown channel, closed DMs) are failures.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import datetime as dt
import logging
import random
from collections.abc import Callable

from msgspec import Struct, field

from .model import (
    REFUSALS,
    Answered,
    CallResult,
    Delivered,
    Expired,
    Outgoing,
    Postponed,
    Refusal,
    Refused,
    Request,
    SendResult,
    Transport,
    TransportError,
    TransportErrorKind,
)

log = logging.getLogger(__name__)

#: Set in the sender's own attempts, so that the request hook does not count them twice.
PACED: contextvars.ContextVar[bool] = contextvars.ContextVar("paced", default=False)


class SenderOptions(Struct, frozen=True):
    global_limit: float = 50.0  # Discord's global limit, requests per second
    share: float = 0.96  # the pace kept for all of the bot's REST requests together (a margin for timing noise)
    max_in_flight: int = 16
    per_guild_in_flight: int = 4
    channel_burst: int = 5  # messages per channel per window, as Discord usually allows
    channel_window: float = 5.0
    request_timeout: float = 10.0  # one attempt; a hung connection is retried, not waited for
    backoff_first: float = 1.0
    backoff_max: float = 30.0
    nonce_window: float = 120.0  # Discord deduplicates a nonce "for a few minutes"; resend only within this
    default_lifetime: dt.timedelta = dt.timedelta(minutes=10)  # when an item has no deadline

    @property
    def rate(self) -> float:
        return self.global_limit * self.share


class SenderStats(Struct):
    submitted: int = 0
    attempts: int = 0
    delivered: int = 0
    refused: int = 0
    expired: int = 0
    postponed: int = 0
    rate_limited: int = 0  # 429 answers that reached the sender (discord.py retries short ones itself)
    transient: int = 0


class _Job(Struct, eq=False):
    item: Outgoing | Request
    future: asyncio.Future[SendResult]
    deadline: dt.datetime
    not_before: float = 0.0  # loop time
    attempts: int = 0
    first_ambiguous: float | None = None  # loop time of the first attempt that may have reached Discord
    last_error: str = ""
    answer: object = None  # a request's answer from Discord


class _Channel(Struct):
    sent: collections.deque[float] = field(default_factory=collections.deque)
    blocked_until: float = 0.0

    def ready_at(self, now: float, burst: int, window: float) -> float:
        while self.sent and now - self.sent[0] >= window:
            self.sent.popleft()
        at = self.blocked_until
        if len(self.sent) >= burst:
            at = max(at, self.sent[0] + window)
        return at


class PacedSender:
    def __init__(
        self,
        transport: Transport,
        *,
        options: SenderOptions | None = None,
        wall_clock: Callable[[], dt.datetime],
    ) -> None:
        self.options = options or SenderOptions()
        self.stats = SenderStats()
        self._transport = transport
        self._wall = wall_clock
        self._queues: dict[int | None, collections.deque[_Job]] = {}
        self._turns: collections.deque[int | None] = collections.deque()  # servers with queued work, in turn
        self._channels: dict[str, _Channel] = {}
        self._in_flight: dict[int | None, int] = collections.defaultdict(int)
        self._workers: set[asyncio.Task[None]] = set()
        self._running = 0  # attempts in flight (a worker counts until its last line, unlike the task set)
        self._next_slot = 0.0  # loop time before which no new request starts (global pacing)
        self._global_block = 0.0
        self._wake = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self._closing = False
        self._share = 1.0  # of the global limit (several processes share it)

    def set_share(self, fraction: float) -> None:
        """Pace at ``fraction`` of the global limit: the share of this process when several run the bot."""
        fraction = min(max(fraction, 0.01), 1.0)
        if fraction != self._share:
            log.info("pacing at %.0f%% of the global limit (%d bot process(es))", fraction * 100, round(1 / fraction))
        self._share = fraction

    @property
    def rate(self) -> float:
        """Requests a second this process may make."""
        return self.options.rate * self._share

    def note_request(self) -> None:
        """Another part of the bot made a REST request (a command creating a thread, editing a card…): it takes
        a slot of the global limit too, so the sender's own posts wait for the next one."""
        if PACED.get():
            return
        try:
            now = asyncio.get_running_loop().time()
        except RuntimeError:
            return
        self._next_slot = max(now, self._next_slot) + 1 / self.rate

    @property
    def queued(self) -> int:
        return sum(len(q) for q in self._queues.values())

    @property
    def in_flight(self) -> int:
        return self._running

    async def send(self, item: Outgoing) -> SendResult:
        """Post ``item`` as soon as the limits allow; returns how it ended (never raises for Discord's answers)."""
        if self._closing:
            return Postponed("the bot is stopping")
        return await asyncio.shield(self._submit(item).future)

    async def call(self, request: Request) -> CallResult:
        """Make ``request`` as soon as the limits allow, like a post; returns Discord's answer or how it ended
        (never raises for Discord's answers)."""
        if self._closing:
            return Postponed("the bot is stopping")
        job = self._submit(request)
        result = await asyncio.shield(job.future)
        return Answered(job.answer) if isinstance(result, Delivered) else result

    def _submit(self, item: Outgoing | Request) -> _Job:
        """Queue ``item`` (a post or a request) and make sure the sender runs; the job's future tells how it ended."""
        loop = asyncio.get_running_loop()
        deadline = item.deadline or (self._wall() + self.options.default_lifetime)
        job = _Job(item, loop.create_future(), deadline)
        self.stats.submitted += 1
        self._enqueue(job)
        if self._runner is None or self._runner.done():
            self._runner = loop.create_task(self._run(), name="paced-sender")
        return job

    def _enqueue(self, job: _Job) -> None:
        key = job.item.guild_id
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = collections.deque()
            self._turns.append(key)
        queue.append(job)
        self._wake.set()

    # -- the dispatcher --------------------------------------------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        options = self.options
        while self._turns or self._running:
            now = loop.time()
            job, wait = self._pick(now) if self._running < options.max_in_flight else (None, None)
            if job is None:
                self._wake.clear()
                if not self._turns and not self._running:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=wait)
                continue
            start = max(now, self._next_slot, self._global_block)
            if start > now:
                try:
                    await asyncio.sleep(start - now)
                except asyncio.CancelledError:
                    self._finish(job, Postponed("the bot is stopping"))
                    raise
            if self._closing:
                self._finish(job, Postponed("the bot is stopping"))
                continue
            cost = 1 if isinstance(job.item, Request) else self._transport.requests_needed(job.item)
            self._next_slot = max(loop.time(), self._next_slot) + cost / self.rate
            self._channel(job.item.bucket).sent.append(loop.time())
            self._in_flight[job.item.guild_id] += 1
            self._running += 1
            worker = loop.create_task(self._attempt(job), name=f"send {job.item.label}")
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)

    def _channel(self, bucket: str) -> _Channel:
        channel = self._channels.get(bucket)
        if channel is None:
            channel = self._channels[bucket] = _Channel()
        return channel

    def _pick(self, now: float) -> tuple[_Job | None, float | None]:
        """The next job to start (servers in turn), or how long until one could start."""
        options = self.options
        wall = self._wall()
        soonest: float | None = None
        for _ in range(len(self._turns)):
            key = self._turns[0]
            self._turns.rotate(-1)
            queue = self._queues[key]
            if self._in_flight[key] >= options.per_guild_in_flight:
                continue
            for index, job in enumerate(queue):
                if job.deadline <= wall:
                    del queue[index]
                    self._finish(job, Expired(self._expired_detail(job)))
                    break  # the queue changed: look again on the next pass
                ready = max(job.not_before, self._channel(job.item.bucket).ready_at(now, options.channel_burst,
                                                                                   options.channel_window))  # fmt: skip
                if ready <= now:
                    del queue[index]
                    if not queue:
                        self._drop_turn(key)
                    return job, None
                soonest = ready if soonest is None else min(soonest, ready)
                if index >= 32:  # a long queue in one channel: the rest waits behind it anyway
                    break
            if not queue and key in self._queues:
                self._drop_turn(key)
        if soonest is None:
            return None, None
        return None, max(soonest - now, 0.001)

    def _drop_turn(self, key: int | None) -> None:
        self._queues.pop(key, None)
        with contextlib.suppress(ValueError):
            self._turns.remove(key)

    # -- one attempt -----------------------------------------------------------------------------

    async def _attempt(self, job: _Job) -> None:
        loop = asyncio.get_running_loop()
        options = self.options
        job.attempts += 1
        self.stats.attempts += 1
        PACED.set(True)  # this task's requests are the sender's own (already paced)
        try:
            async with asyncio.timeout(options.request_timeout):
                if isinstance(job.item, Request):
                    job.answer = await job.item.run()
                    message_id = 0
                else:
                    message_id = await self._transport.post(job.item)
        except TransportError as error:
            self._failed_attempt(job, error, loop.time())
        except TimeoutError:
            self._failed_attempt(
                job,
                TransportError(
                    TransportErrorKind.TRANSIENT, f"no answer within {options.request_timeout:g}s", ambiguous=True
                ),
                loop.time(),
            )
        except asyncio.CancelledError:
            self._finish(job, Postponed("the bot stopped while sending"))
            raise
        except Exception as error:  # a bug: the item fails, the sender goes on
            log.exception("sending %s failed unexpectedly", job.item.label)
            self._finish(job, Refused(Refusal.OTHER, f"internal error: {error!r}"[:300]))
        else:
            self._finish(job, Delivered(message_id))
        finally:
            self._in_flight[job.item.guild_id] -= 1
            self._running -= 1
            self._wake.set()

    def _failed_attempt(self, job: _Job, error: TransportError, now: float) -> None:
        options = self.options
        job.last_error = error.detail
        if error.kind is TransportErrorKind.REFUSED:
            problem = REFUSALS.get(error.code or 0, Refusal.OTHER)
            self._finish(job, Refused(problem, error.detail, error.code, error.status))
            return
        if error.kind is TransportErrorKind.RATE_LIMITED:
            self.stats.rate_limited += 1
            wait = max(error.retry_after or 1.0, 0.05)
            if error.is_global:
                self._global_block = max(self._global_block, now + wait)
            else:
                channel = self._channel(job.item.bucket)
                channel.blocked_until = max(channel.blocked_until, now + wait)
            job.not_before = now + wait
            log.info("%s rate limited: retrying in %.2fs", job.item.label, wait)
        else:
            self.stats.transient += 1
            if error.ambiguous and job.first_ambiguous is None:
                job.first_ambiguous = now
            backoff = min(options.backoff_first * 2 ** (job.attempts - 1), options.backoff_max)
            job.not_before = now + backoff * random.uniform(0.8, 1.2)
            if job.first_ambiguous is not None and job.not_before - job.first_ambiguous > options.nonce_window:
                # Discord may have the first attempt; past the nonce window a resend could post it twice.
                self._finish(job, Refused(Refusal.UNCONFIRMED, f"Discord did not confirm the post ({error.detail})"))
                return
            log.info("%s: %s; retry %d in %.1fs", job.item.label, error.detail, job.attempts, job.not_before - now)
        if self._closing:
            self._finish(job, Postponed(f"the bot is stopping ({error.detail})"))
            return
        self._enqueue(job)

    def _expired_detail(self, job: _Job) -> str:
        why = f" (last answer: {job.last_error})" if job.last_error else ""
        return f"its moment passed before Discord accepted it{why}"

    def _finish(self, job: _Job, result: SendResult) -> None:
        if job.future.done():
            return
        job.future.set_result(result)
        if isinstance(result, Delivered):
            self.stats.delivered += 1
        elif isinstance(result, Refused):
            self.stats.refused += 1
        elif isinstance(result, Expired):
            self.stats.expired += 1
        else:
            self.stats.postponed += 1

    # -- life cycle ------------------------------------------------------------------------------

    async def close(self, grace: float = 5.0) -> None:
        """Stop taking work: queued items are postponed at once, sends in flight get ``grace`` seconds."""
        self._closing = True
        for queue in self._queues.values():
            while queue:
                self._finish(queue.popleft(), Postponed("the bot is stopping"))
        self._queues.clear()
        self._turns.clear()
        if self._workers:
            _done, pending = await asyncio.wait(set(self._workers), timeout=grace)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
        if self._runner is not None:
            self._wake.set()
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
