"""Members' own reminder times, and the personal rows their reminders name.

A personal reminder is a row of ``personal_reminders`` (one member, one watch party or airing slot) and,
for each of the member's times, one row of the durable reminder queue (kind ``party-dm`` or ``airing-dm``)
whose ``ref_id`` is the personal row: every personal DM is claimed, sent and marked on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from msgspec import Struct

from bot.statuses import ReminderKind

from .dialect import upsert_sql
from .reminders import COLUMNS as REMINDER_COLUMNS
from .reminders import ReminderRow, row_of
from .sql import Connection, flag, marks

_CHUNK = 500  # ids per IN (...) list


class PersonalRow(Struct, frozen=True):
    id: int
    kind: str  # ReminderKind.PARTY_DM or AIRING_DM, as stored
    guild_id: int
    user_id: int
    target_id: int


_COLUMNS = "id, kind, guild_id, user_id, target_id"
_PERSONAL_KINDS = f"'{ReminderKind.PARTY_DM.value}', '{ReminderKind.AIRING_DM.value}'"


def _chunks(values: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])


async def get(conn: Connection, personal_id: int) -> PersonalRow | None:
    record = (await conn.execute(f"SELECT {_COLUMNS} FROM personal_reminders WHERE id = ?", (personal_id,))).first()
    return None if record is None else PersonalRow(*record)


async def for_target(
    conn: Connection, kind: ReminderKind, target_id: int, users: Sequence[int] | None = None
) -> list[PersonalRow]:
    """The personal rows for one party or slot: everyone's, or only ``users``'."""
    sql = f"SELECT {_COLUMNS} FROM personal_reminders WHERE kind = ? AND target_id = ?"
    params: tuple[object, ...] = (kind, target_id)
    if users is not None:
        if not users:
            return []
        sql += f" AND user_id IN ({marks(len(users))})"
        params += tuple(users)
    return [PersonalRow(*r) for r in await conn.execute(sql, params)]


async def for_guild(conn: Connection, kind: ReminderKind, guild_id: int) -> list[PersonalRow]:
    found = await conn.execute(
        f"SELECT {_COLUMNS} FROM personal_reminders WHERE guild_id = ? AND kind = ?", (guild_id, kind)
    )
    return [PersonalRow(*r) for r in found]


_ENSURE = (
    "INSERT INTO personal_reminders (kind, guild_id, user_id, target_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"
)


async def ensure(conn: Connection, kind: ReminderKind, guild_id: int, pairs: Sequence[tuple[int, int]]) -> None:
    """Make sure a personal row exists for each ``(user_id, target_id)``."""
    if pairs:
        await conn.executemany(_ENSURE, [(kind, guild_id, u, target) for u, target in pairs])


async def reminder_rows(conn: Connection, kind: ReminderKind, ref_ids: Sequence[int]) -> list[ReminderRow]:
    found: list[ReminderRow] = []
    for chunk in _chunks(sorted(set(ref_ids))):
        sql = f"SELECT {REMINDER_COLUMNS} FROM reminders WHERE kind = ? AND ref_id IN ({marks(len(chunk))})"
        found += [row_of(r) for r in await conn.execute(sql, (kind, *chunk))]
    return found


_SCHEDULE_MANY = (
    "INSERT INTO reminders (kind, guild_id, ref_id, offset_seconds, event_at, due_at) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (kind, ref_id, offset_seconds) DO UPDATE SET event_at = excluded.event_at, "
    "due_at = excluded.due_at, state = 'pending', claim_token = NULL, claimed_at = NULL, detail = NULL "
    "WHERE reminders.state = 'pending' OR reminders.state = 'cancelled'"
)


async def schedule_many(conn: Connection, kind: ReminderKind, rows: Sequence[dict[str, int]]) -> None:
    """Insert reminder rows (``guild_id``, ``ref_id``, ``offset_seconds``, ``event_at``), as
    :func:`bot.store.reminders.schedule` does one at a time: an existing unsent row moves to the new time or
    comes back from a cancellation; a row that was claimed, sent, skipped or failed stays as it is."""
    if not rows:
        return
    values = [
        (
            kind,
            row["guild_id"],
            row["ref_id"],
            row["offset_seconds"],
            row["event_at"],
            row["event_at"] - row["offset_seconds"],
        )
        for row in rows
    ]
    await conn.executemany(_SCHEDULE_MANY, values)


async def cancel_many(conn: Connection, reminder_ids: Sequence[int], reason: str) -> int:
    """Drop personal reminders no longer wanted. They were never sent, so nothing is kept of them: the rows are
    deleted (a member changing their times over and over must not pile up rows). ``reason`` is for the log."""
    cancelled = 0
    for chunk in _chunks(sorted(set(reminder_ids))):
        result = await conn.execute(
            f"DELETE FROM reminders WHERE id IN ({marks(len(chunk))}) AND state = 'pending'", tuple(chunk)
        )
        cancelled += result.rowcount
    return cancelled


async def pending_counts(conn: Connection, user_ids: Sequence[int]) -> dict[int, int]:
    """How many personal reminders (of both kinds, in every server) each member has waiting to be sent."""
    found: dict[int, int] = {}
    for chunk in _chunks(sorted(set(user_ids))):
        sql = (
            "SELECT t.user_id, COUNT(*) FROM personal_reminders t "
            "JOIN reminders r ON r.ref_id = t.id AND r.kind = t.kind "
            f"WHERE t.user_id IN ({marks(len(chunk))}) AND r.state IN ('pending', 'claimed') GROUP BY t.user_id"
        )
        found.update({int(u): int(n) for u, n in await conn.execute(sql, tuple(chunk))})
    return found


async def delete_for_targets(conn: Connection, kind: ReminderKind, target_ids: Sequence[int]) -> int:
    """Delete the personal rows (and their unsent reminder rows) of events that are gone."""
    deleted = 0
    for chunk in _chunks(sorted(set(target_ids))):
        listed = marks(len(chunk))
        await conn.execute(
            "DELETE FROM reminders WHERE kind = ? AND ref_id IN "
            f"(SELECT id FROM personal_reminders WHERE kind = ? AND target_id IN ({listed}))",
            (kind, kind, *chunk),
        )
        found = await conn.execute(
            f"DELETE FROM personal_reminders WHERE kind = ? AND target_id IN ({listed})", (kind, *chunk)
        )
        deleted += found.rowcount
    return deleted


_ORPHANS = (
    "SELECT t.id FROM personal_reminders t WHERE "
    f"(t.kind = '{ReminderKind.PARTY_DM.value}' "
    "AND NOT EXISTS (SELECT 1 FROM watch_parties p WHERE p.id = t.target_id)) "
    f"OR (t.kind = '{ReminderKind.AIRING_DM.value}' "
    "AND NOT EXISTS (SELECT 1 FROM airing_slots a WHERE a.id = t.target_id)) "
    "OR NOT EXISTS (SELECT 1 FROM reminders r WHERE r.ref_id = t.id AND r.kind = t.kind)"
)


async def prune_orphans(conn: Connection) -> int:
    """Delete personal rows whose event no longer exists (a party deleted, an airing slot dropped from a schedule),
    with their reminder rows, and personal rows left without any reminder row."""
    ids = [int(x) for x in (await conn.execute(_ORPHANS)).scalars()]
    deleted = 0
    for chunk in _chunks(ids):
        listed = marks(len(chunk))
        await conn.execute(
            f"DELETE FROM reminders WHERE kind IN ({_PERSONAL_KINDS}) AND ref_id IN ({listed})", tuple(chunk)
        )
        deleted += (await conn.execute(f"DELETE FROM personal_reminders WHERE id IN ({listed})", tuple(chunk))).rowcount
    return deleted


# -- the members' own times --------------------------------------------------------------------------

#: Whether any of ``{users}`` (that many ``?``) wants watch-party DMs at their own times or already has a personal
#: row (its kind a ``?`` after the users) for the party ``{target}`` (most RSVP clicks come from members with
#: neither). Its parameters: the users, the kind, the users again.
PARTY_PLANS_EXIST = (
    "(EXISTS (SELECT 1 FROM member_settings s WHERE s.user_id IN ({users}) AND s.party_dm_reminders = 1 "
    "AND s.party_dm_offsets IS NOT NULL) "
    "OR EXISTS (SELECT 1 FROM personal_reminders pr WHERE pr.kind = ? AND pr.target_id = {target} "
    "AND pr.user_id IN ({users})))"
)


async def any_party_plans(conn: Connection, kind: ReminderKind, party_id: int, user_ids: Sequence[int]) -> bool:
    """Whether any of ``user_ids`` wants watch-party DMs at their own times or already has a personal row for
    the party (one query: most RSVP clicks come from members with neither, and need no planning)."""
    if not user_ids:
        return False
    users = tuple(user_ids)
    sql = "SELECT " + PARTY_PLANS_EXIST.format(users=marks(len(users)), target="?")
    found = await conn.execute(sql, (*users, kind, party_id, *users))
    return flag(found.scalar())


_SET_PARTY_DM = upsert_sql(
    "member_settings",
    ("user_id", "party_dm_reminders", "party_dm_offsets", "updated_at"),
    ("user_id",),
    ("party_dm_reminders", "party_dm_offsets", "updated_at"),
)


async def set_party_dm(conn: Connection, user_id: int, enabled: bool, offsets: str | None, now: int) -> None:
    await conn.execute(_SET_PARTY_DM, (user_id, int(enabled), offsets, now))


async def party_offsets(conn: Connection, user_ids: Sequence[int]) -> dict[int, str]:
    """Of ``user_ids``, those who want watch-party DMs at their own times, with the times."""
    found: dict[int, str] = {}
    for chunk in _chunks(list(user_ids)):
        sql = (
            f"SELECT user_id, party_dm_offsets FROM member_settings WHERE user_id IN ({marks(len(chunk))}) "
            "AND party_dm_reminders = 1 AND party_dm_offsets IS NOT NULL"
        )
        found.update({int(u): str(o) for u, o in await conn.execute(sql, tuple(chunk))})
    return found


async def own_party_offsets(conn: Connection, user_id: int) -> tuple[bool, str | None]:
    """Whether the member gets watch-party DMs, and their own times (None: copies of the server's)."""
    record = (
        await conn.execute(
            "SELECT party_dm_reminders, party_dm_offsets FROM member_settings WHERE user_id = ?", (user_id,)
        )
    ).first()
    return (False, None) if record is None else (flag(record[0]), record[1])


_SET_AIRING = upsert_sql(
    "airing_subscribers", ("guild_id", "user_id", "offsets"), ("guild_id", "user_id"), ("offsets",)
)


async def set_airing_subscription(conn: Connection, guild_id: int, user_id: int, on: bool, offsets: str | None) -> None:
    if not on:
        await conn.execute("DELETE FROM airing_subscribers WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))
        return
    await conn.execute(_SET_AIRING, (guild_id, user_id, offsets))


async def airing_offsets(conn: Connection, guild_id: int) -> dict[int, str]:
    """The server's airing subscribers who chose their own times, with the times."""
    found = await conn.execute(
        "SELECT user_id, offsets FROM airing_subscribers WHERE guild_id = ? AND offsets IS NOT NULL", (guild_id,)
    )
    return {int(u): str(o) for u, o in found}


async def own_airing_offsets(conn: Connection, guild_id: int, user_id: int) -> tuple[bool, str | None]:
    record = (
        await conn.execute(
            "SELECT offsets FROM airing_subscribers WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
    ).first()
    return (False, None) if record is None else (True, record[0])


async def forget(conn: Connection, user_id: int) -> int:
    """Delete the reminder rows of the member's personal reminders (before the personal rows themselves go
    with the rest of the member's data). Returns how many there were."""
    result = await conn.execute(
        f"DELETE FROM reminders WHERE kind IN ({_PERSONAL_KINDS}) "
        "AND ref_id IN (SELECT id FROM personal_reminders WHERE user_id = ?)",
        (user_id,),
    )
    return result.rowcount
