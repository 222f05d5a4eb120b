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
from dataclasses import dataclass

from bot.catalog import Catalog
from bot.clock import epoch, instant
from bot.store import Database, PollRow, Tx, polls, reminders, rewatch

from .guild_config import GuildConfigService

__all__ = ["POLL_HOURS", "PULSE_KIND", "EpisodePulse", "PollRow", "PulseService"]

PULSE_KIND = "pulse"
POLL_HOURS = 24
STARS = 5
FIRST_CHECK = dt.timedelta(minutes=1)  # after the poll closed: Discord's final tally runs in the background
RETRY = (dt.timedelta(minutes=2), dt.timedelta(minutes=10), dt.timedelta(hours=1), dt.timedelta(hours=6))
UNFINALIZED_AFTER = dt.timedelta(hours=1)  # still not final this long after closing: count the voters instead


@dataclass(frozen=True, slots=True)
class EpisodePulse:
    """One episode's pulse in a server: its latest poll, with live (open) or final (closed) counts."""

    episode: int
    counts: tuple[int, int, int, int, int]
    state: str  # 'open', 'closed' or 'gone'
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
        return self.state == "closed"


def _pulse(row: PollRow) -> EpisodePulse:
    return EpisodePulse(row.episode, row.counts, row.state, row.channel_id, row.message_id, instant(row.closes_at))


def retry_after(checks: int) -> dt.timedelta:
    return RETRY[min(checks, len(RETRY) - 1)]


class PulseService:
    def __init__(self, catalog: Catalog, db: Database, guilds: GuildConfigService) -> None:
        self._catalog = catalog
        self._db = db
        self._guilds = guilds

    # -- planning (a rewatch planner: runs in the unit of work that re-plans airing reminders) -------

    async def plan(self, tx: Tx, guild_id: int, now: dt.datetime) -> None:
        """One poll at each airtime still ahead, while polls are on and the rewatch is not paused."""
        conn = tx.conn
        config = await self._guilds.read_in(tx, guild_id)
        row = await rewatch.get(conn, guild_id)
        paused = row is not None and row.status == "paused"
        slots = await rewatch.slots(conn, guild_id)
        for slot in slots:
            if not config.pulse_on or paused or slot.airs_at <= epoch(now):
                await reminders.cancel(conn, PULSE_KIND, slot.id, "not scheduled (polls off, paused or past)")
            else:
                await reminders.schedule(conn, PULSE_KIND, guild_id, slot.id, slot.airs_at, (0,))
        await polls.cancel_unscheduled(conn, PULSE_KIND, guild_id, [s.id for s in slots], "episode left the schedule")

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
        async with self._db.transaction() as tx:
            return await polls.vote(tx.conn, message_id, stars, 1 if added else -1)

    async def due(self, now: dt.datetime, limit: int = 50) -> list[PollRow]:
        async with self._db.read() as conn:
            return await polls.due(conn, epoch(now), limit)

    async def open_polls(self) -> list[PollRow]:
        async with self._db.read() as conn:
            return await polls.open_polls(conn)

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

    async def check_later(self, row: PollRow, now: dt.datetime, detail: str) -> dt.datetime:
        at = now + retry_after(row.checks)
        async with self._db.transaction() as tx:
            await polls.check_later(tx.conn, row.id, epoch(at), detail)
        return at

    async def gone(self, poll_id: int, now: dt.datetime, detail: str) -> None:
        async with self._db.transaction() as tx:
            await polls.gone(tx.conn, poll_id, epoch(now), detail)

    # -- reading the pulse ------------------------------------------------------------------------

    async def season(self, guild_id: int) -> dict[int, EpisodePulse]:
        """Each episode's latest poll in the server (a deleted one only when there is no other)."""
        async with self._db.read() as conn:
            rows = await polls.latest_by_episode(conn, guild_id)
        return {episode: _pulse(row) for episode, row in rows.items()}

    async def episode(self, guild_id: int, episode: int) -> EpisodePulse | None:
        return (await self.season(guild_id)).get(episode)
