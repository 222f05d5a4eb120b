"""Per-member preferences: time zone, DM copies, and whether Discord refused their DMs."""

from __future__ import annotations

import datetime as dt

from bot.clock import epoch
from bot.store import Database, MemberSettingsRow, members


class MemberService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: int) -> MemberSettingsRow:
        async with self._db.read() as conn:
            return await members.get(conn, user_id)

    async def set_timezone(self, user_id: int, zone: str | None, now: dt.datetime) -> None:
        async with self._db.transaction() as tx:
            await members.set_timezone(tx.conn, user_id, zone, epoch(now))

    async def set_party_dm(self, user_id: int, enabled: bool, now: dt.datetime) -> None:
        async with self._db.transaction() as tx:
            await members.set_party_dm(tx.conn, user_id, enabled, epoch(now))

    async def with_party_dm(self, user_ids: list[int]) -> list[int]:
        async with self._db.read() as conn:
            return await members.with_party_dm(conn, user_ids)
