"""Member watch progress, and deleting everything stored about a member."""

from __future__ import annotations

from . import personal
from .dialect import upsert_sql
from .sql import Connection

#: Stands in for a member who deleted their data (``/progress forget``) where a row must name someone.
FORMER_MEMBER = 0

_GET = "SELECT episode FROM member_progress WHERE user_id = ?"
_SET = upsert_sql("member_progress", ("user_id", "episode", "updated_at"), ("user_id",), ("episode", "updated_at"))


async def get(conn: Connection, user_id: int) -> int | None:
    value = (await conn.execute(_GET, (user_id,))).scalar()
    return None if value is None else int(value)


async def set_episode(conn: Connection, user_id: int, episode: int, now: int) -> None:
    await conn.execute(_SET, (user_id, episode, now))


# Every table that holds data about a member, with the column naming the member. A migration that adds
# such a table must add it here: /progress forget deletes from all of them (tests/store check the list).
USER_DATA: tuple[tuple[str, str], ...] = (
    ("member_progress", "user_id"),
    ("member_settings", "user_id"),
    ("rsvps", "user_id"),
    ("airing_subscribers", "user_id"),
    ("personal_reminders", "user_id"),  # their reminder rows go first, in forget()
)


async def forget(conn: Connection, user_id: int) -> int:
    """Delete the member's rows everywhere, and their id where a row must keep naming someone (the host of a
    party they created, reminder records). Returns how many records held data about them."""
    removed = await personal.forget(conn, user_id)  # the queue rows naming their personal reminders
    for table, column in USER_DATA:
        result = await conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (user_id,))
        removed += result.rowcount
    # The party stays (its members still meet), but nothing of theirs: the host becomes "a former member" and the
    # note they wrote (shown on the card and in the Discord event) goes.
    hosted = await conn.execute(
        "UPDATE watch_parties SET host_id = ?, note = '' WHERE host_id = ?", (FORMER_MEMBER, user_id)
    )
    removed += hosted.rowcount
    text = str(user_id)
    scrubbed = await conn.execute(
        "UPDATE reminders SET detail = replace(detail, ?, 'a former member') WHERE detail LIKE '%' || ? || '%'",
        (text, text),
    )
    return removed + scrubbed.rowcount
