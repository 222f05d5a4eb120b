"""Running bot processes and their heartbeats: a claim is held by an instance that is alive."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.statuses import ReminderState

from .schema import instances, reminders

t = instances


@dataclass(frozen=True, slots=True)
class InstanceRow:
    id: str
    hostname: str
    pid: int
    started_at: int
    heartbeat_at: int


async def register(conn: AsyncConnection, instance_id: str, hostname: str, pid: int, now: int) -> None:
    await conn.execute(
        sa.insert(t).values(id=instance_id, hostname=hostname, pid=pid, started_at=now, heartbeat_at=now)
    )


async def beat(conn: AsyncConnection, instance_id: str, now: int) -> bool:
    """Record that the instance is alive; False if its row was removed (it was taken for dead)."""
    result = await conn.execute(sa.update(t).where(t.c.id == instance_id).values(heartbeat_at=now))
    return result.rowcount == 1


async def remove(conn: AsyncConnection, instance_ids: list[str]) -> None:
    if instance_ids:
        await conn.execute(sa.delete(t).where(t.c.id.in_(instance_ids)))


async def all_instances(conn: AsyncConnection) -> list[InstanceRow]:
    return [
        InstanceRow(*x)
        for x in await conn.execute(sa.select(t.c.id, t.c.hostname, t.c.pid, t.c.started_at, t.c.heartbeat_at))
    ]


async def claim_holders(conn: AsyncConnection) -> list[str]:
    """Instance ids that hold at least one claim (including instances without a row)."""
    query = sa.select(reminders.c.claim_token).where(reminders.c.state == ReminderState.CLAIMED).distinct()
    return [str(x) for x in (await conn.execute(query)).scalars() if x is not None]
