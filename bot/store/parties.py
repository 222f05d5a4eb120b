"""Watch parties and RSVPs."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.statuses import ANSWERS, PartyStatus, ReminderKind, Rsvp

from .dialect import excluded_of, insert_of
from .personal import party_plans_exist
from .schema import rsvps, watch_parties

p, r = watch_parties, rsvps
RSVP_STATUSES = tuple(Rsvp)
_PARTY_COLUMNS = (
    p.c.id, p.c.guild_id, p.c.channel_id, p.c.host_id, p.c.first_episode, p.c.last_episode, p.c.starts_at,
    p.c.ends_at, p.c.timezone, p.c.note, p.c.capacity, p.c.announcement_message_id, p.c.event_id, p.c.status,
)  # fmt: skip
UPDATABLE = frozenset(
    {"channel_id", "first_episode", "last_episode", "starts_at", "ends_at", "timezone", "note", "capacity",
     "announcement_message_id", "event_id", "status"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PartyRow:
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


@dataclass(frozen=True, slots=True)
class RsvpChange:
    status: Rsvp  # what the member ended up with (a full party turns "going" into "waitlist")
    promoted: tuple[int, ...]  # members moved from the wait list to going by this change
    previous: Rsvp | None = None


@functools.cache
def _answer_statement(dialect: str) -> Any:
    """A member's answer, upserted with the next place in the party's order: built once per dialect."""
    next_seq = sa.select(sa.func.coalesce(sa.func.max(r.c.seq), 0) + 1).where(r.c.party_id == sa.bindparam("a_party"))
    values = {
        "party_id": sa.bindparam("a_party"),
        "user_id": sa.bindparam("a_user"),
        "status": sa.bindparam("a_status"),
        "seq": next_seq.scalar_subquery(),
        "updated_at": sa.bindparam("a_now"),
    }
    excluded = excluded_of(r)
    return (
        insert_of(dialect)(r)
        .values(values)
        .on_conflict_do_update(
            index_elements=["party_id", "user_id"],
            set_={name: excluded[name] for name in ("status", "seq", "updated_at")},
        )
    )


def _party(record: Any) -> PartyRow:
    v = tuple(record)
    return PartyRow(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], PartyStatus(v[13]))


async def create(
    conn: AsyncConnection,
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
    values = {
        "guild_id": guild_id, "channel_id": channel_id, "host_id": host_id, "first_episode": episodes[0],
        "last_episode": episodes[1], "starts_at": starts_at, "ends_at": ends_at, "timezone": timezone, "note": note,
        "capacity": capacity, "created_at": now, "updated_at": now,
    }  # fmt: skip
    party = _party((await conn.execute(_CREATE, values)).one())
    await conn.execute(_HOST_GOING, {"party_id": party.id, "user_id": host_id, "updated_at": now})
    return party


# Built once (their values bound at execution): building and keying them per call cost more than running them.
_CREATE = sa.insert(p).returning(*_PARTY_COLUMNS)
_HOST_GOING = sa.insert(r).values(status=Rsvp.GOING, seq=1)


_GET = sa.select(*_PARTY_COLUMNS).where(p.c.id == sa.bindparam("id"))


async def get(conn: AsyncConnection, party_id: int) -> PartyRow | None:
    record = (await conn.execute(_GET, {"id": party_id})).first()
    return None if record is None else _party(record)


async def lock(conn: AsyncConnection, party_id: int) -> PartyRow | None:
    """The party, locked for the rest of the transaction (PostgreSQL row lock; SQLite's writer is alone)."""
    record = (await conn.execute(sa.select(*_PARTY_COLUMNS).where(p.c.id == party_id).with_for_update())).first()
    return None if record is None else _party(record)


_ANSWER = sa.select(r.c.status).where(r.c.party_id == p.c.id, r.c.user_id == sa.bindparam("u")).scalar_subquery()
_LOCK_FOR_ANSWER = (
    sa.select(*_PARTY_COLUMNS, _ANSWER.label("answer")).where(p.c.id == sa.bindparam("id")).with_for_update(of=p)
)


_LOCK_FOR_ANSWER_AND_PLANS = _LOCK_FOR_ANSWER.add_columns(
    party_plans_exist(sa.bindparam("users", expanding=True), sa.bindparam("kind"), p.c.id).label("plans")
)


async def lock_for_answer_and_plans(
    conn: AsyncConnection, party_id: int, user_id: int, kind: ReminderKind
) -> tuple[PartyRow | None, Rsvp | None, bool]:
    """:func:`lock_for_answer`, and in the same statement whether the member has plans of their own for the party's
    DMs of ``kind`` (:func:`bot.store.personal.any_party_plans` for them alone)."""
    params = {"id": party_id, "u": user_id, "users": [user_id], "kind": kind}
    record = (await conn.execute(_LOCK_FOR_ANSWER_AND_PLANS, params)).first()
    if record is None:
        return None, None, False
    return _party(record[:-2]), None if record[-2] is None else Rsvp(record[-2]), bool(record[-1])


async def lock_for_answer(conn: AsyncConnection, party_id: int, user_id: int) -> tuple[PartyRow | None, Rsvp | None]:
    """The party, locked like :func:`lock`, with the member's current answer, in one statement (an RSVP click
    holds the writer for as few round trips as possible)."""
    record = (await conn.execute(_LOCK_FOR_ANSWER, {"id": party_id, "u": user_id})).first()
    if record is None:
        return None, None
    return _party(record[:-1]), None if record[-1] is None else Rsvp(record[-1])


async def update(conn: AsyncConnection, party_id: int, now: int, **fields: Any) -> PartyRow:
    unknown = set(fields) - UPDATABLE
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    values = {f"b_{name}": value for name, value in fields.items()}
    record = (await conn.execute(_update_statement(tuple(fields)), {**values, "b_id": party_id, "b_now": now})).first()
    if record is None:
        raise LookupError(party_id)
    return _party(record)


@functools.cache
def _update_statement(names: tuple[str, ...]) -> Any:
    """The UPDATE of these columns, built once per set of columns (its values bound at execution)."""
    values: dict[str, Any] = {name: sa.bindparam(f"b_{name}") for name in names}
    return (
        sa.update(p)
        .where(p.c.id == sa.bindparam("b_id"))
        .values(**values, updated_at=sa.bindparam("b_now"))
        .returning(*_PARTY_COLUMNS)
    )


def _upcoming(guild_id: Any, now: Any) -> Any:
    return sa.and_(p.c.guild_id == guild_id, p.c.status == PartyStatus.SCHEDULED, p.c.ends_at > now)


async def upcoming(
    conn: AsyncConnection, guild_id: int, now: int, *, limit: int = 100, offset: int = 0
) -> list[PartyRow]:
    """Scheduled parties that have not ended yet, soonest first (``limit=-1``: all of them)."""
    query = sa.select(*_PARTY_COLUMNS).where(_upcoming(guild_id, now)).order_by(p.c.starts_at, p.c.id)
    if limit >= 0:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return [_party(x) for x in await conn.execute(query)]


_COUNT_UPCOMING = sa.select(sa.func.count()).select_from(p).where(_upcoming(sa.bindparam("g"), sa.bindparam("now")))
_COUNT_HOSTED = _COUNT_UPCOMING.where(p.c.host_id == sa.bindparam("host"))
_CREATED_SINCE = (
    sa.select(p.c.created_at)
    .where(p.c.guild_id == sa.bindparam("g"), p.c.host_id == sa.bindparam("host"), p.c.created_at > sa.bindparam("t"))
    .order_by(p.c.created_at)
)


async def count_upcoming(conn: AsyncConnection, guild_id: int, now: int) -> int:
    return int((await conn.execute(_COUNT_UPCOMING, {"g": guild_id, "now": now})).scalar_one())


async def count_upcoming_hosted(conn: AsyncConnection, guild_id: int, host_id: int, now: int) -> int:
    """How many of the server's upcoming parties the member hosts."""
    return int((await conn.execute(_COUNT_HOSTED, {"g": guild_id, "now": now, "host": host_id})).scalar_one())


async def created_since(conn: AsyncConnection, guild_id: int, host_id: int, since: int) -> list[int]:
    """When the member created each party of the server they created after ``since`` (cancelled ones too, until they
    are pruned), oldest first."""
    found = await conn.execute(_CREATED_SINCE, {"g": guild_id, "host": host_id, "t": since})
    return [int(x) for x in found.scalars()]


def _limits() -> Any:
    hosted = p.c.host_id == sa.bindparam("host")
    recent = sa.and_(p.c.guild_id == sa.bindparam("g"), hosted, p.c.created_at > sa.bindparam("t"))
    nth_latest = (
        sa.select(p.c.created_at).where(recent).order_by(p.c.created_at.desc()).limit(1).offset(sa.bindparam("nth"))
    )
    return sa.select(
        _COUNT_UPCOMING.scalar_subquery(),
        _COUNT_HOSTED.scalar_subquery(),
        sa.select(sa.func.count()).select_from(p).where(recent).scalar_subquery(),
        nth_latest.scalar_subquery(),
    )


_LIMITS = _limits()


@dataclass(frozen=True, slots=True)
class CreateLimits:
    upcoming: int  # the server's upcoming parties
    hosted: int  # of them, those the host hosts
    recent: int  # parties the host created in the server after ``since``
    nth_latest: int | None  # when they created the n-th latest of those (None: fewer than n)


async def create_limits(
    conn: AsyncConnection, guild_id: int, host_id: int, now: int, since: int, n: int
) -> CreateLimits:
    """What the limits of a new party read, in one statement: :func:`count_upcoming`, :func:`count_upcoming_hosted`,
    and of :func:`created_since` how many and the n-th latest."""
    params = {"g": guild_id, "now": now, "host": host_id, "t": since, "nth": n - 1}
    upcoming, hosted, recent, nth = (await conn.execute(_LIMITS, params)).one()
    return CreateLimits(int(upcoming), int(hosted), int(recent), None if nth is None else int(nth))


async def prunable(conn: AsyncConnection, *, cancelled_before: int, ended_before: int, limit: int) -> list[int]:
    """Parties to delete: cancelled before ``cancelled_before``, or ended before ``ended_before``."""
    query = (
        sa.select(p.c.id)
        .where(
            sa.or_(
                sa.and_(p.c.status == PartyStatus.CANCELLED, p.c.updated_at < cancelled_before),
                p.c.ends_at < ended_before,
            )
        )
        .order_by(p.c.id)
        .limit(limit)
    )
    return [int(x) for x in (await conn.execute(query)).scalars()]


async def delete(conn: AsyncConnection, party_ids: Sequence[int]) -> int:
    """Delete parties (their RSVPs go with them: the foreign key cascades)."""
    if not party_ids:
        return 0
    await conn.execute(sa.delete(r).where(r.c.party_id.in_(list(party_ids))))
    return (await conn.execute(sa.delete(p).where(p.c.id.in_(list(party_ids))))).rowcount


async def hosted_upcoming(conn: AsyncConnection, host_id: int, now: int) -> list[PartyRow]:
    query = sa.select(*_PARTY_COLUMNS).where(
        p.c.host_id == host_id, p.c.status == PartyStatus.SCHEDULED, p.c.ends_at > now
    )
    return [_party(x) for x in await conn.execute(query)]


# -- RSVPs ----------------------------------------------------------------------------------------


async def counts_for(conn: AsyncConnection, party_ids: Sequence[int]) -> dict[int, dict[Rsvp, int]]:
    """RSVP counts of several parties in one query."""
    result = {pid: dict.fromkeys(RSVP_STATUSES, 0) for pid in party_ids}
    if not party_ids:
        return result
    query = (
        sa.select(r.c.party_id, r.c.status, sa.func.count())
        .where(r.c.party_id.in_(list(party_ids)))
        .group_by(r.c.party_id, r.c.status)
    )
    for party_id, status, count in await conn.execute(query):
        result[int(party_id)][Rsvp(status)] = int(count)
    return result


_COUNTS = sa.select(r.c.status, sa.func.count()).where(r.c.party_id == sa.bindparam("id")).group_by(r.c.status)


async def counts(conn: AsyncConnection, party_id: int) -> dict[Rsvp, int]:
    found = {Rsvp(s): int(n) for s, n in await conn.execute(_COUNTS, {"id": party_id})}
    return {status: found.get(status, 0) for status in RSVP_STATUSES}


async def members(conn: AsyncConnection, party_id: int, status: Rsvp) -> list[int]:
    """Members with ``status``, in the order they got it (the wait list's order)."""
    query = sa.select(r.c.user_id).where(r.c.party_id == party_id, r.c.status == status).order_by(r.c.seq)
    return [int(u) for u in (await conn.execute(query)).scalars()]


async def parties_of(conn: AsyncConnection, user_id: int, now: int) -> list[tuple[PartyRow, Rsvp]]:
    """Upcoming parties the member answered, with their answer."""
    query = (
        sa.select(*_PARTY_COLUMNS, r.c.status.label("rsvp"))
        .join(r, r.c.party_id == p.c.id)
        .where(r.c.user_id == user_id, p.c.status == PartyStatus.SCHEDULED, p.c.ends_at > now)
        .order_by(p.c.id)  # callers lock them in this order: two at once cannot deadlock
    )
    return [(_party(x[:-1]), Rsvp(x[-1])) for x in await conn.execute(query)]


async def set_rsvp(
    conn: AsyncConnection, party: PartyRow, user_id: int, wanted: Rsvp, now: int, previous: Rsvp | None
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
        going = await conn.execute(
            sa.select(sa.func.count()).where(r.c.party_id == party.id, r.c.status == Rsvp.GOING, r.c.user_id != user_id)
        )
        if int(going.scalar_one()) >= party.capacity:
            status = Rsvp.WAITLIST
    if status != previous:
        values = {"a_party": party.id, "a_user": user_id, "a_status": status, "a_now": now}
        await conn.execute(_answer_statement(conn.dialect.name), values)
    freed = previous == Rsvp.GOING and status != Rsvp.GOING and party.capacity is not None
    promoted = await promote(conn, party.id, party.capacity, now) if freed else ()
    return RsvpChange(status, promoted, previous)


async def promote(conn: AsyncConnection, party_id: int, capacity: int | None, now: int) -> tuple[int, ...]:
    """Move wait-listed members to going, in wait-list order, while there is room."""
    going = int(
        (
            await conn.execute(sa.select(sa.func.count()).where(r.c.party_id == party_id, r.c.status == Rsvp.GOING))
        ).scalar_one()
    )
    room = None if capacity is None else capacity - going
    if room is not None and room <= 0:
        return ()
    query = sa.select(r.c.user_id).where(r.c.party_id == party_id, r.c.status == Rsvp.WAITLIST).order_by(r.c.seq)
    if room is not None:
        query = query.limit(room)
    lucky = tuple(int(u) for u in (await conn.execute(query)).scalars())
    if lucky:
        await conn.execute(
            sa.update(r)
            .where(r.c.party_id == party_id, r.c.user_id.in_(lucky))
            .values(status=Rsvp.GOING, updated_at=now)
        )
    return lucky


async def remove_member(conn: AsyncConnection, party_id: int, user_id: int) -> None:
    await conn.execute(sa.delete(r).where(r.c.party_id == party_id, r.c.user_id == user_id))
