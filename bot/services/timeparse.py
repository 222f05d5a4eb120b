"""Time input ("friday 8pm", "금요일 오후 8시", "in 2 hours", "2시간 후", a pasted Discord timestamp) read in the
member's zone.

Two hand-written grammars, English and Korean, compiled once at import; text with Hangul is read with the
Korean one (which also takes the forms both languages share: ``21:00``, ``2026-12-02``, ``KST``). Both are strict
on purpose: every word of the text must be understood, or the text is refused with the part it could not place
and examples of what works. There is no guessing: "9" alone, "at 9" and "9시" (morning or evening?),
"tomorrow 25:00", "-1", "12/2" (December or February?), "다음 금요일" (this coming Friday or next week's?) and
"friday" without a time are refused, each with a sentence saying what to write instead.

What the forms mean (``now`` is the moment of reading; local times are in the member's zone):

* ``<t:1795608000:F>`` (any style letter), a bare 10-digit Unix time and ``now``/``지금`` name one instant.
* Durations: ``in 2 hours``, ``in 90 minutes``, ``in 1h30m``, ``in half an hour``, ``2 hours from now``,
  ``2시간 후``, ``1시간 30분 뒤``, ``두 시간 반 후``: elapsed time, exact across a daylight-saving change. Whole days or
  weeks (``in 2 days``, ``3일 후``, ``이틀 후``, ``2주 후``) keep the wall clock instead, and may take a time:
  ``in 2 days at 9pm``, ``3일 후 오후 9시``. ``... ago`` / ``... 전`` is read, then refused as past.
* A time alone (``8pm``, ``20:30``, ``noon``, ``오후 8시``, ``21시``) is its next occurrence: today while still
  ahead, else tomorrow.
* A weekday (``friday``, ``fri``, ``금요일``...) is the next such day whose time is still ahead, so on a Friday at
  19:00 ``friday 8pm`` is today and at 21:00 it is next week. ``next friday`` and ``오는 금요일`` are never today;
  ``last friday`` is read, then refused as past. Korean weeks run Monday to Sunday: ``이번 주 금요일`` is this
  week's Friday (refused once past), ``다음 주 수요일`` the Wednesday of next week, ``다다음 주`` the week after.
* ``today``, ``tomorrow``, ``yesterday``, ``the day after tomorrow``, ``오늘``, ``내일``, ``모레``, ``글피``;
  ``tonight`` and ``this evening`` are today's evening. A part of the day (``morning``, ``afternoon``,
  ``evening``, ``night``; ``새벽``, ``아침``, ``낮``, ``저녁``, ``밤``) decides am/pm for an hour given without it:
  ``tonight at 9`` and ``저녁 9시`` are 21:00, ``tomorrow morning at 8`` and ``내일 아침 8시`` are 08:00.
  ``tonight at 1``, ``밤 1시`` and ``tonight 00:30`` are the small hours after today's evening; ``새벽 2시`` is
  02:00 of the day named (without a day, the next 02:00).
  ``오전``/``오후`` are am/pm (``오후 12시`` is noon; ``오전 12시`` is refused: midnight or noon?).
* Dates: ``2026-12-02`` (also with ``/`` or ``.``), ``dec 2``, ``december 2nd 2026``, ``2 dec``, ``the 2nd of
  december``, ``12월 2일``, ``2026년 12월 2일``, and ``12/25`` or ``25/12`` when only one reading is a date. Without
  a year, the next such date (today's date stays today, and a time already past on it is refused rather than
  moved a year on). A weekday written with a date (``Fri, Dec 4``, ``12월 4일 (금)``) must agree with it.
* ``H:MM`` without am/pm is the 24-hour clock (``8:30`` is morning) unless a part of the day says otherwise. In
  Korean an hour of 1 to 12 needs ``오전``/``오후`` or a part of the day (``8시 30분`` alone is refused).
* Wall-clock times survive daylight saving: ``friday 20:00`` is 20:00 local whatever the offset that day. A
  repeated local time (clocks going back) is its first occurrence unless only the second is still ahead; a
  skipped one (clocks going forward) moves forward by the gap, so 02:30 that night is 03:30.
* A zone in the text: ``UTC``, ``UTC+9``, ``GMT-5:30``, ``+09:00`` right after a time, ``한국 시간``, and the zone
  abbreviations :mod:`bot.services.zones` accepts (one region on one offset all year: ``KST``, ``JST``...).
  Others (``EST``, ``IST``, ``CST``...) are refused, as they are for the ``timezone`` option: ``IST`` is three
  different zones and ``EST`` is wrong half the year.

:func:`parse_when` also enforces the one window every scheduled time obeys: not before ``now`` and at most
:data:`MAX_AHEAD` after it. :func:`parse_day` reads a day for date-only options (``/rewatch start from:``).

Refusals are data: a :class:`TimeRefused` carries message ids (its sentence and its short form for an
autocomplete line), rendered by the cog in the reader's language.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.locale import Day, Moment, MonthDay, Msg, WeekdayName, msg

from .zones import abbreviation

MAX_AHEAD = dt.timedelta(days=366)
MAX_LENGTH = 100
PREVIEW_LENGTH = 100
HINT = msg("Keep typing… e.g. friday 8pm, tomorrow 21:00, in 2 hours")
DAY_HINT = msg("Keep typing… e.g. today, next wednesday, 2026-12-02")

_DAY = dt.timedelta(days=1)
_WEEK = dt.timedelta(days=7)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


# -- errors ----------------------------------------------------------------------------------------


class TimeRefused(UserError):
    """The text does not name one time a person would agree with: ``reason`` says why, ``short`` fits an
    autocomplete line, and the full message (the reason, then ``examples``) is what the command answers."""

    def __init__(self, reason: Msg, short: Msg, examples: Msg | None = None) -> None:
        super().__init__(msg("{reason} {examples}", reason=reason, examples=examples) if examples else reason)
        self.reason = reason
        self.short = short


class UnreadableTime(TimeRefused):
    """Part of the text is not a time (or the whole of it)."""


class AmbiguousTime(TimeRefused):
    """The text could mean more than one time ("at 9", "12/2", "9시")."""


class ZoneInText(TimeRefused):
    """The text names a zone abbreviation that may mean several offsets ("8pm EST", "9pm IST")."""

    def __init__(self, reason: Msg, short: Msg, abbreviation: str) -> None:
        super().__init__(reason, short)
        self.abbreviation = abbreviation


class PastTime(TimeRefused):
    """The time read is before ``now``."""

    def __init__(self, reason: Msg, short: Msg, examples: Msg, instant: dt.datetime) -> None:
        super().__init__(reason, short, examples)
        self.instant = instant


class TooFarAhead(TimeRefused):
    """The time read is more than :data:`MAX_AHEAD` after ``now``."""

    def __init__(self, reason: Msg, short: Msg, examples: Msg, instant: dt.datetime) -> None:
        super().__init__(reason, short, examples)
        self.instant = instant


def _zone_name(zone: dt.tzinfo) -> str:
    return zone.key if isinstance(zone, ZoneInfo) else str(zone)


def _quoted(text: str) -> str:
    flat = " ".join(text.split()).replace('"', "'")
    return flat if len(flat) <= 40 else flat[:39] + "…"


# -- the English grammar ---------------------------------------------------------------------------

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

# -- the Korean grammar ----------------------------------------------------------------------------

_KO_NUMBER_WORDS = "열한|열두|다섯|여섯|일곱|여덟|아홉|한|두|세|네|열"  # native numbers, longest first
_KO_NUMBERS = {
    "한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10, "열한": 11,
    "열두": 12,
}  # fmt: skip
_KO_WEEKDAYS = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}
_KO_RELATIVE = {"오늘": 0, "내일": 1, "모레": 2, "내일모레": 2, "글피": 3, "어제": -1, "그제": -2, "그저께": -2}
_KO_WEEKS = {"이번": 0, "다음": 1, "담": 1, "다다음": 2, "지난": -1, "저번": -1}
_KO_PARTS = {"새벽": "dawn", "아침": "morning", "낮": "afternoon", "저녁": "evening", "밤": "night"}
_KO_UNITS = {"시간": "hours", "분": "minutes", "일": "days", "주": "weeks", "주일": "weeks"}
_KO_DAY_WORDS = {
    "하루": (1, "days"),
    "이틀": (2, "days"),
    "사흘": (3, "days"),
    "나흘": (4, "days"),
    "일주일": (1, "weeks"),
}
_KO_SIGNS = {"후": 1, "뒤": 1, "이후": 1, "있다가": 1, "전": -1}

_KO_TOKEN = re.compile(
    rf"""
    (?P<k_zone>한국\s?시간|한국\s?시(?!\d))
  | (?P<k_date>(?:(?P<kd_y>\d{{4}})\s?년\s?)?(?P<kd_m>\d{{1,2}})\s?월\s?(?P<kd_d>\d{{1,2}})\s?일
        (?!\s?(?:후|뒤|이후|있다가|전)))
  | (?P<k_weekday>(?P<kw>[월화수목금토일])(?:요일|욜))
  | (?P<k_paren>\((?P<kp>[월화수목금토일])(?:요일)?\))
  | (?P<k_week>(?P<kwk>다다음|다음|이번|지난|저번|담)\s?주(?!일))
  | (?P<k_mod>(?P<km>다음|이번|오는|지난|저번)(?=\s?[월화수목금토일](?:요일|욜)))
  | (?P<k_rel>내일\s?모레|오늘|내일|모레|글피|어제|그저께|그제)
  | (?P<k_half>오전|오후)
  | (?P<k_part>새벽|아침|낮|저녁|밤)
  | (?P<k_noon>정오|자정)
  | (?P<k_now>지금)
  | (?P<k_dur>(?P<kdu_n>\d{{1,4}}|{_KO_NUMBER_WORDS})\s?(?P<kdu_u>시간|분|주일|주|일)(?P<kdu_half>\s?반)?)
  | (?P<k_dayword>하루|이틀|사흘|나흘|일주일)
  | (?P<k_hour>(?P<kh_h>\d{{1,2}}|{_KO_NUMBER_WORDS})\s?시(?!간)(?:\s?(?P<kh_m>\d{{1,2}})\s?분|\s?(?P<kh_half>반))?)
  | (?P<k_sign>이후|후|뒤|있다가|전)
  | (?P<k_at>에)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    groups: dict[str, str | None]


