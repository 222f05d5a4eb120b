"""Per-server configuration and discussion threads."""

from __future__ import annotations

from dataclasses import dataclass

from .database import Database


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


@dataclass(frozen=True, slots=True)
class ThreadRow:
    guild_id: int
    episode: int
    thread_id: int
    parent_id: int


class GuildRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int) -> GuildSettingsRow:
        conn = self._db.conn
        async with conn.execute(
            "SELECT discussion_channel_id, spoiler_line, timezone, staff_channel_id, reminder_offsets, "
            "airing_channel_id, airing_role_id, airing_offsets FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        ) as cur:
            row = await cur.fetchone()
        async with conn.execute("SELECT channel_id FROM spoiler_free_channels WHERE guild_id = ?", (guild_id,)) as cur:
            free = frozenset(int(r["channel_id"]) for r in await cur.fetchall())
        if row is None:
            return GuildSettingsRow(guild_id, None, None, free)
        return GuildSettingsRow(
            guild_id,
            row["discussion_channel_id"],
            row["spoiler_line"],
            free,
            row["timezone"],
            row["staff_channel_id"],
            row["reminder_offsets"],
            row["airing_channel_id"],
            row["airing_role_id"],
            row["airing_offsets"],
        )

    async def _upsert(self, guild_id: int, column: str, value: int | str | None, now_epoch: int) -> None:
        if column not in (
            "discussion_channel_id", "spoiler_line", "timezone", "staff_channel_id", "reminder_offsets",
            "airing_channel_id", "airing_role_id", "airing_offsets",
        ):  # fmt: skip
            raise ValueError(column)
        await self._db.conn.execute(
            f"INSERT INTO guild_settings (guild_id, {column}, updated_at) VALUES (?, ?, ?) "
            f"ON CONFLICT (guild_id) DO UPDATE SET {column} = excluded.{column}, updated_at = excluded.updated_at",
            (guild_id, value, now_epoch),
        )

    async def set_discussion_channel(self, guild_id: int, channel_id: int | None, now_epoch: int) -> None:
        await self._upsert(guild_id, "discussion_channel_id", channel_id, now_epoch)

    async def set_spoiler_line(self, guild_id: int, line: int | None, now_epoch: int) -> None:
        await self._upsert(guild_id, "spoiler_line", line, now_epoch)

    async def set_timezone(self, guild_id: int, zone: str | None, now_epoch: int) -> None:
        await self._upsert(guild_id, "timezone", zone, now_epoch)

    async def set_staff_channel(self, guild_id: int, channel_id: int | None, now_epoch: int) -> None:
        await self._upsert(guild_id, "staff_channel_id", channel_id, now_epoch)

    async def set_reminder_offsets(self, guild_id: int, offsets: str | None, now_epoch: int) -> None:
        await self._upsert(guild_id, "reminder_offsets", offsets, now_epoch)

    async def set_airing(
        self, guild_id: int, channel_id: int | None, role_id: int | None, offsets: str | None, now_epoch: int
    ) -> None:
        await self._upsert(guild_id, "airing_channel_id", channel_id, now_epoch)
        await self._upsert(guild_id, "airing_role_id", role_id, now_epoch)
        await self._upsert(guild_id, "airing_offsets", offsets, now_epoch)

    async def set_spoiler_free_channels(self, guild_id: int, channel_ids: frozenset[int]) -> None:
        conn = self._db.conn
        await conn.execute("BEGIN")
        try:
            await conn.execute("DELETE FROM spoiler_free_channels WHERE guild_id = ?", (guild_id,))
            await conn.executemany(
                "INSERT INTO spoiler_free_channels (guild_id, channel_id) VALUES (?, ?)",
                [(guild_id, c) for c in sorted(channel_ids)],
            )
            await conn.execute("COMMIT")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise


class ThreadRepository:
    """Thread rows, read through a write-through cache (only this repository writes the table)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: dict[tuple[int, int], ThreadRow | None] = {}

    async def get(self, guild_id: int, episode: int) -> ThreadRow | None:
        key = (guild_id, episode)
        if key not in self._cache:
            self._cache[key] = await self._load(guild_id, episode)
        return self._cache[key]

    async def _load(self, guild_id: int, episode: int) -> ThreadRow | None:
        async with self._db.conn.execute(
            "SELECT thread_id, parent_id FROM discussion_threads WHERE guild_id = ? AND episode = ?",
            (guild_id, episode),
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else ThreadRow(guild_id, episode, row["thread_id"], row["parent_id"])

    async def put(self, row: ThreadRow, now_epoch: int) -> None:
        """Record the thread of an episode, replacing one that was deleted."""
        await self._db.conn.execute(
            "INSERT INTO discussion_threads (guild_id, episode, thread_id, parent_id, created_at) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, episode) DO UPDATE SET thread_id = excluded.thread_id, "
            "parent_id = excluded.parent_id, created_at = excluded.created_at",
            (row.guild_id, row.episode, row.thread_id, row.parent_id, now_epoch),
        )
        self._cache[(row.guild_id, row.episode)] = row

    async def count(self, guild_id: int) -> int:
        async with self._db.conn.execute(
            "SELECT COUNT(*) AS n FROM discussion_threads WHERE guild_id = ?", (guild_id,)
        ) as cur:
            row = await cur.fetchone()
        return int(row["n"]) if row else 0
