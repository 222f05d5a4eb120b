"""Watch parties: validation, end times, the per-server limit, RSVPs and their reminders."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.catalog import Catalog
from bot.errors import UserError
from bot.services.scheduler import epoch
from bot.store import PartyRepository, PartyRow, ReminderRepository, RsvpChange

MAX_UPCOMING_PER_GUILD = 25
MAX_CAPACITY = 500
NOTE_LIMIT = 300
BREAK_BETWEEN_EPISODES = dt.timedelta(minutes=10)
DEFAULT_OFFSETS = (3600, 600, 0)  # 1 hour and 10 minutes before, and "starting now"
REMINDER_KIND = "party"

_RANGE = re.compile(r"^\s*(?:ep(?:isodes?)?\.?\s*)?(\d{1,2})\s*(?:(?:-|–|—|to|through)\s*(\d{1,2}))?\s*$", re.I)


def parse_episodes(text: str, last: int) -> tuple[int, int]:
    """``"3"`` or ``"3-4"`` (also "3 to 4", "ep 3–4") -> (first, last), checked against the pack."""
    match = _RANGE.match(text)
    if not match:
        raise UserError(f"I couldn't read {text[:40]!r} as episodes. Use one episode like `3` or a range like `3-4`.")
    first = int(match.group(1))
    final = int(match.group(2) or first)
    if not 1 <= first <= last or not 1 <= final <= last:
        raise UserError(f"Run On has episodes 1 to {last}; {text.strip()!r} is outside that.")
    if final < first:
        raise UserError(f"The range {first}-{final} runs backwards; did you mean {final}-{first}?")
    return first, final


def episodes_label(first: int, last: int) -> str:
    return f"episode {first}" if first == last else f"episodes {first}-{last}"


@dataclass(frozen=True, slots=True)
class Party:
    row: PartyRow
    counts: dict[str, int]

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def starts(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.row.starts_at, dt.UTC)

    @property
    def ends(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.row.ends_at, dt.UTC)

    @property
    def episodes(self) -> str:
        return episodes_label(self.row.first_episode, self.row.last_episode)

    @property
    def full(self) -> bool:
        return self.row.capacity is not None and self.counts["going"] >= self.row.capacity


def may_manage(party: PartyRow, user_id: int, *, manage_events: bool) -> bool:
    """Only the host, or members with Manage Events, may edit or cancel a party."""
    return user_id == party.host_id or manage_events


class WatchPartyService:
    """Start times come from :func:`bot.services.timeparse.parse_when`, which holds the one rule for when a party
    may start (not in the past, at most a year ahead); this service does not check them again."""

    def __init__(self, catalog: Catalog, parties: PartyRepository, reminders: ReminderRepository) -> None:
        self._catalog = catalog
        self._parties = parties
        self._reminders = reminders

    def end_for(self, starts: dt.datetime, first: int, last: int) -> dt.datetime:
        """Start plus every episode's runtime and a short break between episodes."""
        count = last - first + 1
        runtime = dt.timedelta(minutes=self._catalog.show.runtime_minutes)
        return starts + count * runtime + (count - 1) * BREAK_BETWEEN_EPISODES

    async def party(self, party_id: int, guild_id: int) -> Party:
        row = await self._parties.get(party_id)
        if row is None or row.guild_id != guild_id:
            raise UserError(f"There is no watch party #{party_id} in this server. `/watchparty list` shows them.")
        return Party(row, await self._parties.counts(row.id))

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
    ) -> Party:
        first, last = parse_episodes(episodes, self._catalog.episode_count)
        note = self._check_note(note)
        self._check_capacity(capacity)
        if await self._parties.count_upcoming(guild_id, epoch(now)) >= MAX_UPCOMING_PER_GUILD:
            raise UserError(
                f"This server already has {MAX_UPCOMING_PER_GUILD} upcoming watch parties, the most it can hold. "
                "Cancel one with `/watchparty cancel` first."
            )
        row = await self._parties.create(
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
        await self._reminders.schedule(REMINDER_KIND, guild_id, row.id, row.starts_at, offsets)
        return Party(row, {"going": 1, "maybe": 0, "declined": 0, "waitlist": 0})  # the host, added by create

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
        """Apply the given changes. Returns the party, whether its time changed, and members promoted
        from the wait list by a larger capacity."""
        self._check_open(party, now)
        row = party.row
        changes: dict[str, object] = {}
        first, last = row.first_episode, row.last_episode
        if episodes is not None:
            first, last = parse_episodes(episodes, self._catalog.episode_count)
            changes.update(first_episode=first, last_episode=last)
        new_start = party.starts
        if starts is not None:
            new_start = starts
            changes["starts_at"] = epoch(starts)
        if zone is not None:
            changes["timezone"] = zone.key
        if starts is not None or episodes is not None:
            changes["ends_at"] = epoch(self.end_for(new_start, first, last))
        if note is not None:
            changes["note"] = self._check_note(note)
        if channel_id is not None:
            changes["channel_id"] = channel_id
        promoted: tuple[int, ...] = ()
        if capacity is not None or clear_capacity:
            self._check_capacity(capacity)
            promoted = await self._parties.set_capacity(row.id, None if clear_capacity else capacity, epoch(now))
        if not changes and capacity is None and not clear_capacity:
            raise UserError("Nothing to change: give at least one of when, episodes, note, capacity or channel.")
        if changes:
            row = await self._parties.update(row.id, epoch(now), **changes)
        else:
            refreshed = await self._parties.get(row.id)
            assert refreshed is not None
            row = refreshed
        moved = row.starts_at != party.row.starts_at
        if moved:
            await self._reminders.schedule(REMINDER_KIND, row.guild_id, row.id, row.starts_at, offsets)
        return Party(row, await self._parties.counts(row.id)), moved, promoted

    async def cancel(self, party: Party, now: dt.datetime) -> Party:
        self._check_open(party, now)
        row = await self._parties.update(party.id, epoch(now), status="cancelled")
        await self._reminders.cancel(REMINDER_KIND, party.id, "party cancelled")
        return Party(row, party.counts)

    async def rsvp(self, party: Party, user_id: int, status: str, now: dt.datetime) -> tuple[Party, RsvpChange]:
        if party.row.status != "scheduled":
            raise UserError("This watch party was cancelled.")
        if party.ends <= now:
            raise UserError("This watch party is over.")
        change = await self._parties.set_rsvp(party.id, user_id, status, epoch(now))
        return Party(party.row, await self._parties.counts(party.id)), change

    async def upcoming(self, guild_id: int, now: dt.datetime, *, limit: int, offset: int) -> list[Party]:
        rows = await self.upcoming_rows(guild_id, now, limit=limit, offset=offset)
        counts = await self._parties.counts_for([row.id for row in rows])
        return [Party(row, counts[row.id]) for row in rows]

    async def upcoming_rows(self, guild_id: int, now: dt.datetime, *, limit: int, offset: int = 0) -> list[PartyRow]:
        """Upcoming parties without their RSVP counts (for autocomplete)."""
        return await self._parties.upcoming(guild_id, epoch(now), limit=limit, offset=offset)

    async def count_upcoming(self, guild_id: int, now: dt.datetime) -> int:
        return await self._parties.count_upcoming(guild_id, epoch(now))

    async def going(self, party_id: int) -> list[int]:
        return await self._parties.members(party_id, "going")

    async def waitlist(self, party_id: int) -> list[int]:
        return await self._parties.members(party_id, "waitlist")

    async def get_row(self, party_id: int) -> PartyRow | None:
        return await self._parties.get(party_id)

    async def set_posted(self, party_id: int, message_id: int, event_id: int | None, now: dt.datetime) -> None:
        """Remember the announcement message and the Discord event (if one was made)."""
        await self._parties.update(party_id, epoch(now), announcement_message_id=message_id, event_id=event_id)

    @staticmethod
    def _check_note(note: str) -> str:
        note = note.strip()
        if len(note) > NOTE_LIMIT:
            raise UserError(f"The note is {len(note)} characters; keep it under {NOTE_LIMIT}.")
        return note

    @staticmethod
    def _check_capacity(capacity: int | None) -> None:
        if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
            raise UserError(f"Capacity must be between 1 and {MAX_CAPACITY} (or leave it empty for no limit).")

    @staticmethod
    def _check_open(party: Party, now: dt.datetime) -> None:
        if party.row.status == "cancelled":
            raise UserError(f"Watch party #{party.id} was already cancelled.")
        if party.ends <= now:
            raise UserError(f"Watch party #{party.id} is already over.")
