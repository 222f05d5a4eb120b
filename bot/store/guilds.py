"""Per-server configuration and discussion threads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from .dialect import upsert
from .schema import discussion_threads, guild_settings, spoiler_free_channels

SETTING_COLUMNS = frozenset(
    {
        "discussion_channel_id", "spoiler_line", "timezone", "staff_channel_id", "reminder_offsets",
        "airing_channel_id", "airing_role_id", "airing_offsets", "pulse_polls", "language",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class GuildSettingsRow:
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


@dataclass(frozen=True, slots=True)
class ThreadRow:
    guild_id: int
    episode: int
    thread_id: int
    parent_id: int


_SETTINGS = sa.select(
    guild_settings.c.discussion_channel_id,
    guild_settings.c.spoiler_line,
    guild_settings.c.timezone,
    guild_settings.c.staff_channel_id,
    guild_settings.c.reminder_offsets,
    guild_settings.c.airing_channel_id,
    guild_settings.c.airing_role_id,
    guild_settings.c.airing_offsets,
    guild_settings.c.pulse_polls,
    guild_settings.c.language,
).where(guild_settings.c.guild_id == sa.bindparam("guild_id"))
_FREE = sa.select(spoiler_free_channels.c.channel_id).where(
    spoiler_free_channels.c.guild_id == sa.bindparam("guild_id")
)


async def get(conn: AsyncConnection, guild_id: int) -> GuildSettingsRow:
    record = (await conn.execute(_SETTINGS, {"guild_id": guild_id})).first()
    free = frozenset(int(c) for c in (await conn.execute(_FREE, {"guild_id": guild_id})).scalars())
    if record is None:
        return GuildSettingsRow(guild_id, None, None, free)
    m = record._mapping
    return GuildSettingsRow(
        guild_id,
        m["discussion_channel_id"],
        m["spoiler_line"],
        free,
        m["timezone"],
        m["staff_channel_id"],
        m["reminder_offsets"],
        m["airing_channel_id"],
        m["airing_role_id"],
        m["airing_offsets"],
        m["pulse_polls"],
        m["language"],
    )


async def update(conn: AsyncConnection, guild_id: int, now: int, **columns: Any) -> None:
    """Set the given setting columns (creating the server's row if needed)."""
    unknown = set(columns) - SETTING_COLUMNS
    if unknown:
        raise ValueError(f"not a setting: {sorted(unknown)}")
    values = {"guild_id": guild_id, "updated_at": now, **columns}
    await conn.execute(upsert(conn, guild_settings, values, ["guild_id"], [*columns, "updated_at"]))


async def set_spoiler_free_channels(conn: AsyncConnection, guild_id: int, channel_ids: frozenset[int]) -> None:
    await conn.execute(sa.delete(spoiler_free_channels).where(spoiler_free_channels.c.guild_id == guild_id))
    if channel_ids:
        await conn.execute(
            sa.insert(spoiler_free_channels), [{"guild_id": guild_id, "channel_id": c} for c in sorted(channel_ids)]
        )


_THREAD = sa.select(discussion_threads.c.thread_id, discussion_threads.c.parent_id).where(
    discussion_threads.c.guild_id == sa.bindparam("guild_id"), discussion_threads.c.episode == sa.bindparam("episode")
)


async def get_thread(conn: AsyncConnection, guild_id: int, episode: int) -> ThreadRow | None:
    record = (await conn.execute(_THREAD, {"guild_id": guild_id, "episode": episode})).first()
    return None if record is None else ThreadRow(guild_id, episode, int(record[0]), int(record[1]))


async def put_thread(conn: AsyncConnection, row: ThreadRow, now: int) -> None:
    """Record the thread of an episode, replacing one that was deleted."""
    values = {
        "guild_id": row.guild_id,
        "episode": row.episode,
        "thread_id": row.thread_id,
        "parent_id": row.parent_id,
        "created_at": now,
    }
    await conn.execute(
        upsert(conn, discussion_threads, values, ["guild_id", "episode"], ["thread_id", "parent_id", "created_at"])
    )


async def count_threads(conn: AsyncConnection, guild_id: int) -> int:
    query = sa.select(sa.func.count()).select_from(discussion_threads).where(discussion_threads.c.guild_id == guild_id)
    return int((await conn.execute(query)).scalar_one())
