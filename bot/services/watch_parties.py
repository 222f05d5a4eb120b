"""Watch parties: validation, end times, the per-server limit, RSVPs and their reminders."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from msgspec import Struct

from bot.catalog import Catalog
from bot.clock import epoch, instant
from bot.errors import UserError
from bot.locale import msg
from bot.services.timeparse.lexicon import parser_words
from bot.statuses import ANSWERS, PartyStatus, ReminderKind, Rsvp
from bot.store import FORMER_MEMBER, Database, PartyRow, Tx, lock_key, parties, reminders
from bot.store.dialect import LOCK_PARTIES
from bot.store.parties import CreateLimits

from .locks import KeyedLocks

__all__ = ["ANSWERS", "Party", "PartyStatus", "PartyView", "Rsvp", "RsvpResult", "RsvpView", "WatchPartyService"]

MAX_UPCOMING_PER_GUILD = 25
#: One member may host this many of a server's upcoming parties (staff plan as many as the server holds).
MAX_UPCOMING_PER_HOST = 5
#: And plan at most this many parties (cancelled ones count) per window: no create/cancel loops of cards and events.
CREATES_PER_WINDOW = 3
CREATE_WINDOW = dt.timedelta(minutes=10)
MAX_CAPACITY = 500
NOTE_LIMIT = 300
BREAK_BETWEEN_EPISODES = dt.timedelta(minutes=10)
THREAD_PARENTS_KEPT = 10_000  # archived threads remembered with their channel
DEFAULT_OFFSETS = (3600, 600, 0)  # 1 hour and 10 minutes before, and "starting now"
MAX_ID = 2**63  # ids are signed 64-bit; a larger number (a forged button) names no party

#: Whether the member asking can see a channel of the server (parties announced in channels they cannot see are
#: left out of what they are shown).
Visible = Callable[[int], bool]

#: Re-plans members' own reminders of a party inside a unit of work: (tx, party id, now, the members whose
#: answer changed, or None for everyone).
PartyChanged = Callable[[Tx, int, dt.datetime, tuple[int, ...] | None], Awaitable[None]]


async def nothing_follows(tx: Tx, party_id: int, now: dt.datetime, users: tuple[int, ...] | None) -> None:
    """A party change nothing else plans from (a service tested on its own)."""


@functools.cache
def _range() -> re.Pattern[str]:
    """One episode or a range, with the time lexicons' words (``[parsers.episodes]``): "3", "ep 3-4", "3 to 4",
    "3화", "3~4화", "3부터 4화까지"."""
    words = parser_words()

    def any_of(spellings: tuple[str, ...]) -> str:
        return "|".join(re.escape(word) for word in sorted(spellings, key=len, reverse=True)) or "(?!)"

    before, after, ends = any_of(words.episode_before), any_of(words.episode_after), any_of(words.range_ends)
    between = "|".join(("-", "–", "—", "~", any_of(words.range_words)))
    return re.compile(
        rf"^\s*(?:(?:{before})\.?\s*)?(\d{{1,2}})\s*(?:(?:{after})\s*)?"
        rf"(?:(?:{between})\s*(\d{{1,2}})\s*(?:{after})?(?:{ends})?)?\s*$",
        re.I,
    )


def parse_episodes(text: str, last: int) -> tuple[int, int]:
    """``"3"`` or ``"3-4"`` (also "3 to 4", "ep 3–4", "3화", "3-4화", "3~4화") -> (first, last), checked against the
    pack."""
    match = _range().match(text)
    if not match:
        raise UserError(
            "I couldn't read {text} as episodes. Use one episode like `3` or a range like `3-4`.", text=repr(text[:40])
        )
    first = int(match.group(1))
    final = int(match.group(2) or first)
    if not 1 <= first <= last or not 1 <= final <= last:
        raise UserError("Run On has episodes 1 to {last}; {text} is outside that.", last=last, text=repr(text.strip()))
    if final < first:
        raise UserError(
            "The range {first}-{last} runs backwards; did you mean {last}-{first}?", first=first, last=final
        )
    return first, final


def episodes_label(first: int, last: int) -> str:
    """English, for logs and event names in code that has no reader (members see ``Texts.episodes``)."""
    return f"episode {first}" if first == last else f"episodes {first}-{last}"


class PartyView(Struct, frozen=True):
    """A watch party as the service hands it out (times in UTC epoch seconds, as stored)."""

    id: int
    guild_id: int
    channel_id: int
    host_id: int  # :attr:`host_left` when the host deleted their data
    first_episode: int
    last_episode: int
    starts_at: int
    ends_at: int
    timezone: str
    note: str
    capacity: int | None
    announcement_message_id: int | None
    event_id: int | None
    status: PartyStatus

    @property
    def host_left(self) -> bool:
        """The host deleted their data: the party stays, hosted by nobody anyone can ping."""
        return self.host_id == FORMER_MEMBER


def party_view(row: PartyRow) -> PartyView:
    return PartyView(
        row.id, row.guild_id, row.channel_id, row.host_id, row.first_episode, row.last_episode, row.starts_at,
        row.ends_at, row.timezone, row.note, row.capacity, row.announcement_message_id, row.event_id, row.status,
    )  # fmt: skip


class Party(Struct, frozen=True):
    """A party with its RSVP counts (every answer present, 0 when nobody gave it)."""

    view: PartyView
    counts: dict[Rsvp, int]

    @property
    def id(self) -> int:
        return self.view.id

    @property
    def starts(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.view.starts_at, dt.UTC)

    @property
    def ends(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.view.ends_at, dt.UTC)

    @property
    def episodes(self) -> str:
        return episodes_label(self.view.first_episode, self.view.last_episode)

    @property
    def full(self) -> bool:
        return self.view.capacity is not None and self.counts[Rsvp.GOING] >= self.view.capacity


def _party(row: PartyRow, counts: dict[Rsvp, int]) -> Party:
    return Party(party_view(row), counts)


class NoSuchParty(UserError):
    """A party id that names no party of this server (deleted, another server's, or never one)."""

    def __init__(self, party_id: int) -> None:
        super().__init__(
            msg("There is no watch party #{party} in this server. `/watchparty list` shows them.", party=party_id)
        )


class RsvpView(Struct, frozen=True):
    status: Rsvp  # what the member ended up with (a full party turns "going" into "waitlist")
    promoted: tuple[int, ...]  # members moved from the wait list to going by this answer
    previous: Rsvp | None  # their answer before (None: they had not answered)


class RsvpResult(Struct, frozen=True):
    party: Party
    change: RsvpView
    waitlist_place: int | None  # 1-based, when the member is on the wait list


def may_manage(party: PartyView, user_id: int, *, manage_events: bool) -> bool:
    """Only the host, or members with Manage Events, may edit or cancel a party."""
    return user_id == party.host_id or manage_events


class WatchPartyService:
    """Start times come from :func:`bot.services.timeparse.parse_when`, which holds the one rule for when a party
    may start (not in the past, at most a year ahead); this service does not check them again."""

    def __init__(self, catalog: Catalog, db: Database, *, party_changed: PartyChanged = nothing_follows) -> None:
        self._catalog = catalog
        self._db = db
        # Clicks on one party are taken in the order they arrived (asyncio locks are first come, first served);
        # across processes the party's row lock serializes them.
        self._party_locks = KeyedLocks()
        self._party_changed = party_changed  # members' own reminders follow the party (inside its unit of work)
        #: Archived threads (discord.py drops them from its cache) and the channel each belongs to, as Discord
        #: told the bot: who may see a party announced in one is decided by that channel. In memory, bounded.
        self._thread_parents: OrderedDict[int, int] = OrderedDict()

    async def _changed(self, tx: Tx, party_id: int, now: dt.datetime, users: tuple[int, ...] | None) -> None:
        await self._party_changed(tx, party_id, now, users)

    def note_thread_parent(self, thread_id: int, parent_id: int) -> None:
        self._thread_parents[thread_id] = parent_id
        self._thread_parents.move_to_end(thread_id)
        while len(self._thread_parents) > THREAD_PARENTS_KEPT:
            self._thread_parents.popitem(last=False)

    def thread_parent(self, thread_id: int) -> int | None:
        return self._thread_parents.get(thread_id)

    def threads_of(self, parent_id: int) -> set[int]:
        return {thread for thread, parent in self._thread_parents.items() if parent == parent_id}

    async def cancel_in_channels(self, guild_id: int, channel_ids: set[int], now: dt.datetime) -> list[Party]:
        """Cancel the upcoming parties announced in channels (or threads) that were deleted: their card, reminders
        and RSVP buttons are gone with the channel, so nobody can go to them any more."""
        async with self._db.read() as conn:
            upcoming = await parties.upcoming(conn, guild_id, epoch(now), limit=-1)
        rows = [r for r in upcoming if r.channel_id in channel_ids]
        cancelled = []
        for row in rows:
            party = await self.current(row.id)
            if party is None or party.view.status != PartyStatus.SCHEDULED:
                continue
            try:
                cancelled.append(await self.cancel(party, now))
            except UserError:  # already started: it ends by itself
                continue
        return cancelled

    def end_for(self, starts: dt.datetime, first: int, last: int) -> dt.datetime:
        """Start plus every episode's runtime and a short break between episodes."""
        count = last - first + 1
        runtime = dt.timedelta(minutes=self._catalog.show.runtime_minutes)
        return starts + count * runtime + (count - 1) * BREAK_BETWEEN_EPISODES

    async def party(self, party_id: int, guild_id: int, visible: Visible | None = None) -> Party:
        """The party, if it is this server's (and, with ``visible``, announced in a channel the member can see:
        a party in a private channel does not exist for others)."""
        async with self._db.read() as conn:
            row = await parties.get(conn, party_id) if 0 < party_id < MAX_ID else None
            if row is None or row.guild_id != guild_id or (visible is not None and not visible(row.channel_id)):
                raise NoSuchParty(party_id)
            return _party(row, await parties.counts(conn, row.id))

    async def create(
        self,
        *,
        guild_id: int,
        channel_id: int,
        host_id: int,
        episodes: str,
        starts: dt.datetime,
        zone: ZoneInfo,
        note: str,
        capacity: int | None,
        offsets: tuple[int, ...],
        now: dt.datetime,
        staff: bool = False,
    ) -> Party:
        """The party, its host going and its reminders: one unit of work (a crash leaves nothing half made).

        A member (not ``staff``) hosts at most :data:`MAX_UPCOMING_PER_HOST` upcoming parties of a server and plans
        at most :data:`CREATES_PER_WINDOW` in :data:`CREATE_WINDOW`."""
        first, last = parse_episodes(episodes, self._catalog.episode_count)
        note = self._check_note(note)
        self._check_capacity(capacity)

        async def work(tx: Tx) -> PartyRow:
            await lock_key(tx.conn, LOCK_PARTIES, guild_id)  # two creates at once must not both pass the limit
            since = epoch(now - CREATE_WINDOW)
            limits = await parties.create_limits(tx.conn, guild_id, host_id, epoch(now), since, CREATES_PER_WINDOW)
            if limits.upcoming >= MAX_UPCOMING_PER_GUILD:
                raise UserError(
                    "This server already has {limit} upcoming watch parties, the most it can hold. "
                    "Cancel one with `/watchparty cancel` first.",
                    limit=MAX_UPCOMING_PER_GUILD,
                )
            if not staff:
                self._check_host_limits(limits, now)
            row = await parties.create(
                tx.conn,
                guild_id=guild_id,
                channel_id=channel_id,
                host_id=host_id,
                episodes=(first, last),
                starts_at=epoch(starts),
                ends_at=epoch(self.end_for(starts, first, last)),
                timezone=zone.key,
                note=note,
                capacity=capacity,
                now=epoch(now),
            )
            await reminders.schedule(tx.conn, ReminderKind.PARTY, guild_id, row.id, row.starts_at, offsets, new=True)
            await self._changed(tx, row.id, now, (host_id,))
            return row

        row = await self._db.run(work)  # one unit of work: one trip to SQLite's thread
        return _party(row, {**dict.fromkeys(Rsvp, 0), Rsvp.GOING: 1})  # the host, added by create

    async def edit(
        self,
        party: Party,
        *,
        now: dt.datetime,
        offsets: tuple[int, ...],
        starts: dt.datetime | None = None,
        zone: ZoneInfo | None = None,
        episodes: str | None = None,
        note: str | None = None,
        capacity: int | None = None,
        clear_capacity: bool = False,
        channel_id: int | None = None,
    ) -> tuple[Party, bool, tuple[int, ...]]:
        """Apply the given changes in one unit of work. Returns the party, whether its time changed, and
        members promoted from the wait list by a larger capacity."""
        changes: dict[str, object] = {}
        if episodes is not None:
            first, last = parse_episodes(episodes, self._catalog.episode_count)
            changes.update(first_episode=first, last_episode=last)
        if starts is not None:
            changes["starts_at"] = epoch(starts)
        if zone is not None:
            changes["timezone"] = zone.key
        if note is not None:
            changes["note"] = self._check_note(note)
        if channel_id is not None:
            changes["channel_id"] = channel_id
        if capacity is not None or clear_capacity:
            self._check_capacity(capacity)
            changes["capacity"] = None if clear_capacity else capacity
        if not changes:
            raise UserError("Nothing to change: give at least one of when, episodes, note, capacity or channel.")
        async with self._db.transaction() as tx:
            current = await parties.lock(tx.conn, party.id)
            if current is None:
                raise UserError("Watch party #{party} no longer exists.", party=party.id)
            self._check_open(_party(current, party.counts), now)
            first = int(changes.get("first_episode", current.first_episode))  # type: ignore[call-overload]
            last = int(changes.get("last_episode", current.last_episode))  # type: ignore[call-overload]
            new_start = starts or instant(current.starts_at)
            if starts is not None or episodes is not None:
                changes["ends_at"] = epoch(self.end_for(new_start, first, last))
            row = await parties.update(tx.conn, party.id, epoch(now), **changes)
            promoted: tuple[int, ...] = ()
            if "capacity" in changes:
                promoted = await parties.promote(tx.conn, row.id, row.capacity, epoch(now))
            moved = row.starts_at != current.starts_at
            if moved:
                await reminders.schedule(tx.conn, ReminderKind.PARTY, row.guild_id, row.id, row.starts_at, offsets)
            if moved or promoted:
                await self._changed(tx, row.id, now, None if moved else promoted)
            counts = await parties.counts(tx.conn, row.id)
        return _party(row, counts), moved, promoted

    async def cancel(self, party: Party, now: dt.datetime) -> Party:
        async with self._db.transaction() as tx:
            current = await parties.lock(tx.conn, party.id)
            if current is None:
                raise UserError("Watch party #{party} no longer exists.", party=party.id)
            self._check_open(_party(current, party.counts), now)
            row = await parties.update(tx.conn, party.id, epoch(now), status=PartyStatus.CANCELLED)
            await reminders.cancel(tx.conn, ReminderKind.PARTY, party.id, "party cancelled")
            await self._changed(tx, party.id, now, None)
        return _party(row, party.counts)

    async def rsvp(self, party_id: int, guild_id: int, user_id: int, status: Rsvp, now: dt.datetime) -> RsvpResult:
        """One member's answer, applied atomically against the capacity and the wait list, and the counts for the
        card as this answer left them, read in the same unit of work."""

        async def work(tx: Tx) -> RsvpResult:
            row, previous, plans = (
                await parties.lock_for_answer_and_plans(tx.conn, party_id, user_id, ReminderKind.PARTY_DM)
                if 0 < party_id < MAX_ID
                else (None, None, False)
            )
            if row is None or row.guild_id != guild_id:
                raise NoSuchParty(party_id)
            if row.status != PartyStatus.SCHEDULED:
                raise UserError("This watch party was cancelled.")
            if instant(row.ends_at) <= now:
                raise UserError("This watch party is over.")
            change = await parties.set_rsvp(tx.conn, row, user_id, status, epoch(now), previous)
            # The member's own DM times are re-planned only if they have any (read with the lock: the common click
            # costs no statement for it), or when members were promoted (the planner asks about them itself).
            if plans or change.promoted:
                await self._changed(tx, row.id, now, (user_id, *change.promoted))
            counts = await parties.counts(tx.conn, row.id)
            place = None
            if change.status == Rsvp.WAITLIST:
                waiting = await parties.members(tx.conn, row.id, Rsvp.WAITLIST)
                place = waiting.index(user_id) + 1 if user_id in waiting else None
            return RsvpResult(_party(row, counts), RsvpView(change.status, change.promoted, change.previous), place)

        async with self._party_locks(party_id):
            return await self._db.run(work)  # the answer and the counts it leaves: one trip to SQLite's thread

    async def upcoming(
        self, guild_id: int, now: dt.datetime, *, limit: int, offset: int, visible: Visible | None = None
    ) -> tuple[int, list[Party]]:
        """How many upcoming parties there are, and one page of them with their counts; with ``visible``, only
        parties announced in channels the member can see (a server holds at most a few dozen upcoming parties, so
        they are filtered here, not in SQL)."""
        async with self._db.read() as conn:
            if visible is None:
                total = await parties.count_upcoming(conn, guild_id, epoch(now))
                rows = await parties.upcoming(conn, guild_id, epoch(now), limit=limit, offset=offset)
            else:
                seen = [
                    r for r in await parties.upcoming(conn, guild_id, epoch(now), limit=-1) if visible(r.channel_id)
                ]
                total, rows = len(seen), seen[offset : offset + limit]
            counts = await parties.counts_for(conn, [row.id for row in rows])
        return total, [_party(row, counts[row.id]) for row in rows]

    async def upcoming_rows(
        self, guild_id: int, now: dt.datetime, *, limit: int, offset: int = 0, visible: Visible | None = None
    ) -> list[PartyView]:
        """Upcoming parties without their RSVP counts (for autocomplete); with ``visible``, only those the member
        can see."""
        async with self._db.read() as conn:
            if visible is None:
                rows = await parties.upcoming(conn, guild_id, epoch(now), limit=limit, offset=offset)
                return [party_view(r) for r in rows]
            rows = await parties.upcoming(conn, guild_id, epoch(now), limit=-1)
        return [party_view(r) for r in rows if visible(r.channel_id)][offset : offset + limit]

    async def going(self, party_id: int) -> list[int]:
        async with self._db.read() as conn:
            return await parties.members(conn, party_id, Rsvp.GOING)

    async def get_row(self, party_id: int) -> PartyView | None:
        """The party as stored, without its counts."""
        async with self._db.read() as conn:
            row = await parties.get(conn, party_id)
        return None if row is None else party_view(row)

    async def current(self, party_id: int) -> Party | None:
        """The party as stored now, with its counts (e.g. to refresh its card)."""
        async with self._db.read() as conn:
            row = await parties.get(conn, party_id)
            return None if row is None else _party(row, await parties.counts(conn, party_id))

    async def set_posted(self, party_id: int, message_id: int | None, event_id: int | None, now: dt.datetime) -> None:
        """Remember the announcement message and the Discord event (if one was made)."""

        async def posted(tx: Tx) -> None:
            await parties.set_posted(tx.conn, party_id, message_id, event_id, epoch(now))

        await self._db.run(posted)

    @staticmethod
    def _check_host_limits(limits: CreateLimits, now: dt.datetime) -> None:
        hosted = limits.hosted
        if hosted >= MAX_UPCOMING_PER_HOST:
            raise UserError(
                "You already host {count} upcoming watch parties in this server, the most one member can. Cancel "
                "one with `/watchparty cancel`, or ask staff to plan more.",
                count=hosted,
            )
        if limits.recent >= CREATES_PER_WINDOW and limits.nth_latest is not None:
            opens = limits.nth_latest + int(CREATE_WINDOW.total_seconds())
            raise UserError(
                "You've planned {count} watch parties in the last {minutes} minutes, the most for one member. Try "
                "again in {seconds} seconds.",
                count=limits.recent,
                minutes=int(CREATE_WINDOW.total_seconds() // 60),
                seconds=max(opens - epoch(now), 1),
            )

    @staticmethod
    def _check_note(note: str) -> str:
        note = note.strip()
        if len(note) > NOTE_LIMIT:
            raise UserError(
                "The note is {length} characters; keep it under {limit}.", length=len(note), limit=NOTE_LIMIT
            )
        return note

    @staticmethod
    def _check_capacity(capacity: int | None) -> None:
        if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
            raise UserError(
                "Capacity must be between 1 and {limit} (or leave it empty for no limit).", limit=MAX_CAPACITY
            )

    @staticmethod
    def _check_open(party: Party, now: dt.datetime) -> None:
        if party.view.status == PartyStatus.CANCELLED:
            raise UserError("Watch party #{party} was already cancelled.", party=party.id)
        if party.ends <= now:
            raise UserError("Watch party #{party} is already over.", party=party.id)
