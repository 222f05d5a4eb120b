"""Per-member preferences: time zone, DM copies, and whether Discord refused their DMs."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct

from bot.clock import epoch
from bot.store import Database, members

from .cache import Cache


class MemberSettings(Struct, frozen=True):
    """A member's own settings (the defaults when they never chose any)."""

    user_id: int
    timezone: str | None  # an IANA name, or None: they never set one
    party_dm_reminders: bool  # watch-party reminders also come to them as DMs
    dm_refused_at: int | None = None  # when Discord last refused a DM to them (epoch seconds)


class MemberService:
    """Reads go through a cache: a member's zone is needed on every keystroke of a time preview."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: Cache[int, MemberSettings] = Cache(db.bus, members.CACHE_TOPIC)

    async def get(self, user_id: int) -> MemberSettings:
        return await self._cache.get(user_id, lambda: self._load(user_id))

    async def _load(self, user_id: int) -> MemberSettings:
        async with self._db.read() as conn:
            row = await members.get(conn, user_id)
        return MemberSettings(row.user_id, row.timezone, row.party_dm_reminders, row.dm_refused_at)

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