def _tokens(phrase: str, refuse: _Refuser, *, korean: bool = False) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(phrase):
        if phrase[position] == " ":
            position += 1
            continue
        match = _KO_TOKEN.match(phrase, position) if korean else None
        if match is None:
            match = _TOKEN.match(phrase, position)
        if match is None or match.lastgroup is None:  # pragma: no cover - the symbol alternative takes anything
            raise refuse.unreadable(phrase[position:].split(" ")[0])
        # lastgroup is the group that closed last: the matching alternative's own (outermost) name.
        tokens.append(_Token(match.lastgroup, match.group(0).strip(), match.groupdict()))
        position = match.end()
        if korean and tokens[-1].kind == "symbol":  # an unknown Korean word: name all of it
            raise refuse.unreadable(phrase[match.start() :].split(" ")[0])
    return tokens


_MONTH_NUMBERS = {name: i + 1 for i, name in enumerate(m.lower() for m in _MONTHS)}
_WEEKDAY_NUMBERS = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip


def _month(text: str) -> int:
    return _MONTH_NUMBERS[text[:3]]


def _weekday(text: str) -> int:
    return _WEEKDAY_NUMBERS[text[:3]]


def _number(text: str) -> int:
    """A number in digits or a native Korean number word (한, 두, 세... 열두)."""
    return int(text) if text.isdigit() else _KO_NUMBERS[text]


# -- what the text says ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Clock:
    hour: int
    minute: int
    text: str
    half: str | None = None  # "am" / "pm" when given
    bare: bool = False  # an hour with no am/pm ("at 9", "tonight 9", "9시", "8시 30분")
    noon: bool = False
    midnight: bool = False


