"""Episode pulse: a native Discord poll ("How was episode N?", 1 to 5 stars, open 24 hours) in each
episode's discussion thread when it airs on the server's rewatch (or the broadcast, where it lies ahead),
and the server's results once Discord closed the polls.

The poll itself is a reminder of kind ``pulse`` (one per airing slot, at airtime), so it is posted once,
through the paced sender, and survives restarts like the airing post. Each poll Discord accepted is
recorded; while it is open, vote events keep a live count; once it closed, Discord's final count is read
and stored (a bot that was down at the time reads it when it is back). Only counts are stored, never who
voted.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from msgspec import Struct, field

from bot.catalog import Catalog
from bot.clock import epoch, instant
from bot.statuses import PollState, ReminderKind, RewatchStatus
from bot.store import Database, PollRow, Tx, polls, reminders, rewatch

from .guild_config import GuildConfigService

__all__ = ["POLL_HOURS", "EpisodePulse", "Poll", "PollReader", "PollReading", "PollState", "PulseService"]

POLL_HOURS = 24
STARS = 5
FIRST_CHECK = dt.timedelta(minutes=1)  # after the poll closed: Discord's final tally runs in the background
RETRY = (dt.timedelta(minutes=2), dt.timedelta(minutes=10), dt.timedelta(hours=1), dt.timedelta(hours=6))
UNFINALIZED_AFTER = dt.timedelta(hours=1)  # still not final this long after closing: count the voters instead


class EpisodePulse(Struct, frozen=True):
    """One episode's pulse in a server: its latest poll, with live (open) or final (closed) counts."""

    episode: int
    counts: tuple[int, int, int, int, int]
    state: PollState
    channel_id: int
    message_id: int
    closes_at: dt.datetime

    @property
    def votes(self) -> int:
        return sum(self.counts)

    @property
    def average(self) -> float | None:
        """The mean number of stars, or None without votes."""
        if not self.votes:
            return None
        return sum(stars * n for stars, n in enumerate(self.counts, start=1)) / self.votes

    @property
    def closed(self) -> bool:
        return self.state == PollState.CLOSED


class Poll(Struct, frozen=True):
    """One poll the bot posted, as the service hands it out (e.g. to the reader that asks Discord about it)."""

    id: int
    guild_id: int
    episode: int
    channel_id: int
    message_id: int
    closes_at: dt.datetime
    state: PollState
    checks: int  # how many times its final count was looked for


def _poll(row: PollRow) -> Poll:
    return Poll(
        row.id, row.guild_id, row.episode, row.channel_id, row.message_id, instant(row.closes_at), row.state, row.checks
    )


class PollReading(Struct, frozen=True):
    """What Discord says about one of our polls."""

    found: bool = True  # False: the message (or its poll) was deleted
    expires_at: dt.datetime | None = None  # when voting ends (or ended)
    finalized: bool = False  # Discord's final, exact count
    counts: tuple[int, ...] = (0, 0, 0, 0, 0)
    problem: str | None = None  # it could not be read now (Discord failing, or a permission): try later


class PollReader(Protocol):
    """Discord I/O for the pulse: reads the bot's polls (:class:`bot.transport.DiscordPollReader`)."""

    async def read(self, poll: Poll) -> PollReading: ...

    async def count_voters(self, poll: Poll) -> tuple[int, ...] | None:
        """Exact counts from the lists of voters of each answer (None: could not be read)."""
        ...


class SweepReport(Struct):
    closed: int = 0
    later: int = 0
    gone: int = 0
    details: list[str] = field(default_factory=list)


def _pulse(row: PollRow) -> EpisodePulse:
    return EpisodePulse(row.episode, row.counts, row.state, row.channel_id, row.message_id, instant(row.closes_at))


def retry_after(checks: int) -> dt.timedelta:
    return RETRY[min(checks, len(RETRY) - 1)]


