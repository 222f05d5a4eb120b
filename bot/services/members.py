"""Per-member preferences: time zone, DM copies, and whether Discord refused their DMs."""

from __future__ import annotations

import datetime as dt

from bot.clock import epoch
from bot.store import Database, MemberSettingsRow, members

from .cache import Cache


class MemberService:
    """Reads go through a cache: a member's zone is needed on every keystroke of a time preview."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: Cache[int, MemberSettingsRow] = Cache(db.bus, members.CACHE_TOPIC)

    async def get(self, user_id: int) -> MemberSettingsRow:
        return await self._cache.get(user_id, lambda: self._load(user_id))

    async def _load(self, user_id: int) -> MemberSettingsRow:
        async with self._db.read() as conn:
            return await members.get(conn, user_id)

    async def set_timezone(self, user_id: int, zone: str | None, now: dt.datetime) -> None:
        async with self._db.transaction() as tx:
            await members.set_timezone(tx.conn, user_id, zone, epoch(now))
            await self._cache.changed(tx, user_id)

    async def set_party_dm(self, user_id: int, enabled: bool, now: dt.datetime) -> None:
        async with self._db.transaction() as tx:
            await members.set_party_dm(tx.conn, user_id, enabled, epoch(now))
            await self._cache.changed(tx, user_id)

    async def with_party_dm(self, user_ids: list[int]) -> list[int]:
        async with self._db.read() as conn:
            return await members.with_party_dm(conn, user_ids)
