"""The one durable scheduler of the bot.

Reminders are rows in SQLite with a due instant. A tick claims the due rows atomically (and rows
whose claim was never finished because the process died), decides for each whether it is still worth
sending, hands it to the delivery registered for its kind, and marks the outcome. Every send carries
a nonce derived from the row, so a resend after a crash between send and mark is deduplicated by
Discord: a reminder goes out once.

Delivery is Discord I/O and lives in a cog; this module only knows the :class:`Delivery` protocol.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from bot.store import ReminderRepository, ReminderRow

log = logging.getLogger(__name__)

LEASE_SECONDS = 120  # a claim older than this was abandoned (crash) and is taken again
BATCH = 500
MAX_BATCHES_PER_TICK = 20  # a burst larger than BATCH is drained in the same tick, up to this many batches
STARTING_NOW_GRACE = dt.timedelta(minutes=15)  # "starting now" still makes sense this long after the start
LATE_AFTER = dt.timedelta(minutes=1)  # sent later than this after its due time: say it is late


@dataclass(frozen=True, slots=True)
class Sent:
    message_id: int | None = None
    detail: str | None = None  # e.g. DM copies that could not be delivered


@dataclass(frozen=True, slots=True)
class Failed:
    """Delivery failed for good. ``problem`` is a stable code; ``detail`` is Discord's error."""

    problem: str  # 'missing_permissions', 'unknown_channel', 'dms_closed', 'other'
    detail: str
    channel_id: int | None = None

    @property
    def report_to_staff(self) -> bool:
        return self.problem in ("missing_permissions", "unknown_channel")


@dataclass(frozen=True, slots=True)
class RetryLater:
    after: dt.timedelta
    detail: str


Outcome = Sent | Failed | RetryLater


class Delivery(Protocol):
    async def deliver(self, reminder: ReminderRow, *, nonce: str, now: dt.datetime, late: bool) -> Outcome:
        """Send the reminder (with ``nonce``) and say how it went. Must not raise for Discord errors."""
        ...

    async def report_problem(self, guild_id: int, failure: Failed) -> None:
        """Tell the server's staff about a delivery problem (called once per problem and channel)."""
        ...


def epoch(moment: dt.datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return int(moment.timestamp())


def instant(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def nonce_for(row: ReminderRow) -> str:
    """Stable per row (Discord nonces are at most 25 characters)."""
    return f"runon-r{row.id}"


def stale_reason(row: ReminderRow, now: dt.datetime) -> str | None:
    """Why a reminder should not be sent any more, or None when it still makes sense."""
    event = instant(row.event_at)
    if row.offset_seconds > 0 and now >= event:
        return f"its moment passed while the bot was down (the event started at {event:%Y-%m-%d %H:%M} UTC)"
    if row.offset_seconds == 0 and now > event + STARTING_NOW_GRACE:
        return f"more than {STARTING_NOW_GRACE.seconds // 60} minutes after the start when the bot came back"
    return None


@dataclass
class TickReport:
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retried: int = 0
    problems_reported: int = 0
    errors: list[str] = field(default_factory=list)


class Scheduler:
    def __init__(self, repo: ReminderRepository, deliveries: Mapping[str, Delivery] | None = None) -> None:
        self._repo = repo
        self._deliveries: dict[str, Delivery] = dict(deliveries or {})
        self._lock = asyncio.Lock()

    @property
    def repo(self) -> ReminderRepository:
        return self._repo

    def register(self, kind: str, delivery: Delivery) -> None:
        self._deliveries[kind] = delivery

    async def tick(self, now: dt.datetime) -> TickReport:
        """Claim and handle everything due at ``now``. Safe to call from one loop at a time."""
        async with self._lock:
            report = TickReport()
            for _ in range(MAX_BATCHES_PER_TICK):
                token = secrets.token_hex(8)
                rows = await self._repo.claim_due(epoch(now), token, limit=BATCH, lease_seconds=LEASE_SECONDS)
                report.claimed += len(rows)
                by_guild: dict[int, list[ReminderRow]] = defaultdict(list)
                for row in rows:
                    by_guild[row.guild_id].append(row)
                # One server's slow channel (or rate limit being waited out) does not hold up the others.
                await asyncio.gather(*(self._run_guild(group, token, now, report) for group in by_guild.values()))
                if len(rows) < BATCH:
                    break
            return report

    async def _run_guild(self, rows: list[ReminderRow], token: str, now: dt.datetime, report: TickReport) -> None:
        for row in rows:
            try:
                await self._handle(row, token, now, report)
            except Exception as error:  # a bug must not stop the loop or other reminders
                log.exception("reminder %s failed unexpectedly", row.id)
                report.errors.append(f"{row.id}: {error!r}")
                await self._repo.mark_failed(row.id, token, f"internal error: {error!r}"[:500])
                report.failed += 1

    async def _handle(self, row: ReminderRow, token: str, now: dt.datetime, report: TickReport) -> None:
        reason = stale_reason(row, now)
        if reason is not None:
            await self._repo.mark_skipped(row.id, token, reason)
            report.skipped += 1
            return
        delivery = self._deliveries.get(row.kind)
        if delivery is None:
            await self._repo.mark_failed(row.id, token, f"no delivery registered for kind {row.kind!r}")
            report.failed += 1
            return
        late = now - instant(row.due_at) > LATE_AFTER
        outcome = await delivery.deliver(row, nonce=nonce_for(row), now=now, late=late)
        if isinstance(outcome, Sent):
            await self._repo.mark_sent(row.id, token, epoch(now), outcome.message_id, outcome.detail)
            report.sent += 1
        elif isinstance(outcome, RetryLater):
            await self._repo.release(row.id, token, epoch(now + outcome.after), outcome.detail[:500])
            report.retried += 1
        else:
            await self._repo.mark_failed(row.id, token, f"{outcome.problem}: {outcome.detail}"[:500])
            report.failed += 1
            if outcome.report_to_staff and outcome.channel_id is not None:
                first = await self._repo.note_problem(row.guild_id, outcome.channel_id, outcome.problem, epoch(now))
                if first:
                    await delivery.report_problem(row.guild_id, outcome)
                    report.problems_reported += 1
