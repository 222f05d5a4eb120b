"""Per-member preferences: time zone, DM copies of watch-party reminders."""

from __future__ import annotations

from dataclasses import dataclass

from .database import Database


@dataclass(frozen=True, slots=True)
class MemberSettingsRow:
    user_id: int
    timezone: str | None
    party_dm_reminders: bool


class MemberSettingsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: int) -> MemberSettingsRow:
        async with self._db.conn.execute(
            "SELECT timezone, party_dm_reminders FROM member_settings WHERE user_id = ?", (user_id,)
        ) as cur:
            record = await cur.fetchone()
        if record is None:
            return MemberSettingsRow(user_id, None, False)
        return MemberSettingsRow(user_id, record[0], bool(record[1]))

    async def set_timezone(self, user_id: int, zone: str | None, now: int) -> None:
        await self._db.conn.execute(
            "INSERT INTO member_settings (user_id, timezone, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET timezone = excluded.timezone, updated_at = excluded.updated_at",
            (user_id, zone, now),
        )

    async def set_party_dm(self, user_id: int, enabled: bool, now: int) -> None:
        await self._db.conn.execute(
            "INSERT INTO member_settings (user_id, party_dm_reminders, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET party_dm_reminders = excluded.party_dm_reminders, "
            "updated_at = excluded.updated_at",
            (user_id, int(enabled), now),
        )

    async def with_party_dm(self, user_ids: list[int]) -> list[int]:
        """Of ``user_ids``, those who asked for DM copies of watch-party reminders."""
        if not user_ids:
            return []
        marks = ",".join("?" * len(user_ids))
        async with self._db.conn.execute(
            f"SELECT user_id FROM member_settings WHERE party_dm_reminders = 1 AND user_id IN ({marks})",
            tuple(user_ids),
        ) as cur:
            return [int(r[0]) for r in await cur.fetchall()]
