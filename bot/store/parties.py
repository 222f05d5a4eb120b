"""Watch parties and RSVPs."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from .database import Database

_PARTY = (
    "id, guild_id, channel_id, host_id, first_episode, last_episode, starts_at, ends_at, timezone, note, "
    "capacity, announcement_message_id, event_id, status"
)
RSVP_STATUSES = ("going", "maybe", "declined", "waitlist")


@dataclass(frozen=True, slots=True)
class PartyRow:
    id: int
    guild_id: int
    channel_id: int
    host_id: int
    first_episode: int
    last_episode: int
    starts_at: int
    ends_at: int
    timezone: str
    note: str
    capacity: int | None
    announcement_message_id: int | None
    event_id: int | None
    status: str


@dataclass(frozen=True, slots=True)
class RsvpChange:
    status: str  # what the member ended up with (a full party turns "going" into "waitlist")
    promoted: tuple[int, ...]  # members moved from the wait list to going by this change


def _party(record: sqlite3.Row) -> PartyRow:
    return PartyRow(*record)


class PartyRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        *,
        guild_id: int,
        channel_id: int,
        host_id: int,
        episodes: tuple[int, int],
        starts_at: int,
        ends_at: int,
        timezone: str,
        note: str,
        capacity: int | None,
        now: int,
    ) -> PartyRow:
        """Create the party with its host as the first member going, in one transaction."""
        conn = self._db.conn
        await conn.execute("BEGIN IMMEDIATE")
        try:
            async with conn.execute(
                "INSERT INTO watch_parties (guild_id, channel_id, host_id, first_episode, last_episode, starts_at, "
                "ends_at, timezone, note, capacity, created_at, updated_at) "
                f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {_PARTY}",
                (guild_id, channel_id, host_id, *episodes, starts_at, ends_at, timezone, note, capacity, now, now),
            ) as cur:
                record = await cur.fetchone()
            assert record is not None
            party = _party(record)
            await conn.execute(
                "INSERT INTO rsvps (party_id, user_id, status, seq, updated_at) VALUES (?, ?, 'going', 1, ?)",
                (party.id, host_id, now),
            )
            await conn.execute("COMMIT")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
        return party

    async def get(self, party_id: int) -> PartyRow | None:
        async with self._db.conn.execute(f"SELECT {_PARTY} FROM watch_parties WHERE id = ?", (party_id,)) as cur:
            record = await cur.fetchone()
        return None if record is None else _party(record)

    async def update(self, party_id: int, now: int, **fields: object) -> PartyRow:
        allowed = {"channel_id", "first_episode", "last_episode", "starts_at", "ends_at", "timezone", "note",
                   "capacity", "announcement_message_id", "event_id", "status"}  # fmt: skip
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"not updatable: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = ?" for name in fields)
        async with self._db.conn.execute(
            f"UPDATE watch_parties SET {assignments}, updated_at = ? WHERE id = ? RETURNING {_PARTY}",
            (*fields.values(), now, party_id),
        ) as cur:
            record = await cur.fetchone()
        if record is None:
            raise KeyError(party_id)
        return _party(record)

    async def upcoming(self, guild_id: int, now: int, *, limit: int = 100, offset: int = 0) -> list[PartyRow]:
        """Scheduled parties that have not ended yet, soonest first."""
        async with self._db.conn.execute(
            f"SELECT {_PARTY} FROM watch_parties WHERE guild_id = ? AND status = 'scheduled' AND ends_at > ? "
            "ORDER BY starts_at, id LIMIT ? OFFSET ?",
            (guild_id, now, limit, offset),
        ) as cur:
            return [_party(r) for r in await cur.fetchall()]

    async def count_upcoming(self, guild_id: int, now: int) -> int:
        async with self._db.conn.execute(
            "SELECT COUNT(*) FROM watch_parties WHERE guild_id = ? AND status = 'scheduled' AND ends_at > ?",
            (guild_id, now),
        ) as cur:
            record = await cur.fetchone()
        return int(record[0]) if record else 0

    # -- RSVPs ------------------------------------------------------------------------------------

    async def counts_for(self, party_ids: list[int]) -> dict[int, dict[str, int]]:
        """RSVP counts of several parties in one query."""
        result = {pid: dict.fromkeys(RSVP_STATUSES, 0) for pid in party_ids}
        if not party_ids:
            return result
        marks = ",".join("?" * len(party_ids))
        async with self._db.conn.execute(
            f"SELECT party_id, status, COUNT(*) FROM rsvps WHERE party_id IN ({marks}) GROUP BY party_id, status",
            tuple(party_ids),
        ) as cur:
            for party_id, status, count in await cur.fetchall():
                result[int(party_id)][str(status)] = int(count)
        return result

    async def counts(self, party_id: int) -> dict[str, int]:
        async with self._db.conn.execute(
            "SELECT status, COUNT(*) FROM rsvps WHERE party_id = ? GROUP BY status", (party_id,)
        ) as cur:
            found = {str(r[0]): int(r[1]) for r in await cur.fetchall()}
        return {status: found.get(status, 0) for status in RSVP_STATUSES}

    async def members(self, party_id: int, status: str) -> list[int]:
        """Members with ``status``, in the order they got it (the wait list's order)."""
        async with self._db.conn.execute(
            "SELECT user_id FROM rsvps WHERE party_id = ? AND status = ? ORDER BY seq", (party_id, status)
        ) as cur:
            return [int(r[0]) for r in await cur.fetchall()]

    async def status_of(self, party_id: int, user_id: int) -> str | None:
        async with self._db.conn.execute(
            "SELECT status FROM rsvps WHERE party_id = ? AND user_id = ?", (party_id, user_id)
        ) as cur:
            record = await cur.fetchone()
        return None if record is None else str(record[0])

    async def set_rsvp(self, party_id: int, user_id: int, wanted: str, now: int) -> RsvpChange:
        """Record an RSVP atomically, applying the capacity: a full party wait-lists new "going"
        answers, and a freed place goes to the longest-waiting member."""
        if wanted not in ("going", "maybe", "declined"):
            raise ValueError(wanted)
        conn = self._db.conn
        await conn.execute("BEGIN IMMEDIATE")
        try:
            async with conn.execute("SELECT capacity FROM watch_parties WHERE id = ?", (party_id,)) as cur:
                record = await cur.fetchone()
            if record is None:
                raise KeyError(party_id)
            capacity = record[0]
            previous = await self.status_of(party_id, user_id)
            status = wanted
            if wanted == "going" and previous not in ("going",) and capacity is not None:
                async with conn.execute(
                    "SELECT COUNT(*) FROM rsvps WHERE party_id = ? AND status = 'going' AND user_id != ?",
                    (party_id, user_id),
                ) as cur:
                    going = await cur.fetchone()
                if going is not None and int(going[0]) >= capacity:
                    status = "waitlist"
            if status != previous:
                await conn.execute(
                    "INSERT INTO rsvps (party_id, user_id, status, seq, updated_at) VALUES "
                    "(?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM rsvps WHERE party_id = ?), ?) "
                    "ON CONFLICT (party_id, user_id) DO UPDATE SET status = excluded.status, seq = excluded.seq, "
                    "updated_at = excluded.updated_at",
                    (party_id, user_id, status, party_id, now),
                )
            promoted = await self._promote(party_id, capacity, now)
            await conn.execute("COMMIT")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
        return RsvpChange(status, promoted)

    async def _promote(self, party_id: int, capacity: int | None, now: int) -> tuple[int, ...]:
        """Move wait-listed members to going while there is room. Runs inside the caller's transaction."""
        conn = self._db.conn
        async with conn.execute(
            "SELECT COUNT(*) FROM rsvps WHERE party_id = ? AND status = 'going'", (party_id,)
        ) as cur:
            record = await cur.fetchone()
        going = int(record[0]) if record else 0
        room = None if capacity is None else capacity - going
        if room is not None and room <= 0:
            return ()
        async with conn.execute(
            "SELECT user_id FROM rsvps WHERE party_id = ? AND status = 'waitlist' ORDER BY seq LIMIT ?",
            (party_id, -1 if room is None else room),
        ) as cur:
            lucky = tuple(int(r[0]) for r in await cur.fetchall())
        for user_id in lucky:
            await conn.execute(
                "UPDATE rsvps SET status = 'going', updated_at = ? WHERE party_id = ? AND user_id = ?",
                (now, party_id, user_id),
            )
        return lucky

    async def set_capacity(self, party_id: int, capacity: int | None, now: int) -> tuple[int, ...]:
        """Change the capacity; a larger one promotes from the wait list (members already going stay)."""
        conn = self._db.conn
        await conn.execute("BEGIN IMMEDIATE")
        try:
            await conn.execute(
                "UPDATE watch_parties SET capacity = ?, updated_at = ? WHERE id = ?", (capacity, now, party_id)
            )
            promoted = await self._promote(party_id, capacity, now)
            await conn.execute("COMMIT")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
        return promoted
