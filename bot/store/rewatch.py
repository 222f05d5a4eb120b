"""Rewatches, the airing slots a server follows, and airing DM subscribers."""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import Struct

from bot.statuses import RewatchStatus

from .dialect import insert_ignore_sql, upsert_sql
from .sql import Connection, marks


class RewatchRow(Struct, frozen=True):
    guild_id: int
    zone: str
    slots: str
    status: RewatchStatus
    paused_at: int | None


class AiringSlotRow(Struct, frozen=True):
    id: int
    guild_id: int
    episode: int
    airs_at: int


_GET = "SELECT guild_id, zone, slots, status, paused_at FROM rewatches WHERE guild_id = ?"
_SLOT_COLUMNS = "id, guild_id, episode, airs_at"


async def get(conn: Connection, guild_id: int) -> RewatchRow | None:
    record = (await conn.execute(_GET, (guild_id,))).first()
    return None if record is None else RewatchRow(record[0], record[1], record[2], RewatchStatus(record[3]), record[4])


_PUT = upsert_sql(
    "rewatches",
    ("guild_id", "zone", "slots", "status", "paused_at", "started_at", "updated_at"),
    ("guild_id",),
    ("zone", "slots", "status", "paused_at", "updated_at"),
)


async def put(conn: Connection, row: RewatchRow, now: int) -> None:
    await conn.execute(_PUT, (row.guild_id, row.zone, row.slots, row.status, row.paused_at, now, now))


async def delete(conn: Connection, guild_id: int) -> None:
    await conn.execute("DELETE FROM rewatches WHERE guild_id = ?", (guild_id,))


async def slots(conn: Connection, guild_id: int) -> list[AiringSlotRow]:
    found = await conn.execute(
        f"SELECT {_SLOT_COLUMNS} FROM airing_slots WHERE guild_id = ? ORDER BY airs_at, episode", (guild_id,)
    )
    return [AiringSlotRow(*r) for r in found]


async def slot(conn: Connection, slot_id: int) -> AiringSlotRow | None:
    record = (await conn.execute(f"SELECT {_SLOT_COLUMNS} FROM airing_slots WHERE id = ?", (slot_id,))).first()
    return None if record is None else AiringSlotRow(*record)


_PUT_SLOT = upsert_sql("airing_slots", ("guild_id", "episode", "airs_at"), ("guild_id", "episode"), ("airs_at",))


async def set_slots(conn: Connection, guild_id: int, airings: Sequence[tuple[int, int]]) -> list[int]:
    """Make the server's slots exactly ``(episode, airs_at)``; ids of kept episodes stay the same.
    Returns the ids of the rows removed (their reminders must be cancelled)."""
    episodes = [episode for episode, _ in airings]
    sql = "DELETE FROM airing_slots WHERE guild_id = ?"
    if episodes:
        sql += f" AND episode NOT IN ({marks(len(episodes))})"
    removed = [int(r) for r in (await conn.execute(sql + " RETURNING id", (guild_id, *episodes))).scalars()]
    for episode, airs_at in airings:
        await conn.execute(_PUT_SLOT, (guild_id, episode, airs_at))
    return removed


_SUBSCRIBE = insert_ignore_sql("airing_subscribers", ("guild_id", "user_id"))


async def set_subscribed(conn: Connection, guild_id: int, user_id: int, on: bool) -> None:
    if on:
        await conn.execute(_SUBSCRIBE, (guild_id, user_id))
    else:
        await conn.execute("DELETE FROM airing_subscribers WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))


async def subscribers(conn: Connection, guild_id: int) -> list[int]:
    found = await conn.execute(
        "SELECT user_id FROM airing_subscribers WHERE guild_id = ? ORDER BY user_id", (guild_id,)
    )
    return [int(u) for u in found.scalars()]