@dataclass(slots=True)
class _DaySpec:
    text: str
    offset: int | None = None  # today + offset days
    weekday: int | None = None
    modifier: str | None = None  # next / this / coming / last
    week: int | None = None  # a weekday of this (0), next (1)... calendar week, Monday to Sunday
    date: tuple[int | None, int, int] | None = None  # (year or None, month, day)
    check: int | None = None  # the weekday a date was written with ("fri, dec 4", "12월 4일 (금)"): must agree


@dataclass(slots=True)
class _Reading:
    day: _DaySpec | None = None
    clock: _Clock | None = None
    part: str | None = None  # morning / afternoon / evening / night / dawn
    part_text: str | None = None  # the part of the day as typed
    tonight: bool = False
    zone: dt.tzinfo | None = None
    duration: dt.timedelta = dt.timedelta()
    duration_units: set[str] = field(default_factory=set)
    duration_text: str = ""
    sign: int = 0  # +1: "in ..." / "from now" / "후", -1: "ago" / "전"
    now: bool = False


class _Refuser:
    """Builds the refusals for one text, each with examples in the member's zone. ``korean`` says which grammar
    read the text, so a refusal suggests forms in the language the member typed."""

    def __init__(self, text: str, zone: dt.tzinfo, now: dt.datetime) -> None:
        self.text = text
        self.zone = zone
        self.now = now
        self.korean = bool(_HANGUL.search(text))

    @property
    def examples(self) -> Msg:
        date = (self.now.astimezone(self.zone) + dt.timedelta(days=11)).date()
        return msg('Try "friday 8pm", "tomorrow 21:00", "{date} 20:30" or "in 2 hours".', date=date.isoformat())

    def unreadable(self, fragment: str | None = None) -> UnreadableTime:
        whole = _quoted(self.text)
        if fragment is None or fragment == self.text:
            return UnreadableTime(
                msg('I couldn\'t read "{text}" as a time.', text=whole),
                msg('"{text}" isn\'t a time', text=whole),
                self.examples,
            )
        part = _quoted(fragment)
        return UnreadableTime(
            msg('I couldn\'t read "{part}" in "{text}" as part of a time.', part=part, text=whole),
            msg('"{part}" isn\'t part of a time', part=part),
            self.examples,
        )

    def refuse(self, reason: Msg, short: Msg, cls: type[TimeRefused] = UnreadableTime) -> TimeRefused:
        return cls(reason, short, self.examples)


def _normalize(text: str) -> str:
    phrase = _SPACES.sub(" ", text.lower()).strip()
    for pattern, replacement in _MULTIWORD:
        phrase = pattern.sub(replacement, phrase)
    return _SPACES.sub(" ", phrase).strip()


def _hour_minute(h: str, m: str, text: str, refuse: _Refuser) -> tuple[int, int]:
    hour, minute = int(h), int(m)
    if not 0 <= hour <= 23:
        raise refuse.refuse(
            msg('"{text}" isn\'t a time of day: hours run from 0 to 23.', text=text),
            msg("{text} isn't a time of day (hours 0-23)", text=text),
        )
    if not 0 <= minute <= 59:
        raise refuse.refuse(
            msg('"{text}" isn\'t a time of day: minutes run from 00 to 59.', text=text),
            msg("{text} isn't a time of day (minutes 0-59)", text=text),
        )
    return hour, minute


def _twelve_hour(h: str, half: str, text: str, refuse: _Refuser) -> int:
    hour = int(h)
    if not 1 <= hour <= 12:
        if refuse.korean:
            raise refuse.refuse(
                msg('"{text}" isn\'t a time of day: with 오전/오후 the hour runs from 1 to 12.', text=text),
                msg("{text} isn't a time of day (1-12 with 오전/오후)", text=text),
            )
        raise refuse.refuse(
            msg('"{text}" isn\'t a time of day: with am/pm the hour runs from 1 to 12.', text=text),
            msg("{text} isn't a time of day (1-12 with am/pm)", text=text),
        )
    return hour % 12 + (12 if half == "pm" else 0)


