"""The composition root: every service, the reminder loop and its deliveries are built here, once, each with all of
its collaborators passed to its constructor. Nothing sets another object's attribute afterwards and no collaborator
is ``Optional`` "until attached".

The shape, and why. Several collaborators need the Discord client: the paced sender's transport (it posts through
the client), the language service's view of a server's Discord language (the client's gateway cache), the pulse's
poll reader, the thread opener, and, through the sender, everything that posts on its own. The client in turn needs
the services (its cogs use them, and its REST trace counts requests for the sender). So the root is built in two
steps:

1. ``App(catalog, db, clock, sender=..., scheduler=...)`` holds what exists before Discord: the show pack, the
   database, the clock and the options. It builds nothing that could be half-wired.
2. :meth:`App.attach_discord` is called once (a second call raises), by the bot's own constructor
   (:class:`bot.client.RunOnBot`), with the client it is constructing. It builds every service, the Discord port
   (:mod:`bot.transport`: the sender's transport, the pulse's poll reader; :mod:`bot.threads`: the thread opener
   the airing post, the episode poll and ``/discuss`` share), the sender, the one table from reminder kind to
   delivery, the staff report and the scheduler, and returns the :class:`Services` the cogs are given. The client
   is only stored by what needs it, never called, until it runs. No cog attaches anything to a service.

One cycle is real and stays inside this module: server settings that change airing posts re-plan them through the
rewatch service, which itself reads the settings. The settings service is given a function that calls the rewatch
service built right after it (a closure over the local name; nothing is assigned afterwards).

Adding a reminder kind: a member of :class:`bot.statuses.ReminderKind`, its service schedules rows of it
(``reminders.schedule(tx.conn, ReminderKind.X, ...)``), a module in :mod:`bot.deliveries` delivers them (naming what
it posts, ``WHAT``, for the staff report), and one row in :func:`deliveries` below connects the two (a test checks
that every kind has its row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import discord
from msgspec import Struct

from bot.catalog import Catalog
from bot.clock import Clock, utc_now
from bot.deliveries.airing import AiringReminders
from bot.deliveries.party import PartyReminders
from bot.deliveries.personal import PersonalAiringReminders, PersonalPartyReminders
from bot.deliveries.pulse import PulseReminders
from bot.deliveries.staff import StaffReport
from bot.deliveries.window import SpoilerWindowRules
from bot.reminders.model import Delivery
from bot.reminders.scheduler import ReminderScheduler, SchedulerOptions
from bot.reminders.sender import PacedSender, SenderOptions
from bot.services.airing import AiringService
from bot.services.calendar import CalendarService
from bot.services.cast_search import CastSearch
from bot.services.catchup import CatchupService
from bot.services.discussion import DiscussionService, ThreadOpener
from bot.services.guild_config import GuildConfigService
from bot.services.language import LanguageService
from bot.services.locks import KeyedLocks
from bot.services.members import MemberService
from bot.services.personal import PersonalReminderService
from bot.services.progress import ProgressService
from bot.services.pulse import PulseService
from bot.services.retention import RetentionService
from bot.services.rewatch import RewatchService
from bot.services.spoiler_line import SpoilerLineService
from bot.services.spoiler_window import AutoModPort, SpoilerWindowService
from bot.services.watch_parties import WatchPartyService
from bot.statuses import ReminderKind
from bot.store import Database, Tx
from bot.threads import DiscordThreads
from bot.transport import DiscordAutoMod, DiscordPollReader, DiscordTransport, server_locale

__all__ = ["App", "Services", "deliveries"]


class Services(Struct, frozen=True):
    """Everything a cog may use: services only (no repositories, no database handle, no business methods)."""

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
    spoiler_window: SpoilerWindowService  # the AutoMod rule that blocks a new episode's spoiler words for a while
    personal: PersonalReminderService  # members' own reminder times
    pulse: PulseService  # episode polls and their results
    catchup: CatchupService
    calendar: CalendarService
    retention: RetentionService  # the hourly prune of what is past its keeping time
    sender: PacedSender  # everything the bot posts on its own goes through it
    reminders: ReminderScheduler
    threads: DiscordThreads  # the Discord side of discussion threads: /discuss, and the posts that link them


def deliveries(
    *,
    catalog: Catalog,
    guilds: GuildConfigService,
    rewatch: RewatchService,
    threads: ThreadOpener,
    parties: WatchPartyService,
    members: MemberService,
    personal: PersonalReminderService,
    pulse: PulseService,
    language: LanguageService,
    sender: PacedSender,
    window: SpoilerWindowService,
    automod: AutoModPort,
    discussion: DiscussionService,
) -> Mapping[ReminderKind, Delivery]:
    """The one table from reminder kind to the delivery that posts it (one for every :class:`ReminderKind`)."""
    locks = KeyedLocks()  # one server's window rule changes one delivery at a time, whichever row it came from
    window_rules = (window, automod, threads, discussion, guilds, sender, language, locks)
    return {
        ReminderKind.PARTY: PartyReminders(parties, members, sender, language, personal),
        ReminderKind.AIRING: AiringReminders(catalog, guilds, rewatch, threads, sender, language, personal),
        ReminderKind.PARTY_DM: PersonalPartyReminders(personal, parties, sender, language),
        ReminderKind.AIRING_DM: PersonalAiringReminders(catalog, personal, guilds, rewatch, sender, language),
        ReminderKind.PULSE: PulseReminders(guilds, rewatch, threads, pulse, sender, language),
        ReminderKind.WINDOW: SpoilerWindowRules(*window_rules),  # a window opens or closes at its slot
        ReminderKind.WINDOW_NOW: SpoilerWindowRules(*window_rules),  # the same rule, brought up to date after a change
    }


class App:
    """What exists before Discord; :meth:`attach_discord` builds the rest once the client exists."""

    def __init__(
        self,
        catalog: Catalog,
        db: Database,
        clock: Clock = utc_now,
        *,
        sender: SenderOptions | None = None,
        scheduler: SchedulerOptions | None = None,
    ) -> None:
        self.catalog = catalog
        self.db = db
        self.clock = clock
        self.sender_options = sender
        self.scheduler_options = scheduler
        self._attached = False

    def attach_discord(self, client: discord.Client) -> Services:
        """Every service, wired, for the bot ``client`` (called once, from the bot's constructor; a second call
        raises: one root builds one set of services, for one client)."""
        if self._attached:
            raise RuntimeError("App.attach_discord was already called: build a new App for another client")
        self._attached = True
        catalog, db, clock = self.catalog, self.db, self.clock

        async def airing_changed(tx: Tx, guild_id: int, now: dt.datetime) -> None:
            await rewatch.airing_settings_changed(tx, guild_id, now)  # the rewatch service, built below

        guilds = GuildConfigService(catalog, db, airing_changed=airing_changed)
        personal = PersonalReminderService(db, guilds)
        pulse = PulseService(catalog, db, guilds, DiscordPollReader(client))

        async def window_changed(tx: Tx, guild_id: int, now: dt.datetime) -> None:
            await rewatch.airing_settings_changed(tx, guild_id, now)  # lays the broadcast's slots, runs every planner

        window = SpoilerWindowService(catalog, db, guilds, replan=window_changed)
        # Plans that follow other features' changes, inside those changes' units of work:
        rewatch = RewatchService(catalog, db, guilds, planners=(pulse.plan, personal.plan_airing, window.plan))
        progress = ProgressService(catalog, db, party_changed=personal.plan_party)
        parties = WatchPartyService(catalog, db, party_changed=personal.plan_party)
        discussion = DiscussionService(db)
        members = MemberService(db)
        language = LanguageService(catalog, guilds, db, preferred_locale=server_locale(client))
        threads = DiscordThreads(client, catalog, guilds, language, discussion, clock)
        sender = PacedSender(DiscordTransport(client), options=self.sender_options, wall_clock=clock)
        table = deliveries(
            catalog=catalog, guilds=guilds, rewatch=rewatch, threads=threads, parties=parties, members=members,
            personal=personal, pulse=pulse, language=language, sender=sender, window=window,
            automod=DiscordAutoMod(client, sender), discussion=discussion,
        )  # fmt: skip
        scheduler = ReminderScheduler(
            db, clock, sender, table, staff_report=StaffReport(language), options=self.scheduler_options
        )
        return Services(
            catalog=catalog,
            clock=clock,
            cast=CastSearch(catalog),
            airing=AiringService(catalog),
            progress=progress,
            guilds=guilds,
            language=language,
            members=members,
            discussion=discussion,
            parties=parties,
            rewatch=rewatch,
            spoiler_line=SpoilerLineService(guilds, rewatch),
            spoiler_window=window,
            personal=personal,
            pulse=pulse,
            catchup=CatchupService(catalog, guilds, rewatch, progress),
            calendar=CalendarService(catalog, db, guilds, rewatch, discussion, personal),
            retention=RetentionService(db),
            sender=sender,
            reminders=scheduler,
            threads=threads,
        )
