"""Rewatches, the airing slots a server follows, and airing DM subscribers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .database import Database


@dataclass(frozen=True, slots=True)
class RewatchRow:
    guild_id: int
    zone: str
    slots: str
    status: str
    paused_at: int | None


@dataclass(frozen=True, slots=True)
class AiringSlotRow:
    id: int
    guild_id: int
    episode: int
    airs_at: int


class RewatchRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int) -> RewatchRow | None:
        async with self._db.conn.execute(
            "SELECT guild_id, zone, slots, status, paused_at FROM rewatches WHERE guild_id = ?", (guild_id,)
        ) as cur:
            record = await cur.fetchone()
        return None if record is None else RewatchRow(*record)

    async def put(self, row: RewatchRow, now: int) -> None:
        await self._db.conn.execute(
            "INSERT INTO rewatches (guild_id, zone, slots, status, paused_at, started_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET zone = excluded.zone, "
            "slots = excluded.slots, status = excluded.status, paused_at = excluded.paused_at, "
            "updated_at = excluded.updated_at",
            (row.guild_id, row.zone, row.slots, row.status, row.paused_at, now, now),
        )

    async def delete(self, guild_id: int) -> None:
        await self._db.conn.execute("DELETE FROM rewatches WHERE guild_id = ?", (guild_id,))

    async def slots(self, guild_id: int) -> list[AiringSlotRow]:
        async with self._db.conn.execute(
            "SELECT id, guild_id, episode, airs_at FROM airing_slots WHERE guild_id = ? ORDER BY airs_at, episode",
            (guild_id,),
        ) as cur:
            return [AiringSlotRow(*r) for r in await cur.fetchall()]

    async def slot(self, slot_id: int) -> AiringSlotRow | None:
        async with self._db.conn.execute(
            "SELECT id, guild_id, episode, airs_at FROM airing_slots WHERE id = ?", (slot_id,)
        ) as cur:
            record = await cur.fetchone()
        return None if record is None else AiringSlotRow(*record)

    async def set_slots(self, guild_id: int, airings: Sequence[tuple[int, int]]) -> list[int]:
        """Make the server's slots exactly ``(episode, airs_at)``; ids of kept episodes stay the same.
        Returns the ids of the rows removed (their reminders must be cancelled)."""
        conn = self._db.conn
        episodes = [episode for episode, _ in airings]
        await conn.execute("BEGIN IMMEDIATE")
        try:
            # (An empty list must remove every row: "NOT IN (NULL)" would remove none.)
            keep = f"AND episode NOT IN ({','.join('?' * len(episodes))})" if episodes else ""
            async with conn.execute(
                f"DELETE FROM airing_slots WHERE guild_id = ? {keep} RETURNING id", (guild_id, *episodes)
            ) as cur:
                removed = [int(r[0]) for r in await cur.fetchall()]
            await conn.executemany(
                "INSERT INTO airing_slots (guild_id, episode, airs_at) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id, episode) DO UPDATE SET airs_at = excluded.airs_at",
                [(guild_id, episode, airs_at) for episode, airs_at in airings],
            )
            await conn.execute("COMMIT")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
        return removed

    async def set_subscribed(self, guild_id: int, user_id: int, on: bool) -> None:
        if on:
            await self._db.conn.execute(
                "INSERT OR IGNORE INTO airing_subscribers (guild_id, user_id) VALUES (?, ?)", (guild_id, user_id)
            )
        else:
            await self._db.conn.execute(
                "DELETE FROM airing_subscribers WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )

    async def subscribers(self, guild_id: int) -> list[int]:
        async with self._db.conn.execute(
            "SELECT user_id FROM airing_subscribers WHERE guild_id = ? ORDER BY user_id", (guild_id,)
        ) as cur:
            return [int(r[0]) for r in await cur.fetchall()]