class _Builder:
    """Puts what the tokens say into a :class:`_Reading`, refusing what contradicts itself."""

    def __init__(self, refuse: _Refuser) -> None:
        self.reading = _Reading()
        self.refuse = refuse

    def day(self, spec: _DaySpec) -> None:
        reading = self.reading
        if reading.day is not None:
            dated, named = (reading.day, spec) if reading.day.date is not None else (spec, reading.day)
            if (
                dated.date is not None
                and named.weekday is not None
                and named.modifier is None
                and named.week is None
                and dated.check is None
            ):
                dated.check = named.weekday  # "fri, dec 4 8pm": a date with its weekday, checked when placed
                dated.text = f"{reading.day.text} {spec.text}"
                reading.day = dated
                return
            raise self.refuse.refuse(
                msg('"{first}" and "{second}" both name a day: give one.', first=reading.day.text, second=spec.text),
                msg('"{first}" and "{second}" both name a day', first=reading.day.text, second=spec.text),
            )
        reading.day = spec

    def clock(self, clock: _Clock) -> None:
        if self.reading.clock is not None:
            first = self.reading.clock.text
            raise self.refuse.refuse(
                msg('"{first}" and "{second}" both name a time: give one.', first=first, second=clock.text),
                msg('"{first}" and "{second}" both name a time', first=first, second=clock.text),
            )
        self.reading.clock = clock

    def part(self, part: str, word: str) -> None:
        reading = self.reading
        if reading.part is not None and reading.part != part:
            first = reading.part_text or reading.part
            raise self.refuse.refuse(
                msg('"{first}" and "{second}" both name a part of the day: give one.', first=first, second=word),
                msg('"{first}" and "{second}" clash', first=first, second=word),
            )
        reading.part = part
        reading.part_text = word

    def duration(self, amount: float, unit: str, token_text: str) -> None:
        reading = self.reading
        reading.duration += dt.timedelta(**{unit: amount})
        reading.duration_units.add(unit)
        reading.duration_text = f"{reading.duration_text} {token_text}".strip()

    def zone_word(self, word: str) -> bool:
        """A zone named in the text ("utc", "kst"); refuses an abbreviation that is not one offset. False when the
        word is no zone at all."""
        if word in ("utc", "gmt+0", "z"):
            self.zone(_fixed(0, self.refuse, word), word)
            return True
        found = abbreviation(word) if len(word) <= 5 else None
        if found is None:
            return False
        if found.offset is not None:
            self.zone(_fixed(found.offset, self.refuse, word), word)
            return True
        name, zone_name = word.upper(), _zone_name(self.refuse.zone)
        raise ZoneInText(
            msg(
                'I read times in your zone ({zone}), so leave out "{name}", e.g. "friday 8pm". For another zone give '
                'its offset, e.g. "friday 8pm UTC+9".',
                zone=zone_name,
                name=name,
            ),
            msg('Leave out "{name}": times are read in your zone ({zone})', name=name, zone=zone_name),
            name,
        )

    def zone(self, zone: dt.tzinfo, text: str) -> None:
        if self.reading.zone is not None:
            raise self.refuse.unreadable(text)
        self.reading.zone = zone

    def bare_number(self, number: str) -> TimeRefused:
        if self.refuse.korean:
            return self.refuse.refuse(
                msg(
                    '"{number}" alone isn\'t a time: write 오전 {number}시 or 오후 {number}시, or a 24-hour time like '
                    '"{number}:00", with a day if it isn\'t today.',
                    number=number,
                ),
                msg('"{number}" alone isn\'t a time: add 오전/오후 or :00', number=number),
                AmbiguousTime,
            )
        return self.refuse.refuse(
            msg(
                '"{number}" alone isn\'t a time: write {number}am or {number}pm, or a 24-hour time like '
                '"{number}:00", with a day if it isn\'t today.',
                number=number,
            ),
            msg('"{number}" alone isn\'t a time: add am/pm or :00', number=number),
            AmbiguousTime,
        )

    def finish(self, pending_bare: _Token | None) -> _Reading:
        """The checks once every token is read: a lone number, and durations without "in"/"후"."""
        reading, refuse = self.reading, self.refuse
        if pending_bare is not None:
            if reading.part is None or reading.clock is not None:
                raise self.bare_number(pending_bare.text)
            hour, _ = _hour_minute(pending_bare.text, "0", pending_bare.text, refuse)
            reading.clock = _Clock(hour, 0, pending_bare.text, bare=hour <= 12)
        if reading.duration_units:
            text = reading.duration_text
            if not reading.sign:
                if refuse.korean and reading.duration_units == {"days"} and reading.duration.days <= 31:
                    raise refuse.refuse(
                        msg(
                            'Write "{text} 후" for a time from now, or a whole date like "12월 {days}일".',
                            text=text,
                            days=reading.duration.days,
                        ),
                        msg('Write "{text} 후" or a date like "12월 {days}일"', text=text, days=reading.duration.days),
                    )
                if refuse.korean:
                    raise refuse.refuse(
                        msg('Write "{text} 후" for a time from now.', text=text), msg('Write "{text} 후"', text=text)
                    )
                raise refuse.refuse(
                    msg('Write "in {text}" for a time from now.', text=text), msg('Write "in {text}"', text=text)
                )
            if reading.day is not None or reading.part is not None or reading.zone is not None:
                raise refuse.unreadable()
            if reading.clock is not None and reading.duration_units - {"days", "weeks"}:
                clock = reading.clock.text
                if refuse.korean:
                    raise refuse.refuse(
                        msg('"{text} 후" already says when; leave out "{clock}".', text=text, clock=clock),
                        msg('Leave out "{clock}" after "{text} 후"', text=text, clock=clock),
                    )
                raise refuse.refuse(
                    msg('"in {text}" already says when; leave out "{clock}".', text=text, clock=clock),
                    msg('Leave out "{clock}" after "in {text}"', text=text, clock=clock),
                )
        elif reading.sign:
            raise refuse.unreadable()
        return reading


def _read(text: str, refuse: _Refuser) -> _Reading:
    phrase = _normalize(text)
    if not phrase:
        raise refuse.refuse(msg("Tell me a time."), msg("Type a time"))
    if refuse.korean:
        return _read_korean(phrase, refuse)
    b = _Builder(refuse)
    reading = b.reading
    if phrase == "now":
        reading.now = True
        return reading
    tokens = _tokens(phrase, refuse)
    pending_bare: _Token | None = None  # a number that can only be an hour if a part of the day says am/pm
    index = 0

    def peek(offset: int = 0) -> _Token | None:
        at = index + offset
        return tokens[at] if at < len(tokens) else None

    while index < len(tokens):
        token = tokens[index]
        g = token.groups
        kind, word = token.kind, token.text
        index += 1
        if kind in ("iso", "slash", "dmy", "mdy", "clock", "dotclock", "hour_ap", "offset", "attached"):
            _shared_token(b, token, tokens, index)
        elif kind == "oclock":
            hour, _ = _hour_minute(g["oc_h"] or "", "0", word, refuse)
            b.clock(_Clock(hour, 0, word, bare=hour <= 12))
        elif kind in ("compact", "half", "duration"):
            if kind == "compact":
                b.duration(int(g["cp_h"] or 0), "hours", word)
                b.duration(int(g["cp_m"] or 0), "minutes", "")
            elif kind == "half":
                b.duration(30, "minutes", word)
            else:
                amount = g["du_n"] or ""
                b.duration(int(amount) if amount.isdigit() else _NUMBER_WORDS[amount], _UNITS[g["du_u"] or ""], word)
            follower = peek()
            if follower is not None and follower.text == "and":
                index += 1
                following = peek()
                if following is None or following.kind not in ("compact", "half", "duration"):
                    raise refuse.unreadable("and")
        elif kind == "weekday":
            b.day(_DaySpec(word, weekday=_weekday(g["wd"] or "")))
        elif kind == "number":
            previous = tokens[index - 2] if index >= 2 else None
            if previous is not None and previous.text in ("at", "@"):
                hour, _ = _hour_minute(word, "0", word, refuse)
                b.clock(_Clock(hour, 0, f"at {word}", bare=hour <= 12))
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
                    b.day(
                        _DaySpec(
                            f"{word} {follower.text}", weekday=_weekday(follower.groups["wd"] or ""), modifier=word
                        )
                    )
                elif word == "this" and follower is not None and follower.text in ("morning", "afternoon", "evening"):
                    index += 1
                    b.day(_DaySpec(f"this {follower.text}", offset=0))
                    b.part(follower.text, follower.text)
                else:
                    raise refuse.unreadable(word if follower is None else f"{word} {follower.text}")
            elif word in _RELATIVE_DAYS:
                b.day(_DaySpec(word, offset=_RELATIVE_DAYS[word]))
                if word in ("tonight", "tonite"):
                    reading.tonight = True
                    b.part("night", word)
            elif word in ("morning", "afternoon", "evening", "night"):
                b.part(word, word)
            elif word in ("noon", "midday"):
                b.clock(_Clock(12, 0, word, noon=True))
            elif word == "midnight":
                b.clock(_Clock(0, 0, word, midnight=True))
            elif not b.zone_word(word):
                raise refuse.unreadable(word)
        else:  # pragma: no cover - every alternative is handled above
            raise refuse.unreadable(word)
    return b.finish(pending_bare)


