"""Rules of the bot, Discord-free: spoilers, cast search, airing, progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bot.catalog import Catalog
from bot.store import Database, GuildRepository, ProgressRepository, ThreadRepository, UserDataRepository

from .airing import AiringService
from .cast_search import CastSearch
from .discussion import KeyedLocks
from .guild_config import GuildConfigService
from .progress import ProgressService

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

    @classmethod
    def build(cls, catalog: Catalog, db: Database, clock: Clock = utc_now) -> Services:
        return cls(
            catalog=catalog,
            db=db,
            clock=clock,
            cast=CastSearch(catalog),
            airing=AiringService(catalog),
            progress=ProgressService(catalog, ProgressRepository(db), UserDataRepository(db)),
            guilds=GuildConfigService(catalog, GuildRepository(db)),
            threads=ThreadRepository(db),
            thread_locks=KeyedLocks(),
        )
