"""Server configuration rules: the spoiler line for public posts, spoiler-free channels, discussion."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from msgspec import Struct

from bot.catalog import Catalog
from bot.clock import epoch
from bot.errors import UserError
from bot.locale import Language, msg, parse_language
from bot.services.timeparse.lexicon import parser_words
from bot.store import Database, GuildSettingsRow, Tx, guilds

from .cache import Batched, Cache

#: Re-plans a server's airing posts after settings that change them (inside the settings' unit of work).
AiringChanged = Callable[[Tx, int, dt.datetime], Awaitable[None]]


async def nothing_replanned(tx: Tx, guild_id: int, now: dt.datetime) -> None:
    """Settings changed and nothing plans from them (the service tested on its own)."""


MAX_SPOILER_FREE_CHANNELS = 25
DEFAULT_PARTY_OFFSETS = (3600, 600)  # before the start; "starting now" is always added
DEFAULT_AIRING_OFFSETS = (24 * 3600, 1800)  # before airtime; "on now" is always added
MAX_OFFSETS = 5
MAX_OFFSET = 7 * 24 * 3600

_LOG = logging.getLogger(__name__)
_UNREADABLE_LOGGED: set[tuple[str, str]] = set()  # (what, text) already logged: each bad value is logged once
_UNREADABLE_LOG_LIMIT = 10_000
RESETTABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "discussion channel": ("discussion_channel_id",),
    "spoiler line": ("spoiler_line",),
    "spoiler-free channels": (),
    "time zone": ("timezone",),
    "reminder times": ("reminder_offsets",),
    "staff channel": ("staff_channel_id",),
    "airing posts": ("airing_channel_id", "airing_role_id", "airing_offsets"),
    "episode polls": ("pulse_polls",),
    "language": ("language",),
}
RESETTABLE = frozenset(RESETTABLE_COLUMNS)


class _OffsetWords(Struct, frozen=True):
    """How a reminder time is read, from the time lexicons' words (``[parsers.offsets]``): amounts with units,
    largest unit first, each unit once ("1d", "1h30m", "1d2h30m", "90m", "1시간30분"), spaces removed; a word
    saying "before" may follow ("30분 전"); half an hour may follow an hour ("1시간 반")."""

    part: re.Pattern[str]
    after: re.Pattern[str]
    units: Mapping[str, int]
    halves: tuple[tuple[str, str], ...]  # (an hour and a half as typed, the same in minutes' words)


@functools.cache
def _offset_words() -> _OffsetWords:
    words = parser_words()
    units = words.offset_units
    spellings = "|".join(re.escape(unit) for unit in sorted(units, key=len, reverse=True))
    return _OffsetWords(
        part=re.compile(rf"(\d{{1,4}})({spellings})"),
        after=re.compile(rf"(?:{'|'.join(map(re.escape, words.offset_before))})$"),
        units=units,
        halves=words.offset_halves,
    )


def _offset_seconds(part: str) -> int | None:
    """One reminder time in seconds, or None when it isn't one."""
    words = _offset_words()
    compact = words.after.sub("", part.replace(" ", ""))
    for typed, minutes in words.halves:
        if compact.endswith(typed):  # "1시간 반": an hour and a half
            compact = compact[: -len(typed)] + minutes
            break
    total, position, last_unit = 0, 0, 4 * 86400
    for match in words.part.finditer(compact):
        if match.start() != position:
            return None
        unit = words.units[match.group(2)]
        if unit >= last_unit:  # each unit once, largest first: "1h30m", not "30m1h" or "1h1h"
            return None
        total, position, last_unit = total + int(match.group(1)) * unit, match.end(), unit
    return total if position == len(compact) and position > 0 else None


@functools.cache
def _list_split() -> re.Pattern[str]:
    joiners = "|".join(re.escape(word) for word in parser_words().list_joiners)
    return re.compile(rf"[,;]|\s+(?:{joiners})\s+" if joiners else r"[,;]")


