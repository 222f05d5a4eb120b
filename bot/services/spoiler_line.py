"""The spoiler line of a public post: staff's fixed line, else where the server's rewatch has reached."""

from __future__ import annotations

import datetime as dt

from .guild_config import GuildConfigService
from .rewatch import RewatchService


class SpoilerLineService:
    def __init__(self, guilds: GuildConfigService, rewatch: RewatchService) -> None:
        self._guilds = guilds
        self._rewatch = rewatch

    async def public_line(
        self, guild_id: int | None, channel_id: int | None, parent_id: int | None, now: dt.datetime
    ) -> int:
        """The line for a public post here; 0 outside a server and in spoiler-free channels."""
        if guild_id is None:
            return 0
        config = await self._guilds.get(guild_id)
        if config.fixed_line is not None or config.is_spoiler_free(channel_id, parent_id):
            return config.line_for_channel(channel_id, parent_id)  # the rewatch cannot change it: skip its queries
        automatic = await self._rewatch.automatic_line(guild_id, now)
        return config.line_for_channel(channel_id, parent_id, automatic)
