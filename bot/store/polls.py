"""Episode pulse polls: the poll posted for each airing, and its result (counts per star, never voters)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from msgspec import Struct

from bot.statuses import PollState, ReminderKind

from .dialect import insert_ignore_sql
from .sql import Connection, marks

STARS = ("stars_1", "stars_2", "stars_3", "stars_4", "stars_5")
_COLUMNS = (
    "id, guild_id, episode, channel_id, message_id, opened_at, closes_at, state, stars_1, stars_2, stars_3, stars_4, "
    "stars_5, next_check_at, checks, closed_at, detail"
)


class PollRow(Struct, frozen=True):
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


def _row(v: Any) -> PollRow:
    counts = (int(v[8]), int(v[9]), int(v[10]), int(v[11]), int(v[12]))
    return PollRow(v[0], v[1], v[2], v[3], v[4], v[5], v[6], PollState(v[7]), counts, v[13], v[14], v[15], v[16])


_RECORD = insert_ignore_sql(
    "episode_polls", ("guild_id", "episode", "channel_id", "message_id", "opened_at", "closes_at", "next_check_at")
)


async def record(
    conn: Connection,
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
    await conn.execute(_RECORD, (guild_id, episode, channel_id, message_id, opened_at, closes_at, check_at))


async def due(conn: Connection, now: int, limit: int) -> list[PollRow]:
    """Open polls whose result should be read from Discord now (earliest first)."""
    found = await conn.execute(
        f"SELECT {_COLUMNS} FROM episode_polls WHERE state = 'open' AND next_check_at <= ? "
        "ORDER BY next_check_at, id LIMIT ?",
        (now, limit),
    )
    return [_row(r) for r in found]


async def next_check(conn: Connection) -> int | None:
    value = (await conn.execute("SELECT MIN(next_check_at) FROM episode_polls WHERE state = 'open'")).scalar()
    return None if value is None else int(value)


async def open_polls(conn: Connection) -> list[PollRow]:
    return [_row(r) for r in await conn.execute(f"SELECT {_COLUMNS} FROM episode_polls WHERE state = 'open'")]


_SET_COUNTS = "UPDATE episode_polls SET " + ", ".join(f"{c} = ?" for c in STARS)


async def set_counts(conn: Connection, poll_id: int, counts: Sequence[int]) -> None:
    """Replace the live counts of an open poll (read again from Discord after a restart)."""
    values = tuple(int(n) for n in counts)
    if len(values) != len(STARS):
        raise ValueError(counts)
    await conn.execute(_SET_COUNTS + " WHERE id = ? AND state = 'open'", (*values, poll_id))


async def is_open(conn: Connection, message_id: int) -> bool:
    """Whether ``message_id`` is one of the bot's polls, still open."""
    found = await conn.execute("SELECT id FROM episode_polls WHERE message_id = ? AND state = 'open'", (message_id,))
    return found.first() is not None


async def vote(conn: Connection, message_id: int, stars: int, delta: int) -> bool:
    """Count one vote added (+1) or removed (-1) while the poll is open; False when it is not one of ours."""
    column = STARS[stars - 1]
    result = await conn.execute(
        f"UPDATE episode_polls SET {column} = CASE WHEN {column} + ? < 0 THEN 0 ELSE {column} + ? END "
        "WHERE message_id = ? AND state = 'open'",
        (delta, delta, message_id),
    )
    return result.rowcount == 1


async def close(conn: Connection, poll_id: int, counts: Sequence[int], now: int, detail: str) -> bool:
    """Store Discord's final count. Only once: a poll already closed keeps its result."""
    values = tuple(int(n) for n in counts)
    if len(values) != len(STARS):
        raise ValueError(counts)
    result = await conn.execute(
        _SET_COUNTS + ", state = 'closed', closed_at = ?, detail = ? WHERE id = ? AND state = 'open'",
        (*values, now, detail, poll_id),
    )
    return result.rowcount == 1


async def check_later(conn: Connection, poll_id: int, at: int, detail: str) -> None:
    await conn.execute(
        "UPDATE episode_polls SET next_check_at = ?, checks = checks + 1, detail = ? WHERE id = ? AND state = 'open'",
        (at, detail, poll_id),
    )


async def gone(conn: Connection, poll_id: int, now: int, detail: str) -> None:
    """The poll's message was deleted before its result could be read."""
    await conn.execute(
        "UPDATE episode_polls SET state = 'gone', closed_at = ?, detail = ? WHERE id = ? AND state = 'open'",
        (now, detail, poll_id),
    )


async def latest_by_episode(conn: Connection, guild_id: int) -> dict[int, PollRow]:
    """The server's most recent poll of each episode (a later rewatch's poll replaces an earlier one)."""
    found: dict[int, PollRow] = {}
    query = f"SELECT {_COLUMNS} FROM episode_polls WHERE guild_id = ? ORDER BY opened_at, id"
    for record_ in await conn.execute(query, (guild_id,)):
        row = _row(record_)
        earlier = found.get(row.episode)
        if row.state != PollState.GONE or earlier is None or earlier.state == PollState.GONE:
            found[row.episode] = row
    return found


async def cancel_unscheduled(
    conn: Connection, kind: ReminderKind, guild_id: int, slot_ids: Sequence[int], reason: str
) -> None:
    """Cancel the server's pending reminders of ``kind`` for airing slots that are no longer in its schedule."""
    sql = "UPDATE reminders SET state = 'cancelled', detail = ? WHERE kind = ? AND guild_id = ? AND state = 'pending'"
    if slot_ids:
        sql += f" AND ref_id NOT IN ({marks(len(slot_ids))})"
    await conn.execute(sql, (reason, kind, guild_id, *slot_ids))


_PRUNE = (
    "DELETE FROM episode_polls WHERE state != 'open' AND closed_at < ? AND (state = 'gone' OR EXISTS ("
    "SELECT 1 FROM episode_polls later WHERE later.guild_id = episode_polls.guild_id "
    "AND later.episode = episode_polls.episode AND later.state != 'gone' "
    "AND (later.opened_at > episode_polls.opened_at "
    "OR (later.opened_at = episode_polls.opened_at AND later.id > episode_polls.id))))"
)


async def prune(conn: Connection, *, closed_before: int) -> int:
    """Delete polls closed before ``closed_before`` that no longer make a result: deleted ones ('gone'), and ones a
    later poll of the same episode in the same server replaced. The latest result of each episode stays."""
    return (await conn.execute(_PRUNE, (closed_before,))).rowcount
