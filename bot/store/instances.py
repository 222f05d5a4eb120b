"""Running bot processes and their heartbeats: a claim is held by an instance that is alive."""

from __future__ import annotations

from msgspec import Struct

from bot.statuses import ReminderState

from .sql import Connection, marks


class InstanceRow(Struct, frozen=True):
    id: str
    hostname: str
    pid: int
    started_at: int
    heartbeat_at: int


async def register(conn: Connection, instance_id: str, hostname: str, pid: int, now: int) -> None:
    await conn.execute(
        "INSERT INTO instances (id, hostname, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)",
        (instance_id, hostname, pid, now, now),
    )


async def beat(conn: Connection, instance_id: str, now: int) -> bool:
    """Record that the instance is alive; False if its row was removed (it was taken for dead)."""
    result = await conn.execute("UPDATE instances SET heartbeat_at = ? WHERE id = ?", (now, instance_id))
    return result.rowcount == 1


async def remove(conn: Connection, instance_ids: list[str]) -> None:
    if instance_ids:
        await conn.execute(f"DELETE FROM instances WHERE id IN ({marks(len(instance_ids))})", tuple(instance_ids))


async def all_instances(conn: Connection) -> list[InstanceRow]:
    found = await conn.execute("SELECT id, hostname, pid, started_at, heartbeat_at FROM instances")
    return [InstanceRow(*x) for x in found]


async def claim_holders(conn: Connection) -> list[str]:
    """Instance ids that hold at least one claim (including instances without a row)."""
    found = await conn.execute("SELECT DISTINCT claim_token FROM reminders WHERE state = ?", (ReminderState.CLAIMED,))
    return [str(x) for x in found.scalars() if x is not None]
