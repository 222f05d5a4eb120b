"""Member watch progress, and deleting everything stored about a member."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from . import personal
from .dialect import execute_upsert
from .schema import (
    FORMER_MEMBER,
    airing_subscribers,
    member_progress,
    member_settings,
    personal_reminders,
    reminders,
    rsvps,
    watch_parties,
)

_GET = sa.select(member_progress.c.episode).where(member_progress.c.user_id == sa.bindparam("u"))


async def get(conn: AsyncConnection, user_id: int) -> int | None:
    value = (await conn.execute(_GET, {"u": user_id})).scalar()
    return None if value is None else int(value)


async def set_episode(conn: AsyncConnection, user_id: int, episode: int, now: int) -> None:
    values = {"user_id": user_id, "episode": episode, "updated_at": now}
    await execute_upsert(conn, member_progress, values, ("user_id",), ("episode", "updated_at"))


# Every table that holds data about a member, with the column naming the member. A migration that adds
# such a table must add it here: /progress forget deletes from all of them (tests/store check the list).
USER_DATA: tuple[tuple[sa.Table, str], ...] = (
    (member_progress, "user_id"),
    (member_settings, "user_id"),
    (rsvps, "user_id"),
    (airing_subscribers, "user_id"),
    (personal_reminders, "user_id"),  # their reminder rows go first, in forget()
)


async def forget(conn: AsyncConnection, user_id: int) -> int:
    """Delete the member's rows everywhere, and their id where a row must keep naming someone (the host of a
    party they created, reminder records). Returns how many records held data about them."""
    removed = await personal.forget(conn, user_id)  # the queue rows naming their personal reminders
    for table, column in USER_DATA:
        result = await conn.execute(sa.delete(table).where(table.c[column] == user_id))
        removed += result.rowcount
    # The party stays (its members still meet), but nothing of theirs: the host becomes "a former member" and the
    # note they wrote (shown on the card and in the Discord event) goes.
    hosted = await conn.execute(
        sa.update(watch_parties).where(watch_parties.c.host_id == user_id).values(host_id=FORMER_MEMBER, note="")
    )
    removed += hosted.rowcount
    text = str(user_id)
    scrubbed = await conn.execute(
        sa.update(reminders)
        .where(reminders.c.detail.contains(text))
        .values(detail=sa.func.replace(reminders.c.detail, text, "a former member"))
    )
    return removed + scrubbed.rowcount
