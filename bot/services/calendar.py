"""Calendar files (RFC 5545, written with the ``icalendar`` library): a server's upcoming episodes and watch
parties, or one member's own parties with their own reminder times as alarms.

Every time is a UTC instant (``DTSTART:20261202T120000Z``), so each calendar app shows it in its own zone
and no VTIMEZONE is needed. UIDs are stable (the server and episode, or the party), so importing a newer
file updates the events instead of adding copies; SEQUENCE grows with every export for apps that compare it.
Events name episode numbers only: no plot, and no party notes (a host's free text could spoil).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from msgspec import Struct

from bot.catalog import Catalog
from bot.clock import epoch, instant
from bot.statuses import RewatchStatus, Rsvp
from bot.store import Database, PartyRow, parties

from .discussion import DiscussionService
from .guild_config import GuildConfigService
from .personal import PersonalReminderService
from .rewatch import RewatchService

PRODID = "-//runon-bot//Run On calendar//EN"
UID_DOMAIN = "runon-bot"
MAX_PARTIES = 100


def discord_link(guild_id: int, channel_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}"


class Entry(Struct, frozen=True):
    """One calendar event, before its words are chosen."""

    uid: str
    start: dt.datetime
    end: dt.datetime
    guild_id: int
    first_episode: int
    last_episode: int
    channel_id: int | None  # where it happens or is talked about (a thread, the party's channel)
    party_id: int | None = None  # None for an episode
    rewatch: bool = False  # an episode of the server's rewatch (else the broadcast)
    rsvp: Rsvp | None = None  # the member's answer to a party
    going: int = 0
    alarms: tuple[int, ...] = ()  # the member's own reminder times, seconds before the start

    @property
    def link(self) -> str | None:
        return None if self.channel_id is None else discord_link(self.guild_id, self.channel_id)


class Listing(Struct, frozen=True):
    entries: tuple[Entry, ...]
    paused: bool = False  # the server's rewatch is paused: its episodes have no dates now


class CalendarText(Struct, frozen=True):
    name: str  # the calendar's name
    summary: Callable[[Entry], str]
    description: Callable[[Entry], str]
    alarm: Callable[[Entry], str]


def to_ics(entries: Sequence[Entry], text: CalendarText, now: dt.datetime) -> bytes:
    import icalendar  # 3 MiB and 60 ms: loaded by the first export, not at every start

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # The name comes from the server's name (any text: commas, semicolons, new lines): written as TEXT, escaped
    # (RFC 5545 3.3.11), under both the standard NAME (RFC 7986) and the X-WR-CALNAME most apps read.
    calendar.add("name", icalendar.vText(text.name))
    calendar.add("x-wr-calname", icalendar.vText(text.name))
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    sequence = epoch(now) // 60  # every export is a newer revision than the previous one
    for entry in entries:
        event = icalendar.Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("sequence", sequence)
        event.add("dtstart", entry.start.astimezone(dt.UTC))
        event.add("dtend", entry.end.astimezone(dt.UTC))
        event.add("summary", text.summary(entry))
        event.add("description", text.description(entry))
        event.add("status", "CONFIRMED")
        if entry.link is not None:
            event.add("url", entry.link)
            event.add("location", entry.link)
        for offset in entry.alarms:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", text.alarm(entry))
            alarm.add("trigger", dt.timedelta(seconds=-offset))
            event.add_component(alarm)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


class CalendarService:
    def __init__(
        self,
        catalog: Catalog,
        db: Database,
        guilds: GuildConfigService,
        rewatch: RewatchService,
        discussion: DiscussionService,
        personal: PersonalReminderService,
    ) -> None:
        self._catalog = catalog
        self._db = db
        self._guilds = guilds
        self._rewatch = rewatch
        self._discussion = discussion
        self._personal = personal

    def _runtime(self) -> dt.timedelta:
        return dt.timedelta(minutes=self._catalog.show.runtime_minutes)

    async def server(self, guild_id: int, user_id: int, now: dt.datetime) -> Listing:
        """The server's upcoming episodes (its rewatch, else the broadcast where it lies ahead) and watch parties,
        with the member's RSVP to each party."""
        row, schedule = await self._rewatch.current(guild_id)
        paused = row is not None and row.status == RewatchStatus.PAUSED
        if row is not None:
            airings = [] if paused else [(a.episode, a.airs_at) for a in schedule if a.airs_at > now]
        else:
            airings = [(e.number, e.airs_at) for e in self._catalog.episodes if e.airs_at > now]
        config = await self._guilds.get(guild_id)
        entries: list[Entry] = []
        for episode, airs_at in sorted(airings, key=lambda a: a[1]):
            thread = await self._discussion.thread(guild_id, episode)
            where = thread.thread_id if thread is not None else config.airing_channel_id or config.discussion_channel_id
            entries.append(
                Entry(
                    f"runon-{guild_id}-episode-{episode}@{UID_DOMAIN}",
                    airs_at,
                    airs_at + self._runtime(),
                    guild_id,
                    episode,
                    episode,
                    where,
                    rewatch=row is not None,
                )
            )
        async with self._db.read() as conn:
            upcoming = await parties.upcoming(conn, guild_id, epoch(now), limit=MAX_PARTIES)
            counts = await parties.counts_for(conn, [p.id for p in upcoming])
            answers = {p.id: answer for p, answer in await parties.parties_of(conn, user_id, epoch(now))}
        for party in upcoming:
            entries.append(self._party(party, answers.get(party.id), counts[party.id][Rsvp.GOING], ()))
        return Listing(tuple(sorted(entries, key=lambda e: (e.start, e.uid))), paused)

    async def mine(self, user_id: int, now: dt.datetime) -> Listing:
        """The parties the member is going to (in every server), with their own reminder times as alarms."""
        own = await self._personal.party_times(user_id)
        alarms = own.offsets or ()
        async with self._db.read() as conn:
            going = [p for p, answer in await parties.parties_of(conn, user_id, epoch(now)) if answer == Rsvp.GOING]
            counts = await parties.counts_for(conn, [p.id for p in going])
        entries = [self._party(p, Rsvp.GOING, counts[p.id][Rsvp.GOING], alarms) for p in going]
        return Listing(tuple(sorted(entries, key=lambda e: (e.start, e.uid))))

    @staticmethod
    def _party(party: PartyRow, rsvp: Rsvp | None, going: int, alarms: tuple[int, ...]) -> Entry:
        return Entry(
            f"runon-party-{party.id}@{UID_DOMAIN}",
            instant(party.starts_at),
            instant(party.ends_at),
            party.guild_id,
            party.first_episode,
            party.last_episode,
            party.channel_id,
            party_id=party.id,
            rsvp=rsvp,
            going=going,
            alarms=alarms,
        )
