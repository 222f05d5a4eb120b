"""Episode pulse polls: the poll posted for each airing, and its result (counts per star, never voters)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.statuses import PollState, ReminderKind, ReminderState

from .dialect import insert_ignore
from .schema import episode_polls, reminders

t = episode_polls
STARS = (t.c.stars_1, t.c.stars_2, t.c.stars_3, t.c.stars_4, t.c.stars_5)
_COLUMNS = (
    t.c.id, t.c.guild_id, t.c.episode, t.c.channel_id, t.c.message_id, t.c.opened_at, t.c.closes_at, t.c.state,
    *STARS, t.c.next_check_at, t.c.checks, t.c.closed_at, t.c.detail,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PollRow:
    id: int
    guild_id: int
    episode: int
    channel_id: int
    message_id: int
    opened_at: int
    closes_at: int
    state: PollState
    counts: tuple[int, int, int, int, int]  # votes for 1 to 5 stars
    next_check_at: int
    checks: int
    closed_at: int | None
    detail: str | None


def _row(record: Any) -> PollRow:
    v = tuple(record)
    counts = (int(v[8]), int(v[9]), int(v[10]), int(v[11]), int(v[12]))
    return PollRow(v[0], v[1], v[2], v[3], v[4], v[5], v[6], PollState(v[7]), counts, v[13], v[14], v[15], v[16])


async def record(
    conn: AsyncConnection,
    *,
    guild_id: int,
    episode: int,
    channel_id: int,
    message_id: int,
    opened_at: int,
    closes_at: int,
    check_at: int,
) -> None:
    """Remember a poll Discord accepted (a repeated post of the same message is ignored)."""
    values = {
        "guild_id": guild_id, "episode": episode, "channel_id": channel_id, "message_id": message_id,
        "opened_at": opened_at, "closes_at": closes_at, "next_check_at": check_at,
    }  # fmt: skip
    await conn.execute(insert_ignore(conn, t, values))


async def by_message(conn: AsyncConnection, message_id: int) -> PollRow | None:
    found = (await conn.execute(sa.select(*_COLUMNS).where(t.c.message_id == message_id))).first()
    return None if found is None else _row(found)


async def due(conn: AsyncConnection, now: int, limit: int) -> list[PollRow]:
    """Open polls whose result should be read from Discord now (earliest first)."""
    query = (
        sa.select(*_COLUMNS)
        .where(t.c.state == PollState.OPEN, t.c.next_check_at <= now)
        .order_by(t.c.next_check_at, t.c.id)
        .limit(limit)
    )
    return [_row(r) for r in await conn.execute(query)]


async def next_check(conn: AsyncConnection) -> int | None:
    value = (await conn.execute(sa.select(sa.func.min(t.c.next_check_at)).where(t.c.state == PollState.OPEN))).scalar()
    return None if value is None else int(value)


async def open_polls(conn: AsyncConnection) -> list[PollRow]:
    return [_row(r) for r in await conn.execute(sa.select(*_COLUMNS).where(t.c.state == PollState.OPEN))]


async def set_counts(conn: AsyncConnection, poll_id: int, counts: Sequence[int]) -> None:
    """Replace the live counts of an open poll (read again from Discord after a restart)."""
    values = {column.name: int(n) for column, n in zip(STARS, counts, strict=True)}
    await conn.execute(sa.update(t).where(t.c.id == poll_id, t.c.state == PollState.OPEN).values(**values))


_IS_OPEN = sa.select(t.c.id).where(t.c.message_id == sa.bindparam("m"), t.c.state == PollState.OPEN)


async def is_open(conn: AsyncConnection, message_id: int) -> bool:
    """Whether ``message_id`` is one of the bot's polls, still open."""
    return (await conn.execute(_IS_OPEN, {"m": message_id})).first() is not None


async def vote(conn: AsyncConnection, message_id: int, stars: int, delta: int) -> bool:
    """Count one vote added (+1) or removed (-1) while the poll is open; False when it is not one of ours."""
    column = STARS[stars - 1]
    result = await conn.execute(
        sa.update(t)
        .where(t.c.message_id == message_id, t.c.state == PollState.OPEN)
        .values({column: sa.case((column + delta < 0, 0), else_=column + delta)})
    )
    return result.rowcount == 1


async def close(conn: AsyncConnection, poll_id: int, counts: Sequence[int], now: int, detail: str) -> bool:
    """Store Discord's final count. Only once: a poll already closed keeps its result."""
    values: dict[str, Any] = {column.name: int(n) for column, n in zip(STARS, counts, strict=True)}
    values.update(state=PollState.CLOSED, closed_at=now, detail=detail)
    result = await conn.execute(sa.update(t).where(t.c.id == poll_id, t.c.state == PollState.OPEN).values(**values))
    return result.rowcount == 1


async def check_later(conn: AsyncConnection, poll_id: int, at: int, detail: str) -> None:
    await conn.execute(
        sa.update(t)
        .where(t.c.id == poll_id, t.c.state == PollState.OPEN)
        .values(next_check_at=at, checks=t.c.checks + 1, detail=detail)
    )


async def gone(conn: AsyncConnection, poll_id: int, now: int, detail: str) -> None:
    """The poll's message was deleted before its result could be read."""
    await conn.execute(
        sa.update(t)
        .where(t.c.id == poll_id, t.c.state == PollState.OPEN)
        .values(state=PollState.GONE, closed_at=now, detail=detail)
    )


async def latest_by_episode(conn: AsyncConnection, guild_id: int) -> dict[int, PollRow]:
    """The server's most recent poll of each episode (a later rewatch's poll replaces an earlier one)."""
    query = sa.select(*_COLUMNS).where(t.c.guild_id == guild_id).order_by(t.c.opened_at, t.c.id)
    found: dict[int, PollRow] = {}
    for record_ in await conn.execute(query):
        row = _row(record_)
        earlier = found.get(row.episode)
        if row.state != PollState.GONE or earlier is None or earlier.state == PollState.GONE:
            found[row.episode] = row
    return found


async def cancel_unscheduled(
    conn: AsyncConnection, kind: ReminderKind, guild_id: int, slot_ids: Sequence[int], reason: str
) -> None:
    """Cancel the server's pending reminders of ``kind`` for airing slots that are no longer in its schedule."""
    statement = sa.update(reminders).where(
        reminders.c.kind == kind, reminders.c.guild_id == guild_id, reminders.c.state == ReminderState.PENDING
    )
    if slot_ids:
        statement = statement.where(reminders.c.ref_id.not_in(list(slot_ids)))
    await conn.execute(statement.values(state=ReminderState.CANCELLED, detail=reason))


async def prune(conn: AsyncConnection, *, closed_before: int) -> int:
    """Delete polls closed before ``closed_before`` that no longer make a result: deleted ones ('gone'), and ones a
    later poll of the same episode in the same server replaced. The latest result of each episode stays."""
    later = sa.alias(t, "later")
    replaced = sa.exists().where(
        later.c.guild_id == t.c.guild_id,
        later.c.episode == t.c.episode,
        later.c.state != PollState.GONE,
        sa.or_(later.c.opened_at > t.c.opened_at, sa.and_(later.c.opened_at == t.c.opened_at, later.c.id > t.c.id)),
    )
    statement = sa.delete(t).where(
        t.c.state != PollState.OPEN, t.c.closed_at < closed_before, sa.or_(t.c.state == PollState.GONE, replaced)
    )
    return (await conn.execute(statement)).rowcount
