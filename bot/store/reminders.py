"""The durable reminder queue: rows with a due instant, claimed atomically, marked once."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .database import Database

_COLUMNS = (
    "id, kind, guild_id, ref_id, offset_seconds, event_at, due_at, state, claim_token, claimed_at, attempts, "
    "sent_at, message_id, detail"
)


# Claims due rows and rows whose claim was abandoned, in one atomic statement. Each half of the
# UNION searches its own partial index, so a tick costs the same with 100 or 100,000 pending rows.
CLAIM_SQL = (
    f"UPDATE reminders SET state = 'claimed', claim_token = ?, claimed_at = ?, attempts = attempts + 1 "
    f"WHERE id IN ("
    f"  SELECT id FROM reminders WHERE state = 'pending' AND due_at <= ? "
    f"  UNION ALL "
    f"  SELECT id FROM reminders WHERE state = 'claimed' AND claimed_at <= ? "
    f"  LIMIT ?"
    f") RETURNING {_COLUMNS}"
)


@dataclass(frozen=True, slots=True)
class ReminderRow:
    id: int
    kind: str
    guild_id: int
    ref_id: int
    offset_seconds: int
    event_at: int
    due_at: int
    state: str
    claim_token: str | None
    claimed_at: int | None
    attempts: int
    sent_at: int | None
    message_id: int | None
    detail: str | None


def _row(record: sqlite3.Row) -> ReminderRow:
    return ReminderRow(*record)


class ReminderRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def schedule(self, kind: str, guild_id: int, ref_id: int, event_at: int, offsets: Iterable[int]) -> None:
        """Make the unsent reminders of ``ref_id`` match ``event_at`` and ``offsets``.

        Sent (or skipped, failed) rows stay as they are; unsent rows move to the new time, come back
        from a cancellation, or are cancelled when their offset is no longer wanted."""
        wanted = sorted(set(offsets))
        conn = self._db.conn
        await conn.execute("BEGIN IMMEDIATE")
        try:
            for offset in wanted:
                await conn.execute(
                    "INSERT INTO reminders (kind, guild_id, ref_id, offset_seconds, event_at, due_at) "
                    "VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (kind, ref_id, offset_seconds) DO UPDATE SET "
                    "event_at = excluded.event_at, due_at = excluded.due_at, state = 'pending', "
                    "claim_token = NULL, claimed_at = NULL, detail = NULL "
                    "WHERE reminders.state IN ('pending', 'claimed', 'cancelled')",
                    (kind, guild_id, ref_id, offset, event_at, event_at - offset),
                )
            # (An empty list must cancel every unsent row: "NOT IN (NULL)" would cancel none.)
            keep = f"AND offset_seconds NOT IN ({','.join('?' * len(wanted))})" if wanted else ""
            await conn.execute(
                f"UPDATE reminders SET state = 'cancelled', detail = 'offset no longer wanted' "
                f"WHERE kind = ? AND ref_id = ? AND state IN ('pending', 'claimed') {keep}",
                (kind, ref_id, *wanted),
            )
            await conn.execute("COMMIT")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise

    async def cancel(self, kind: str, ref_id: int, reason: str) -> int:
        cur = await self._db.conn.execute(
            "UPDATE reminders SET state = 'cancelled', detail = ? "
            "WHERE kind = ? AND ref_id = ? AND state IN ('pending', 'claimed')",
            (reason, kind, ref_id),
        )
        return cur.rowcount

    async def claim_due(self, now: int, token: str, *, limit: int, lease_seconds: int) -> list[ReminderRow]:
        """Atomically claim up to ``limit`` rows that are due, or whose earlier claim was never
        finished within ``lease_seconds`` (the process died between claim and mark)."""
        async with self._db.conn.execute(CLAIM_SQL, (token, now, now, now - lease_seconds, limit)) as cur:
            rows = [_row(r) for r in await cur.fetchall()]
        return sorted(rows, key=lambda r: (r.due_at, r.id))

    async def explain_claim(self) -> list[str]:
        """SQLite's query plan for the claim, one line per step."""
        async with self._db.conn.execute("EXPLAIN QUERY PLAN " + CLAIM_SQL, ("t", 0, 0, 0, 1)) as cur:
            return [str(r["detail"]) for r in await cur.fetchall()]

    async def _finish(self, reminder_id: int, token: str, sql: str, params: Sequence[object]) -> bool:
        cur = await self._db.conn.execute(
            f"UPDATE reminders SET {sql} WHERE id = ? AND state = 'claimed' AND claim_token = ?",
            (*params, reminder_id, token),
        )
        return cur.rowcount == 1

    async def mark_sent(
        self, reminder_id: int, token: str, now: int, message_id: int | None, detail: str | None = None
    ) -> bool:
        return await self._finish(
            reminder_id, token, "state = 'sent', sent_at = ?, message_id = ?, detail = ?", (now, message_id, detail)
        )

    async def mark_skipped(self, reminder_id: int, token: str, reason: str) -> bool:
        return await self._finish(reminder_id, token, "state = 'skipped', detail = ?", (reason,))

    async def mark_failed(self, reminder_id: int, token: str, detail: str) -> bool:
        return await self._finish(reminder_id, token, "state = 'failed', detail = ?", (detail,))

    async def release(self, reminder_id: int, token: str, due_at: int, detail: str) -> bool:
        """Put a claimed row back in the queue for ``due_at`` (e.g. after a rate limit)."""
        return await self._finish(
            reminder_id,
            token,
            "state = 'pending', due_at = ?, claim_token = NULL, claimed_at = NULL, detail = ?",
            (due_at, detail),
        )

    async def get(self, reminder_id: int) -> ReminderRow | None:
        async with self._db.conn.execute(f"SELECT {_COLUMNS} FROM reminders WHERE id = ?", (reminder_id,)) as cur:
            record = await cur.fetchone()
        return None if record is None else _row(record)

    async def for_ref(self, kind: str, ref_id: int) -> list[ReminderRow]:
        async with self._db.conn.execute(
            f"SELECT {_COLUMNS} FROM reminders WHERE kind = ? AND ref_id = ? ORDER BY offset_seconds DESC",
            (kind, ref_id),
        ) as cur:
            return [_row(r) for r in await cur.fetchall()]

    async def next_due(self) -> int | None:
        """The earliest due instant of a pending row, for the loop to sleep until."""
        async with self._db.conn.execute("SELECT MIN(due_at) FROM reminders WHERE state = 'pending'") as cur:
            record = await cur.fetchone()
        return None if record is None or record[0] is None else int(record[0])

    async def note_problem(self, guild_id: int, channel_id: int, problem: str, now: int) -> bool:
        """Record a delivery problem; True only the first time (so staff are told once)."""
        cur = await self._db.conn.execute(
            "INSERT OR IGNORE INTO delivery_problems (guild_id, channel_id, problem, reported_at) VALUES (?, ?, ?, ?)",
            (guild_id, channel_id, problem, now),
        )
        return cur.rowcount == 1

    async def clear_problems(self, guild_id: int, channel_id: int) -> None:
        await self._db.conn.execute(
            "DELETE FROM delivery_problems WHERE guild_id = ? AND channel_id = ?", (guild_id, channel_id)
        )
