"""Members' own reminder times, and the personal rows their reminders name.

A personal reminder is a row of ``personal_reminders`` (one member, one watch party or airing slot) and,
for each of the member's times, one row of the durable reminder queue (kind ``party-dm`` or ``airing-dm``)
whose ``ref_id`` is the personal row: every personal DM is claimed, sent and marked on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.statuses import ReminderKind, ReminderState

from .dialect import insert, upsert
from .reminders import _COLUMNS as REMINDER_COLUMNS
from .reminders import ReminderRow
from .schema import airing_slots, airing_subscribers, member_settings, personal_reminders, reminders, watch_parties

t = personal_reminders
PERSONAL_KINDS = (ReminderKind.PARTY_DM, ReminderKind.AIRING_DM)
_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True, slots=True)
class PersonalRow:
    id: int
    kind: str  # ReminderKind.PARTY_DM or AIRING_DM, as stored
    guild_id: int
    user_id: int
    target_id: int


_COLUMNS = (t.c.id, t.c.kind, t.c.guild_id, t.c.user_id, t.c.target_id)


def _chunks(values: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])


async def get(conn: AsyncConnection, personal_id: int) -> PersonalRow | None:
    record = (await conn.execute(sa.select(*_COLUMNS).where(t.c.id == personal_id))).first()
    return None if record is None else PersonalRow(*record)


async def for_target(
    conn: AsyncConnection, kind: ReminderKind, target_id: int, users: Sequence[int] | None = None
) -> list[PersonalRow]:
    """The personal rows for one party or slot: everyone's, or only ``users``'."""
    query = sa.select(*_COLUMNS).where(t.c.kind == kind, t.c.target_id == target_id)
    if users is not None:
        query = query.where(t.c.user_id.in_(list(users)))
    return [PersonalRow(*r) for r in await conn.execute(query)]


async def for_guild(conn: AsyncConnection, kind: ReminderKind, guild_id: int) -> list[PersonalRow]:
    query = sa.select(*_COLUMNS).where(t.c.guild_id == guild_id, t.c.kind == kind)
    return [PersonalRow(*r) for r in await conn.execute(query)]


async def ensure(conn: AsyncConnection, kind: ReminderKind, guild_id: int, pairs: Sequence[tuple[int, int]]) -> None:
    """Make sure a personal row exists for each ``(user_id, target_id)``."""
    if pairs:
        statement = insert(conn, t).on_conflict_do_nothing()
        rows = [{"kind": kind, "guild_id": guild_id, "user_id": u, "target_id": target} for u, target in pairs]
        await conn.execute(statement, rows)


def _reminder(record: Any) -> ReminderRow:
    return ReminderRow(*record)


async def reminder_rows(conn: AsyncConnection, kind: ReminderKind, ref_ids: Sequence[int]) -> list[ReminderRow]:
    found: list[ReminderRow] = []
    for chunk in _chunks(sorted(set(ref_ids))):
        query = sa.select(*REMINDER_COLUMNS).where(reminders.c.kind == kind, reminders.c.ref_id.in_(chunk))
        found += [_reminder(r) for r in await conn.execute(query)]
    return found


async def schedule_many(conn: AsyncConnection, kind: ReminderKind, rows: Sequence[dict[str, int]]) -> None:
    """Insert reminder rows (``guild_id``, ``ref_id``, ``offset_seconds``, ``event_at``), as
    :func:`bot.store.reminders.schedule` does one at a time: an existing unsent row moves to the new time or
    comes back from a cancellation; a row that was claimed, sent, skipped or failed stays as it is."""
    if not rows:
        return
    statement = insert(conn, reminders)
    statement = statement.on_conflict_do_update(
        index_elements=["kind", "ref_id", "offset_seconds"],
        set_={
            "event_at": statement.excluded.event_at,
            "due_at": statement.excluded.due_at,
            "state": ReminderState.PENDING,
            "claim_token": None,
            "claimed_at": None,
            "detail": None,
        },
        # no IN: executemany
        where=sa.or_(reminders.c.state == ReminderState.PENDING, reminders.c.state == ReminderState.CANCELLED),
    )
    values = [dict(row, kind=kind, due_at=row["event_at"] - row["offset_seconds"]) for row in rows]
    await conn.execute(statement, values)


async def cancel_many(conn: AsyncConnection, reminder_ids: Sequence[int], reason: str) -> int:
    """Drop personal reminders no longer wanted. They were never sent, so nothing is kept of them: the rows are
    deleted (a member changing their times over and over must not pile up rows). ``reason`` is for the log."""
    cancelled = 0
    for chunk in _chunks(sorted(set(reminder_ids))):
        result = await conn.execute(
            sa.delete(reminders).where(reminders.c.id.in_(chunk), reminders.c.state == ReminderState.PENDING)
        )
        cancelled += result.rowcount
    return cancelled


async def pending_counts(conn: AsyncConnection, user_ids: Sequence[int]) -> dict[int, int]:
    """How many personal reminders (of both kinds, in every server) each member has waiting to be sent."""
    found: dict[int, int] = {}
    for chunk in _chunks(sorted(set(user_ids))):
        query = (
            sa.select(t.c.user_id, sa.func.count())
            .join(reminders, sa.and_(reminders.c.ref_id == t.c.id, reminders.c.kind == t.c.kind))
            .where(t.c.user_id.in_(chunk), reminders.c.state.in_((ReminderState.PENDING, ReminderState.CLAIMED)))
            .group_by(t.c.user_id)
        )
        found.update({int(u): int(n) for u, n in await conn.execute(query)})
    return found


async def delete_for_targets(conn: AsyncConnection, kind: ReminderKind, target_ids: Sequence[int]) -> int:
    """Delete the personal rows (and their unsent reminder rows) of events that are gone."""
    deleted = 0
    for chunk in _chunks(sorted(set(target_ids))):
        mine = sa.select(t.c.id).where(t.c.kind == kind, t.c.target_id.in_(chunk)).scalar_subquery()
        await conn.execute(sa.delete(reminders).where(reminders.c.kind == kind, reminders.c.ref_id.in_(mine)))
        deleted += (await conn.execute(sa.delete(t).where(t.c.kind == kind, t.c.target_id.in_(chunk)))).rowcount
    return deleted


async def prune_orphans(conn: AsyncConnection) -> int:
    """Delete personal rows whose event no longer exists (a party deleted, an airing slot dropped from a schedule),
    with their reminder rows, and personal rows left without any reminder row."""
    gone_party = ~sa.exists().where(watch_parties.c.id == t.c.target_id)
    gone_slot = ~sa.exists().where(airing_slots.c.id == t.c.target_id)
    unused = ~sa.exists().where(reminders.c.ref_id == t.c.id, reminders.c.kind == t.c.kind)
    orphans = sa.or_(
        sa.and_(t.c.kind == ReminderKind.PARTY_DM, gone_party),
        sa.and_(t.c.kind == ReminderKind.AIRING_DM, gone_slot),
        unused,
    )
    ids = [int(x) for x in (await conn.execute(sa.select(t.c.id).where(orphans))).scalars()]
    deleted = 0
    for chunk in _chunks(ids):
        await conn.execute(
            sa.delete(reminders).where(reminders.c.kind.in_(PERSONAL_KINDS), reminders.c.ref_id.in_(chunk))
        )
        deleted += (await conn.execute(sa.delete(t).where(t.c.id.in_(chunk)))).rowcount
    return deleted


# -- the members' own times --------------------------------------------------------------------------


def _own_party_times(user_ids: Sequence[int]) -> sa.ColumnElement[bool]:
    """Of ``user_ids``, those who want watch-party DMs at their own times."""
    s = member_settings
    return s.c.user_id.in_(list(user_ids)) & (s.c.party_dm_reminders == 1) & s.c.party_dm_offsets.is_not(None)


def party_plans_exist(users: Any, kind: Any, target: Any) -> sa.ColumnElement[bool]:
    """Whether any of ``users`` (an expanding bound list) wants watch-party DMs at their own times or already has a
    personal row for the party ``target`` (most RSVP clicks come from members with neither)."""
    s = member_settings
    own = sa.select(s.c.user_id).where(
        s.c.user_id.in_(users), s.c.party_dm_reminders == 1, s.c.party_dm_offsets.is_not(None)
    )
    rows = sa.select(t.c.user_id).where(t.c.kind == kind, t.c.target_id == target, t.c.user_id.in_(users))
    return sa.exists(own) | sa.exists(rows)


# Built once: every RSVP click asks it.
_ANY_PARTY_PLANS = sa.select(
    party_plans_exist(sa.bindparam("users", expanding=True), sa.bindparam("kind"), sa.bindparam("target"))
)


async def any_party_plans(conn: AsyncConnection, kind: ReminderKind, party_id: int, user_ids: Sequence[int]) -> bool:
    """Whether any of ``user_ids`` wants watch-party DMs at their own times or already has a personal row for
    the party (one query: most RSVP clicks come from members with neither, and need no planning)."""
    found = await conn.execute(_ANY_PARTY_PLANS, {"users": list(user_ids), "kind": kind, "target": party_id})
    return bool(found.scalar())


async def set_party_dm(conn: AsyncConnection, user_id: int, enabled: bool, offsets: str | None, now: int) -> None:
    values = {"user_id": user_id, "party_dm_reminders": int(enabled), "party_dm_offsets": offsets, "updated_at": now}
    await conn.execute(
        upsert(conn, member_settings, values, ["user_id"], ["party_dm_reminders", "party_dm_offsets", "updated_at"])
    )


async def party_offsets(conn: AsyncConnection, user_ids: Sequence[int]) -> dict[int, str]:
    """Of ``user_ids``, those who want watch-party DMs at their own times, with the times."""
    found: dict[int, str] = {}
    s = member_settings
    for chunk in _chunks(list(user_ids)):
        query = sa.select(s.c.user_id, s.c.party_dm_offsets).where(_own_party_times(chunk))
        found.update({int(u): str(o) for u, o in await conn.execute(query)})
    return found


async def own_party_offsets(conn: AsyncConnection, user_id: int) -> tuple[bool, str | None]:
    """Whether the member gets watch-party DMs, and their own times (None: copies of the server's)."""
    s = member_settings
    record = (
        await conn.execute(sa.select(s.c.party_dm_reminders, s.c.party_dm_offsets).where(s.c.user_id == user_id))
    ).first()
    return (False, None) if record is None else (bool(record[0]), record[1])


async def set_airing_subscription(
    conn: AsyncConnection, guild_id: int, user_id: int, on: bool, offsets: str | None
) -> None:
    a = airing_subscribers
    if not on:
        await conn.execute(sa.delete(a).where(a.c.guild_id == guild_id, a.c.user_id == user_id))
        return
    values = {"guild_id": guild_id, "user_id": user_id, "offsets": offsets}
    await conn.execute(upsert(conn, a, values, ["guild_id", "user_id"], ["offsets"]))


async def airing_offsets(conn: AsyncConnection, guild_id: int) -> dict[int, str]:
    """The server's airing subscribers who chose their own times, with the times."""
    a = airing_subscribers
    query = sa.select(a.c.user_id, a.c.offsets).where(a.c.guild_id == guild_id, a.c.offsets.is_not(None))
    return {int(u): str(o) for u, o in await conn.execute(query)}


async def own_airing_offsets(conn: AsyncConnection, guild_id: int, user_id: int) -> tuple[bool, str | None]:
    a = airing_subscribers
    record = (
        await conn.execute(sa.select(a.c.offsets).where(a.c.guild_id == guild_id, a.c.user_id == user_id))
    ).first()
    return (False, None) if record is None else (True, record[0])


async def forget(conn: AsyncConnection, user_id: int) -> int:
    """Delete the reminder rows of the member's personal reminders (before the personal rows themselves go
    with the rest of the member's data). Returns how many there were."""
    mine = sa.select(t.c.id).where(t.c.user_id == user_id).scalar_subquery()
    result = await conn.execute(
        sa.delete(reminders).where(reminders.c.kind.in_(PERSONAL_KINDS), reminders.c.ref_id.in_(mine))
    )
    return result.rowcount
