"""The durable reminder queue: rows with a due instant, claimed by a running instance, marked once."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from msgspec import Struct

from bot.statuses import FINISHED, ReminderKind, ReminderState

from .dialect import insert_ignore_sql
from .sql import Connection, marks

COLUMNS = (
    "id, kind, guild_id, ref_id, offset_seconds, event_at, due_at, state, claim_token, claimed_at, attempts, sent_at, "
    "message_id, detail"
)


class ReminderRow(Struct, frozen=True):
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


def row_of(v: Any) -> ReminderRow:
    return ReminderRow(
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], ReminderState(v[7]), v[8], v[9], v[10], v[11], v[12], v[13]
    )


# Every offset of a reminder in one statement sent with its rows (one trip to the database, not one each).
_SCHEDULE = (
    "INSERT INTO reminders (kind, guild_id, ref_id, offset_seconds, event_at, due_at) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (kind, ref_id, offset_seconds) DO UPDATE SET event_at = excluded.event_at, "
    "due_at = excluded.due_at, state = 'pending', claim_token = NULL, claimed_at = NULL, sent_at = NULL, "
    "message_id = NULL, detail = NULL "
    "WHERE reminders.state = 'pending' OR reminders.state = 'cancelled' "
    "OR (reminders.state != 'claimed' AND reminders.event_at != excluded.event_at)"
)
_UNWANTED = (
    "UPDATE reminders SET state = 'cancelled', detail = 'offset no longer wanted' "
    "WHERE kind = ? AND ref_id = ? AND state = 'pending'"
)


@functools.cache
def _unwanted_but(count: int) -> str:
    return f"{_UNWANTED} AND offset_seconds NOT IN ({marks(count)})"


async def schedule(
    conn: Connection,
    kind: ReminderKind,
    guild_id: int,
    ref_id: int,
    event_at: int,
    offsets: Iterable[int],
    *,
    new: bool = False,
) -> None:
    """Make the unsent reminders of ``ref_id`` match ``event_at`` and ``offsets``.

    Unsent rows move to the new time, come back from a cancellation, or are cancelled when their offset is no
    longer wanted. A row already sent (or skipped, failed) stays as it is while it is about the same moment; when
    the moment itself moved (a party rescheduled, a slot of a new rewatch), it is a new reminder and is due again.
    A row claimed by a running instance is being delivered: it is left to finish (its delivery re-reads the party
    or slot). ``new``: ``ref_id`` was made in this unit of work, so it has no rows to cancel."""
    wanted = sorted(set(offsets))
    if wanted:
        rows = [(kind, guild_id, ref_id, offset, event_at, event_at - offset) for offset in wanted]
        await conn.executemany(_SCHEDULE, rows)
        if not new:
            await conn.execute(_unwanted_but(len(wanted)), (kind, ref_id, *wanted))
    elif not new:
        await conn.execute(_UNWANTED, (kind, ref_id))


_DUE_AGAIN = (
    "INSERT INTO reminders (kind, guild_id, ref_id, offset_seconds, event_at, due_at) VALUES (?, ?, ?, 0, ?, ?) "
    "ON CONFLICT (kind, ref_id, offset_seconds) DO UPDATE SET event_at = excluded.event_at, "
    "due_at = excluded.due_at, state = 'pending', claim_token = NULL, claimed_at = NULL, sent_at = NULL, "
    "message_id = NULL, detail = NULL WHERE reminders.state != 'claimed'"
)


async def due_again(conn: Connection, kind: ReminderKind, guild_id: int, ref_id: int, at: int) -> None:
    """One row of ``kind`` for ``ref_id``, due at ``at`` whatever became of it before (sent, skipped, cancelled):
    "do it again now". A row being delivered is left to finish (its delivery reads the state it acts on again)."""
    await conn.execute(_DUE_AGAIN, (kind, guild_id, ref_id, at, at))


async def cancel(conn: Connection, kind: ReminderKind, ref_id: int, reason: str) -> int:
    result = await conn.execute(
        "UPDATE reminders SET state = 'cancelled', detail = ? WHERE kind = ? AND ref_id = ? AND state = 'pending'",
        (reason, kind, ref_id),
    )
    return result.rowcount


def _claim_statement(conn: Connection) -> str:
    # PostgreSQL: other instances skip rows being claimed (SKIP LOCKED); SQLite's one writer is alone.
    lock = " FOR UPDATE SKIP LOCKED" if conn.dialect == "postgresql" else ""
    return (
        "UPDATE reminders SET state = 'claimed', claim_token = ?, claimed_at = ?, attempts = attempts + 1 "
        "WHERE id IN (SELECT id FROM reminders WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?"
        f"{lock}) RETURNING {COLUMNS}"
    )


async def claim_due(conn: Connection, now: int, instance: str, *, limit: int) -> list[ReminderRow]:
    """Claim up to ``limit`` due rows for ``instance``, earliest first, in one statement."""
    rows = [row_of(x) for x in await conn.execute(_claim_statement(conn), (instance, now, now, limit))]
    return sorted(rows, key=lambda row: (row.due_at, row.id))


async def explain_claim(conn: Connection) -> list[str]:
    """The database's plan for the claim, one line per step."""
    prefix = "EXPLAIN QUERY PLAN " if conn.dialect == "sqlite" else "EXPLAIN "
    return [str(x[-1]) for x in await conn.execute(prefix + _claim_statement(conn), ("x", 0, 0, 1))]