def _shared_token(b: _Builder, token: _Token, tokens: list[_Token], index: int, half: str | None = None) -> None:
    """The forms both grammars read the same way: dates in digits, clock times, am/pm, UTC offsets. ``half`` is a
    Korean 오전/오후 ("am"/"pm") that came before a clock time."""
    g, kind, word, refuse = token.groups, token.kind, token.text, b.refuse
    if kind == "iso":
        b.day(_DaySpec(word, date=(int(g["iso_y"] or 0), int(g["iso_m"] or 0), int(g["iso_d"] or 0))))
    elif kind == "slash":
        b.day(_slash_date(token, refuse))
    elif kind == "dmy":
        year = int(g["dm_y"]) if g["dm_y"] else None
        b.day(_DaySpec(word, date=(year, _month(g["dm_m"] or ""), int(g["dm_d"] or 0))))
    elif kind == "mdy":
        year = int(g["md_y"]) if g["md_y"] else None
        b.day(_DaySpec(word, date=(year, _month(g["md_m"] or ""), int(g["md_d"] or 0))))
    elif kind == "clock":
        half = g["ck_ap"] or half
        if half:
            if g["ck_s"]:
                raise refuse.unreadable(word)
            hour = _twelve_hour(g["ck_h"] or "", half, word, refuse)
            _, minute = _hour_minute("0", g["ck_m"] or "", word, refuse)
            b.clock(_Clock(hour, minute, word, half=half))
        else:
            hour, minute = _hour_minute(g["ck_h"] or "", g["ck_m"] or "", word, refuse)
            if g["ck_s"] and int(g["ck_s"]) > 59:
                raise refuse.unreadable(word)
            b.clock(_Clock(hour, minute, word))
    elif kind == "dotclock":  # 8.30pm, 20.30; "13.05" could be 13 May
        dotted = g["dc_m"] or ""
        if g["dc_ap"]:
            hour = _twelve_hour(g["dc_h"] or "", g["dc_ap"], word, refuse)
            _, minute = _hour_minute("0", dotted, word, refuse)
            b.clock(_Clock(hour, minute, word, half=g["dc_ap"]))
        elif int(dotted) > 12 or dotted == "00":
            hour, minute = _hour_minute(g["dc_h"] or "", dotted, word, refuse)
            b.clock(_Clock(hour, minute, word))
        else:
            colon = word.replace(".", ":")
            raise refuse.refuse(
                msg(
                    '"{text}" could be a time or a date: write {colon} for the time, or the month as a word for the '
                    "date.",
                    text=word,
                    colon=colon,
                ),
                msg('"{text}": a time or a date? Write {colon}', text=word, colon=colon),
                AmbiguousTime,
            )
    elif kind == "hour_ap":
        b.clock(_Clock(_twelve_hour(g["ha_h"] or "", g["ha_ap"] or "", word, refuse), 0, word, half=g["ha_ap"]))
    elif kind == "offset":
        minutes = int(g["of_h"] or 0) * 60 + int(g["of_m"] or 0)
        b.zone(_fixed(minutes if g["of_sign"] == "+" else -minutes, refuse, word), word)
    elif kind == "attached":  # "20:30+09:00": only right after a clock time
        if index < 2 or tokens[index - 2].kind != "clock":
            raise refuse.unreadable(word)
        minutes = int(g["at_h"] or 0) * 60 + int(g["at_m"] or 0)
        b.zone(_fixed(minutes if g["at_sign"] == "+" else -minutes, refuse, word), word)
    else:  # pragma: no cover - callers pass only the kinds above
        raise refuse.unreadable(word)


