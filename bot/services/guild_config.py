"""Server configuration rules: the spoiler line for public posts, spoiler-free channels, discussion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from bot.catalog import Catalog
from bot.errors import UserError
from bot.store import GuildRepository, GuildSettingsRow

MAX_SPOILER_FREE_CHANNELS = 25


@dataclass(frozen=True, slots=True)
class GuildConfig:
    guild_id: int
    discussion_channel_id: int | None
    fixed_line: int | None  # set by staff; None means automatic
    spoiler_free_channel_ids: frozenset[int]

    @property
    def automatic_line(self) -> int:
        """The line when staff fixed none. Nothing is assumed seen yet; a rewatch may raise it later."""
        return 0

    @property
    def line(self) -> int:
        return self.automatic_line if self.fixed_line is None else self.fixed_line

    def line_for_channel(self, channel_id: int | None, parent_id: int | None = None) -> int:
        """The line for a public post in a channel (or a thread of ``parent_id``)."""
        free = self.spoiler_free_channel_ids
        if channel_id in free or (parent_id is not None and parent_id in free):
            return 0
        return self.line


class GuildConfigService:
    """Reads go through a write-through cache: every public answer needs the line."""

    def __init__(self, catalog: Catalog, repo: GuildRepository) -> None:
        self._catalog = catalog
        self._repo = repo
        self._cache: dict[int, GuildConfig] = {}

    async def get(self, guild_id: int) -> GuildConfig:
        cached = self._cache.get(guild_id)
        if cached is None:
            cached = self._cache[guild_id] = self._from_row(await self._repo.get(guild_id))
        return cached

    @staticmethod
    def _from_row(row: GuildSettingsRow) -> GuildConfig:
        return GuildConfig(row.guild_id, row.discussion_channel_id, row.spoiler_line, row.spoiler_free_channel_ids)

    async def _update(self, guild_id: int, **changes: object) -> GuildConfig:
        """Write-through: the database was just written by this service, so update the cache in place."""
        updated = replace(await self.get(guild_id), **changes)  # type: ignore[arg-type]
        self._cache[guild_id] = updated
        return updated

    async def line_for(self, guild_id: int | None, channel_id: int | None, parent_id: int | None = None) -> int:
        """The spoiler line for a public post; outside a server nothing is assumed seen."""
        if guild_id is None:
            return 0
        return (await self.get(guild_id)).line_for_channel(channel_id, parent_id)

    async def set_discussion_channel(self, guild_id: int, channel_id: int | None, now: dt.datetime) -> GuildConfig:
        await self._repo.set_discussion_channel(guild_id, channel_id, int(now.timestamp()))
        return await self._update(guild_id, discussion_channel_id=channel_id)

    async def set_spoiler_line(self, guild_id: int, line: int | None, now: dt.datetime) -> GuildConfig:
        last = self._catalog.episode_count
        if line is not None and not 0 <= line <= last:
            raise UserError(f"The spoiler line must be an episode from 0 (nothing) to {last}; you gave {line}.")
        await self._repo.set_spoiler_line(guild_id, line, int(now.timestamp()))
        return await self._update(guild_id, fixed_line=line)

    async def set_spoiler_free_channels(self, guild_id: int, channel_ids: frozenset[int]) -> GuildConfig:
        if len(channel_ids) > MAX_SPOILER_FREE_CHANNELS:
            raise UserError(
                f"At most {MAX_SPOILER_FREE_CHANNELS} spoiler-free channels; you picked {len(channel_ids)}."
            )
        await self._repo.set_spoiler_free_channels(guild_id, channel_ids)
        return await self._update(guild_id, spoiler_free_channel_ids=frozenset(channel_ids))
