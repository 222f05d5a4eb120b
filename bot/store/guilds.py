"""Per-server configuration and discussion threads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from msgspec import Struct

from .dialect import upsert_sql
from .sql import Connection, marks

#: The settings staff change, in the order :class:`GuildSettingsRow` takes them (after the spoiler-free channels).
_SETTING_ORDER = (
    "discussion_channel_id", "spoiler_line", "timezone", "staff_channel_id", "reminder_offsets",
    "airing_channel_id", "airing_role_id", "airing_offsets", "pulse_polls", "language",
)  # fmt: skip
SETTING_COLUMNS = frozenset(_SETTING_ORDER)


class GuildSettingsRow(Struct, frozen=True):
    guild_id: int
    discussion_channel_id: int | None
    spoiler_line: int | None
    spoiler_free_channel_ids: frozenset[int]
    timezone: str | None = None
    staff_channel_id: int | None = None
    reminder_offsets: str | None = None
    airing_channel_id: int | None = None
    airing_role_id: int | None = None
    airing_offsets: str | None = None
    pulse_polls: int | None = None  # NULL: follow airing posts; 1 on, 0 off
    language: str | None = None


class ThreadRow(Struct, frozen=True):
    guild_id: int
    episode: int
    thread_id: int
    parent_id: int


_COLUMNS = ", ".join(_SETTING_ORDER)


async def get(conn: Connection, guild_id: int) -> GuildSettingsRow:
    return (await get_many(conn, (guild_id,)))[guild_id]


async def get_many(conn: Connection, guild_ids: Sequence[int]) -> dict[int, GuildSettingsRow]:
    """:func:`get` for several servers in two statements (a server with no row has the defaults)."""
    if not guild_ids:
        return {}
    ids = tuple(guild_ids)
    where = f"WHERE guild_id IN ({marks(len(ids))})"
    settings = (await conn.execute(f"SELECT guild_id, {_COLUMNS} FROM guild_settings {where}", ids)).rows
    free: dict[int, set[int]] = {}
    channels = await conn.execute(f"SELECT guild_id, channel_id FROM spoiler_free_channels {where}", ids)
    for guild_id, channel_id in channels:
        free.setdefault(int(guild_id), set()).add(int(channel_id))
    found = {
        int(record[0]): GuildSettingsRow(
            int(record[0]), record[1], record[2], frozenset(free.get(int(record[0]), ())), *record[3:]
        )
        for record in settings
    }
    return {
        guild_id: found.get(guild_id) or GuildSettingsRow(guild_id, None, None, frozenset(free.get(guild_id, ())))
        for guild_id in ids
    }


async def update(conn: Connection, guild_id: int, now: int, **columns: Any) -> None:
    """Set the given setting columns (creating the server's row if needed)."""
    unknown = set(columns) - SETTING_COLUMNS
    if unknown:
        raise ValueError(f"not a setting: {sorted(unknown)}")
    names = tuple(columns)
    sql = upsert_sql("guild_settings", ("guild_id", "updated_at", *names), ("guild_id",), (*names, "updated_at"))
    await conn.execute(sql, (guild_id, now, *columns.values()))


async def set_spoiler_free_channels(conn: Connection, guild_id: int, channel_ids: frozenset[int]) -> None:
    await conn.execute("DELETE FROM spoiler_free_channels WHERE guild_id = ?", (guild_id,))
    if channel_ids:
        await conn.executemany(
            "INSERT INTO spoiler_free_channels (guild_id, channel_id) VALUES (?, ?)",
            [(guild_id, c) for c in sorted(channel_ids)],
        )


_THREAD = "SELECT thread_id, parent_id FROM discussion_threads WHERE guild_id = ? AND episode = ?"


async def get_thread(conn: Connection, guild_id: int, episode: int) -> ThreadRow | None:
    record = (await conn.execute(_THREAD, (guild_id, episode))).first()
    return None if record is None else ThreadRow(guild_id, episode, int(record[0]), int(record[1]))


_PUT_THREAD = upsert_sql(
    "discussion_threads",
    ("guild_id", "episode", "thread_id", "parent_id", "created_at"),
    ("guild_id", "episode"),
    ("thread_id", "parent_id", "created_at"),
)


async def put_thread(conn: Connection, row: ThreadRow, now: int) -> None:
    """Record the thread of an episode, replacing one that was deleted."""
    await conn.execute(_PUT_THREAD, (row.guild_id, row.episode, row.thread_id, row.parent_id, now))


async def count_threads(conn: Connection, guild_id: int) -> int:
    found = await conn.execute("SELECT COUNT(*) FROM discussion_threads WHERE guild_id = ?", (guild_id,))
    return int(found.scalar_one())
