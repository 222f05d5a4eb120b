"""Watch parties and RSVPs."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from msgspec import Struct

from bot.statuses import ANSWERS, PartyStatus, ReminderKind, Rsvp

from .dialect import for_update
from .personal import PARTY_PLANS_EXIST
from .sql import Connection, flag, marks

RSVP_STATUSES = tuple(Rsvp)
_PARTY_COLUMNS = (
    "id, guild_id, channel_id, host_id, first_episode, last_episode, starts_at, ends_at, timezone, note, capacity, "
    "announcement_message_id, event_id, status"
)
#: The same columns of the table named ``p`` in a query.
_P_COLUMNS = ", ".join(f"p.{name.strip()}" for name in _PARTY_COLUMNS.split(","))
UPDATABLE = frozenset(
    {"channel_id", "first_episode", "last_episode", "starts_at", "ends_at", "timezone", "note", "capacity",
     "announcement_message_id", "event_id", "status"}
)  # fmt: skip


class PartyRow(Struct, frozen=True):
    id: int
    guild_id: int
    channel_id: int
    host_id: int
    first_episode: int
    last_episode: int
    starts_at: int
    ends_at: int
    timezone: str
    note: str
    capacity: int | None
    announcement_message_id: int | None
    event_id: int | None
    status: PartyStatus


class RsvpChange(Struct, frozen=True):
    status: Rsvp  # what the member ended up with (a full party turns "going" into "waitlist")
    promoted: tuple[int, ...]  # members moved from the wait list to going by this change
    previous: Rsvp | None = None


# A member's answer, upserted with the next place in the party's order.
_ANSWER_UPSERT = (
    "INSERT INTO rsvps (party_id, user_id, status, seq, updated_at) "
    "VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM rsvps WHERE party_id = ?), ?) "
    "ON CONFLICT (party_id, user_id) DO UPDATE SET status = excluded.status, seq = excluded.seq, "
    "updated_at = excluded.updated_at"
)


def _party(v: Any) -> PartyRow:
    return PartyRow(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], PartyStatus(v[13]))


_CREATE = (
    "INSERT INTO watch_parties (guild_id, channel_id, host_id, first_episode, last_episode, starts_at, ends_at, "
    f"timezone, note, capacity, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    f"RETURNING {_PARTY_COLUMNS}"
)
_HOST_GOING = "INSERT INTO rsvps (party_id, user_id, status, seq, updated_at) VALUES (?, ?, ?, 1, ?)"


async def create(
    conn: Connection,
    *,
    guild_id: int,
    channel_id: int,
    host_id: int,
    episodes: tuple[int, int],
    starts_at: int,
    ends_at: int,
    timezone: str,
    note: str,
    capacity: int | None,
    now: int,
) -> PartyRow:
    """The party, with its host as the first member going."""
    values = (
        guild_id, channel_id, host_id, episodes[0], episodes[1], starts_at, ends_at, timezone, note, capacity, now, now,
    )  # fmt: skip
    party = _party((await conn.execute(_CREATE, values)).one())
    await conn.execute(_HOST_GOING, (party.id, host_id, Rsvp.GOING, now))
    return party


_GET = f"SELECT {_PARTY_COLUMNS} FROM watch_parties WHERE id = ?"


async def get(conn: Connection, party_id: int) -> PartyRow | None:
    record = (await conn.execute(_GET, (party_id,))).first()
    return None if record is None else _party(record)


async def lock(conn: Connection, party_id: int) -> PartyRow | None:
    """The party, locked for the rest of the transaction (PostgreSQL row lock; SQLite's writer is alone)."""
    record = (await conn.execute(_GET + for_update(conn), (party_id,))).first()
    return None if record is None else _party(record)


_ANSWER = "(SELECT r.status FROM rsvps r WHERE r.party_id = p.id AND r.user_id = ?)"


@functools.cache
def _lock_for_answer(dialect: str, plans_of: int) -> str:
    """The party, its member's answer and (``plans_of`` > 0: of that many members) whether they have plans."""
    plans = f", {PARTY_PLANS_EXIST.format(users=marks(plans_of), target='p.id')}" if plans_of else ""
    lock = " FOR UPDATE OF p" if dialect == "postgresql" else ""
    return f"SELECT {_P_COLUMNS}, {_ANSWER}{plans} FROM watch_parties p WHERE p.id = ?{lock}"


async def lock_for_answer_and_plans(
    conn: Connection, party_id: int, user_id: int, kind: ReminderKind
) -> tuple[PartyRow | None, Rsvp | None, bool]:
    """:func:`lock_for_answer`, and in the same statement whether the member has plans of their own for the party's
    DMs of ``kind`` (:func:`bot.store.personal.any_party_plans` for them alone)."""
    params = (user_id, user_id, kind, user_id, party_id)
    record = (await conn.execute(_lock_for_answer(conn.dialect, 1), params)).first()
    if record is None:
        return None, None, False
    return _party(record[:-2]), None if record[-2] is None else Rsvp(record[-2]), flag(record[-1])


async def lock_for_answer(conn: Connection, party_id: int, user_id: int) -> tuple[PartyRow | None, Rsvp | None]:
    """The party, locked like :func:`lock`, with the member's current answer, in one statement (an RSVP click
    holds the writer for as few round trips as possible)."""
    record = (await conn.execute(_lock_for_answer(conn.dialect, 0), (user_id, party_id))).first()
    if record is None:
        return None, None
    return _party(record[:-1]), None if record[-1] is None else Rsvp(record[-1])


async def update(conn: Connection, party_id: int, now: int, **fields: Any) -> PartyRow:
    unknown = set(fields) - UPDATABLE
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    record = (await conn.execute(_update_statement(tuple(fields)), (*fields.values(), now, party_id))).first()
    if record is None:
        raise LookupError(party_id)
    return _party(record)


_POSTED = "UPDATE watch_parties SET announcement_message_id = ?, event_id = ?, updated_at = ? WHERE id = ?"


async def set_posted(conn: Connection, party_id: int, message_id: int | None, event_id: int | None, now: int) -> None:
    """Remember the party's card and Discord event (nothing to read back: the caller has the party)."""
    await conn.execute(_POSTED, (message_id, event_id, now, party_id))


@functools.cache
def _update_statement(names: tuple[str, ...]) -> str:
    """The UPDATE of these columns, built once per set of columns."""
    assignments = "".join(f"{name} = ?, " for name in names)
    return f"UPDATE watch_parties SET {assignments}updated_at = ? WHERE id = ? RETURNING {_PARTY_COLUMNS}"


_UPCOMING = "guild_id = ? AND status = 'scheduled' AND ends_at > ?"


async def upcoming(conn: Connection, guild_id: int, now: int, *, limit: int = 100, offset: int = 0) -> list[PartyRow]:
    """Scheduled parties that have not ended yet, soonest first (``limit=-1``: all of them)."""
    sql = f"SELECT {_PARTY_COLUMNS} FROM watch_parties WHERE {_UPCOMING} ORDER BY starts_at, id"
    params: tuple[int, ...] = (guild_id, now)
    if limit >= 0:
        sql += " LIMIT ?"
        params += (limit,)
    if offset:
        sql += " LIMIT -1" if limit < 0 and conn.dialect == "sqlite" else ""
        sql += " OFFSET ?"
        params += (offset,)
    return [_party(x) for x in await conn.execute(sql, params)]


_COUNT_UPCOMING = f"SELECT COUNT(*) FROM watch_parties WHERE {_UPCOMING}"
_COUNT_HOSTED = f"{_COUNT_UPCOMING} AND host_id = ?"
_RECENT = "guild_id = ? AND host_id = ? AND created_at > ?"


async def count_upcoming(conn: Connection, guild_id: int, now: int) -> int:
    return int((await conn.execute(_COUNT_UPCOMING, (guild_id, now))).scalar_one())


_LIMITS = (
    f"SELECT ({_COUNT_UPCOMING}), ({_COUNT_HOSTED}), (SELECT COUNT(*) FROM watch_parties WHERE {_RECENT}), "
    f"(SELECT created_at FROM watch_parties WHERE {_RECENT} ORDER BY created_at DESC LIMIT 1 OFFSET ?)"
)


class CreateLimits(Struct, frozen=True):
    upcoming: int  # the server's upcoming parties
    hosted: int  # of them, those the host hosts
    recent: int  # parties the host created in the server after ``since``
    nth_latest: int | None  # when they created the n-th latest of those (None: fewer than n)


async def create_limits(conn: Connection, guild_id: int, host_id: int, now: int, since: int, n: int) -> CreateLimits:
    """What the limits of a new party read, in one statement: the server's upcoming parties, those the host hosts,
    and how many the host created after ``since`` (cancelled ones too, until they are pruned) with the n-th latest."""
    params = (guild_id, now, guild_id, now, host_id, guild_id, host_id, since, guild_id, host_id, since, n - 1)
    upcoming, hosted, recent, nth = (await conn.execute(_LIMITS, params)).one()
    return CreateLimits(int(upcoming), int(hosted), int(recent), None if nth is None else int(nth))


async def prunable(conn: Connection, *, cancelled_before: int, ended_before: int, limit: int) -> list[int]:
    """Parties to delete: cancelled before ``cancelled_before``, or ended before ``ended_before``."""
    found = await conn.execute(
        "SELECT id FROM watch_parties WHERE (status = 'cancelled' AND updated_at < ?) OR ends_at < ? "
        "ORDER BY id LIMIT ?",
        (cancelled_before, ended_before, limit),
    )
    return [int(x) for x in found.scalars()]


async def delete(conn: Connection, party_ids: Sequence[int]) -> int:
    """Delete parties (their RSVPs go with them: the foreign key cascades)."""
    if not party_ids:
        return 0
    ids = tuple(party_ids)
    return (await conn.execute(f"DELETE FROM watch_parties WHERE id IN ({marks(len(ids))})", ids)).rowcount


async def hosted_upcoming(conn: Connection, host_id: int, now: int) -> list[PartyRow]:
    found = await conn.execute(
        f"SELECT {_PARTY_COLUMNS} FROM watch_parties WHERE host_id = ? AND status = 'scheduled' AND ends_at > ?",
        (host_id, now),
    )
    return [_party(x) for x in found]


# -- RSVPs ----------------------------------------------------------------------------------------


async def counts_for(conn: Connection, party_ids: Sequence[int]) -> dict[int, dict[Rsvp, int]]:
    """RSVP counts of several parties in one query."""
    result = {pid: dict.fromkeys(RSVP_STATUSES, 0) for pid in party_ids}
    if not party_ids:
        return result
    sql = (
        f"SELECT party_id, status, COUNT(*) FROM rsvps WHERE party_id IN ({marks(len(party_ids))}) "
        "GROUP BY party_id, status"
    )
    for party_id, status, count in await conn.execute(sql, tuple(party_ids)):
        result[int(party_id)][Rsvp(status)] = int(count)
    return result


_COUNTS = "SELECT status, COUNT(*) FROM rsvps WHERE party_id = ? GROUP BY status"


async def counts(conn: Connection, party_id: int) -> dict[Rsvp, int]:
    found = {Rsvp(s): int(n) for s, n in await conn.execute(_COUNTS, (party_id,))}
    return {status: found.get(status, 0) for status in RSVP_STATUSES}


async def members(conn: Connection, party_id: int, status: Rsvp) -> list[int]:
    """Members with ``status``, in the order they got it (the wait list's order)."""
    found = await conn.execute(
        "SELECT user_id FROM rsvps WHERE party_id = ? AND status = ? ORDER BY seq", (party_id, status)
    )
    return [int(u) for u in found.scalars()]


async def parties_of(conn: Connection, user_id: int, now: int) -> list[tuple[PartyRow, Rsvp]]:
    """Upcoming parties the member answered, with their answer."""
    found = await conn.execute(
        f"SELECT {_P_COLUMNS}, r.status FROM watch_parties p JOIN rsvps r ON r.party_id = p.id "
        "WHERE r.user_id = ? AND p.status = 'scheduled' AND p.ends_at > ? "
        "ORDER BY p.id",  # callers lock them in this order: two at once cannot deadlock
        (user_id, now),
    )
    return [(_party(x[:-1]), Rsvp(x[-1])) for x in found]


_GOING_OTHERS = "SELECT COUNT(*) FROM rsvps WHERE party_id = ? AND status = 'going' AND user_id != ?"


async def set_rsvp(
    conn: Connection, party: PartyRow, user_id: int, wanted: Rsvp, now: int, previous: Rsvp | None
) -> RsvpChange:
    """Record an RSVP, applying the capacity: a full party wait-lists new "going" answers, and a freed
    place goes to the longest-waiting member. ``party`` and the member's ``previous`` answer come from
    :func:`lock_for_answer` in this transaction."""
    if wanted not in ANSWERS:
        raise ValueError(wanted)
    status = Rsvp(wanted)
    if wanted == Rsvp.GOING and previous == Rsvp.WAITLIST:
        status = Rsvp.WAITLIST  # pressing Going again keeps one's place in the queue
    elif wanted == Rsvp.GOING and previous != Rsvp.GOING and party.capacity is not None:
        going = await conn.execute(_GOING_OTHERS, (party.id, user_id))
        if int(going.scalar_one()) >= party.capacity:
            status = Rsvp.WAITLIST
    if status != previous:
        await conn.execute(_ANSWER_UPSERT, (party.id, user_id, status, party.id, now))
    freed = previous == Rsvp.GOING and status != Rsvp.GOING and party.capacity is not None
    promoted = await promote(conn, party.id, party.capacity, now) if freed else ()
    return RsvpChange(status, promoted, previous)


async def promote(conn: Connection, party_id: int, capacity: int | None, now: int) -> tuple[int, ...]:
    """Move wait-listed members to going, in wait-list order, while there is room."""
    found = await conn.execute("SELECT COUNT(*) FROM rsvps WHERE party_id = ? AND status = 'going'", (party_id,))
    going = int(found.scalar_one())
    room = None if capacity is None else capacity - going
    if room is not None and room <= 0:
        return ()
    sql = "SELECT user_id FROM rsvps WHERE party_id = ? AND status = 'waitlist' ORDER BY seq"
    params: tuple[int, ...] = (party_id,)
    if room is not None:
        sql += " LIMIT ?"
        params += (room,)
    lucky = tuple(int(u) for u in (await conn.execute(sql, params)).scalars())
    if lucky:
        await conn.execute(
            "UPDATE rsvps SET status = 'going', updated_at = ? "
            f"WHERE party_id = ? AND user_id IN ({marks(len(lucky))})",
            (now, party_id, *lucky),
        )
    return lucky


async def remove_member(conn: Connection, party_id: int, user_id: int) -> None:
    await conn.execute("DELETE FROM rsvps WHERE party_id = ? AND user_id = ?", (party_id, user_id))
