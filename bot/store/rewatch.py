"""Rewatches, the airing slots a server follows, and airing DM subscribers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.statuses import RewatchStatus

from .dialect import insert_ignore, upsert
from .schema import airing_slots, airing_subscribers, rewatches


@dataclass(frozen=True, slots=True)
class RewatchRow:
    guild_id: int
    zone: str
    slots: str
    status: RewatchStatus
    paused_at: int | None


@dataclass(frozen=True, slots=True)
class AiringSlotRow:
    id: int
    guild_id: int
    episode: int
    airs_at: int


_GET = sa.select(rewatches.c.guild_id, rewatches.c.zone, rewatches.c.slots, rewatches.c.status, rewatches.c.paused_at)
_SLOT_COLUMNS = (airing_slots.c.id, airing_slots.c.guild_id, airing_slots.c.episode, airing_slots.c.airs_at)


async def get(conn: AsyncConnection, guild_id: int) -> RewatchRow | None:
    record = (await conn.execute(_GET.where(rewatches.c.guild_id == guild_id))).first()
    return None if record is None else RewatchRow(*record[:3], RewatchStatus(record[3]), record[4])


async def put(conn: AsyncConnection, row: RewatchRow, now: int) -> None:
    values = {
        "guild_id": row.guild_id,
        "zone": row.zone,
        "slots": row.slots,
        "status": row.status,
        "paused_at": row.paused_at,
        "started_at": now,
        "updated_at": now,
    }
    await conn.execute(
        upsert(conn, rewatches, values, ["guild_id"], ["zone", "slots", "status", "paused_at", "updated_at"])
    )


async def delete(conn: AsyncConnection, guild_id: int) -> None:
    await conn.execute(sa.delete(rewatches).where(rewatches.c.guild_id == guild_id))


async def slots(conn: AsyncConnection, guild_id: int) -> list[AiringSlotRow]:
    query = (
        sa.select(*_SLOT_COLUMNS)
        .where(airing_slots.c.guild_id == guild_id)
        .order_by(airing_slots.c.airs_at, airing_slots.c.episode)
    )
    return [AiringSlotRow(*r) for r in await conn.execute(query)]


async def slot(conn: AsyncConnection, slot_id: int) -> AiringSlotRow | None:
    record = (await conn.execute(sa.select(*_SLOT_COLUMNS).where(airing_slots.c.id == slot_id))).first()
    return None if record is None else AiringSlotRow(*record)


async def set_slots(conn: AsyncConnection, guild_id: int, airings: Sequence[tuple[int, int]]) -> list[int]:
    """Make the server's slots exactly ``(episode, airs_at)``; ids of kept episodes stay the same.
    Returns the ids of the rows removed (their reminders must be cancelled)."""
    episodes = [episode for episode, _ in airings]
    removing = sa.delete(airing_slots).where(airing_slots.c.guild_id == guild_id)
    if episodes:
        removing = removing.where(airing_slots.c.episode.not_in(episodes))
    removed = [int(r) for r in (await conn.execute(removing.returning(airing_slots.c.id))).scalars()]
    for episode, airs_at in airings:
        values = {"guild_id": guild_id, "episode": episode, "airs_at": airs_at}
        await conn.execute(upsert(conn, airing_slots, values, ["guild_id", "episode"], ["airs_at"]))
    return removed


async def set_subscribed(conn: AsyncConnection, guild_id: int, user_id: int, on: bool) -> None:
    if on:
        await conn.execute(insert_ignore(conn, airing_subscribers, {"guild_id": guild_id, "user_id": user_id}))
    else:
        await conn.execute(
            sa.delete(airing_subscribers).where(
                airing_subscribers.c.guild_id == guild_id, airing_subscribers.c.user_id == user_id
            )
        )


async def is_subscribed(conn: AsyncConnection, guild_id: int, user_id: int) -> bool:
    query = sa.select(airing_subscribers.c.user_id).where(
        airing_subscribers.c.guild_id == guild_id, airing_subscribers.c.user_id == user_id
    )
    return (await conn.execute(query)).first() is not None


async def subscribers(conn: AsyncConnection, guild_id: int) -> list[int]:
    query = (
        sa.select(airing_subscribers.c.user_id)
        .where(airing_subscribers.c.guild_id == guild_id)
        .order_by(airing_subscribers.c.user_id)
    )
    return [int(u) for u in (await conn.execute(query)).scalars()]