class PulseService:
    def __init__(self, catalog: Catalog, db: Database, guilds: GuildConfigService, reader: PollReader) -> None:
        self._catalog = catalog
        self._db = db
        self._guilds = guilds
        self._reader = reader

    # -- planning (a rewatch planner: runs in the unit of work that re-plans airing reminders) -------

    async def plan(self, tx: Tx, guild_id: int, now: dt.datetime) -> None:
        """One poll at each airtime still ahead, while polls are on and the rewatch is not paused."""
        conn = tx.conn
        config = await self._guilds.read_in(tx, guild_id)
        row = await rewatch.get(conn, guild_id)
        paused = row is not None and row.status == RewatchStatus.PAUSED
        slots = await rewatch.slots(conn, guild_id)
        for slot in slots:
            if not config.pulse_on or paused or slot.airs_at <= epoch(now):
                await reminders.cancel(conn, ReminderKind.PULSE, slot.id, "not scheduled (polls off, paused or past)")
            else:
                await reminders.schedule(conn, ReminderKind.PULSE, guild_id, slot.id, slot.airs_at, (0,))
        await polls.cancel_unscheduled(
            conn, ReminderKind.PULSE, guild_id, [s.id for s in slots], "episode left the schedule"
        )

    # -- polls posted, votes, results ---------------------------------------------------------------

    async def record(self, guild_id: int, episode: int, channel_id: int, message_id: int, opened: dt.datetime) -> None:
        closes = opened + dt.timedelta(hours=POLL_HOURS)
        async with self._db.transaction() as tx:
            await polls.record(
                tx.conn, guild_id=guild_id, episode=episode, channel_id=channel_id, message_id=message_id,
                opened_at=epoch(opened), closes_at=epoch(closes), check_at=epoch(closes + FIRST_CHECK),
            )  # fmt: skip

    async def vote(self, message_id: int, stars: int, added: bool) -> bool:
        """A vote added or removed on one of our open polls (live count); False if it is not ours."""
        if not 1 <= stars <= STARS:
            return False
        # Every poll vote in every server arrives here (members' own polls too): only the bot's open polls may take
        # the writer's turn. The read uses a reader's connection and the message id's unique index.
        async with self._db.read() as conn:
            if not await polls.is_open(conn, message_id):
                return False
        async with self._db.transaction() as tx:
            return await polls.vote(tx.conn, message_id, stars, 1 if added else -1)

    async def due(self, now: dt.datetime, limit: int = 50) -> list[Poll]:
        async with self._db.read() as conn:
            rows = await polls.due(conn, epoch(now), limit)
        return [_poll(row) for row in rows]

    async def open_polls(self) -> list[Poll]:
        async with self._db.read() as conn:
            rows = await polls.open_polls(conn)
        return [_poll(row) for row in rows]

    async def next_check(self) -> dt.datetime | None:
        async with self._db.read() as conn:
            found = await polls.next_check(conn)
        return None if found is None else instant(found)

    async def live_counts(self, poll_id: int, counts: tuple[int, ...]) -> None:
        async with self._db.transaction() as tx:
            await polls.set_counts(tx.conn, poll_id, counts)

    async def close(self, poll_id: int, counts: tuple[int, ...], now: dt.datetime, detail: str) -> bool:
        async with self._db.transaction() as tx:
            return await polls.close(tx.conn, poll_id, counts, epoch(now), detail)

    async def check_later(self, row: Poll, now: dt.datetime, detail: str) -> dt.datetime:
        at = now + retry_after(row.checks)
        async with self._db.transaction() as tx:
            await polls.check_later(tx.conn, row.id, epoch(at), detail)
        return at

    async def gone(self, poll_id: int, now: dt.datetime, detail: str) -> None:
        async with self._db.transaction() as tx:
            await polls.gone(tx.conn, poll_id, epoch(now), detail)

    async def sweep(self, now: dt.datetime) -> SweepReport:
        """Store the result of every poll that closed: Discord's final count, or (when Discord has not
        finalized it an hour after closing) the count of each answer's voters. A bot that was down when a
        poll closed does this when it is back. The loop calls it; tests call it with an injected clock."""
        report = SweepReport()
        for row in await self.due(now):
            reading = await self._reader.read(row)
            if reading.problem is not None:
                await self.check_later(row, now, reading.problem)
                report.later += 1
                report.details.append(reading.problem)
            elif not reading.found:
                await self.gone(row.id, now, "the poll was deleted before it closed")
                report.gone += 1
            elif reading.finalized:
                report.closed += await self.close(row.id, reading.counts, now, "Discord's final count")
            elif self._ended(reading, now) and now - row.closes_at >= UNFINALIZED_AFTER:
                counts = await self._reader.count_voters(row)
                if counts is None:
                    await self.check_later(row, now, "the voters could not be read")
                    report.later += 1
                else:
                    report.closed += await self.close(row.id, counts, now, "counted from each answer's voters")
            else:
                await self.check_later(row, now, "Discord has not finalized the count yet")
                report.later += 1
        return report

    @staticmethod
    def _ended(reading: PollReading, now: dt.datetime) -> bool:
        return reading.expires_at is not None and reading.expires_at <= now

    async def refresh_open(self, now: dt.datetime) -> int:
        """After a restart: read the live counts of polls still open (votes cast while the bot was away)."""
        refreshed = 0
        for row in await self.open_polls():
            if row.closes_at <= now:
                continue  # the sweep stores its final result
            reading = await self._reader.read(row)
            if reading.problem is None and reading.found:
                await self.live_counts(row.id, reading.counts)
                refreshed += 1
        return refreshed

    # -- reading the pulse ------------------------------------------------------------------------

    async def season(self, guild_id: int) -> dict[int, EpisodePulse]:
        """Each episode's latest poll in the server (a deleted one only when there is no other)."""
        async with self._db.read() as conn:
            rows = await polls.latest_by_episode(conn, guild_id)
        return {episode: _pulse(row) for episode, row in rows.items()}

    async def episode(self, guild_id: int, episode: int) -> EpisodePulse | None:
        return (await self.season(guild_id)).get(episode)
