"""The reminder loop: claim what is due, hand each row to the delivery of its kind, mark how it ended.

Reminders are rows with a due instant. A running bot process is an *instance*: it registers itself, beats
every few seconds, and claims due rows in its own name, in one statement (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, the single writer on SQLite). A claim stays valid as long as its instance lives: there is no
time lease that could outlast the moment of a reminder. When an instance is gone (it stopped beating, or
its process no longer exists on this machine) its claims go back to the queue at once, so a bot restarted
a second after a crash delivers everything it had claimed, still before the start. Every post carries a
nonce derived from the row, and a resend happens within seconds, well inside Discord's nonce window: a
reminder goes out once.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping

from msgspec import Struct, field

from bot.clock import Clock, epoch, instant
from bot.statuses import ReminderKind
from bot.store import Database, DatabaseProblem, ReminderRow, Tx, background_work, guilds, instances, members, reminders

from .model import Attempt, Delivered, Delivery, Failed, Outcome, Outgoing, Postponed, Refusal, Sent, Skipped, nonce_for
from .sender import PacedSender

log = logging.getLogger(__name__)

STARTING_NOW_GRACE = dt.timedelta(minutes=15)  # "starting now" still makes sense this long after the start
LATE_AFTER = dt.timedelta(minutes=1)  # sent later than this after its due time: say it is late
STAFF_REPORT_LIFETIME = dt.timedelta(minutes=30)


class SchedulerOptions(Struct, frozen=True):
    heartbeat_every: float = 1.0  # seconds (each beat also re-reads how many processes share the rate limit)
    dead_after: int = 5  # seconds without a heartbeat: the instance is gone and its claims are taken over
    max_claimed: int = 200  # rows this instance holds at once (the sender drains about 45 a second)
    batch: int = 100
    idle_tick: float = 10.0  # the loop looks for due rows at least this often


#: Kinds whose delivery brings something up to date with the present (the spoiler window's AutoMod rule) rather than
#: posting about a moment: late is never too late for them, so they are never stale.
CATCHING_UP = frozenset({ReminderKind.WINDOW, ReminderKind.WINDOW_NOW})


def stale_reason(row: ReminderRow, now: dt.datetime) -> str | None:
    """Why a reminder should not be sent any more, or None when it still makes sense."""
    if row.kind in CATCHING_UP:
        return None
    event = instant(row.event_at)
    if row.offset_seconds > 0 and now >= event:
        return f"its moment passed before it could be sent (the event started at {event:%Y-%m-%d %H:%M} UTC)"
    if row.offset_seconds == 0 and now > event + STARTING_NOW_GRACE:
        return f"more than {STARTING_NOW_GRACE.seconds // 60} minutes after the start when it could be sent"
    return None


def deadline_of(row: ReminderRow) -> dt.datetime:
    event = instant(row.event_at)
    return event if row.offset_seconds > 0 else event + STARTING_NOW_GRACE


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class TickReport(Struct):
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    postponed: int = 0
    problems_reported: int = 0
    released: int = 0  # claims of dead instances put back in the queue
    errors: list[str] = field(default_factory=list)


StaffReport = Callable[[int, Failed], Awaitable[str]]


async def _english_staff_report(guild_id: int, failure: Failed) -> str:
    return (
        f"\N{WARNING SIGN}\N{VARIATION SELECTOR-16} I couldn't post {failure.what} in <#{failure.channel_id}>: "
        f"{failure.detail}. Check that I have View Channel and Send Messages and Create Posts there (`/setup show`)."
    )


class ReminderScheduler:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        sender: PacedSender,
        deliveries: Mapping[ReminderKind, Delivery],
        *,
        staff_report: StaffReport = _english_staff_report,
        options: SchedulerOptions | None = None,
        instance_id: str | None = None,
        hostname: str | None = None,
        pid: int | None = None,
        is_alive: Callable[[int], bool] = process_alive,
    ) -> None:
        self.options = options or SchedulerOptions()
        self.instance_id = instance_id or f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"
        self.hostname = hostname or socket.gethostname()
        self.pid = pid if pid is not None else os.getpid()
        self._db = db
        self._clock = clock
        self._sender = sender
        self._deliveries: dict[str, Delivery] = {str(kind): delivery for kind, delivery in deliveries.items()}
        self._is_alive = is_alive
        self._registered = False
        self._active: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        #: The staff report's text for a failure in a server (the bot's speaks the server's language).
        self._staff_report = staff_report
        self._beat_task: asyncio.Task[None] | None = None
        self._stopping = False
        self._last_reap: dt.datetime | None = None

    def wake(self) -> None:
        """Something was scheduled: look for due rows now rather than at the next idle tick."""
        self._wake.set()

    # -- instances -------------------------------------------------------------------------------

    async def ensure_registered(self) -> None:
        if self._registered:
            return
        now = epoch(self._clock())
        async with self._db.transaction() as tx:
            await instances.register(tx.conn, self.instance_id, self.hostname, self.pid, now)
            known = await instances.all_instances(tx.conn)
        self._registered = True
        self._share_limit(known, now)

    def _share_limit(self, known: list[instances.InstanceRow], now: int) -> None:
        """Discord's global limit belongs to the bot, not to a process: each live one paces at its share."""
        live = [row for row in known if not self._is_gone(row, now)]
        self._sender.set_share(1 / max(len(live), 1))

    async def heartbeat(self) -> None:
        now = epoch(self._clock())

        async def beat(tx: Tx) -> list[instances.InstanceRow]:
            alive = await instances.beat(tx.conn, self.instance_id, now)
            if not alive:  # another instance took us for dead and released our claims: rejoin
                log.warning("instance %s was taken for dead; registering again", self.instance_id)
                await instances.register(tx.conn, self.instance_id, self.hostname, self.pid, now)
            return await instances.all_instances(tx.conn)

        # Every second, for as long as the bot runs: one unit of work run whole (on SQLite, at once, with no hand-off
        # to the database's thread: most of an idle bot's CPU went to three of them a second).
        known = await self._db.run(beat)
        self._share_limit(known, now)

    def _is_gone(self, row: instances.InstanceRow, now: int) -> bool:
        if row.id == self.instance_id:
            return False
        if now - row.heartbeat_at > self.options.dead_after:
            return True
        # On this machine the process table knows: a process that is gone holds nothing. (Our own pid under
        # another id is an earlier run of this process's slot, e.g. a container restarted as pid 1.)
        return row.hostname == self.hostname and (row.pid == self.pid or not self._is_alive(row.pid))

    async def reap(self, *, orphans: bool = False) -> int:
        """Put back the claims of instances that are gone; returns how many rows went back. With ``orphans``
        (at start-up), also claims held by no registered instance (e.g. made by an older version of the bot)."""
        now = epoch(self._clock())
        async with self._db.read() as conn:
            known = await instances.all_instances(conn)
            gone = [row.id for row in known if self._is_gone(row, now)]
            live = {row.id for row in known} - set(gone)
            stray = [h for h in await instances.claim_holders(conn) if h not in live] if orphans else []
        if not gone and not stray:
            return 0  # the common case: one small read, no write
        async with self._db.transaction() as tx:
            released = await reminders.release_claims(
                tx.conn, sorted(set(gone) | set(stray)), "taken over from a bot process that stopped"
            )
            await instances.remove(tx.conn, gone)
        if released:
            log.info("took back %d reminder(s) claimed by stopped instance(s) %s", released, ", ".join(gone or stray))
        return released

    # -- the loop body ---------------------------------------------------------------------------

    async def tick(self) -> TickReport:
        """Deliver everything due now: claim in batches while there is room, until nothing due is left
        and every delivery finished. The loop calls this; tests call it with an injected clock."""
        await self.ensure_registered()
        report = TickReport()
        while not self._stopping:
            await self._reap_now_and_then(report)
            room = self.options.max_claimed - len(self._active)
            rows: list[ReminderRow] = []
            if room > 0:
                async with self._db.transaction() as tx:
                    rows = await reminders.claim_due(
                        tx.conn, epoch(self._clock()), self.instance_id, limit=min(room, self.options.batch)
                    )
            report.claimed += len(rows)
            for row in rows:
                task = asyncio.create_task(self._handle(row, report), name=f"reminder {row.id}")
                self._active.add(task)
                task.add_done_callback(self._active.discard)
            if rows and len(rows) == min(room, self.options.batch):
                continue  # there may be more due: claim again while there is room
            if not self._active:
                break
            await asyncio.wait(
                set(self._active), timeout=self.options.heartbeat_every, return_when=asyncio.FIRST_COMPLETED
            )
        return report

    async def _reap_now_and_then(self, report: TickReport) -> None:
        """Look for stopped instances once per heartbeat, also in the middle of a long drain."""
        now = self._clock()
        if self._last_reap is None or (now - self._last_reap).total_seconds() >= self.options.heartbeat_every:
            first = self._last_reap is None
            self._last_reap = now
            report.released += await self.reap(orphans=first)

    async def _handle(self, row: ReminderRow, report: TickReport) -> None:
        background_work()  # this delivery's reads leave room for members' interactions
        try:
            outcome = await self._deliver(row)
            await self._record(row, outcome, report)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a bug must not stop the loop or other reminders
            log.exception("reminder %s failed unexpectedly", row.id)
            report.errors.append(f"{row.id}: {error!r}")
            with contextlib.suppress(Exception):
                async with self._db.transaction() as tx:
                    await reminders.mark_failed(tx.conn, row.id, self.instance_id, f"internal error: {error!r}"[:500])
            report.failed += 1

    async def _deliver(self, row: ReminderRow) -> Outcome:
        now = self._clock()
        reason = stale_reason(row, now)
        if reason is not None:
            return Skipped(reason)
        delivery = self._deliveries.get(row.kind)
        if delivery is None:
            return Failed(Refusal.OTHER, f"no delivery registered for kind {row.kind!r}")
        late = now - instant(row.due_at) > LATE_AFTER
        return await delivery.deliver(row, Attempt(nonce_for(row.id), now, late, deadline_of(row)))

    async def _record(self, row: ReminderRow, outcome: Outcome, report: TickReport) -> None:
        now = self._clock()
        report_failure: Failed | None = None
        async with self._db.transaction() as tx:
            conn, me = tx.conn, self.instance_id
            if isinstance(outcome, Sent):
                await reminders.mark_sent(conn, row.id, me, epoch(now), outcome.message_id, outcome.detail)
                if outcome.channel_id is not None:
                    await reminders.clear_problems(conn, row.guild_id, outcome.channel_id)
                for user_id in outcome.dms_refused:
                    await members.note_dm_refused(conn, user_id, epoch(now))
                await members.clear_dm_refused(conn, list(outcome.dms_delivered))
                for user_id in (*outcome.dms_refused, *outcome.dms_delivered):  # cached member settings changed
                    await self._db.bus.publish(tx, members.CACHE_TOPIC, str(user_id))
                report.sent += 1
            elif isinstance(outcome, Skipped):
                await reminders.mark_skipped(conn, row.id, me, outcome.reason[:500])
                report.skipped += 1
            elif isinstance(outcome, Postponed):
                await reminders.release_one(conn, row.id, me, outcome.detail[:500])
                report.postponed += 1
            else:
                await reminders.mark_failed(conn, row.id, me, f"{outcome.problem}: {outcome.detail}"[:500])
                report.failed += 1
                if outcome.report_to_staff:
                    assert outcome.channel_id is not None
                    if await reminders.note_problem(
                        conn, row.guild_id, outcome.channel_id, outcome.problem, epoch(now)
                    ):
                        report_failure = outcome
        if report_failure is not None and await self.report_to_staff(row.guild_id, report_failure):
            report.problems_reported += 1

    async def report_to_staff(self, guild_id: int, failure: Failed) -> bool:
        """Tell the server's staff (once per occurrence of a problem). Returns whether it was delivered; if it
        was not, the problem is forgotten so that the next failure tries again."""
        assert failure.channel_id is not None
        async with self._db.read() as conn:
            config = await guilds.get(conn, guild_id)
        text = await self._staff_report(guild_id, failure)
        delivered = False
        if config.staff_channel_id is None:
            log.warning("guild %s: %s (no staff channel set)", guild_id, text)
            return True
        if config.staff_channel_id != failure.channel_id:
            result = await self._sender.send(
                Outgoing(
                    text,
                    guild_id,
                    channel_id=config.staff_channel_id,
                    deadline=self._clock() + STAFF_REPORT_LIFETIME,
                    label=f"staff report for guild {guild_id}",
                )
            )
            delivered = isinstance(result, Delivered)
        if not delivered:
            log.warning("guild %s: could not report a delivery problem to staff: %s", guild_id, text)
            async with self._db.transaction() as tx:
                await reminders.forget_problem(tx.conn, guild_id, failure.channel_id, failure.problem)
        return delivered

    # -- running ---------------------------------------------------------------------------------

    async def start(self) -> None:
        """Register, take back what stopped instances held, and run the loop and the heartbeat."""
        self._stopping = False
        await self.ensure_registered()
        await self.reap(orphans=True)
        self._last_reap = self._clock()
        loop = asyncio.get_running_loop()
        self._loop_task = loop.create_task(self._run(), name="reminder-loop")
        self._beat_task = loop.create_task(self._beat(), name="reminder-heartbeat")

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.options.heartbeat_every)
            try:
                await self.heartbeat()
            except (DatabaseProblem, OSError, Exception):
                log.exception("heartbeat failed")

    async def _run(self) -> None:
        while not self._stopping:
            try:
                report = await self.tick()
                if report.claimed or report.released:
                    log.info(
                        "reminders: %d claimed, %d sent, %d skipped, %d failed, %d postponed, %d taken over",
                        report.claimed, report.sent, report.skipped, report.failed, report.postponed, report.released,
                    )  # fmt: skip
                async with self._db.read() as conn:
                    next_due = await reminders.next_due(conn)
            except Exception:  # the loop must survive anything: the next round retries
                log.exception("reminder tick failed")
                next_due = None
            wait = self.options.idle_tick
            if next_due is not None:
                wait = min(wait, max(next_due - self._clock().timestamp(), 0.05))
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def stop(self, grace: float = 5.0) -> None:
        """Stop claiming, give deliveries in flight ``grace`` seconds, then put back what is unfinished."""
        self._stopping = True
        self._wake.set()
        for task in (self._beat_task,):
            if task is not None:
                task.cancel()
        if self._active:
            _done, pending = await asyncio.wait(set(self._active), timeout=grace)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
        if self._registered:
            with contextlib.suppress(Exception):
                async with self._db.transaction() as tx:
                    await reminders.release_claims(tx.conn, [self.instance_id], "the bot stopped before sending it")
                    await instances.remove(tx.conn, [self.instance_id])
            self._registered = False