def _read_korean(phrase: str, refuse: _Refuser) -> _Reading:
    """The Korean grammar: "금요일 오후 8시", "내일 21:00", "다음 주 수요일 저녁 9시", "2시간 후", "12월 2일 20:30"."""
    b = _Builder(refuse)
    reading = b.reading
    tokens = _tokens(phrase, refuse, korean=True)
    if len(tokens) == 1 and tokens[0].kind == "k_now":
        reading.now = True
        return reading
    half: _Token | None = None  # 오전/오후 waiting for its hour
    pending_bare: _Token | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        g = token.groups
        kind, word = token.kind, token.text
        index += 1
        follower = tokens[index] if index < len(tokens) else None
        if half is not None and kind not in ("k_hour", "clock", "k_at"):
            raise refuse.unreadable(f"{half.text} {word}")
        if kind == "k_zone":
            b.zone(_fixed(9 * 60, refuse, word), word)
        elif kind == "k_date":
            year = int(g["kd_y"]) if g["kd_y"] else None
            b.day(_DaySpec(word, date=(year, int(g["kd_m"] or 0), int(g["kd_d"] or 0))))
        elif kind == "k_weekday":
            b.day(_DaySpec(word, weekday=_KO_WEEKDAYS[g["kw"] or ""]))
        elif kind == "k_paren":
            b.day(_DaySpec(word, weekday=_KO_WEEKDAYS[g["kp"] or ""]))
        elif kind == "k_week":
            if follower is None or follower.kind != "k_weekday":
                raise refuse.refuse(
                    msg('Add a day and a time to "{text}", e.g. "{text} 수요일 오후 9시".', text=word),
                    msg('Add a day, e.g. "{text} 수요일 오후 9시"', text=word),
                )
            index += 1
            weekday = _KO_WEEKDAYS[follower.groups["kw"] or ""]
            b.day(_DaySpec(f"{word} {follower.text}", weekday=weekday, week=_KO_WEEKS[g["kwk"] or ""]))
        elif kind == "k_mod":
            assert follower is not None  # the pattern looks ahead for the weekday
            index += 1
            weekday = _KO_WEEKDAYS[follower.groups["kw"] or ""]
            text = f"{word} {follower.text}"
            modifier = g["km"] or ""
            if modifier == "다음":
                raise refuse.refuse(
                    msg(
                        '"{text}" could be this coming {day} or the one after: write "이번 주 {weekday}" or '
                        '"다음 주 {weekday}".',
                        text=text,
                        day=WeekdayName(weekday),
                        weekday=follower.text,
                    ),
                    msg('"{text}": this week or next? Write "이번 주" or "다음 주"', text=text),
                    AmbiguousTime,
                )
            if modifier == "오는":
                b.day(_DaySpec(text, weekday=weekday, modifier="next"))
            elif modifier == "이번":
                b.day(_DaySpec(text, weekday=weekday, week=0))
            else:  # 지난, 저번
                b.day(_DaySpec(text, weekday=weekday, modifier="last"))
        elif kind == "k_rel":
            b.day(_DaySpec(word, offset=_KO_RELATIVE[word.replace(" ", "")]))
        elif kind == "k_half":
            half = token
        elif kind == "k_part":
            b.part(_KO_PARTS[word], word)
        elif kind == "k_noon":
            b.clock(_Clock(12, 0, word, noon=True) if word == "정오" else _Clock(0, 0, word, midnight=True))
        elif kind == "k_now":
            raise refuse.unreadable(word)
        elif kind in ("k_dur", "k_dayword"):
            if kind == "k_dayword":
                amount, unit = _KO_DAY_WORDS[word]
                b.duration(amount, unit, word)
            else:
                unit = _KO_UNITS[g["kdu_u"] or ""]
                if g["kdu_half"] and unit != "hours":
                    raise refuse.unreadable(word)
                b.duration(_number(g["kdu_n"] or ""), unit, word)
                if g["kdu_half"]:
                    b.duration(30, "minutes", "")
            if reading.sign:
                raise refuse.unreadable(word)
        elif kind == "k_hour":
            _korean_hour(b, token, half)
            half = None
        elif kind == "clock" and half is not None:
            _shared_token(b, token, tokens, index, half="am" if half.text == "오전" else "pm")
            half = None
        elif kind == "k_sign":
            if not reading.duration_units or reading.sign:
                raise refuse.unreadable(word)
            reading.sign = _KO_SIGNS[word]
        elif kind == "k_at":
            if index == 1:
                raise refuse.unreadable(word)
        elif kind in ("iso", "slash", "dmy", "mdy", "clock", "dotclock", "hour_ap", "offset", "attached"):
            _shared_token(b, token, tokens, index)
        elif kind == "weekday":
            b.day(_DaySpec(word, weekday=_weekday(g["wd"] or "")))
        elif kind == "number":
            if pending_bare is not None:
                raise refuse.unreadable(word)
            pending_bare = token
        elif kind == "word" and b.zone_word(word):
            pass
        else:
            raise refuse.unreadable(word)
    if half is not None:
        if reading.clock is not None:
            raise refuse.unreadable(half.text)
        named = f"{reading.day.text} {half.text}" if reading.day is not None else half.text
        raise refuse.refuse(
            msg('Add a time to "{named}", e.g. "{named} 8시" or "{named} 8시 30분".', named=named),
            msg('Add a time, e.g. "{named} 8시"', named=named),
        )
    return b.finish(pending_bare)


def _korean_hour(b: _Builder, token: _Token, half: _Token | None) -> None:
    """``8시``, ``21시 30분``, ``아홉 시 반``; with 오전/오후 before it, a 12-hour time."""
    g, word, refuse = token.groups, token.text, b.refuse
    hour = _number(g["kh_h"] or "")
    minute = 30 if g["kh_half"] else int(g["kh_m"] or 0)
    if half is None:
        hour, minute = _hour_minute(str(hour), str(minute), word, refuse)
        b.clock(_Clock(hour, minute, word, bare=1 <= hour <= 12))
        return
    text = f"{half.text} {word}"
    if hour == 12 and half.text == "오전":
        raise refuse.refuse(
            msg('"{text}" could be midnight or noon: write 자정 or 정오 (or 00:00 or 12:00).', text=text),
            msg('"{text}": midnight or noon? Write 자정 or 정오', text=text),
            AmbiguousTime,
        )
    hour = _twelve_hour(str(hour), "am" if half.text == "오전" else "pm", text, refuse)
    _, minute = _hour_minute("0", str(minute), text, refuse)
    b.clock(_Clock(hour, minute, text, half="am" if half.text == "오전" else "pm"))


def _slash_date(token: _Token, refuse: _Refuser) -> _DaySpec:
    g = token.groups
    first, second = int(g["sl_a"] or 0), int(g["sl_b"] or 0)
    year_text = g["sl_y"]
    year = None if year_text is None else int(year_text) + (2000 if len(year_text) == 2 else 0)
    if first <= 12 and second <= 12 and first != second:
        month_first, day_first = MonthDay(first, second), MonthDay(second, first)
        if refuse.korean:
            reason = msg(
                '"{text}" could be {first} or {second}: write it like "{month}월 {day}일", or the date as '
                "year-month-day.",
                text=token.text,
                first=month_first,
                second=day_first,
                month=first,
                day=second,
            )
        else:
            example = _MONTHS[first - 1].lower() + " " + str(second)
            reason = msg(
                '"{text}" could be {first} or {second}: write the month as a word ("{example}") or the date as '
                "year-month-day.",
                text=token.text,
                first=month_first,
                second=day_first,
                example=example,
            )
        raise refuse.refuse(
            reason,
            msg(
                '"{text}": {first} or {second}? Write the month as a word',
                text=token.text,
                first=month_first,
                second=day_first,
            ),
            AmbiguousTime,
        )
    month, day = (first, second) if first <= 12 else (second, first)
    return _DaySpec(token.text, date=(year, month, day))