def parse_offsets(text: str) -> tuple[int, ...]:
    """``"1h, 10m"`` (or ``"1시간, 10분"``, ``"1h30m"``, ``"90m"``, ``"30분 전"``) -> ``(3600, 600)``: reminder times
    before the start, largest first. Reads every form :func:`format_offset` writes."""
    parts = [p.strip().lower() for p in _list_split().split(text) if p.strip()]
    example = msg("Use a list like `1h, 10m` or `1d, 2h, 15m`.")
    if not parts:
        raise UserError("Give at least one reminder time. {example}", example=example)
    seconds = set()
    for part in parts:
        value = _offset_seconds(part)
        if value is None:
            raise UserError(
                "I couldn't read {part} as a time before the start. {example}", part=repr(part[:20]), example=example
            )
        if not 0 < value <= MAX_OFFSET:
            raise UserError(
                "{part} is out of range: reminders can be from 1 minute to 7 days before. {example}",
                part=repr(part),
                example=example,
            )
        seconds.add(value)
    if len(seconds) > MAX_OFFSETS:
        raise UserError("At most {limit} reminder times. {example}", limit=MAX_OFFSETS, example=example)
    return tuple(sorted(seconds, reverse=True))


def read_stored_offsets(text: str | None, what: str) -> tuple[int, ...] | None:
    """Reminder times as stored (None when none are). A stored value that does not read (written by an older
    bot, or edited by hand) is never an error for whoever's command reads it: it is logged once and read as
    None (the default); the owner of the setting is told when they next use it (see ``unreadable``)."""
    if text is None:
        return None
    try:
        return parse_offsets(text)
    except UserError:
        note_unreadable(what, text)
        return None


def offsets_unreadable(text: str | None) -> bool:
    """Whether a stored value is there but does not read (its owner is told when they next use the feature)."""
    if text is None:
        return False
    try:
        parse_offsets(text)
    except UserError:
        return True
    return False


def note_unreadable(what: str, text: str) -> None:
    """Log a stored value that does not read, once per value (the same row is read by every command)."""
    key = (what, text[:200])
    if key in _UNREADABLE_LOGGED:
        return
    if len(_UNREADABLE_LOGGED) >= _UNREADABLE_LOG_LIMIT:
        _UNREADABLE_LOGGED.clear()
    _UNREADABLE_LOGGED.add(key)
    _LOG.warning("stored %s %r does not read; using the default until its owner sets it again", what, text[:200])


def read_stored_zone(key: str | None, what: str) -> str | None:
    """A stored IANA zone name, or None when there is none or it no longer names a zone here (a zone removed
    from tzdata, a hand-edited row): logged once, and whoever reads it falls back to the next default."""
    if not key:
        return None
    try:
        ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        note_unreadable(what, key)
        return None
    return key


def format_offset(seconds: int) -> str:
    """How a reminder time is stored and shown: ``1d``, ``2h``, ``1h30m``, ``45m`` (read back by
    :func:`parse_offsets`)."""
    if seconds % 86400 == 0:
        return f"{seconds // 86400}d"
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60}m"
    return f"{seconds // 60}m"


class GuildConfig(Struct, frozen=True):
    guild_id: int
    discussion_channel_id: int | None
    fixed_line: int | None  # set by staff; None means automatic
    spoiler_free_channel_ids: frozenset[int]
    timezone: str | None = None  # the server's default IANA zone for typed times
    staff_channel_id: int | None = None
    party_offsets: tuple[int, ...] = DEFAULT_PARTY_OFFSETS
    airing_channel_id: int | None = None
    airing_role_id: int | None = None
    airing_offsets: tuple[int, ...] = DEFAULT_AIRING_OFFSETS
    pulse_setting: bool | None = None  # set by staff; None follows airing posts

    @property
    def pulse_on(self) -> bool:
        """Episode pulse polls: as staff set them, else on exactly when airing posts are on."""
        return self.airing_channel_id is not None if self.pulse_setting is None else self.pulse_setting

    language: Language | None = None  # public posts; None: the server's Discord preferred locale
    #: Settings stored in a form that no longer reads (shown in /setup show; the defaults apply meanwhile).
    unreadable: tuple[str, ...] = ()

    @property
    def airing_reminder_offsets(self) -> tuple[int, ...]:
        """Airing posts: the configured times before airtime, plus "on now"."""
        return (*self.airing_offsets, 0)

    @property
    def reminder_offsets(self) -> tuple[int, ...]:
        """Every watch-party reminder: the configured times before, plus "starting now"."""
        return (*self.party_offsets, 0)

    def line(self, automatic: int = 0) -> int:
        """Staff's fixed line, else the automatic one (0, or where the server's rewatch has reached)."""
        return automatic if self.fixed_line is None else self.fixed_line

    def is_spoiler_free(self, channel_id: int | None, parent_id: int | None = None) -> bool:
        free = self.spoiler_free_channel_ids
        return channel_id in free or (parent_id is not None and parent_id in free)

    def line_for_channel(self, channel_id: int | None, parent_id: int | None = None, automatic: int = 0) -> int:
        """The line for a public post in a channel (or a thread of ``parent_id``)."""
        return 0 if self.is_spoiler_free(channel_id, parent_id) else self.line(automatic)


