"""Member progress: the horizon the spoiler policy reads."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from bot.catalog import Catalog
from bot.errors import UserError
from bot.store import ProgressRepository, UserDataRepository


class ProgressService:
    """Reads go through a bounded write-through cache: every answer needs the horizon, and the
    database is only written through this service, so the cache cannot go stale."""

    CACHE_SIZE = 20_000

    def __init__(self, catalog: Catalog, progress: ProgressRepository, user_data: UserDataRepository) -> None:
        self._catalog = catalog
        self._progress = progress
        self._user_data = user_data
        self._cache: OrderedDict[int, int | None] = OrderedDict()

    async def _stored(self, user_id: int) -> int | None:
        if user_id in self._cache:
            self._cache.move_to_end(user_id)
            return self._cache[user_id]
        stored = await self._progress.get(user_id)
        self._remember(user_id, stored)
        return stored

    def _remember(self, user_id: int, value: int | None) -> None:
        self._cache[user_id] = value
        self._cache.move_to_end(user_id)
        while len(self._cache) > self.CACHE_SIZE:
            self._cache.popitem(last=False)

    async def horizon(self, user_id: int) -> int:
        """The last episode the member has watched; 0 when they never said."""
        stored = await self._stored(user_id)
        return 0 if stored is None else min(stored, self._catalog.episode_count)

    async def known(self, user_id: int) -> bool:
        return await self._stored(user_id) is not None

    async def set(self, user_id: int, episode: int, now: dt.datetime) -> int:
        last = self._catalog.episode_count
        if not 0 <= episode <= last:
            raise UserError(f"Episode must be between 0 (nothing yet) and {last}; you gave {episode}.")
        await self._progress.set(user_id, episode, int(now.timestamp()))
        self._remember(user_id, episode)
        return episode

    async def forget(self, user_id: int) -> int:
        """Delete everything stored about the member; returns how many records went."""
        removed = await self._user_data.forget(user_id)
        self._remember(user_id, None)
        return removed