def _fixed(minutes: int, refuse: _Refuser, text: str) -> dt.tzinfo:
    if not -14 * 60 <= minutes <= 14 * 60:
        raise refuse.unreadable(text)
    return dt.timezone(dt.timedelta(minutes=minutes))


# -- placing a reading in time ---------------------------------------------------------------------

_EVENING_START = 17  # "tonight", "evening" and "night" cover 17:00 to 04:59


def _hour_for_part(
    clock: _Clock, part: str | None, tonight: bool, refuse: _Refuser, part_text: str | None
) -> tuple[int, int]:
    """(hour, days after the named day) for the clock read with the part of the day."""
    hour = clock.hour
    if part is None:
        if clock.bare and 1 <= hour <= 12:
            other = hour + 12 if hour < 12 else 12
            if refuse.korean:
                # The hint keeps the minutes the member typed: 8시 반 -> 20시 30분.
                hint = (
                    msg("{hour}시", hour=other)
                    if not clock.minute
                    else msg("{hour}시 {minute}분", hour=other, minute=clock.minute)
                )
                raise refuse.refuse(
                    msg(
                        '"{text}" could be morning or evening: write 오전 {text} or 오후 {text} (or {other}).',
                        text=clock.text,
                        other=hint,
                    ),
                    msg('"{text}": 오전 or 오후?', text=clock.text),
                    AmbiguousTime,
                )
            raise refuse.refuse(
                msg(
                    '"{text}" could be morning or evening: write {hour}am or {hour}pm (or {other}:00).',
                    text=clock.text,
                    hour=hour,
                    other=other,
                ),
                msg('"{text}": {hour}am or {hour}pm?', text=clock.text, hour=hour),
                AmbiguousTime,
            )
        return hour, 0
    if clock.midnight:
        if part in ("night", "evening"):
            return 0, 1
        raise _clash(clock, part_text or part, tonight, refuse)
    if clock.noon:
        if part == "afternoon":
            return 12, 0
        raise _clash(clock, part_text or part, tonight, refuse)
    twelve = clock.bare or (clock.half is None and 1 <= hour <= 12)
    if part == "dawn":  # 새벽: the small hours of the day named
        if twelve and 1 <= hour <= 6 and clock.half != "pm":
            return hour, 0
        if not twelve and hour < 7:
            return hour, 0
    elif part == "morning":
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
    raise _clash(clock, part_text or part, tonight, refuse)


def _clash(clock: _Clock, part: str, tonight: bool, refuse: _Refuser) -> TimeRefused:
    if tonight:
        reason = msg('"{text}" isn\'t tonight.', text=clock.text)
    elif refuse.korean:
        reason = msg('"{text}" isn\'t in the "{part}" part of the day.', text=clock.text, part=part)
    else:
        reason = msg('"{text}" isn\'t in the {part}.', text=clock.text, part=part)
    return refuse.refuse(
        reason, msg('"{text}" and "{part}" clash', text=clock.text, part="tonight" if tonight else part)
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
                msg('"{text}" isn\'t a date in the calendar.', text=spec.text),
                msg('"{text}" isn\'t a date', text=spec.text),
            ) from None
        if year is not None or date >= today:
            return date
    raise refuse.refuse(
        msg('"{text}" isn\'t a date in the next year.', text=spec.text),
        msg('"{text}" isn\'t a date soon', text=spec.text),
    )


def _days(spec: _DaySpec | None, today: dt.date, refuse: _Refuser) -> list[dt.date]:
    """The candidate days the spec names, in order (a weekday without "next" may be today or a week on)."""
    if spec is None:
        return [today, today + _DAY]
    if spec.offset is not None:
        return [today + dt.timedelta(days=spec.offset)]
    if spec.date is not None:
        date = _date(spec, today, refuse)
        if spec.check is not None and date.weekday() != spec.check:
            named, actual = WeekdayName(spec.check), WeekdayName(date.weekday())
            raise refuse.refuse(
                msg("{date} is a {actual}, not a {named}: check the date.", date=Day(date), actual=actual, named=named),
                msg("{date} is a {actual}, not a {named}", date=Day(date), actual=actual, named=named),
            )
        return [date]
    assert spec.weekday is not None
    if spec.week is not None:  # a calendar week, Monday to Sunday
        monday = today - dt.timedelta(days=today.weekday())
        return [monday + dt.timedelta(days=7 * spec.week + spec.weekday)]
    ahead = (spec.weekday - today.weekday()) % 7
    if spec.modifier == "last":
        return [today - dt.timedelta(days=(today.weekday() - spec.weekday) % 7 or 7)]
    if spec.modifier == "next":
        return [today + dt.timedelta(days=ahead or 7)]
    return [today + dt.timedelta(days=ahead), today + dt.timedelta(days=ahead + 7)]