class GuildConfigService:
    """Server settings. Reads go through a cache (every public answer needs the line); every write is a
    unit of work that invalidates the cache once it committed."""

    def __init__(self, catalog: Catalog, db: Database, *, airing_changed: AiringChanged = nothing_replanned) -> None:
        self._catalog = catalog
        self._db = db
        self._cache: Cache[int, GuildConfig] = Cache(db.bus, "guild")
        # The servers' first answers come together (a start-up in many servers): their settings, one read for many.
        self._first_reads: Batched[int, GuildConfig] = Batched(self._load_many)
        #: Re-plans the server's airing reminders inside a unit of work (set by the rewatch service).
        self._airing_changed_to = airing_changed  # the rewatch service re-plans the airing posts

    async def get(self, guild_id: int) -> GuildConfig:
        return await self._cache.get(guild_id, lambda: self._first_reads.load(guild_id))

    async def _load_many(self, guild_ids: list[int]) -> dict[int, GuildConfig]:
        async with self._db.read() as conn:
            rows = await guilds.get_many(conn, guild_ids)
        return {guild_id: self._from_row(row) for guild_id, row in rows.items()}

    @staticmethod
    def _from_row(row: GuildSettingsRow) -> GuildConfig:
        offsets = read_stored_offsets(row.reminder_offsets or None, "server reminder times") or DEFAULT_PARTY_OFFSETS
        airing = read_stored_offsets(row.airing_offsets or None, "server airing times") or DEFAULT_AIRING_OFFSETS
        zone = read_stored_zone(row.timezone, "server time zone")
        unreadable = tuple(
            name
            for name, value in (("reminder times", row.reminder_offsets), ("airing posts", row.airing_offsets))
            if offsets_unreadable(value or None)
        )
        return GuildConfig(
            row.guild_id,
            row.discussion_channel_id,
            row.spoiler_line,
            row.spoiler_free_channel_ids,
            zone,
            row.staff_channel_id,
            offsets,
            row.airing_channel_id,
            row.airing_role_id,
            airing,
            None if row.pulse_polls is None else bool(row.pulse_polls),
            parse_language(row.language),
            unreadable + (("time zone",) if row.timezone and zone is None else ()),
        )

    async def read_in(self, tx: Tx, guild_id: int) -> GuildConfig:
        """The settings as the transaction sees them (its own writes included)."""
        return self._from_row(await guilds.get(tx.conn, guild_id))

    async def write(self, tx: Tx, guild_id: int, now: dt.datetime, **columns: object) -> None:
        """Change settings inside the caller's unit of work."""
        await guilds.update(tx.conn, guild_id, epoch(now), **columns)
        await self._cache.changed(tx, guild_id)

    async def _set(self, guild_id: int, now: dt.datetime, **columns: object) -> GuildConfig:
        async with self._db.transaction() as tx:
            await self.write(tx, guild_id, now, **columns)
        return await self.get(guild_id)

    async def line_for(
        self, guild_id: int | None, channel_id: int | None, parent_id: int | None = None, automatic: int = 0
    ) -> int:
        """The spoiler line for a public post; outside a server nothing is assumed seen."""
        if guild_id is None:
            return 0
        return (await self.get(guild_id)).line_for_channel(channel_id, parent_id, automatic)

    async def set_discussion_channel(self, guild_id: int, channel_id: int | None, now: dt.datetime) -> GuildConfig:
        return await self._set(guild_id, now, discussion_channel_id=channel_id)

    def check_line(self, line: int | None) -> None:
        last = self._catalog.episode_count
        if line is not None and not 0 <= line <= last:
            raise UserError(
                "The spoiler line must be an episode from 0 (nothing) to {last}; you gave {line}.", last=last, line=line
            )

    async def set_spoiler_line(self, guild_id: int, line: int | None, now: dt.datetime) -> GuildConfig:
        self.check_line(line)
        return await self._set(guild_id, now, spoiler_line=line)

    async def set_timezone(self, guild_id: int, zone: str | None, now: dt.datetime) -> GuildConfig:
        return await self._set(guild_id, now, timezone=zone)

    async def set_language(self, guild_id: int, language: Language | None, now: dt.datetime) -> GuildConfig:
        """The language of the server's public posts; None follows the server's Discord preferred locale."""
        return await self._set(guild_id, now, language=language)

    async def set_staff_channel(self, guild_id: int, channel_id: int | None, now: dt.datetime) -> GuildConfig:
        return await self._set(guild_id, now, staff_channel_id=channel_id)

    async def set_party_offsets(self, guild_id: int, text: str | None, now: dt.datetime) -> GuildConfig:
        return await self._set(guild_id, now, reminder_offsets=stored_offsets(text))

    async def set_spoiler_free_channels(self, guild_id: int, channel_ids: frozenset[int]) -> GuildConfig:
        self.check_spoiler_free(channel_ids)
        async with self._db.transaction() as tx:
            await self.write_spoiler_free(tx, guild_id, channel_ids)
        return await self.get(guild_id)

    @staticmethod
    def check_spoiler_free(channel_ids: frozenset[int]) -> None:
        if len(channel_ids) > MAX_SPOILER_FREE_CHANNELS:
            raise UserError(
                "At most {limit} spoiler-free channels; you picked {count}.",
                limit=MAX_SPOILER_FREE_CHANNELS,
                count=len(channel_ids),
            )

    async def write_spoiler_free(self, tx: Tx, guild_id: int, channel_ids: frozenset[int]) -> None:
        await guilds.set_spoiler_free_channels(tx.conn, guild_id, channel_ids)
        await self._cache.changed(tx, guild_id)

    async def set_airing(
        self, guild_id: int, channel_id: int | None, role_id: int | None, offsets: str | None, now: dt.datetime
    ) -> GuildConfig:
        """Airing posts on or off; the server's airing reminders follow in the same unit of work."""
        stored = stored_offsets(offsets)
        async with self._db.transaction() as tx:
            await self.write(tx, guild_id, now, airing_channel_id=channel_id, airing_role_id=role_id,
                             airing_offsets=stored)  # fmt: skip
            await self._airing_changed(tx, guild_id, now)
        return await self.get(guild_id)

    async def set_pulse(self, guild_id: int, on: bool | None, now: dt.datetime) -> GuildConfig:
        """Episode pulse polls on, off, or (None) following airing posts; the polls are planned again in the
        same unit of work."""
        async with self._db.transaction() as tx:
            await self.write(tx, guild_id, now, pulse_polls=None if on is None else int(on))
            await self._airing_changed(tx, guild_id, now)
        return await self.get(guild_id)

    async def reset(self, guild_id: int, settings: frozenset[str], now: dt.datetime) -> GuildConfig:
        """Put the named settings (``RESETTABLE``) back to their defaults, in one unit of work."""
        unknown = settings - RESETTABLE
        if unknown:
            raise ValueError(f"not resettable: {sorted(unknown)}")
        columns: dict[str, object] = {}
        for name in settings:
            columns.update(dict.fromkeys(RESETTABLE_COLUMNS[name]))
        async with self._db.transaction() as tx:
            if columns:
                await self.write(tx, guild_id, now, **columns)
            if "spoiler-free channels" in settings:
                await self.write_spoiler_free(tx, guild_id, frozenset())
            if settings & {"airing posts", "episode polls"}:
                await self._airing_changed(tx, guild_id, now)
        return await self.get(guild_id)

    async def _airing_changed(self, tx: Tx, guild_id: int, now: dt.datetime) -> None:
        await self._airing_changed_to(tx, guild_id, now)


def stored_offsets(text: str | None) -> str | None:
    """How offsets typed by staff are stored (normalized), or None for the default; raises on bad input."""
    return None if text is None else ", ".join(format_offset(o) for o in parse_offsets(text))