async def release_claims(conn: Connection, instances: Sequence[str], detail: str) -> int:
    """Put the rows claimed by ``instances`` (gone, or stopping) back in the queue."""
    if not instances:
        return 0
    result = await conn.execute(
        "UPDATE reminders SET state = 'pending', claim_token = NULL, claimed_at = NULL, detail = ? "
        f"WHERE state = 'claimed' AND claim_token IN ({marks(len(instances))})",
        (detail, *instances),
    )
    return result.rowcount


@functools.cache
def _finish_statement(names: tuple[str, ...]) -> str:
    assignments = ", ".join(f"{name} = ?" for name in names)
    return f"UPDATE reminders SET {assignments} WHERE id = ? AND state = 'claimed' AND claim_token = ?"


async def release_one(conn: Connection, reminder_id: int, instance: str, detail: str) -> bool:
    return await _finish(
        conn, reminder_id, instance, state=ReminderState.PENDING, claim_token=None, claimed_at=None, detail=detail
    )


async def _finish(conn: Connection, reminder_id: int, instance: str, **values: Any) -> bool:
    """Mark a claimed row, only if ``instance`` still holds the claim (a stale process cannot)."""
    result = await conn.execute(_finish_statement(tuple(values)), (*values.values(), reminder_id, instance))
    return result.rowcount == 1


async def mark_sent(
    conn: Connection, reminder_id: int, instance: str, now: int, message_id: int | None, detail: str | None = None
) -> bool:
    return await _finish(
        conn, reminder_id, instance, state=ReminderState.SENT, sent_at=now, message_id=message_id, detail=detail
    )


async def mark_skipped(conn: Connection, reminder_id: int, instance: str, reason: str) -> bool:
    return await _finish(conn, reminder_id, instance, state=ReminderState.SKIPPED, detail=reason)


async def mark_failed(conn: Connection, reminder_id: int, instance: str, detail: str) -> bool:
    return await _finish(conn, reminder_id, instance, state=ReminderState.FAILED, detail=detail)


async def get(conn: Connection, reminder_id: int) -> ReminderRow | None:
    record = (await conn.execute(f"SELECT {COLUMNS} FROM reminders WHERE id = ?", (reminder_id,))).first()
    return None if record is None else row_of(record)


async def for_ref(conn: Connection, kind: ReminderKind, ref_id: int) -> list[ReminderRow]:
    found = await conn.execute(
        f"SELECT {COLUMNS} FROM reminders WHERE kind = ? AND ref_id = ? ORDER BY offset_seconds DESC", (kind, ref_id)
    )
    return [row_of(x) for x in found]


async def next_due(conn: Connection) -> int | None:
    """The earliest due instant of a pending row, for the loop to sleep until."""
    value = (await conn.execute("SELECT MIN(due_at) FROM reminders WHERE state = 'pending'")).scalar()
    return None if value is None else int(value)


async def count_by_state(conn: Connection) -> dict[ReminderState, int]:
    found = await conn.execute("SELECT state, COUNT(*) FROM reminders GROUP BY state")
    return {ReminderState(state): int(n) for state, n in found}


# -- delivery problems reported to staff ----------------------------------------------------------

_NOTE_PROBLEM = insert_ignore_sql("delivery_problems", ("guild_id", "channel_id", "problem", "reported_at"))


async def note_problem(conn: Connection, guild_id: int, channel_id: int, problem: str, now: int) -> bool:
    """Record a delivery problem; True when it is new (not already reported since the last success there)."""
    result = await conn.execute(_NOTE_PROBLEM, (guild_id, channel_id, problem, now))
    return result.rowcount == 1


async def clear_problems(conn: Connection, guild_id: int, channel_id: int) -> int:
    """A post went through in the channel: its problems are over, and will be reported again if they return."""
    result = await conn.execute(
        "DELETE FROM delivery_problems WHERE guild_id = ? AND channel_id = ?", (guild_id, channel_id)
    )
    return result.rowcount


async def forget_problem(conn: Connection, guild_id: int, channel_id: int, problem: str) -> None:
    """Undo :func:`note_problem` (the report itself could not be delivered: try again next time)."""
    await conn.execute(
        "DELETE FROM delivery_problems WHERE guild_id = ? AND channel_id = ? AND problem = ?",
        (guild_id, channel_id, problem),
    )


async def delete_for_refs(conn: Connection, kind: ReminderKind, ref_ids: Sequence[int]) -> int:
    """Delete every reminder of ``kind`` for these events (their event was deleted), except one being sent now."""
    if not ref_ids:
        return 0
    sql = f"DELETE FROM reminders WHERE kind = ? AND ref_id IN ({marks(len(ref_ids))}) AND state != 'claimed'"
    return (await conn.execute(sql, (kind, *ref_ids))).rowcount


_FINISHED = ", ".join(f"'{state.value}'" for state in FINISHED)


async def prune(conn: Connection, *, finished_before: int) -> int:
    """Delete cancelled reminders, and reminders sent, skipped or failed for events before ``finished_before``."""
    sql = f"DELETE FROM reminders WHERE state = 'cancelled' OR (state IN ({_FINISHED}) AND event_at < ?)"
    return (await conn.execute(sql, (finished_before,))).rowcount
