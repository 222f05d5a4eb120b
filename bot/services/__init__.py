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
from .calendar import CalendarService
from .cast_search import CastSearch
from .catchup import CatchupService
from .discussion import DiscussionService
from .guild_config import GuildConfigService
from .language import LanguageService
from .members import MemberService
from .personal import PersonalReminderService
from .progress import ProgressService
from .pulse import PulseService
from .retention import RetentionService
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
    personal: PersonalReminderService  # members' own reminder times
    pulse: PulseService  # episode polls and their results
    catchup: CatchupService
    calendar: CalendarService
    retention: RetentionService  # the hourly prune of what is past its keeping time
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
        progress = ProgressService(catalog, db)
        parties = WatchPartyService(catalog, db)
        discussion = DiscussionService(db)
        personal = PersonalReminderService(db, guilds)
        pulse = PulseService(catalog, db, guilds)
        # Plans that follow other features' changes, inside those changes' units of work:
        parties.party_changed = progress.party_changed = personal.plan_party
        rewatch.planners += [pulse.plan, personal.plan_airing]
        return cls(
            catalog=catalog,
            clock=clock,
            cast=CastSearch(catalog),
            airing=AiringService(catalog),
            progress=progress,
            guilds=guilds,
            language=LanguageService(catalog, guilds, db),
            members=MemberService(db),
            discussion=discussion,
            parties=parties,
            rewatch=rewatch,
            spoiler_line=SpoilerLineService(guilds, rewatch),
            personal=personal,
            pulse=pulse,
            catchup=CatchupService(catalog, guilds, rewatch, progress),
            calendar=CalendarService(catalog, db, guilds, rewatch, discussion, personal),
            retention=RetentionService(db),
            sender=paced,
            reminders=ReminderScheduler(db, clock, paced, options=scheduler),
        )
