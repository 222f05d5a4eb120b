"""Rules of the bot, Discord-free: spoilers, cast search, airing, progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bot.catalog import Catalog
from bot.store import (
    Database,
    GuildRepository,
    MemberSettingsRepository,
    PartyRepository,
    ProgressRepository,
    ReminderRepository,
    RewatchRepository,
    ThreadRepository,
    UserDataRepository,
)

from .airing import AiringService
from .cast_search import CastSearch
from .discussion import KeyedLocks
from .guild_config import GuildConfigService
from .progress import ProgressService
from .rewatch import RewatchService
from .scheduler import Scheduler
from .watch_parties import WatchPartyService

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class Services:
    """Everything a cog may use, built once in ``__main__`` (or a test) and injected into the bot."""

    catalog: Catalog
    db: Database
    clock: Clock
    cast: CastSearch
    airing: AiringService
    progress: ProgressService
    guilds: GuildConfigService
    threads: ThreadRepository
    thread_locks: KeyedLocks
    members: MemberSettingsRepository
    parties: WatchPartyService
    scheduler: Scheduler
    rewatch: RewatchService

    async def public_line(self, guild_id: int | None, channel_id: int | None, parent_id: int | None = None) -> int:
        """The spoiler line for a public post here: staff's fixed line, else where the rewatch is."""
        if guild_id is None:
            return 0
        config = await self.guilds.get(guild_id)
        if config.fixed_line is not None or config.is_spoiler_free(channel_id, parent_id):
            return config.line_for_channel(channel_id, parent_id)  # the rewatch cannot change it: skip its queries
        automatic = await self.rewatch.automatic_line(guild_id, self.clock())
        return config.line_for_channel(channel_id, parent_id, automatic)

    @classmethod
    def build(cls, catalog: Catalog, db: Database, clock: Clock = utc_now) -> Services:
        reminders = ReminderRepository(db)
        guilds = GuildConfigService(catalog, GuildRepository(db))
        return cls(
            catalog=catalog,
            db=db,
            clock=clock,
            cast=CastSearch(catalog),
            airing=AiringService(catalog),
            progress=ProgressService(catalog, ProgressRepository(db), UserDataRepository(db)),
            guilds=guilds,
            threads=ThreadRepository(db),
            thread_locks=KeyedLocks(),
            members=MemberSettingsRepository(db),
            parties=WatchPartyService(catalog, PartyRepository(db), reminders),
            scheduler=Scheduler(reminders),
            rewatch=RewatchService(catalog, RewatchRepository(db), reminders, guilds),
        )
