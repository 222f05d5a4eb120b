"""Rules of the bot, Discord-free: spoilers, cast search, airing, progress, parties, rewatches, reminders.

:class:`Services` is the container the bot is given: services only (no repositories, no database handle,
no business methods). ``__main__`` builds it once; tests build it over their own database and clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalog import Catalog
from bot.clock import Clock, utc_now
from bot.reminders.scheduler import ReminderScheduler, SchedulerOptions
from bot.reminders.sender import PacedSender, SenderOptions
from bot.store import Database

from .airing import AiringService
from .cast_search import CastSearch
from .discussion import DiscussionService
from .guild_config import GuildConfigService
from .language import LanguageService
from .members import MemberService
from .progress import ProgressService
from .rewatch import RewatchService
from .spoiler_line import SpoilerLineService
from .watch_parties import WatchPartyService

__all__ = ["Clock", "Services", "utc_now"]


@dataclass(frozen=True, slots=True)
class Services:
    """Everything a cog may use, built once in ``__main__`` (or a test) and injected into the bot."""

    catalog: Catalog
    clock: Clock
    cast: CastSearch
    airing: AiringService
    progress: ProgressService
    guilds: GuildConfigService
    language: LanguageService
    members: MemberService
    discussion: DiscussionService
    parties: WatchPartyService
    rewatch: RewatchService
    spoiler_line: SpoilerLineService
    sender: PacedSender  # everything the bot posts on its own goes through it
    reminders: ReminderScheduler

    @classmethod
    def build(
        cls,
        catalog: Catalog,
        db: Database,
        clock: Clock = utc_now,
        *,
        sender: SenderOptions | None = None,
        scheduler: SchedulerOptions | None = None,
    ) -> Services:
        guilds = GuildConfigService(catalog, db)
        rewatch = RewatchService(catalog, db, guilds)
        paced = PacedSender(options=sender, wall_clock=clock)
        return cls(
            catalog=catalog,
            clock=clock,
            cast=CastSearch(catalog),
            airing=AiringService(catalog),
            progress=ProgressService(catalog, db),
            guilds=guilds,
            language=LanguageService(catalog, guilds),
            members=MemberService(db),
            discussion=DiscussionService(db),
            parties=WatchPartyService(catalog, db),
            rewatch=rewatch,
            spoiler_line=SpoilerLineService(guilds, rewatch),
            sender=paced,
            reminders=ReminderScheduler(db, clock, paced, options=scheduler),
        )
