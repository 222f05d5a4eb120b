"""Natural time input ("friday 8pm", "in 2 hours", a pasted Discord timestamp) read in the member's zone.

The grammar is dateparser's (English only); this module only feeds it the right reference time and fixes
up what its answer means:

* dateparser works on naive wall-clock times. It is given ``now`` as a naive wall-clock time in the member's
  zone (``RELATIVE_BASE``) with ``TIMEZONE="UTC"`` so that it never shifts anything itself: it answers with
  a naive wall-clock time in the member's zone, which this module turns into an aware instant. (With
  ``TIMEZONE`` set to the member's zone, dateparser 1.5 compares a bare "10pm" with its base as if the base
  were UTC and picks the wrong day.) Naive datetimes exist only at that boundary.
* Wall-clock times are kept across a DST change: "friday 20:00" is 20:00 local whatever the offset that day.
  An ambiguous local time (the repeated hour when clocks go back) is read as its first occurrence (fold=0),
  unless that one has already passed and the second has not. A local time that does not exist (the hour
  skipped when clocks go forward) is moved forward by the gap: 02:30 on that night is 03:30.
* Durations ("in 2 hours", "in 90 minutes") are elapsed time from ``now``, so they stay exact across a DST
  change; durations in whole days ("in 2 days", "tomorrow") keep the wall-clock time instead.
* A weekday means the next such day still ahead: on a Friday at 19:00 "friday 8pm" is today, at 21:00 it is
  next week. (dateparser alone always skips to next week, so the same-day reading is asked for with "this".)
* A time alone means its next occurrence: today if still ahead, else tomorrow.
* A zone abbreviation in the text is refused, except unambiguous ones with no daylight saving (KST, JST,
  UTC, numeric offsets...): dateparser reads "IST" as Israel and "EST" as UTC-5 even in July.
* A pasted Discord timestamp (``<t:1795608000:F>``, any style letter) or a bare 10-digit Unix time is read
  with a regex, not by dateparser.
* The result must be at or after ``now`` and at most 366 days ahead.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser  # type: ignore[import-untyped,unused-ignore]
from dateparser.timezone_parser import pop_tz_offset_from_string  # type: ignore[import-untyped,unused-ignore]

from bot.errors import UserError

MAX_AHEAD = dt.timedelta(days=366)
MAX_LENGTH = 100
PREVIEW_LENGTH = 100
HINT = "Keep typing… e.g. friday 8pm, tomorrow 21:00, in 2 hours"

_DISCORD_TIMESTAMP = re.compile(r"^<t:(-?\d{1,13})(?::[A-Za-z])?>$")
_UNIX_TIME = re.compile(r"^(\d{10})$")
# The parsers dateparser may use: not its own timestamp readers (a stray number is not a Unix time).
_PARSERS = ["relative-time", "absolute-time"]
_DAY = dt.timedelta(days=1)
_WEEK = dt.timedelta(days=7)
_PROBE = dt.timedelta(minutes=1)
# Abbreviations in the text that mean one fixed offset all year; other alphabetic ones are refused.
_FIXED_ABBREVIATIONS = frozenset({"UTC", "GMT", "Z", "KST", "JST", "HKT", "SGT", "PHT", "WIB"})
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_MODIFIER = re.compile(r"\b(?:next|this|last|coming)\b")
# Spellings dateparser does not know, rewritten before it sees them.
_SPELLINGS = (
    (re.compile(r"\btues\b"), "tue"),
    (re.compile(r"\bwe(?:ds|dnes)\b"), "wed"),
    (re.compile(r"\bthu(?:rs|r)\b"), "thu"),
    (re.compile(r"\b(?:tmrw|tmr|tmw|tomoz|tommorow|tommorrow|tomorow)\b"), "tomorrow"),
    (re.compile(r"\btonite\b"), "tonight"),
)


class UnreadableTime(UserError):
    """The text is not a time dateparser can read."""


class ZoneInText(UserError):
    """The text names a zone abbreviation that may mean several offsets ("8pm EST", "9pm IST")."""

    def __init__(self, message: str, abbreviation: str) -> None:
        super().__init__(message)
        self.abbreviation = abbreviation


class PastTime(UserError):
    """The time read is before ``now``."""

    def __init__(self, message: str, instant: dt.datetime) -> None:
        super().__init__(message)
        self.instant = instant


class TooFarAhead(UserError):
    """The time read is more than :data:`MAX_AHEAD` after ``now``."""

    def __init__(self, message: str, instant: dt.datetime) -> None:
        super().__init__(message)
        self.instant = instant


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_instant(instant: dt.datetime, zone: ZoneInfo) -> str:
    """``Fri 27 Nov 2026 20:00`` in ``zone``, English whatever the locale."""
    local = instant.astimezone(zone)
    return f"{_date_part(local)} {local:%H:%M}"


def _date_part(local: dt.datetime) -> str:
    return f"{_WEEKDAYS[local.weekday()][:3].title()} {local.day} {_MONTHS[local.month - 1]} {local.year}"


def _examples(zone: ZoneInfo, now: dt.datetime) -> str:
    date = (now.astimezone(zone) + dt.timedelta(days=11)).date()
    return f'Try "friday 8pm", "tomorrow 21:00", "{date.isoformat()} 20:30" or "in 2 hours".'


def _quoted(text: str) -> str:
    flat = " ".join(text.split()).replace('"', "'")
    return flat if len(flat) <= 40 else flat[:39] + "…"


def parse_when(text: str, zone: ZoneInfo, now: dt.datetime) -> dt.datetime:
    """The instant ``text`` names, read in ``zone`` relative to ``now``, as an aware UTC datetime.

    ``now`` must be aware. Raises :class:`~bot.errors.UserError` (one of its subclasses here) when the text
    cannot be read, names a time before ``now`` or more than 366 days after it.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(dt.UTC)
    instant = _read_instant(text, zone, now)
    if instant < now:
        raise PastTime(
            f"That's in the past ({format_instant(instant, zone)} in {zone.key}). {_examples(zone, now)}", instant
        )
    if instant - now > MAX_AHEAD:
        raise TooFarAhead(
            f"That's more than a year away ({format_instant(instant, zone)} in {zone.key}). "
            f"Pick a time within the next 366 days. {_examples(zone, now)}",
            instant,
        )
    return instant


