"""The durable reminder queue: rows with a due instant, claimed by a running instance, marked once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.statuses import FINISHED, ReminderKind, ReminderState

from .dialect import insert, insert_ignore
from .schema import delivery_problems, reminders

t = reminders
_COLUMNS = (
    t.c.id, t.c.kind, t.c.guild_id, t.c.ref_id, t.c.offset_seconds, t.c.event_at, t.c.due_at, t.c.state,
    t.c.claim_token, t.c.claimed_at, t.c.attempts, t.c.sent_at, t.c.message_id, t.c.detail,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ReminderRow:
    id: int
    kind: str  # a ReminderKind value, as stored (one this version does not know reaches the scheduler, which says so)
    guild_id: int
    ref_id: int
    offset_seconds: int
    event_at: int
    due_at: int
    state: ReminderState
    claim_token: str | None
    claimed_at: int | None
    attempts: int
    sent_at: int | None
    message_id: int | None
    detail: str | None


def _row(record: Any) -> ReminderRow:
    v = tuple(record)
    return ReminderRow(
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], ReminderState(v[7]), v[8], v[9], v[10], v[11], v[12], v[13]
    )


_SCHEDULE: dict[str, Any] = {}


def _schedule_statement(conn: AsyncConnection) -> Any:
    """The upsert of :func:`schedule`, built once per dialect with its values as parameters (building it, its
    ``excluded`` alias above all, cost more than running it)."""
    found = _SCHEDULE.get(conn.dialect.name)
    if found is None:
        names = ("kind", "guild_id", "ref_id", "offset_seconds", "event_at", "due_at")
        statement = insert(conn, t).values({name: sa.bindparam(name) for name in names})
        excluded = statement.excluded
        found = _SCHEDULE[conn.dialect.name] = statement.on_conflict_do_update(
            index_elements=["kind", "ref_id", "offset_seconds"],
            set_={
                "event_at": excluded.event_at,
                "due_at": excluded.due_at,
                "state": ReminderState.PENDING,
                "claim_token": None,
                "claimed_at": None,
                "sent_at": None,
                "message_id": None,
                "detail": None,
            },
            # state IN (...), spelled so that it can be sent with several rows at once
            where=sa.or_(
                t.c.state == ReminderState.PENDING,
                t.c.state == ReminderState.CANCELLED,
                sa.and_(t.c.state != ReminderState.CLAIMED, t.c.event_at != excluded.event_at),
            ),
        )
    return found


async def schedule(
    conn: AsyncConnection, kind: ReminderKind, guild_id: int, ref_id: int, event_at: int, offsets: Iterable[int]
) -> None:
    """Make the unsent reminders of ``ref_id`` match ``event_at`` and ``offsets``.

    Unsent rows move to the new time, come back from a cancellation, or are cancelled when their offset is no
    longer wanted. A row already sent (or skipped, failed) stays as it is while it is about the same moment; when
    the moment itself moved (a party rescheduled, a slot of a new rewatch), it is a new reminder and is due again.
    A row claimed by a running instance is being delivered: it is left to finish (its delivery re-reads the party
    or slot)."""
    wanted = sorted(set(offsets))
    if wanted:  # every offset in one statement sent once with its rows (one trip to the database, not one each)
        rows = [
            {"kind": kind, "guild_id": guild_id, "ref_id": ref_id, "offset_seconds": offset, "event_at": event_at,
             "due_at": event_at - offset}
            for offset in wanted
        ]  # fmt: skip
        await conn.execute(_schedule_statement(conn), rows)
    if wanted:
        await conn.execute(_UNWANTED_BUT, {"u_kind": kind, "u_ref": ref_id, "u_keep": wanted})
    else:
        await conn.execute(_UNWANTED, {"u_kind": kind, "u_ref": ref_id})


async def due_again(conn: AsyncConnection, kind: ReminderKind, guild_id: int, ref_id: int, at: int) -> None:
    """One row of ``kind`` for ``ref_id``, due at ``at`` whatever became of it before (sent, skipped, cancelled):
    "do it again now". A row being delivered is left to finish (its delivery reads the state it acts on again)."""
    values = {"kind": kind, "guild_id": guild_id, "ref_id": ref_id, "offset_seconds": 0, "event_at": at, "due_at": at}
    fresh = {"event_at": at, "due_at": at, "state": ReminderState.PENDING, "claim_token": None, "claimed_at": None,
             "sent_at": None, "message_id": None, "detail": None}  # fmt: skip
    statement = insert(conn, t).values(values)
    await conn.execute(
        statement.on_conflict_do_update(
            index_elements=["kind", "ref_id", "offset_seconds"], set_=fresh, where=t.c.state != ReminderState.CLAIMED
        )
    )


# Built once (values bound at execution): a party's create and edit run them.
_UNWANTED = (
    sa.update(t)
    .where(t.c.kind == sa.bindparam("u_kind"), t.c.ref_id == sa.bindparam("u_ref"), t.c.state == ReminderState.PENDING)
    .values(state=ReminderState.CANCELLED, detail="offset no longer wanted")
)
_UNWANTED_BUT = _UNWANTED.where(t.c.offset_seconds.not_in(sa.bindparam("u_keep", expanding=True)))


async def cancel(conn: AsyncConnection, kind: ReminderKind, ref_id: int, reason: str) -> int:
    result = await conn.execute(
        sa.update(t)
        .where(t.c.kind == kind, t.c.ref_id == ref_id, t.c.state == ReminderState.PENDING)
        .values(state=ReminderState.CANCELLED, detail=reason)
    )
    return result.rowcount


def _claim_statement(now: int, instance: str, limit: int) -> Any:
    due = (
        sa.select(t.c.id)
        .where(t.c.state == ReminderState.PENDING, t.c.due_at <= now)
        .order_by(t.c.due_at, t.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL: other instances skip rows being claimed
    )
    return (
        sa.update(t)
        .where(t.c.id.in_(due.scalar_subquery()))
        .values(state=ReminderState.CLAIMED, claim_token=instance, claimed_at=now, attempts=t.c.attempts + 1)
        .returning(*_COLUMNS)
    )


async def claim_due(conn: AsyncConnection, now: int, instance: str, *, limit: int) -> list[ReminderRow]:
    """Claim up to ``limit`` due rows for ``instance``, earliest first, in one statement."""
    rows = [_row(x) for x in await conn.execute(_claim_statement(now, instance, limit))]
    return sorted(rows, key=lambda row: (row.due_at, row.id))


async def explain_claim(conn: AsyncConnection) -> list[str]:
    """The database's plan for the claim, one line per step."""
    sql = str(_claim_statement(0, "x", 1).compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    prefix = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN "
    return [str(x[-1]) for x in await conn.exec_driver_sql(prefix + sql)]


async def release_claims(conn: AsyncConnection, instances: Sequence[str], detail: str) -> int:
    """Put the rows claimed by ``instances`` (gone, or stopping) back in the queue."""
    if not instances:
        return 0
    result = await conn.execute(
        sa.update(t)
        .where(t.c.state == ReminderState.CLAIMED, t.c.claim_token.in_(list(instances)))
        .values(state=ReminderState.PENDING, claim_token=None, claimed_at=None, detail=detail)
    )
    return result.rowcount


async def release_one(conn: AsyncConnection, reminder_id: int, instance: str, detail: str) -> bool:
    return await _finish(
        conn, reminder_id, instance, state=ReminderState.PENDING, claim_token=None, claimed_at=None, detail=detail
    )


async def _finish(conn: AsyncConnection, reminder_id: int, instance: str, **values: Any) -> bool:
    """Mark a claimed row, only if ``instance`` still holds the claim (a stale process cannot)."""
    result = await conn.execute(
        sa.update(t)
        .where(t.c.id == reminder_id, t.c.state == ReminderState.CLAIMED, t.c.claim_token == instance)
        .values(**values)
    )
    return result.rowcount == 1


async def mark_sent(
    conn: AsyncConnection, reminder_id: int, instance: str, now: int, message_id: int | None, detail: str | None = None
) -> bool:
    return await _finish(
        conn, reminder_id, instance, state=ReminderState.SENT, sent_at=now, message_id=message_id, detail=detail
    )


async def mark_skipped(conn: AsyncConnection, reminder_id: int, instance: str, reason: str) -> bool:
    return await _finish(conn, reminder_id, instance, state=ReminderState.SKIPPED, detail=reason)


async def mark_failed(conn: AsyncConnection, reminder_id: int, instance: str, detail: str) -> bool:
    return await _finish(conn, reminder_id, instance, state=ReminderState.FAILED, detail=detail)


async def get(conn: AsyncConnection, reminder_id: int) -> ReminderRow | None:
    record = (await conn.execute(sa.select(*_COLUMNS).where(t.c.id == reminder_id))).first()
    return None if record is None else _row(record)


async def for_ref(conn: AsyncConnection, kind: ReminderKind, ref_id: int) -> list[ReminderRow]:
    query = sa.select(*_COLUMNS).where(t.c.kind == kind, t.c.ref_id == ref_id).order_by(t.c.offset_seconds.desc())
    return [_row(x) for x in await conn.execute(query)]


async def next_due(conn: AsyncConnection) -> int | None:
    """The earliest due instant of a pending row, for the loop to sleep until."""
    value = (await conn.execute(sa.select(sa.func.min(t.c.due_at)).where(t.c.state == ReminderState.PENDING))).scalar()
    return None if value is None else int(value)


async def count_by_state(conn: AsyncConnection) -> dict[ReminderState, int]:
    query = sa.select(t.c.state, sa.func.count()).group_by(t.c.state)
    return {ReminderState(state): int(n) for state, n in await conn.execute(query)}


# -- delivery problems reported to staff ----------------------------------------------------------


async def note_problem(conn: AsyncConnection, guild_id: int, channel_id: int, problem: str, now: int) -> bool:
    """Record a delivery problem; True when it is new (not already reported since the last success there)."""
    values = {"guild_id": guild_id, "channel_id": channel_id, "problem": problem, "reported_at": now}
    result = await conn.execute(insert_ignore(conn, delivery_problems, values))
    return result.rowcount == 1


async def clear_problems(conn: AsyncConnection, guild_id: int, channel_id: int) -> int:
    """A post went through in the channel: its problems are over, and will be reported again if they return."""
    result = await conn.execute(
        sa.delete(delivery_problems).where(
            delivery_problems.c.guild_id == guild_id, delivery_problems.c.channel_id == channel_id
        )
    )
    return result.rowcount


async def forget_problem(conn: AsyncConnection, guild_id: int, channel_id: int, problem: str) -> None:
    """Undo :func:`note_problem` (the report itself could not be delivered: try again next time)."""
    await conn.execute(
        sa.delete(delivery_problems).where(
            delivery_problems.c.guild_id == guild_id,
            delivery_problems.c.channel_id == channel_id,
            delivery_problems.c.problem == problem,
        )
    )


async def delete_for_refs(conn: AsyncConnection, kind: ReminderKind, ref_ids: Sequence[int]) -> int:
    """Delete every reminder of ``kind`` for these events (their event was deleted), except one being sent now."""
    if not ref_ids:
        return 0
    statement = sa.delete(t).where(t.c.kind == kind, t.c.ref_id.in_(list(ref_ids)), t.c.state != ReminderState.CLAIMED)
    return (await conn.execute(statement)).rowcount


async def prune(conn: AsyncConnection, *, finished_before: int) -> int:
    """Delete cancelled reminders, and reminders sent, skipped or failed for events before ``finished_before``."""
    statement = sa.delete(t).where(
        sa.or_(t.c.state == ReminderState.CANCELLED, sa.and_(t.c.state.in_(FINISHED), t.c.event_at < finished_before))
    )
    return (await conn.execute(statement)).rowcount
