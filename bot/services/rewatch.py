"""Rewatch schedules: episodes laid on weekly slots, computed in the slots' own zone.

Every occurrence is built as a local wall-clock time in the slot zone and converted to UTC on its own,
so a schedule crossing a daylight-saving change or a year end keeps its local time (21:00 stays
21:00 where the slots are), and each member sees the right local time through Discord timestamps.
Pure functions: ``now`` is always a parameter.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from zoneinfo import ZoneInfo

from msgspec import Struct

from bot.catalog import WEEKDAYS, Catalog, Slot
from bot.clock import epoch, instant
from bot.errors import UserError
from bot.locale import msg
from bot.services.guild_config import GuildConfigService
from bot.services.timeparse.lexicon import SlotWords, parser_words
from bot.statuses import ReminderKind, RewatchStatus
from bot.store import AiringSlotRow, Database, RewatchRow, Tx, lock_key, reminders, rewatch
from bot.store.dialect import LOCK_REWATCH
from bot.store.sql import Connection

from .cache import Cache

#: Another plan that follows the schedule (episode polls, members' own airing DMs), in the same unit of work.
Planner = Callable[[Tx, int, dt.datetime], Awaitable[None]]

__all__ = ["Airing", "AiringSlot", "Position", "Rewatch", "RewatchService", "RewatchStatus"]

_SLOT = re.compile(r"^([a-z]{3,9})\.?\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.I)


@functools.cache
def _lettered_slots() -> tuple[tuple[re.Pattern[str], SlotWords], ...]:
    """Slots of the languages that write weekdays as single letters run together, with their lexicon's words
    (``[parsers.slots]``): "수 21:00", "수요일 21:00", "수욜 21시", "수목 21:00" (both days), "토요일 오후 8시",
    "수요일 밤 9시", "토 20시 30분"."""

    def any_of(words: Iterable[str]) -> str:
        return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)) or "(?!)"

    found = []
    for words in parser_words().slots:
        hour, minute = re.escape(words.hour), re.escape(words.minute)
        pattern = re.compile(
            rf"^([{re.escape(words.days)}]+)(?:{any_of(words.day_suffixes)})?\s*(?:({any_of(words.parts)})\s*)?"
            rf"(\d{{1,2}})(?::(\d{{2}})|\s*{hour}(?:\s*(\d{{1,2}})\s*{minute}|\s*({any_of(words.half)}))?)$"
        )
        found.append((pattern, words))
    return tuple(found)


MAX_SLOTS = 7


class Airing(Struct, frozen=True):
    episode: int
    airs_at: dt.datetime  # aware UTC


@functools.cache
def _list_split() -> re.Pattern[str]:
    joiners = "|".join(re.escape(word) for word in parser_words().list_joiners)
    return re.compile(rf"[,;]|\b(?:{joiners})\b" if joiners else r"[,;]")


def parse_slots(text: str, *, stored: bool = False) -> tuple[Slot, ...]:
    """``"Wed 21:00, Thu 21:00"`` (also "wednesday 9pm", "수 21:00", "토요일 오후 8시") -> slots, ordered by weekday
    and time. Typed slots with an hour of 1 to 12 and nothing saying morning or evening are asked ("Sat 8",
    "수 9시"); ``stored`` reads what :func:`format_slots` writes, the 24-hour clock ("Mon 10:00")."""
    example = msg("Use a list like `Wed 21:00, Thu 21:00` or `Saturday 8pm`.")
    found: set[tuple[int, dt.time]] = set()
    for part in (p.strip() for p in _list_split().split(text) if p.strip()):
        lettered = next(((m, w) for pattern, w in _lettered_slots() if (m := pattern.match(part))), None)
        if lettered:
            read, words = lettered
            day_chars, part_word, hour_text, minute_text, word_minutes, half_word = read.groups()
            hour = int(hour_text)
            minute = int(minute_text or word_minutes or (30 if half_word else 0))
            if part_word:
                hours, added = words.parts[part_word].hours, words.parts[part_word].added
                if added and hour == 12 and 12 in hours:
                    added = 0  # 오후 12시: noon
                if hour not in hours and not (hour >= 13 and hour - added in hours and added):
                    raise UserError('{part}: {hour}시 isn\'t in the "{half}" part of the day. {example}',
                                    part=repr(part), hour=hour, half=part_word, example=example)  # fmt: skip
                hour = hour + added if hour <= 12 else hour
            elif 1 <= hour <= 12 and not hour_text.startswith("0") and not stored:  # "수 9시": asked, as typed times
                clock = f"{hour}:{minute_text}" if minute_text else part[len(day_chars) :].strip()
                for suffix in () if minute_text else words.day_suffixes:
                    clock = clock.removeprefix(suffix)
                clock = clock.strip()
                first, second = f"{day_chars} {words.am} {clock}", f"{day_chars} {words.pm} {clock}"
                raise UserError('{part}: morning or evening? Write "{first}" or "{second}". {example}',
                                part=repr(part), first=first, second=second, example=example)  # fmt: skip
            if not (0 <= hour <= 23 and 0 <= minute <= 59) or len(set(day_chars)) != len(day_chars):
                raise UserError("{part} is not a time of day. {example}", part=repr(part), example=example)
            found.update((words.days.index(day), dt.time(hour, minute)) for day in day_chars)
            continue
        match = _SLOT.match(part)
        if not match:
            raise UserError("I couldn't read {part} as a weekly slot. {example}", part=repr(part[:30]), example=example)
        day_text, hour_text, minute_text, half = match.groups()
        days = [i for i, name in enumerate(WEEKDAYS) if name.lower().startswith(day_text.lower())]
        if len(days) != 1:
            raise UserError("{day} is not a day of the week. {example}", day=repr(day_text), example=example)
        hour, minute = int(hour_text), int(minute_text or 0)
        if not half and 1 <= hour <= 12 and not hour_text.startswith("0") and not stored:  # "Sat 8": asked
            clock = f"{hour}:{minute_text}" if minute_text else str(hour)
            first, second = f"{day_text} {clock}am", f"{day_text} {clock}pm"
            raise UserError('{part}: morning or evening? Write "{first}" or "{second}". {example}',
                            part=repr(part), first=first, second=second, example=example)  # fmt: skip
        if half:
            if not 1 <= hour <= 12:
                raise UserError("{part}: with am/pm the hour must be 1-12. {example}", part=repr(part), example=example)
            hour = hour % 12 + (12 if half.lower() == "pm" else 0)
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            raise UserError("{part} is not a time of day. {example}", part=repr(part), example=example)
        found.add((days[0], dt.time(hour, minute)))
    if not found:
        raise UserError("Give at least one weekly slot. {example}", example=example)
    if len(found) > MAX_SLOTS:
        raise UserError("At most {limit} slots a week. {example}", limit=MAX_SLOTS, example=example)
    return tuple(Slot(day, clock) for day, clock in sorted(found))


def format_slots(slots: Sequence[Slot]) -> str:
    return ", ".join(f"{s.weekday_name[:3]} {s.time:%H:%M}" for s in slots)


def occurrences(slots: Sequence[Slot], zone: ZoneInfo, after: dt.datetime) -> Iterator[dt.datetime]:
    """Every slot instant (UTC) at or after ``after``, in order, forever."""
    if after.tzinfo is None:
        raise ValueError("after must be timezone-aware")
    day = after.astimezone(zone).date()
    ordered = sorted(slots, key=lambda s: s.time)
    while True:
        for slot in ordered:
            if slot.weekday == day.weekday():
                moment = dt.datetime.combine(day, slot.time, tzinfo=zone).astimezone(dt.UTC)
                if moment >= after:
                    yield moment
        day += dt.timedelta(days=1)


def generate(
    start: dt.date, first_episode: int, last_episode: int, slots: Sequence[Slot], zone: ZoneInfo
) -> list[Airing]:
    """Episodes ``first_episode``..``last_episode`` on the slots, from the first slot on or after ``start``."""
    if not 1 <= first_episode <= last_episode:
        raise UserError("Start from an episode between 1 and {last}.", last=last_episode)
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=zone).astimezone(dt.UTC)
    moments = occurrences(slots, zone, begin)
    return [Airing(n, next(moments)) for n in range(first_episode, last_episode + 1)]


def _same_local_time_later(moment: dt.datetime, zone: ZoneInfo, days: int) -> dt.datetime:
    local = moment.astimezone(zone)
    return dt.datetime.combine(local.date() + dt.timedelta(days=days), local.time(), tzinfo=zone).astimezone(dt.UTC)


def skip_week(schedule: Sequence[Airing], zone: ZoneInfo, now: dt.datetime) -> list[Airing]:
    """Every episode that has not aired yet moves one week on, at the same local slot time."""
    return [a if a.airs_at <= now else Airing(a.episode, _same_local_time_later(a.airs_at, zone, 7)) for a in schedule]


def resume(
    schedule: Sequence[Airing], slots: Sequence[Slot], zone: ZoneInfo, paused_at: dt.datetime, now: dt.datetime
) -> list[Airing]:
    """After a pause: episodes that had not aired when the pause began go on from the next slots, never earlier
    than planned. Each keeps its planned time when that is still ahead and after the previous episode; else it
    takes the next slot after both (so a rewatch planned weeks ahead is not pulled forward, and one that
    missed slots while paused moves on by exactly the slots it missed)."""
    done = [a for a in schedule if a.airs_at <= paused_at]
    resumed = list(done)
    after = now
    for airing in sorted((a for a in schedule if a.airs_at > paused_at), key=lambda a: a.airs_at):
        moment = next(occurrences(slots, zone, max(after, airing.airs_at)))
        resumed.append(Airing(airing.episode, moment))
        after = moment + dt.timedelta(microseconds=1)
    return resumed


class Position(Struct, frozen=True):
    last_aired: int  # 0 when nothing has aired yet (or the rewatch starts later in the show: first - 1)
    next: Airing | None  # None when the rewatch is finished

    @property
    def finished(self) -> bool:
        return self.next is None


def position(schedule: Sequence[Airing], now: dt.datetime) -> Position:
    aired = [a for a in schedule if a.airs_at <= now]
    upcoming = [a for a in schedule if a.airs_at > now]
    if aired:
        last = max(a.episode for a in aired)
    elif schedule:
        last = min(a.episode for a in schedule) - 1
    else:
        last = 0
    return Position(last, min(upcoming, key=lambda a: a.airs_at) if upcoming else None)


# -- the server's schedule, stored ---------------------------------------------------------------

MAX_START_AHEAD = dt.timedelta(days=366)


class Rewatch(Struct, frozen=True):
    """A server's rewatch as the service hands it out: its slots' zone and slots (as stored), running or paused."""

    guild_id: int
    zone: str  # an IANA name
    slots: str  # the weekly slots, stored form (:func:`parse_slots` with ``stored=True`` reads them)
    status: RewatchStatus
    paused_at: int | None  # epoch seconds, while paused

    @property
    def paused(self) -> bool:
        return self.status == RewatchStatus.PAUSED


class AiringSlot(Struct, frozen=True):
    """One episode's airing on a server's schedule (the target of its airing reminders)."""

    id: int
    guild_id: int
    episode: int
    airs_at: int  # epoch seconds


def _rewatch(row: RewatchRow | None) -> Rewatch | None:
    return None if row is None else Rewatch(row.guild_id, row.zone, row.slots, row.status, row.paused_at)


def paused_since(row: Rewatch) -> dt.datetime | None:
    return None if row.paused_at is None else dt.datetime.fromtimestamp(row.paused_at, dt.UTC)


class RewatchService:
    """A server's rewatch (or the broadcast, while it lies ahead) and its airing reminders. Every change is
    one unit of work: the rewatch row, its slots and their reminders move together."""

    def __init__(
        self, catalog: Catalog, db: Database, guilds: GuildConfigService, *, planners: Sequence[Planner] = ()
    ) -> None:
        self._catalog = catalog
        self._db = db
        self._guilds = guilds
        #: Other plans that follow the schedule (episode polls, members' own airing DMs), run inside the same
        #: unit of work each time the airing reminders are planned again.
        self._planners = tuple(planners)
        # A server's rewatch and schedule, read by every /airing info and every spoiler line: cached, and dropped
        # (in every process) by each unit of work below that changes them.
        self._cache: Cache[int, tuple[Rewatch | None, list[Airing]]] = Cache(db.bus, "rewatch")

    async def current(self, guild_id: int) -> tuple[Rewatch | None, list[Airing]]:
        row, schedule = await self._cache.get(guild_id, lambda: self._read(guild_id))
        return row, list(schedule)  # the caller's own list: the cached one stays as read

    async def _read(self, guild_id: int) -> tuple[Rewatch | None, list[Airing]]:
        async with self._db.read() as conn:
            return await self._current(conn, guild_id)

    @staticmethod
    async def _current(conn: Connection, guild_id: int) -> tuple[Rewatch | None, list[Airing]]:
        row = await rewatch.get(conn, guild_id)
        slots = await rewatch.slots(conn, guild_id)
        return _rewatch(row), [Airing(s.episode, instant(s.airs_at)) for s in slots]

    async def slot(self, slot_id: int) -> AiringSlot | None:
        async with self._db.read() as conn:
            row: AiringSlotRow | None = await rewatch.slot(conn, slot_id)
        return None if row is None else AiringSlot(row.id, row.guild_id, row.episode, row.airs_at)

    async def subscribers(self, guild_id: int) -> list[int]:
        async with self._db.read() as conn:
            return await rewatch.subscribers(conn, guild_id)

    async def subscribe(self, guild_id: int, user_id: int, on: bool) -> None:
        async with self._db.transaction() as tx:
            await rewatch.set_subscribed(tx.conn, guild_id, user_id, on)

    async def start(
        self,
        guild_id: int,
        start: dt.date,
        first_episode: int,
        slots: tuple[Slot, ...],
        zone: ZoneInfo,
        now: dt.datetime,
    ) -> list[Airing]:
        last = self._catalog.episode_count
        if not 1 <= first_episode <= last:
            raise UserError("Start from an episode between 1 and {last}.", last=last)
        schedule = generate(start, first_episode, last, slots, zone)
        if schedule[-1].airs_at <= now:
            raise UserError("That whole schedule is already in the past; pick a start date from today on.")
        if schedule[0].airs_at - now > MAX_START_AHEAD:
            raise UserError("That's more than a year away; start the rewatch within the next year.")
        async with self._db.transaction() as tx:
            await lock_key(tx.conn, LOCK_REWATCH, guild_id)
            await rewatch.put(
                tx.conn, RewatchRow(guild_id, zone.key, format_slots(slots), RewatchStatus.RUNNING, None), epoch(now)
            )
            await self._store(tx, guild_id, schedule, now)
        return schedule

    async def _running(self, conn: Connection, guild_id: int, *, paused: bool = False) -> tuple[Rewatch, list[Airing]]:
        row, schedule = await self._current(conn, guild_id)
        if row is None:
            raise UserError("This server has no rewatch. Staff can start one with `/rewatch start`.")
        if paused and not row.paused:
            raise UserError("The rewatch isn't paused.")
        if not paused and row.paused:
            raise UserError("The rewatch is paused; `/rewatch resume` first.")
        return row, schedule

    async def skip_week(self, guild_id: int, now: dt.datetime) -> list[Airing]:
        async with self._db.transaction() as tx:
            row, schedule = await self._running(tx.conn, guild_id)
            moved = skip_week(schedule, ZoneInfo(row.zone), now)
            if moved == schedule:
                raise UserError("Every episode has already aired; there is nothing left to move.")
            await self._store(tx, guild_id, moved, now)
        return moved

    async def pause(self, guild_id: int, now: dt.datetime) -> None:
        async with self._db.transaction() as tx:
            row, _ = await self._running(tx.conn, guild_id)
            await rewatch.put(
                tx.conn, RewatchRow(guild_id, row.zone, row.slots, RewatchStatus.PAUSED, epoch(now)), epoch(now)
            )
            await self._cache.changed(tx, guild_id)
            await self.sync_reminders(tx, guild_id, now)

    async def resume(self, guild_id: int, now: dt.datetime) -> list[Airing]:
        async with self._db.transaction() as tx:
            row, schedule = await self._running(tx.conn, guild_id, paused=True)
            paused_at = paused_since(row)
            assert paused_at is not None
            resumed = resume(schedule, parse_slots(row.slots, stored=True), ZoneInfo(row.zone), paused_at, now)
            await rewatch.put(
                tx.conn, RewatchRow(guild_id, row.zone, row.slots, RewatchStatus.RUNNING, None), epoch(now)
            )
            await self._store(tx, guild_id, resumed, now)  # drops the cached copy
        return resumed

    async def stop(self, guild_id: int, now: dt.datetime) -> None:
        async with self._db.transaction() as tx:
            await lock_key(tx.conn, LOCK_REWATCH, guild_id)
            if await rewatch.get(tx.conn, guild_id) is None:
                raise UserError("This server has no rewatch to stop.")
            await rewatch.delete(tx.conn, guild_id)
            await self._cache.changed(tx, guild_id)
            await self._follow_broadcast(tx, guild_id, now)

    async def follow_broadcast(self, guild_id: int, now: dt.datetime) -> None:
        """Without a rewatch, airing reminders follow the pack's broadcast where it lies ahead."""
        async with self._db.transaction() as tx:
            await self._follow_broadcast(tx, guild_id, now)

    async def airing_settings_changed(self, tx: Tx, guild_id: int, now: dt.datetime) -> None:
        """Server settings that change airing posts changed (in ``tx``): plan them again."""
        await self._follow_broadcast(tx, guild_id, now)

    async def _follow_broadcast(self, tx: Tx, guild_id: int, now: dt.datetime) -> None:
        await lock_key(tx.conn, LOCK_REWATCH, guild_id)
        if await rewatch.get(tx.conn, guild_id) is not None:
            await self.sync_reminders(tx, guild_id, now)
            return
        ahead = [Airing(e.number, e.airs_at) for e in self._catalog.episodes if e.airs_at > now]
        await self._store(tx, guild_id, ahead, now)

    async def _store(self, tx: Tx, guild_id: int, schedule: Sequence[Airing], now: dt.datetime) -> None:
        removed = await rewatch.set_slots(tx.conn, guild_id, [(a.episode, epoch(a.airs_at)) for a in schedule])
        await self._cache.changed(tx, guild_id)  # the rewatch row (written before) and its slots
        for slot_id in removed:
            await reminders.cancel(tx.conn, ReminderKind.AIRING, slot_id, "episode no longer in the schedule")
        await self.sync_reminders(tx, guild_id, now)

    async def sync_reminders(self, tx: Tx, guild_id: int, now: dt.datetime) -> None:
        """Make the pending airing reminders match the schedule, the settings and the pause state (inside
        the caller's unit of work, reading the settings as it sees them)."""
        config = await self._guilds.read_in(tx, guild_id)
        row = await rewatch.get(tx.conn, guild_id)
        paused = row is not None and row.status == RewatchStatus.PAUSED
        for slot in await rewatch.slots(tx.conn, guild_id):
            if config.airing_channel_id is None or paused or slot.airs_at <= epoch(now):
                await reminders.cancel(
                    tx.conn, ReminderKind.AIRING, slot.id, "not scheduled (paused, past or no channel)"
                )
                continue
            # Only moments still ahead: a rewatch started today does not fire its "24 hours before" late.
            offsets = [o for o in config.airing_reminder_offsets if slot.airs_at - o > epoch(now) or o == 0]
            await reminders.schedule(tx.conn, ReminderKind.AIRING, guild_id, slot.id, slot.airs_at, offsets)
        for planner in self._planners:
            await planner(tx, guild_id, now)

    async def progress(self, guild_id: int, now: dt.datetime) -> tuple[Rewatch, list[Airing], Position] | None:
        """The server's rewatch, its schedule and where it stands; frozen at the pause while paused."""
        row, schedule = await self.current(guild_id)
        if row is None:
            return None
        return row, schedule, position(schedule, min(now, paused_since(row) or now))

    async def automatic_line(self, guild_id: int, now: dt.datetime) -> int:
        """The server's automatic spoiler line: 0 without a rewatch. With one, the last episode the server is
        assumed to have seen: before the first slot, the episode before the one the rewatch starts from (a
        server that starts at episode 9 has seen 1-8), then the last episode whose slot has passed; frozen
        while paused."""
        found = await self.progress(guild_id, now)
        return 0 if found is None else found[2].last_aired