def preview(text: str, zone: ZoneInfo, now: dt.datetime) -> str:
    """A short line for autocomplete: the instant in ``zone`` and how far off it is, or a hint. Never raises.

    E.g. ``Fri 27 Nov 2026, 20:00 (America/New_York) · in 6 days``; at most :data:`PREVIEW_LENGTH` characters.
    """
    try:
        if not text.strip():
            return HINT
        instant = parse_when(text, zone, now)
        local = instant.astimezone(zone)
        line = f"{_date_part(local)}, {local:%H:%M} ({zone.key}) · {_relative(instant - now)}"
    except UnreadableTime:
        return HINT
    except PastTime as error:
        line = f"That's in the past ({format_instant(error.instant, zone)} in {zone.key})"
    except TooFarAhead as error:
        line = f"More than a year away ({format_instant(error.instant, zone)}): pick a closer time"
    except ZoneInText as error:
        line = f'Leave out "{error.abbreviation}": times are read in your zone ({zone.key})'
    except UserError as error:
        line = str(error)
    except Exception:  # autocomplete must answer something whatever went wrong
        return HINT
    return line if len(line) <= PREVIEW_LENGTH else line[: PREVIEW_LENGTH - 1] + "…"


def _relative(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "now"
    if minutes < 60:
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"in {hours} hour{'s' if hours != 1 else ''}" + (f" {minutes} min" if minutes else "")
    days, hours = divmod(hours, 24)
    if days < 2:
        return "in 1 day" + (f" {hours} hour{'s' if hours != 1 else ''}" if hours else "")
    return f"in {days} days"


def _read_instant(text: str, zone: ZoneInfo, now: dt.datetime) -> dt.datetime:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise UnreadableTime(f"Tell me a time. {_examples(zone, now)}")
    if len(cleaned) > MAX_LENGTH:
        raise UnreadableTime(f"That's too long to be a time. {_examples(zone, now)}")
    unreadable = UnreadableTime(f'I couldn\'t read "{_quoted(cleaned)}" as a time. {_examples(zone, now)}')

    if stamp := _DISCORD_TIMESTAMP.match(cleaned) or _UNIX_TIME.match(cleaned):
        try:
            return dt.datetime.fromtimestamp(int(stamp[1]), tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            raise unreadable from None

    rest, offset = pop_tz_offset_from_string(cleaned)
    reference: dt.tzinfo = zone
    if offset is not None:
        name = str(offset.tzname(None))
        if name.isalpha() and name.upper() not in _FIXED_ABBREVIATIONS:
            raise ZoneInText(
                f'I read times in your zone ({zone.key}), so leave out "{name}", e.g. "friday 8pm". '
                f'For another zone give its offset, e.g. "friday 8pm UTC+9".',
                name,
            )
        reference = dt.timezone(offset.utcoffset(None))

    phrase = rest.lower()
    for pattern, replacement in _SPELLINGS:
        phrase = pattern.sub(replacement, phrase)
    phrase = " ".join(phrase.split())
    if not phrase:
        raise unreadable

    # dateparser boundary: naive wall-clock times in ``reference`` (see the module docstring).
    base = now.astimezone(reference).replace(tzinfo=None)
    reading = _parse_naive(phrase, base)
    if reading is None or (reading.wall == base and "time" not in reading.parts and _has_digit(phrase)):
        # dateparser answers its base when it drops numbers it could not place ("tonight at 9")
        raise unreadable
    # The same phrase read as of midnight tells a duration (it moves with its base) from an anchored time,
    # and gives today's occurrence of a time that dateparser moved on (see _next_occurrence).
    midnight = base.replace(hour=0, minute=0, second=0, microsecond=0)
    early = _parse_naive(phrase, midnight) if base != midnight else None
    if base != midnight:
        duration = early is not None and early.wall - midnight == reading.wall - base
    else:
        duration = _moves_with_base(phrase, base, reading.wall)
    if duration:
        if "time" in reading.parts:  # hours or minutes: elapsed time, exact across a DST change
            return now + (reading.wall - base)
        return _localize(reading.wall, reference, now)  # days, weeks, months: the same clock time
    wall = _next_occurrence(base, midnight, reading, early)
    wall = _same_day_weekday(phrase, base, wall)
    return _localize(wall, reference, now)


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


class _Reading(NamedTuple):
    wall: dt.datetime  # naive, wall-clock time in the reference zone
    parts: tuple[str, ...]  # dateparser's DateData.parts: what the text fixed ("year", "month", "day", "time")


def _parse_naive(phrase: str, base: dt.datetime, parsers: list[str] = _PARSERS) -> _Reading | None:
    """dateparser's reading of ``phrase`` as a naive wall-clock time, relative to the naive ``base``."""
    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "TIMEZONE": "UTC",
        "RELATIVE_BASE": base,
        "PARSERS": parsers,
    }
    try:
        data = DateDataParser(languages=["en"], settings=settings).get_date_data(phrase)
    except Exception:  # dateparser raises assorted errors on odd input: that is just "unreadable"
        return None
    value = data.date_obj
    if not isinstance(value, dt.datetime):
        return None
    if value.tzinfo is not None:  # not expected with these settings; keep it a wall-clock time in UTC terms
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return _Reading(value, tuple(str(part) for part in data.parts))


def _moves_with_base(phrase: str, base: dt.datetime, wall: dt.datetime) -> bool:
    """Whether ``phrase`` is an offset from its base ("in 2 hours"), not anchored to a clock time."""
    moved = _parse_naive(phrase, base + _PROBE, ["relative-time"])
    return moved is not None and moved.wall - wall == _PROBE


def _next_occurrence(
    base: dt.datetime, midnight: dt.datetime, reading: _Reading, early: _Reading | None
) -> dt.datetime:
    """Redo dateparser's "later today, else tomorrow" step for a time alone.

    dateparser 1.5 moves a time that has passed today ("6am" at 07:00) a day on, then resets the month to
    the base's: at the end of a month "6am" lands on the 1st of the same month (or of December next year
    on 31 December). Read as of midnight (``early``), the phrase gives today's occurrence, from which the
    next one is computed here. A date without a year that is today ("nov 21 6am" after 06:00) is kept at
    today, to be refused as past, rather than moved a year on.
    """
    wall = reading.wall
    if early is None or wall.date() == base.date() or early.wall == wall or not midnight <= early.wall < base:
        return wall
    if "year" in early.parts:  # only a time was given; dateparser filled in the date
        return early.wall + _DAY
    return early.wall


def _same_day_weekday(phrase: str, base: dt.datetime, wall: dt.datetime) -> dt.datetime:
    """Today, if the phrase names today's weekday at a time still ahead and dateparser skipped to next week."""
    if wall.date() - base.date() != _WEEK or _WEEKDAY_MODIFIER.search(phrase):
        return wall
    today = _WEEKDAYS[base.weekday()]
    named = re.compile(rf"\b({today}|{today[:3]})\b")
    if not named.search(phrase):
        return wall
    same_day = _parse_naive(named.sub(r"this \1", phrase, count=1), base)
    if same_day is not None and same_day.wall + _WEEK == wall and same_day.wall >= base:
        return same_day.wall
    return wall


def _localize(wall: dt.datetime, zone: dt.tzinfo, now: dt.datetime) -> dt.datetime:
    """The UTC instant of a wall-clock time in ``zone``: fold=0 (first occurrence; a skipped time moves
    forward by the gap), or the second occurrence of a repeated time when only that one is still ahead."""
    first = wall.replace(tzinfo=zone).astimezone(dt.UTC)
    if first < now:
        second = wall.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)
        if second >= now:
            return second
    return first


def warm_up() -> None:
    """Load dateparser's English data now rather than on the first member's keystroke (~0.1-0.2 s)."""
    _parse_naive("friday 8pm", dt.datetime(2026, 1, 1, tzinfo=dt.UTC).replace(tzinfo=None))
