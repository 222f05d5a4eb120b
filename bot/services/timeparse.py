"""Time input ("friday 8pm", "in 2 hours", "tonight at 9", a pasted Discord timestamp) read in the member's zone.

One hand-written English grammar, compiled once at import. It is strict on purpose: every word of the text
must be understood, or the text is refused with the part it could not place and examples of what works.
There is no guessing: "9" alone, "at 9" (morning or evening?), "tomorrow 25:00", "-1", "12/2" (December or
February?) and "friday" without a time are refused, each with a sentence saying what to write instead.

What the forms mean (``now`` is the moment of reading; local times are in the member's zone):

* ``<t:1795608000:F>`` (any style letter), a bare 10-digit Unix time and ``now`` name one instant.
* Durations: ``in 2 hours``, ``in 90 minutes``, ``in 1h30m``, ``in half an hour``, ``2 hours from now``: elapsed
  time, exact across a daylight-saving change. Whole days or weeks (``in 2 days``, ``in 1 week``) keep the wall
  clock instead, and may take a time: ``in 2 days at 9pm``. ``... ago`` is read, then refused as past.
* A time alone (``8pm``, ``20:30``, ``noon``) is its next occurrence: today while still ahead, else tomorrow.
* A weekday (``friday``, ``fri``, ``thurs``...) is the next such day whose time is still ahead, so on a Friday at
  19:00 ``friday 8pm`` is today and at 21:00 it is next week. ``next friday`` is never today; ``last friday`` is
  read, then refused as past.
* ``today``, ``tomorrow``, ``yesterday``, ``the day after tomorrow``; ``tonight`` and ``this evening`` are today's
  evening. A part of the day (``morning``, ``afternoon``, ``evening``, ``night``) decides am/pm for an hour
  given without it: ``tonight at 9`` is 21:00, ``tomorrow morning at 8`` is 08:00. ``tonight at 1`` and
  ``tonight 00:30`` are the small hours after today's evening.
* Dates: ``2026-12-02`` (also with ``/`` or ``.``), ``dec 2``, ``december 2nd 2026``, ``2 dec``, ``the 2nd of
  december``, and ``12/25`` or ``25/12`` when only one reading is a date. Without a year, the next such date
  (today's date stays today, and a time already past on it is refused rather than moved a year on).
* ``H:MM`` without am/pm is the 24-hour clock (``8:30`` is morning) unless a part of the day says otherwise.
* Wall-clock times survive daylight saving: ``friday 20:00`` is 20:00 local whatever the offset that day. A
  repeated local time (clocks going back) is its first occurrence unless only the second is still ahead; a
  skipped one (clocks going forward) moves forward by the gap, so 02:30 that night is 03:30.
* A zone in the text: ``UTC``, ``GMT``, ``UTC+9``, ``GMT-5:30``, ``+09:00`` right after a time, and abbreviations
  with a single offset all year (``KST``, ``JST``...). Ambiguous ones (``EST``, ``IST``, ``CST``...) are refused:
  ``IST`` is three different zones and ``EST`` is wrong half the year.

:func:`parse_when` also enforces the one window every scheduled time obeys: not before ``now`` and at most
:data:`MAX_AHEAD` after it. :func:`parse_day` reads a day for date-only options (``/rewatch start from:``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.errors import UserError

MAX_AHEAD = dt.timedelta(days=366)
MAX_LENGTH = 100
PREVIEW_LENGTH = 100
HINT = "Keep typing… e.g. friday 8pm, tomorrow 21:00, in 2 hours"

_DAY = dt.timedelta(days=1)
_WEEK = dt.timedelta(days=7)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# -- errors ----------------------------------------------------------------------------------------


class TimeRefused(UserError):
    """The text does not name one time a person would agree with. ``short`` fits an autocomplete line."""

    def __init__(self, message: str, short: str) -> None:
        super().__init__(message)
        self.short = short


class UnreadableTime(TimeRefused):
    """Part of the text is not a time (or the whole of it)."""


class AmbiguousTime(TimeRefused):
    """The text could mean more than one time ("at 9", "12/2")."""


class ZoneInText(TimeRefused):
    """The text names a zone abbreviation that may mean several offsets ("8pm EST", "9pm IST")."""

    def __init__(self, message: str, short: str, abbreviation: str) -> None:
        super().__init__(message, short)
        self.abbreviation = abbreviation


class PastTime(TimeRefused):
    """The time read is before ``now``."""

    def __init__(self, message: str, short: str, instant: dt.datetime) -> None:
        super().__init__(message, short)
        self.instant = instant


class TooFarAhead(TimeRefused):
    """The time read is more than :data:`MAX_AHEAD` after ``now``."""

    def __init__(self, message: str, short: str, instant: dt.datetime) -> None:
        super().__init__(message, short)
        self.instant = instant


# -- rendering -------------------------------------------------------------------------------------


def format_instant(instant: dt.datetime, zone: dt.tzinfo) -> str:
    """``Fri 27 Nov 2026 20:00`` in ``zone``, English whatever the locale."""
    local = instant.astimezone(zone)
    return f"{format_day(local.date())} {local:%H:%M}"


def format_day(day: dt.date) -> str:
    """``Fri 27 Nov 2026``."""
    return f"{_WEEKDAYS[day.weekday()][:3].title()} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _zone_name(zone: dt.tzinfo) -> str:
    return zone.key if isinstance(zone, ZoneInfo) else str(zone)


def _examples(zone: dt.tzinfo, now: dt.datetime) -> str:
    date = (now.astimezone(zone) + dt.timedelta(days=11)).date()
    return f'Try "friday 8pm", "tomorrow 21:00", "{date.isoformat()} 20:30" or "in 2 hours".'


def _quoted(text: str) -> str:
    flat = " ".join(text.split()).replace('"', "'")
    return flat if len(flat) <= 40 else flat[:39] + "…"


def relative(delta: dt.timedelta) -> str:
    """``in 2 hours``, ``in 1 day 14 hours``, ``in 6 days``."""
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


# -- the grammar -----------------------------------------------------------------------------------

_MONTH_WORDS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_WEEKDAY_WORDS = (
    r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:s|nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
)
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_UNITS = {
    "m": "minutes", "min": "minutes", "mins": "minutes", "minute": "minutes", "minutes": "minutes",
    "h": "hours", "hr": "hours", "hrs": "hours", "hour": "hours", "hours": "hours",
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "wks": "weeks", "week": "weeks", "weeks": "weeks",
}  # fmt: skip
_RELATIVE_DAYS = {
    "today": 0, "tonight": 0, "tonite": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1, "tmw": 1, "tomorow": 1,
    "tommorow": 1, "tommorrow": 1, "tomoz": 1, "yesterday": -1, "overmorrow": 2,
}  # fmt: skip
# Abbreviations that mean one offset all year; other zone abbreviations are refused.
_FIXED_ZONES = {
    "utc": 0, "gmt": 0, "kst": 9 * 60, "jst": 9 * 60, "hkt": 8 * 60, "sgt": 8 * 60, "pht": 8 * 60,
    "wib": 7 * 60, "ict": 7 * 60, "myt": 8 * 60, "awst": 8 * 60, "msk": 3 * 60, "hst": -10 * 60,
}  # fmt: skip
_AMBIGUOUS_ZONES = frozenset(
    {
        "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "akst", "akdt", "et", "pt", "ct", "mt", "ist",
        "bst", "cet", "cest", "eet", "eest", "wet", "west", "aest", "aedt", "acst", "acdt", "nzst", "nzdt", "ast",
        "adt", "sast",
    }
)  # fmt: skip

# One alternative per token; tried in order at each position (after spaces). Numbers never split.
_TOKEN = re.compile(
    rf"""
    (?P<iso>(?P<iso_y>\d{{4}})[-/.](?P<iso_m>\d{{1,2}})[-/.](?P<iso_d>\d{{1,2}})(?!\d))
  | (?P<slash>(?P<sl_a>\d{{1,2}})/(?P<sl_b>\d{{1,2}})(?:/(?P<sl_y>\d{{4}}|\d{{2}}))?(?![\d/]))
  | (?P<dmy>(?:the\s)?(?P<dm_d>\d{{1,2}})(?:st|nd|rd|th)?\s?(?:of\s)?(?P<dm_m>{_MONTH_WORDS})\b\.?
        (?:\s(?P<dm_y>\d{{4}})(?![\d:]))?)
  | (?P<mdy>(?P<md_m>{_MONTH_WORDS})\b\.?\s(?:the\s)?(?P<md_d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:])(?!\s?[ap]m\b)
        (?:\s(?P<md_y>\d{{4}})(?![\d:]))?)
  | (?P<clock>(?P<ck_h>\d{{1,2}}):(?P<ck_m>\d{{2}})(?::(?P<ck_s>\d{{2}}))?(?:\s?(?P<ck_ap>am|pm))?(?![\w:]))
  | (?P<dotclock>(?P<dc_h>\d{{1,2}})\.(?P<dc_m>\d{{2}})(?:\s?(?P<dc_ap>am|pm))?(?![\w.:]))
  | (?P<hour_ap>(?P<ha_h>\d{{1,2}})\s?(?P<ha_ap>am|pm)\b)
  | (?P<oclock>(?P<oc_h>\d{{1,2}})\s?o'?\s?clock\b)
  | (?P<compact>(?P<cp_h>\d{{1,3}})h(?P<cp_m>\d{{1,2}})m?\b)
  | (?P<half>half\san?\shour\b)
  | (?P<duration>(?P<du_n>\d{{1,4}}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)
        \s?(?P<du_u>minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w)\b)
  | (?P<offset>(?P<of_base>utc|gmt)\s?(?P<of_sign>[+-])(?P<of_h>\d{{1,2}})(?::?(?P<of_m>\d{{2}}))?(?![\d:]))
  | (?P<attached>(?<=\d)(?P<at_sign>[+-])(?P<at_h>\d{{2}}):?(?P<at_m>\d{{2}})(?!\d))
  | (?P<weekday>(?P<wd>{_WEEKDAY_WORDS})\b\.?)
  | (?P<number>\d+)
  | (?P<word>[a-z]+(?:'[a-z]+)?)
  | (?P<symbol>@|[^\sa-z\d])
    """,
    re.VERBOSE,
)
_SPACES = re.compile(r"[\s,]+")
_MULTIWORD = (
    (re.compile(r"\b(?:the\s)?day\safter\stomorrow\b"), "overmorrow"),
    (re.compile(r"\bfrom\snow\b"), "fromnow"),
    (re.compile(r"\b2moro\b"), "tomorrow"),
    (re.compile(r"\ba\.m\.?"), "am"),
    (re.compile(r"\bp\.m\.?"), "pm"),
    (re.compile(r"(?<=\d)t(?=\d)"), " "),  # 2026-12-02T20:30
    (re.compile(r"\bin\sthe\s(?=morning|afternoon|evening)"), ""),  # 8 in the evening
    (re.compile(r"\bat\snight\b"), "night"),
)
_DISCORD_TIMESTAMP = re.compile(r"^<t:(-?\d{1,13})(?::[A-Za-z])?>$")
_UNIX_TIME = re.compile(r"^\d{10}$")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    groups: dict[str, str | None]


def _tokens(phrase: str, refuse: _Refuser) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(phrase):
        if phrase[position] == " ":
            position += 1
            continue
        match = _TOKEN.match(phrase, position)
        if match is None or match.lastgroup is None:  # pragma: no cover - the symbol alternative takes anything
            raise refuse.unreadable(phrase[position:].split(" ")[0])
        # lastgroup is the group that closed last: the matching alternative's own (outermost) name.
        tokens.append(_Token(match.lastgroup, match.group(0).strip(), match.groupdict()))
        position = match.end()
    return tokens


_MONTH_NUMBERS = {name: i + 1 for i, name in enumerate(m.lower() for m in _MONTHS)}
_WEEKDAY_NUMBERS = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip


def _month(text: str) -> int:
    return _MONTH_NUMBERS[text[:3]]


def _weekday(text: str) -> int:
    return _WEEKDAY_NUMBERS[text[:3]]


# -- what the text says ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Clock:
    hour: int
    minute: int
    text: str
    half: str | None = None  # "am" / "pm" when given
    bare: bool = False  # an hour with no am/pm and no minutes ("at 9", "tonight 9")
    noon: bool = False
    midnight: bool = False


@dataclass(slots=True)
class _DaySpec:
    text: str
    offset: int | None = None  # today + offset days
    weekday: int | None = None
    modifier: str | None = None  # next / this / coming / last
    date: tuple[int | None, int, int] | None = None  # (year or None, month, day)
    check: int | None = None  # the weekday a date was written with ("fri, dec 4"): must agree


@dataclass(slots=True)
class _Reading:
    day: _DaySpec | None = None
    clock: _Clock | None = None
    part: str | None = None  # morning / afternoon / evening / night
    tonight: bool = False
    zone: dt.tzinfo | None = None
    duration: dt.timedelta = dt.timedelta()
    duration_units: set[str] = field(default_factory=set)
    duration_text: str = ""
    sign: int = 0  # +1: "in ..." / "from now", -1: "ago"
    now: bool = False


class _Refuser:
    """Builds the refusals for one text, each with examples in the member's zone."""

    def __init__(self, text: str, zone: dt.tzinfo, now: dt.datetime) -> None:
        self.text = text
        self.zone = zone
        self.now = now

    @property
    def examples(self) -> str:
        return _examples(self.zone, self.now)

    def unreadable(self, fragment: str | None = None) -> UnreadableTime:
        whole = _quoted(self.text)
        if fragment is None or fragment == self.text:
            return UnreadableTime(f'I couldn\'t read "{whole}" as a time. {self.examples}', f'"{whole}" isn\'t a time')
        part = _quoted(fragment)
        return UnreadableTime(
            f'I couldn\'t read "{part}" in "{whole}" as part of a time. {self.examples}',
            f'"{part}" isn\'t part of a time',
        )

    def refuse(self, message: str, short: str, cls: type[TimeRefused] = UnreadableTime) -> TimeRefused:
        return cls(f"{message} {self.examples}", short)


def _normalize(text: str) -> str:
    phrase = _SPACES.sub(" ", text.lower()).strip()
    for pattern, replacement in _MULTIWORD:
        phrase = pattern.sub(replacement, phrase)
    return _SPACES.sub(" ", phrase).strip()


def _hour_minute(h: str, m: str, text: str, refuse: _Refuser) -> tuple[int, int]:
    hour, minute = int(h), int(m)
    if not 0 <= hour <= 23:
        raise refuse.refuse(
            f'"{text}" isn\'t a time of day: hours run from 0 to 23.', f"{text} isn't a time of day (hours 0-23)"
        )
    if not 0 <= minute <= 59:
        raise refuse.refuse(
            f'"{text}" isn\'t a time of day: minutes run from 00 to 59.', f"{text} isn't a time of day (minutes 0-59)"
        )
    return hour, minute


def _twelve_hour(h: str, half: str, text: str, refuse: _Refuser) -> int:
    hour = int(h)
    if not 1 <= hour <= 12:
        raise refuse.refuse(
            f'"{text}" isn\'t a time of day: with am/pm the hour runs from 1 to 12.',
            f"{text} isn't a time of day (1-12 with am/pm)",
        )
    return hour % 12 + (12 if half == "pm" else 0)


def _read(text: str, refuse: _Refuser) -> _Reading:
    phrase = _normalize(text)
    if not phrase:
        raise refuse.refuse("Tell me a time.", "Type a time")
    reading = _Reading()
    if phrase == "now":
        reading.now = True
        return reading
    tokens = _tokens(phrase, refuse)
    pending_bare: _Token | None = None  # a number that can only be an hour if a part of the day says am/pm
    index = 0

    def set_day(spec: _DaySpec) -> None:
        if reading.day is not None:
            dated, named = (reading.day, spec) if reading.day.date is not None else (spec, reading.day)
            if dated.date is not None and named.weekday is not None and named.modifier is None and dated.check is None:
                dated.check = named.weekday  # "fri, dec 4 8pm": a date with its weekday, checked when placed
                dated.text = f"{reading.day.text} {spec.text}"
                reading.day = dated
                return
            raise refuse.refuse(
                f'"{reading.day.text}" and "{spec.text}" both name a day: give one.',
                f'"{reading.day.text}" and "{spec.text}" both name a day',
            )
        reading.day = spec

    def set_clock(clock: _Clock) -> None:
        if reading.clock is not None:
            raise refuse.refuse(
                f'"{reading.clock.text}" and "{clock.text}" both name a time: give one.',
                f'"{reading.clock.text}" and "{clock.text}" both name a time',
            )
        reading.clock = clock

    def set_part(part: str, word: str) -> None:
        if reading.part is not None and reading.part != part:
            raise refuse.refuse(
                f'"{reading.part}" and "{word}" both name a part of the day: give one.',
                f'"{reading.part}" and "{word}" clash',
            )
        reading.part = part

    def add_duration(amount: float, unit: str, token_text: str) -> None:
        reading.duration += dt.timedelta(**{unit: amount})
        reading.duration_units.add(unit)
        reading.duration_text = f"{reading.duration_text} {token_text}".strip()

    def peek(offset: int = 0) -> _Token | None:
        at = index + offset
        return tokens[at] if at < len(tokens) else None

    while index < len(tokens):
        token = tokens[index]
        g = token.groups
        kind, word = token.kind, token.text
        index += 1
        if kind == "iso":
            set_day(_DaySpec(word, date=(int(g["iso_y"] or 0), int(g["iso_m"] or 0), int(g["iso_d"] or 0))))
        elif kind == "slash":
            set_day(_slash_date(token, refuse))
        elif kind == "dmy":
            year = int(g["dm_y"]) if g["dm_y"] else None
            set_day(_DaySpec(word, date=(year, _month(g["dm_m"] or ""), int(g["dm_d"] or 0))))
        elif kind == "mdy":
            year = int(g["md_y"]) if g["md_y"] else None
            set_day(_DaySpec(word, date=(year, _month(g["md_m"] or ""), int(g["md_d"] or 0))))
        elif kind == "clock":
            if g["ck_ap"]:
                if g["ck_s"]:
                    raise refuse.unreadable(word)
                hour = _twelve_hour(g["ck_h"] or "", g["ck_ap"], word, refuse)
                _, minute = _hour_minute("0", g["ck_m"] or "", word, refuse)
                set_clock(_Clock(hour, minute, word, half=g["ck_ap"]))
            else:
                hour, minute = _hour_minute(g["ck_h"] or "", g["ck_m"] or "", word, refuse)
                if g["ck_s"] and int(g["ck_s"]) > 59:
                    raise refuse.unreadable(word)
                set_clock(_Clock(hour, minute, word))
        elif kind == "dotclock":  # 8.30pm, 20.30; "13.05" could be 13 May
            dotted = g["dc_m"] or ""
            if g["dc_ap"]:
                hour = _twelve_hour(g["dc_h"] or "", g["dc_ap"], word, refuse)
                _, minute = _hour_minute("0", dotted, word, refuse)
                set_clock(_Clock(hour, minute, word, half=g["dc_ap"]))
            elif int(dotted) > 12 or dotted == "00":
                hour, minute = _hour_minute(g["dc_h"] or "", dotted, word, refuse)
                set_clock(_Clock(hour, minute, word))
            else:
                raise refuse.refuse(
                    f'"{word}" could be a time or a date: write {word.replace(".", ":")} for the time, or the month '
                    "as a word for the date.",
                    f'"{word}": a time or a date? Write {word.replace(".", ":")}',
                    AmbiguousTime,
                )
        elif kind == "hour_ap":
            set_clock(_Clock(_twelve_hour(g["ha_h"] or "", g["ha_ap"] or "", word, refuse), 0, word, half=g["ha_ap"]))
        elif kind == "oclock":
            hour, _ = _hour_minute(g["oc_h"] or "", "0", word, refuse)
            set_clock(_Clock(hour, 0, word, bare=hour <= 12))
        elif kind in ("compact", "half", "duration"):
            if kind == "compact":
                add_duration(int(g["cp_h"] or 0), "hours", word)
                add_duration(int(g["cp_m"] or 0), "minutes", "")
            elif kind == "half":
                add_duration(30, "minutes", word)
            else:
                amount = g["du_n"] or ""
                add_duration(int(amount) if amount.isdigit() else _NUMBER_WORDS[amount], _UNITS[g["du_u"] or ""], word)
            follower = peek()
            if follower is not None and follower.text == "and":
                index += 1
                following = peek()
                if following is None or following.kind not in ("compact", "half", "duration"):
                    raise refuse.unreadable("and")
        elif kind == "offset":
            minutes = int(g["of_h"] or 0) * 60 + int(g["of_m"] or 0)
            _set_zone(reading, _fixed(minutes if g["of_sign"] == "+" else -minutes, refuse, word), word, refuse)
        elif kind == "attached":  # "20:30+09:00": only right after a clock time
            if index < 2 or tokens[index - 2].kind != "clock":
                raise refuse.unreadable(word)
            minutes = int(g["at_h"] or 0) * 60 + int(g["at_m"] or 0)
            _set_zone(reading, _fixed(minutes if g["at_sign"] == "+" else -minutes, refuse, word), word, refuse)
        elif kind == "weekday":
            set_day(_DaySpec(word, weekday=_weekday(g["wd"] or "")))
        elif kind == "number":
            previous = tokens[index - 2] if index >= 2 else None
            if previous is not None and previous.text in ("at", "@"):
                hour, _ = _hour_minute(word, "0", word, refuse)
                set_clock(_Clock(hour, 0, f"at {word}", bare=hour <= 12))
            elif pending_bare is None:
                pending_bare = token
            else:
                raise refuse.unreadable(word)
        elif kind == "symbol" and word != "@":
            raise refuse.unreadable()
        elif kind in ("word", "symbol"):
            if word in ("at", "@"):
                follower = peek()
                if follower is None or (
                    follower.kind not in ("clock", "hour_ap", "oclock", "number")
                    and follower.text not in ("noon", "midday", "midnight")
                ):
                    raise refuse.unreadable(word if follower is None else f"{word} {follower.text}")
            elif word == "on":
                follower = peek()
                if follower is None or (
                    follower.kind not in ("iso", "slash", "dmy", "mdy", "weekday")
                    and follower.text not in ("next", "this", "coming", "last")
                ):
                    raise refuse.unreadable(word if follower is None else f"{word} {follower.text}")
            elif word == "in":
                follower = peek()
                if follower is None or follower.kind not in ("compact", "half", "duration") or reading.sign:
                    raise refuse.unreadable(word if follower is None else f"in {follower.text}")
                reading.sign = 1
            elif word in ("fromnow", "later"):
                if not reading.duration_units or reading.sign:
                    raise refuse.unreadable("from now" if word == "fromnow" else word)
                reading.sign = 1
            elif word == "ago":
                if not reading.duration_units or reading.sign:
                    raise refuse.unreadable(word)
                reading.sign = -1
            elif word in ("next", "this", "coming", "last"):
                follower = peek()
                if follower is not None and follower.kind == "weekday":
                    index += 1
                    set_day(
                        _DaySpec(
                            f"{word} {follower.text}", weekday=_weekday(follower.groups["wd"] or ""), modifier=word
                        )
                    )
                elif word == "this" and follower is not None and follower.text in ("morning", "afternoon", "evening"):
                    index += 1
                    set_day(_DaySpec(f"this {follower.text}", offset=0))
                    set_part(follower.text, follower.text)
                else:
                    raise refuse.unreadable(word if follower is None else f"{word} {follower.text}")
            elif word in _RELATIVE_DAYS:
                set_day(_DaySpec(word, offset=_RELATIVE_DAYS[word]))
                if word in ("tonight", "tonite"):
                    reading.tonight = True
                    set_part("night", word)
            elif word in ("morning", "afternoon", "evening", "night"):
                set_part(word, word)
            elif word in ("noon", "midday"):
                set_clock(_Clock(12, 0, word, noon=True))
            elif word == "midnight":
                set_clock(_Clock(0, 0, word, midnight=True))
            elif word in _FIXED_ZONES:
                _set_zone(reading, _fixed(_FIXED_ZONES[word], refuse, word), word, refuse)
            elif word in _AMBIGUOUS_ZONES:
                name = word.upper()
                zone_name = _zone_name(refuse.zone)
                raise ZoneInText(
                    f'I read times in your zone ({zone_name}), so leave out "{name}", e.g. "friday 8pm". '
                    f'For another zone give its offset, e.g. "friday 8pm UTC+9".',
                    f'Leave out "{name}": times are read in your zone ({zone_name})',
                    name,
                )
            else:
                raise refuse.unreadable(word)
        else:  # pragma: no cover - every alternative is handled above
            raise refuse.unreadable(word)

    if pending_bare is not None:
        if reading.part is None or reading.clock is not None:
            number = pending_bare.text
            raise refuse.refuse(
                f'"{number}" alone isn\'t a time: write {number}am or {number}pm, or a 24-hour time like '
                f'"{number}:00", with a day if it isn\'t today.',
                f'"{number}" alone isn\'t a time: add am/pm or :00',
                AmbiguousTime,
            )
        hour, _ = _hour_minute(pending_bare.text, "0", pending_bare.text, refuse)
        reading.clock = _Clock(hour, 0, pending_bare.text, bare=hour <= 12)
    if reading.duration_units:
        if not reading.sign:
            raise refuse.refuse(
                f'Write "in {reading.duration_text}" for a time from now.', f'Write "in {reading.duration_text}"'
            )
        if reading.day is not None or reading.part is not None or reading.zone is not None:
            raise refuse.unreadable()
        if reading.clock is not None and reading.duration_units - {"days", "weeks"}:
            raise refuse.refuse(
                f'"in {reading.duration_text}" already says when; leave out "{reading.clock.text}".',
                f'Leave out "{reading.clock.text}" after "in {reading.duration_text}"',
            )
    elif reading.sign:
        raise refuse.unreadable()
    return reading


def _slash_date(token: _Token, refuse: _Refuser) -> _DaySpec:
    g = token.groups
    first, second = int(g["sl_a"] or 0), int(g["sl_b"] or 0)
    year_text = g["sl_y"]
    year = None if year_text is None else int(year_text) + (2000 if len(year_text) == 2 else 0)
    if first <= 12 and second <= 12 and first != second:
        month_first = f"{_MONTHS[first - 1]} {second}"
        day_first = f"{_MONTHS[second - 1]} {first}"
        raise refuse.refuse(
            f'"{token.text}" could be {month_first} or {day_first}: write the month as a word '
            f'("{month_first.lower()}") or the date as year-month-day.',
            f'"{token.text}": {month_first} or {day_first}? Write the month as a word',
            AmbiguousTime,
        )
    month, day = (first, second) if first <= 12 else (second, first)
    return _DaySpec(token.text, date=(year, month, day))


def _fixed(minutes: int, refuse: _Refuser, text: str) -> dt.tzinfo:
    if not -14 * 60 <= minutes <= 14 * 60:
        raise refuse.unreadable(text)
    return dt.timezone(dt.timedelta(minutes=minutes))


def _set_zone(reading: _Reading, zone: dt.tzinfo, text: str, refuse: _Refuser) -> None:
    if reading.zone is not None:
        raise refuse.unreadable(text)
    reading.zone = zone


# -- placing a reading in time ---------------------------------------------------------------------

_EVENING_START = 17  # "tonight", "evening" and "night" cover 17:00 to 04:59


def _hour_for_part(clock: _Clock, part: str | None, tonight: bool, refuse: _Refuser) -> tuple[int, int]:
    """(hour, days after the named day) for the clock read with the part of the day."""
    hour = clock.hour
    if part is None:
        if clock.bare and 1 <= hour <= 12:
            raise refuse.refuse(
                f'"{clock.text}" could be morning or evening: write {hour}am or {hour}pm '
                f"(or {hour + 12 if hour < 12 else 12}:00).",
                f'"{clock.text}": {hour}am or {hour}pm?',
                AmbiguousTime,
            )
        return hour, 0
    if clock.midnight:
        if part in ("night", "evening"):
            return 0, 1
        raise _clash(clock, part, refuse)
    if clock.noon:
        if part == "afternoon":
            return 12, 0
        raise _clash(clock, part, refuse)
    twelve = clock.bare or (clock.half is None and 1 <= hour <= 12)
    if part == "morning":
        if twelve and 1 <= hour <= 11:
            return hour, 0
        if not twelve and hour < 12:
            return hour, 0
    elif part == "afternoon":
        if twelve and (hour == 12 or 1 <= hour <= 6):
            return hour % 12 + 12, 0
        if not twelve and 12 <= hour < 18:
            return hour, 0
    else:  # evening, night, tonight
        if twelve:
            if 5 <= hour <= 11:
                return hour + 12, 0
            if hour == 12:
                return 0, 1
            if 1 <= hour <= 4 and part == "night":
                return hour, 1
        elif hour >= _EVENING_START:
            return hour, 0
        elif hour < 5 and part == "night":
            return hour, 1
    raise _clash(clock, "tonight" if tonight else part, refuse)


def _clash(clock: _Clock, part: str, refuse: _Refuser) -> TimeRefused:
    return refuse.refuse(
        f'"{clock.text}" isn\'t in the {part}.' if part != "tonight" else f'"{clock.text}" isn\'t tonight.',
        f'"{clock.text}" and "{part}" clash',
    )


def _localize(wall: dt.datetime, zone: dt.tzinfo, now: dt.datetime) -> dt.datetime:
    """The UTC instant of a naive wall-clock time in ``zone``: fold=0 (first occurrence; a skipped time moves
    forward by the gap), or the second occurrence of a repeated time when only that one is still ahead."""
    first = wall.replace(tzinfo=zone).astimezone(dt.UTC)
    if first < now:
        second = wall.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)
        if second >= now:
            return second
    return first


def _date(spec: _DaySpec, today: dt.date, refuse: _Refuser) -> dt.date:
    assert spec.date is not None
    year, month, day = spec.date
    candidates = [year] if year is not None else [today.year, today.year + 1]
    for candidate in candidates:
        try:
            date = dt.date(candidate, month, day)
        except ValueError:
            if year is None and month == 2 and day == 29:
                continue  # the next 29 February may be years away: tried below, else refused
            raise refuse.refuse(
                f'"{spec.text}" isn\'t a date in the calendar.', f'"{spec.text}" isn\'t a date'
            ) from None
        if year is not None or date >= today:
            return date
    raise refuse.refuse(f'"{spec.text}" isn\'t a date in the next year.', f'"{spec.text}" isn\'t a date soon')


def _days(spec: _DaySpec | None, today: dt.date, refuse: _Refuser) -> list[dt.date]:
    """The candidate days the spec names, in order (a weekday without "next" may be today or a week on)."""
    if spec is None:
        return [today, today + _DAY]
    if spec.offset is not None:
        return [today + dt.timedelta(days=spec.offset)]
    if spec.date is not None:
        date = _date(spec, today, refuse)
        if spec.check is not None and date.weekday() != spec.check:
            named, actual = _WEEKDAYS[spec.check].title(), _WEEKDAYS[date.weekday()].title()
            raise refuse.refuse(
                f"{format_day(date)} is a {actual}, not a {named}: check the date.",
                f"{format_day(date)} is a {actual}, not a {named}",
            )
        return [date]
    assert spec.weekday is not None
    ahead = (spec.weekday - today.weekday()) % 7
    if spec.modifier == "last":
        return [today - dt.timedelta(days=(today.weekday() - spec.weekday) % 7 or 7)]
    if spec.modifier == "next":
        return [today + dt.timedelta(days=ahead or 7)]
    return [today + dt.timedelta(days=ahead), today + dt.timedelta(days=ahead + 7)]


def _place(reading: _Reading, zone: dt.tzinfo, now: dt.datetime, refuse: _Refuser) -> dt.datetime:
    if reading.now:
        return now
    reference = reading.zone or zone
    local_now = now.astimezone(reference)
    today = local_now.date()
    if reading.duration_units:
        delta = reading.duration * reading.sign
        if reading.duration_units - {"days", "weeks"}:
            return now + delta  # hours or minutes: elapsed time, exact across a daylight-saving change
        day = (local_now + delta).date()
        if reading.clock is None:  # whole days keep the clock time
            return _localize(dt.datetime.combine(day, local_now.time().replace(tzinfo=None)), reference, now)
        hour, extra = _hour_for_part(reading.clock, reading.part, reading.tonight, refuse)
        return _localize(dt.datetime.combine(day + dt.timedelta(days=extra), dt.time(hour, reading.clock.minute)),
                         reference, now)  # fmt: skip
    clock = reading.clock
    part = reading.part
    if clock is None:
        named = reading.day.text if reading.day is not None else (part or "that day")
        if reading.day is not None:
            day = _days(reading.day, today, refuse)[0]
            if day < today:
                shown = f"{format_day(day)} in {_zone_name(reference)}"
                midnight = dt.datetime.combine(day, dt.time(), tzinfo=reference).astimezone(dt.UTC)
                raise PastTime(f"That's in the past ({shown}). {refuse.examples}", f"That's in the past ({shown})",
                               midnight)  # fmt: skip
        raise refuse.refuse(
            f'Add a time to "{named}", e.g. "{named} 8pm" or "{named} 20:30".', f'Add a time, e.g. "{named} 8pm"'
        )
    if clock.midnight and reading.day is not None and part is None:
        raise refuse.refuse(
            f'"{reading.day.text} midnight" could be the start or the end of that day: write "{reading.day.text} '
            '00:00" for the start, or "23:59".',
            f'"{reading.day.text} midnight": start or end of the day? Write 00:00',
            AmbiguousTime,
        )
    if part is not None and reading.day is None:
        reading.day = _DaySpec(part, offset=0)  # "evening at 8": this evening
    hour, extra = _hour_for_part(clock, part, reading.tonight, refuse)
    candidates = _days(reading.day, today, refuse)
    instant = now
    for day in candidates:
        instant = _localize(dt.datetime.combine(day + dt.timedelta(days=extra), dt.time(hour, clock.minute)),
                            reference, now)  # fmt: skip
        if instant >= now:
            return instant
    return instant  # the last candidate, in the past: refused by the window check


def _window(instant: dt.datetime, zone: dt.tzinfo, now: dt.datetime, refuse: _Refuser) -> dt.datetime:
    shown = f"{format_instant(instant, zone)} in {_zone_name(zone)}"
    if instant < now:
        raise PastTime(f"That's in the past ({shown}). {refuse.examples}", f"That's in the past ({shown})", instant)
    if instant - now > MAX_AHEAD:
        raise TooFarAhead(
            f"That's more than a year away ({shown}). Pick a time within the next 366 days. {refuse.examples}",
            f"More than a year away ({format_instant(instant, zone)}): pick a closer time",
            instant,
        )
    return instant


def _stamp(text: str, refuse: _Refuser) -> dt.datetime | None:
    cleaned = text.strip()
    stamp = _DISCORD_TIMESTAMP.match(cleaned)
    digits = stamp[1] if stamp else cleaned if _UNIX_TIME.match(cleaned) else None
    if digits is None:
        return None
    try:
        return dt.datetime.fromtimestamp(int(digits), tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise refuse.unreadable() from None


def _check_now(now: dt.datetime) -> dt.datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(dt.UTC)


def parse_when(text: str, zone: dt.tzinfo, now: dt.datetime) -> dt.datetime:
    """The instant ``text`` names, read in ``zone`` relative to ``now``, as an aware UTC datetime.

    Raises a :class:`TimeRefused` (a :class:`~bot.errors.UserError`) when the text is not one clear time, or
    names one before ``now`` or more than :data:`MAX_AHEAD` after it. ``now`` must be aware.
    """
    now = _check_now(now)
    refuse = _Refuser(text, zone, now)
    if len(text) > MAX_LENGTH:
        raise refuse.refuse("That's too long to be a time.", "Too long to be a time")
    instant = _stamp(text, refuse)
    if instant is None:
        instant = _place(_read(text, refuse), zone, now, refuse)
    return _window(instant, zone, now, refuse)


def parse_day(text: str, zone: dt.tzinfo, now: dt.datetime) -> dt.date:
    """The day ``text`` names in ``zone`` (``today``, ``next wednesday``, ``2026-12-02``, ``in 2 weeks``...).

    A time is refused (the caller places the day's events itself); a day in the past is returned as is.
    """
    now = _check_now(now)
    refuse = _Refuser(text, zone, now)
    if len(text) > MAX_LENGTH:
        raise refuse.refuse("That's too long to be a day.", "Too long to be a day")
    stamp = _stamp(text, refuse)
    if stamp is not None:
        return stamp.astimezone(zone).date()
    reading = _read(text, refuse)
    today = now.astimezone(zone).date()
    if reading.now:
        return today
    if reading.clock is not None or reading.part is not None or reading.zone is not None:
        raise refuse.refuse(
            'Give a day without a time, e.g. "2026-12-02", "today" or "next wednesday": the time comes from the slots.',
            "Give a day without a time",
        )
    if reading.duration_units:
        if reading.duration_units - {"days", "weeks"}:
            raise refuse.refuse("Give a day, not hours or minutes.", "Give a day, not hours")
        return today + reading.duration * reading.sign
    if reading.day is None:  # pragma: no cover - _read refuses an empty reading
        raise refuse.unreadable()
    return _days(reading.day, today, refuse)[0]


@dataclass(frozen=True, slots=True)
class Preview:
    """What the autocomplete line says about a typed time: the instant, or why it is refused."""

    line: str
    instant: dt.datetime | None


def preview(text: str, zone: dt.tzinfo, now: dt.datetime) -> Preview:
    """The one-line reading of ``text`` for autocomplete (at most :data:`PREVIEW_LENGTH` characters). Never raises
    for bad input: a refusal becomes its short reason. E.g. ``Fri 27 Nov 2026, 20:00 (America/New_York) · in 6
    days``."""
    if not text.strip():
        return Preview(HINT, None)
    try:
        instant = parse_when(text, zone, now)
    except TimeRefused as error:
        return Preview(_clip(error.short), None)
    local = instant.astimezone(zone)
    line = f"{format_day(local.date())}, {local:%H:%M} ({_zone_name(zone)}) · {relative(instant - now)}"
    return Preview(_clip(line), instant)


def preview_day(text: str, zone: dt.tzinfo, now: dt.datetime) -> Preview:
    """:func:`preview` for a day: ``Wed 2 Dec 2026 (Asia/Seoul)``; ``instant`` is the day's midnight in ``zone``."""
    if not text.strip():
        return Preview("Keep typing… e.g. today, next wednesday, 2026-12-02", None)
    try:
        day = parse_day(text, zone, now)
    except TimeRefused as error:
        return Preview(_clip(error.short), None)
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    return Preview(_clip(f"{format_day(day)} ({_zone_name(zone)})"), midnight.astimezone(dt.UTC))


def _clip(line: str) -> str:
    return line if len(line) <= PREVIEW_LENGTH else line[: PREVIEW_LENGTH - 1] + "…"


def warm_up() -> None:
    """Nothing to load: the grammar is compiled at import. Kept so start-up code can call it."""
    parse_when("friday 8pm", ZoneInfo("UTC"), dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