def _past(instant: dt.datetime, when: object, zone: dt.tzinfo, refuse: _Refuser) -> PastTime:
    name = _zone_name(zone)
    return PastTime(
        msg("That's in the past ({when} in {zone}).", when=when, zone=name),
        msg("That's in the past ({when} in {zone})", when=when, zone=name),
        refuse.examples,
        instant,
    )


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
        hour, extra = _hour_for_part(reading.clock, reading.part, reading.tonight, refuse, reading.part_text)
        return _localize(dt.datetime.combine(day + dt.timedelta(days=extra), dt.time(hour, reading.clock.minute)),
                         reference, now)  # fmt: skip
    clock = reading.clock
    part = reading.part
    if clock is None:
        named = reading.day.text if reading.day is not None else (reading.part_text or part or "")
        if reading.day is not None and reading.part_text is not None and reading.part_text not in named:
            named = f"{named} {reading.part_text}"
        if reading.day is not None:
            day = _days(reading.day, today, refuse)[0]
            if day < today:
                midnight = dt.datetime.combine(day, dt.time(), tzinfo=reference).astimezone(dt.UTC)
                raise _past(midnight, Day(day), reference, refuse)
        if refuse.korean:
            example = "8시" if reading.part_text else "오후 8시"
            raise refuse.refuse(
                msg(
                    'Add a time to "{named}", e.g. "{named} {example}" or "{named} 20:30".',
                    named=named,
                    example=example,
                ),
                msg('Add a time, e.g. "{named} {example}"', named=named, example=example),
            )
        raise refuse.refuse(
            msg('Add a time to "{named}", e.g. "{named} 8pm" or "{named} 20:30".', named=named),
            msg('Add a time, e.g. "{named} 8pm"', named=named),
        )
    if clock.midnight and reading.day is not None and part is None:
        day_text = reading.day.text
        raise refuse.refuse(
            msg(
                '"{day} {word}" could be the start or the end of that day: write "{day} 00:00" for the start, or '
                '"23:59".',
                day=day_text,
                word=clock.text,
            ),
            msg('"{day} {word}": start or end of the day? Write 00:00', day=day_text, word=clock.text),
            AmbiguousTime,
        )
    if part is not None and part != "dawn" and reading.day is None:
        reading.day = _DaySpec(reading.part_text or part, offset=0)  # "evening at 8", "저녁 8시": this evening
    hour, extra = _hour_for_part(clock, part, reading.tonight, refuse, reading.part_text)
    candidates = _days(reading.day, today, refuse)
    instant = now
    for day in candidates:
        instant = _localize(dt.datetime.combine(day + dt.timedelta(days=extra), dt.time(hour, clock.minute)),
                            reference, now)  # fmt: skip
        if instant >= now:
            return instant
    return instant  # the last candidate, in the past: refused by the window check


def _window(instant: dt.datetime, zone: dt.tzinfo, now: dt.datetime, refuse: _Refuser) -> dt.datetime:
    if instant < now:
        raise _past(instant, Moment(instant, zone), zone, refuse)
    if instant - now > MAX_AHEAD:
        when, name = Moment(instant, zone), _zone_name(zone)
        raise TooFarAhead(
            msg(
                "That's more than a year away ({when} in {zone}). Pick a time within the next 366 days.",
                when=when,
                zone=name,
            ),
            msg("More than a year away ({when}): pick a closer time", when=when),
            refuse.examples,
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
        raise refuse.refuse(msg("That's too long to be a time."), msg("Too long to be a time"))
    instant = _stamp(text, refuse)
    if instant is None:
        instant = _place(_read(text, refuse), zone, now, refuse)
    return _window(instant, zone, now, refuse)


def parse_day(text: str, zone: dt.tzinfo, now: dt.datetime) -> dt.date:
    """The day ``text`` names in ``zone`` (``today``, ``next wednesday``, ``2026-12-02``, ``in 2 weeks``, ``오늘``,
    ``다음 주 수요일``, ``12월 2일``, ``2주 후``...).

    A time is refused (the caller places the day's events itself); a day in the past is returned as is.
    """
    now = _check_now(now)
    refuse = _Refuser(text, zone, now)
    if len(text) > MAX_LENGTH:
        raise refuse.refuse(msg("That's too long to be a day."), msg("Too long to be a day"))
    stamp = _stamp(text, refuse)
    if stamp is not None:
        return stamp.astimezone(zone).date()
    reading = _read(text, refuse)
    today = now.astimezone(zone).date()
    if reading.now:
        return today
    if reading.clock is not None or reading.part is not None or reading.zone is not None:
        raise refuse.refuse(
            msg(
                'Give a day without a time, e.g. "2026-12-02", "today" or "next wednesday": the time comes from '
                "the slots."
            ),
            msg("Give a day without a time"),
        )
    if reading.duration_units:
        if reading.duration_units - {"days", "weeks"}:
            raise refuse.refuse(msg("Give a day, not hours or minutes."), msg("Give a day, not hours"))
        return today + reading.duration * reading.sign
    if reading.day is None:  # pragma: no cover - _read refuses an empty reading
        raise refuse.unreadable()
    return _days(reading.day, today, refuse)[0]


@dataclass(frozen=True, slots=True)
class Preview:
    """What the autocomplete line shows about a typed time: nothing yet (``hint``), the instant (or the day), or
    the refusal. The cog renders it in the member's language."""

    zone: dt.tzinfo
    now: dt.datetime
    instant: dt.datetime | None = None
    day: dt.date | None = None
    refusal: TimeRefused | None = None
    hint: Msg | None = None


def preview(text: str, zone: dt.tzinfo, now: dt.datetime) -> Preview:
    """The reading of ``text`` for autocomplete. Never raises for bad input: a refusal is returned."""
    if not text.strip():
        return Preview(zone, now, hint=HINT)
    try:
        return Preview(zone, now, instant=parse_when(text, zone, now))
    except TimeRefused as error:
        return Preview(zone, now, refusal=error)


def preview_day(text: str, zone: dt.tzinfo, now: dt.datetime) -> Preview:
    """:func:`preview` for a day; ``instant`` is the day's midnight in ``zone``."""
    if not text.strip():
        return Preview(zone, now, hint=DAY_HINT)
    try:
        day = parse_day(text, zone, now)
    except TimeRefused as error:
        return Preview(zone, now, refusal=error)
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    return Preview(zone, now, instant=midnight.astimezone(dt.UTC), day=day)


def warm_up() -> None:
    """Load what the first reading would: the grammars are compiled at import; the zone abbreviations (CLDR)
    are read now, not on a member's first keystroke."""
    for text in ("friday 8pm KST", "금요일 오후 8시"):
        parse_when(text, ZoneInfo("UTC"), dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
