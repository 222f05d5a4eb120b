"""What a text says, before it is placed in time: the clock time, the day, the part of the day, the zone, a
duration (:class:`Reading`), built token by token by a :class:`Builder` that refuses what contradicts itself;
the forms both grammars read alike (:func:`shared_token`); and the :class:`Refuser` that words each refusal and
checks each suggestion by parsing it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from msgspec import Struct, field

from bot.locale import MonthDay, Msg, OneOf, msg
from bot.services.zones import Abbreviation, Meaning, MetazoneName, abbreviation, metazone_of

from .errors import AmbiguousTime, TimeRefused, UnreadableTime, ZoneInText, quoted
from .phrasing import Phrasing
from .tokens import HANGUL, SHOWN, Token, month_number, month_word

_CHECKING: ContextVar[int] = ContextVar("checking_suggestions", default=0)  # suggestions checked by parsing them
_MAX_CHECK_DEPTH = 3

#: Reads a text in a zone at a moment, raising :class:`TimeRefused` (``parse_when``): checks suggestions.
Check = Callable[[str, dt.tzinfo, dt.datetime], object]


# -- what the text says ----------------------------------------------------------------------------


class Clock(Struct):
    hour: int
    minute: int
    text: str
    half: str | None = None  # "am" / "pm" when given
    bare: bool = False  # an hour with no am/pm ("at 9", "tonight 9", "9시", "8시 30분", "3:30")
    noon: bool = False
    midnight: bool = False
    second: int = 0
    span: tuple[int, int] | None = None  # the hour and minutes in the normalized phrase, for suggestions


class DaySpec(Struct):
    text: str
    offset: int | None = None  # today + offset days
    weekday: int | None = None
    modifier: str | None = None  # next / this / coming / last
    week: int | None = None  # a weekday of this (0), next (1)... calendar week, Monday to Sunday
    date: tuple[int | None, int, int] | None = None  # (year or None, month, day)
    span: tuple[int, int] | None = None  # where the date is in the normalized phrase, for suggestions
    check: int | None = None  # the weekday a date was written with ("fri, dec 4", "12월 4일 (금)"): must agree


class Reading(Struct):
    day: DaySpec | None = None
    clock: Clock | None = None
    part: str | None = None  # morning / afternoon / evening / night / dawn
    part_text: str | None = None  # the part of the day as typed
    tonight: bool = False
    zone: dt.tzinfo | None = None
    duration: dt.timedelta = dt.timedelta()
    duration_units: set[str] = field(default_factory=set)
    duration_text: str = ""
    sign: int = 0  # +1: "in ..." / "from now" / "후", -1: "ago" / "전"
    own_abbreviation: bool = False  # the text named the member's own zone by its abbreviation
    abbreviation: tuple[Meaning, str, tuple[int, int]] | None = None  # one region's, checked against the day
    several: tuple[Abbreviation, str, tuple[int, int]] | None = None  # several regions': asked
    now: bool = False


class Refuser:
    """Builds the refusals for one text, each with examples in the member's zone. ``korean`` says which grammar
    read the text, so a refusal suggests forms in the language the member typed."""

    def __init__(self, text: str, zone: dt.tzinfo, now: dt.datetime, check: Check) -> None:
        self.text = text
        self.zone = zone
        self.now = now
        self.check = check
        self.korean = bool(HANGUL.search(text))
        self.phrase = text  # the normalized text, once read: suggestions are built from it
        self._phrasing: Phrasing | None = None

    @property
    def phrasing(self) -> Phrasing:
        """How the grammar reading the text words its refusals and what it suggests (its lexicon's templates)."""
        if self._phrasing is None:
            from . import english, korean  # the grammars import this module: looked up on the first refusal

            self._phrasing = (korean if self.korean else english).phrasing()
        return self._phrasing

    def variants(self, span: tuple[int, int], *replacements: str, keep_all: bool = False) -> tuple[str, ...]:
        """The member's text with the part at ``span`` (of the normalized phrase) replaced, once per replacement:
        what a refusal suggests, so the rest of what they typed (the day, the zone) is kept. Only the texts that
        parse (read now, in the same zone) are returned: a text that another part of the member's text would
        still get refused is never suggested. ``keep_all`` returns them all (the caller checks them)."""
        start, end = span
        found = []
        for replacement in replacements:
            text = f"{self.phrase[:start]}{replacement}{self.phrase[end:]}"
            for short, long in SHOWN:
                text = text.replace(short, long)
            text = " ".join(text.split())
            if keep_all or self.parses(text):
                found.append(text)
        return tuple(found)

    def parses(self, text: str) -> bool:
        """Whether ``text`` names an instant now, in this zone (a suggestion is checked before it is offered)."""
        depth = _CHECKING.get()
        if depth >= _MAX_CHECK_DEPTH:
            return False
        token = _CHECKING.set(depth + 1)
        try:
            self.check(text, self.zone, self.now)
        except TimeRefused:
            return False
        finally:
            _CHECKING.reset(token)
        return True

    @property
    def examples(self) -> Msg:
        date = (self.now.astimezone(self.zone) + dt.timedelta(days=11)).date()
        return msg('Try "friday 8pm", "tomorrow 21:00", "{date} 20:30" or "in 2 hours".', date=date.isoformat())

    def unreadable(self, fragment: str | None = None) -> UnreadableTime:
        whole = quoted(self.text)
        if fragment is None or fragment == self.text:
            return UnreadableTime(
                msg('I couldn\'t read "{text}" as a time.', text=whole),
                msg('"{text}" isn\'t a time', text=whole),
                self.examples,
            )
        part = quoted(fragment)
        return UnreadableTime(
            msg('I couldn\'t read "{part}" in "{text}" as part of a time.', part=part, text=whole),
            msg('"{part}" isn\'t part of a time', part=part),
            self.examples,
        )

    def refuse(
        self, reason: Msg, short: Msg, cls: type[TimeRefused] = UnreadableTime, suggestions: tuple[str, ...] = ()
    ) -> TimeRefused:
        """A refusal; one that suggests texts to type instead shows those, not the general examples."""
        return cls(reason, short, None if suggestions else self.examples, suggestions)


def hour_minute(h: str, m: str, text: str, refuse: Refuser) -> tuple[int, int]:
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


def twelve_hour(h: str, half: str, text: str, refuse: Refuser) -> int:
    hour = int(h)
    if not 1 <= hour <= 12:
        raise refuse.refuse(*refuse.phrasing.twelve_hour_range(text))
    return hour % 12 + (12 if half == "pm" else 0)


class Builder:
    """Puts what the tokens say into a :class:`Reading`, refusing what contradicts itself."""

    def __init__(self, refuse: Refuser) -> None:
        self.reading = Reading()
        self.refuse = refuse

    def day(self, spec: DaySpec) -> None:
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

    def clock(self, clock: Clock) -> None:
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

    def zone_word(self, word: str, span: tuple[int, int]) -> bool:
        """A zone named in the text ("utc", "kst", "est"); False when the word is no zone at all.

        The policy (the README states it): an abbreviation of the member's own zone is their own clock ("8pm EST"
        from New York, in July too); one that names one offset ("KST", "GMT", "UTC+9") is that offset; one that
        names one region ("CET", "EST") is that region's clock when the abbreviation is right for the day named,
        and asked otherwise ("CET" in July: CEST, or UTC+1?); one that names several regions ("IST", "CST") is
        asked, with each region's offset to choose from."""
        if word in ("utc", "gmt+0", "z"):
            self.zone(fixed_zone(0, self.refuse, word), word)
            return True
        found = abbreviation(word) if len(word) <= 5 else None
        if found is None:
            return False
        if self.reading.zone is not None:
            raise self.refuse.unreadable(word)
        offsets = {meaning.offset for meaning in found.meanings}
        if found.offset is not None or (len(found.meanings) > 1 and len(offsets) == 1 and None not in offsets):
            offset = found.offset if found.offset is not None else next(iter(offsets))
            self.zone(fixed_zone(offset or 0, self.refuse, word), word)
            return True
        own = _metazone(self.refuse.zone)
        if word.upper() in _own_names(self.refuse.zone, self.refuse.now.year) or any(
            meaning.metazone == own for meaning in found.meanings
        ):
            self.reading.own_abbreviation = True  # the member's own clock, whatever the season
            return True
        if len(found.meanings) == 1:
            meaning = found.meanings[0]
            self.reading.zone = ZoneInfo(meaning.zone)
            self.reading.abbreviation = (meaning, word.upper(), span)
            return True
        self.reading.several = (found, word.upper(), span)  # asked once the rest of the text is read
        return True

    def several_zones(self) -> None:
        """An abbreviation of several regions ("IST", "CST"): asked, with each region's offset."""
        if self.reading.several is None:
            return
        found, name, span = self.reading.several
        choices = self.refuse.variants(span, *(utc_offset(m.offset) for m in found.meanings if m.offset is not None))
        if not choices:
            raise ZoneInText(
                msg('"{name}" can mean {meanings}: give the UTC offset instead, e.g. "UTC+9".', name=name,
                    meanings=OneOf([MetazoneName(m.metazone) for m in found.meanings])),
                msg('"{name}" can mean several zones: give the UTC offset', name=name),
                name,
            )  # fmt: skip
        raise ZoneInText(
            msg(
                '"{name}" can mean {meanings}: write {choices}.',
                name=name,
                meanings=OneOf([MetazoneName(m.metazone) for m in found.meanings]),
                choices=OneOf([f'"{choice}"' for choice in choices]),
            ),
            msg('"{name}" can mean several zones: give the UTC offset', name=name),
            name,
            choices,
        )

    def zone(self, zone: dt.tzinfo, text: str) -> None:
        if self.reading.zone is not None:
            raise self.refuse.unreadable(text)
        self.reading.zone = zone

    def bare_number(self, token: Token) -> TimeRefused:
        """A number alone ("9", "tomorrow 9"): an hour of 1-12 is morning or evening, 0 and 13-23 a 24-hour time;
        anything else is no time at all."""
        refuse, number = self.refuse, token.text
        value = int(number) if number.isdigit() else -1
        span = (token.start, token.end)
        if 1 <= value <= 12:
            words = refuse.phrasing
            choices = refuse.variants(span, words.suggest("hour_am", hour=value), words.suggest("hour_pm", hour=value))
            if len(choices) != 2:
                return refuse.refuse(
                    msg('"{number}" alone isn\'t a time: add am or pm.', number=number),
                    msg('"{number}" alone isn\'t a time: add am/pm', number=number),
                    AmbiguousTime,
                )
            return refuse.refuse(
                msg('"{number}" alone isn\'t a time: write "{first}" or "{second}".', number=number,
                    first=choices[0], second=choices[1]),
                msg('"{number}" alone isn\'t a time: add am/pm', number=number),
                AmbiguousTime,
                choices,
            )  # fmt: skip
        if 0 <= value <= 23 and refuse.variants(span, f"{value:02d}:00"):
            (choice,) = refuse.variants(span, f"{value:02d}:00")
            return refuse.refuse(
                msg('"{number}" alone isn\'t a time: write "{choice}".', number=number, choice=choice),
                msg('"{number}" alone isn\'t a time: add :00', number=number),
                AmbiguousTime,
                (choice,),
            )
        return refuse.unreadable(number)

    def finish(self, pending_bare: Token | None) -> Reading:
        """The checks once every token is read: a lone number, and durations without "in"/"후"."""
        reading, refuse = self.reading, self.refuse
        if pending_bare is not None:
            if reading.clock is not None:
                raise refuse.unreadable(pending_bare.text)
            if reading.part is None:
                raise self.bare_number(pending_bare)
            hour, _ = hour_minute(pending_bare.text, "0", pending_bare.text, refuse)
            span = (pending_bare.start, pending_bare.end)
            reading.clock = Clock(hour, 0, pending_bare.text, bare=hour <= 12, span=span)
        if reading.duration_units:
            text = reading.duration_text
            if not reading.sign:
                whole = refuse.phrase == text
                if whole:
                    reason, short = refuse.phrasing.from_now(text)
                    raise refuse.refuse(reason, short, suggestions=(refuse.phrasing.suggest("from_now", text=text),))
                raise refuse.unreadable(text)
            if reading.day is not None or reading.part is not None or reading.zone is not None:
                raise refuse.unreadable()
            if reading.clock is not None and reading.duration_units - {"days", "weeks"}:
                raise refuse.refuse(*refuse.phrasing.already_says_when(text, reading.clock.text))
        elif reading.sign:
            raise refuse.unreadable()
        self.several_zones()
        return reading


def shared_token(parse: Parse, token: Token, half: str | None = None) -> None:
    """The forms both grammars read the same way (the handler of :data:`SHARED_KINDS`): dates in digits, clock
    times, am/pm, UTC offsets. ``half`` is a Korean 오전/오후 ("am"/"pm") that came before a clock time."""
    g, kind, word, b, refuse = token.groups, token.kind, token.text, parse.b, parse.refuse
    span = (token.start, token.end)
    if kind == "iso":
        b.day(DaySpec(word, date=(int(g["iso_y"] or 0), int(g["iso_m"] or 0), int(g["iso_d"] or 0)), span=span))
    elif kind == "slash":
        b.day(_slash_date(token, refuse))
    elif kind == "dmy":
        year = int(g["dm_y"]) if g["dm_y"] else None
        b.day(DaySpec(word, date=(year, month_number(g["dm_m"] or ""), int(g["dm_d"] or 0)), span=span))
    elif kind == "mdy":
        year = int(g["md_y"]) if g["md_y"] else None
        b.day(DaySpec(word, date=(year, month_number(g["md_m"] or ""), int(g["md_d"] or 0)), span=span))
    elif kind == "clock":
        half = g["ck_ap"] or ("am" if g["ck_ap1"] == "a" else "pm" if g["ck_ap1"] else None) or half
        second = int(g["ck_s"] or 0)
        if second > 59:
            raise refuse.refuse(
                msg('"{text}" isn\'t a time of day: seconds run from 00 to 59.', text=word),
                msg("{text} isn't a time of day (seconds 0-59)", text=word),
            )
        if half:
            hour = twelve_hour(g["ck_h"] or "", half, word, refuse)
            _, minute = hour_minute("0", g["ck_m"] or "", word, refuse)
            b.clock(Clock(hour, minute, word, half=half, second=second))
        else:  # "3:30" (hour 1-12, no leading zero) is morning or evening; "03:30", "15:30" and "00:30" are not
            hour, minute = hour_minute(g["ck_h"] or "", g["ck_m"] or "", word, refuse)
            bare = 1 <= hour <= 12 and not (g["ck_h"] or "").startswith("0")
            b.clock(Clock(hour, minute, word, bare=bare, second=second, span=(token.start, token.end)))
    elif kind == "dot":
        _dot(b, token)
    elif kind == "hour_ap":
        half = g["ha_ap"] or ("am" if g["ha_ap1"] == "a" else "pm")
        b.clock(Clock(twelve_hour(g["ha_h"] or "", half, word, refuse), 0, word, half=half))
    elif kind == "offset":
        minutes = int(g["of_h"] or 0) * 60 + int(g["of_m"] or 0)
        b.zone(fixed_zone(minutes if g["of_sign"] == "+" else -minutes, refuse, word), word)
    elif kind == "attached":  # "20:30+09:00": only right after a clock time
        previous = parse.before(1)
        if previous is None or previous.kind != "clock":
            raise refuse.unreadable(word)
        minutes = int(g["at_h"] or 0) * 60 + int(g["at_m"] or 0)
        b.zone(fixed_zone(minutes if g["at_sign"] == "+" else -minutes, refuse, word), word)
    else:  # pragma: no cover - callers pass only the kinds above
        raise refuse.unreadable(word)


def weekend(refuse: Refuser, span: tuple[int, int], week: str | None = None) -> TimeRefused:
    """A weekend ("this weekend 8pm", "이번 주말 저녁 8시"): Saturday or Sunday? Both offered, the rest of the text
    kept."""
    words = refuse.phrasing
    prefix = words.suggest("week", week=week) if week else ""
    choices = refuse.variants(span, words.suggest("saturday", week=prefix), words.suggest("sunday", week=prefix))
    typed = refuse.phrase[span[0] : span[1]]
    if len(choices) == 1:  # the other day is past (or otherwise refused)
        return refuse.refuse(
            msg('"{text}" could be Saturday or Sunday: write "{first}".', text=typed, first=choices[0]),
            msg('"{text}": Saturday or Sunday?', text=typed),
            AmbiguousTime,
            choices,
        )
    if len(choices) != 2:
        return refuse.refuse(
            msg('"{text}" could be Saturday or Sunday: name the day.', text=typed),
            msg('"{text}": Saturday or Sunday?', text=typed),
            AmbiguousTime,
        )
    return refuse.refuse(
        msg('"{text}" could be Saturday or Sunday: write "{first}" or "{second}".', text=typed, first=choices[0],
            second=choices[1]),
        msg('"{text}": Saturday or Sunday?', text=typed),
        AmbiguousTime,
        choices,
    )  # fmt: skip


def _dot(b: Builder, token: Token) -> None:
    """``12.24`` and ``9.30`` are dates (month.day, as Korean writes them); ``8.30pm``, ``20.30`` and ``00.30``
    are clock times; ``24.12`` is 24 December; ``13.05`` (13:05 or 13 May) is asked."""
    g, word, refuse = token.groups, token.text, b.refuse
    first, second = int(g["dt_a"] or 0), int(g["dt_b"] or 0)
    minutes = len(g["dt_b"] or "") == 2 and second <= 59
    if g["dt_ap"]:
        if not minutes or g["dt_end"]:
            raise refuse.unreadable(word)
        hour = twelve_hour(g["dt_a"] or "", g["dt_ap"], word, refuse)
        b.clock(Clock(hour, second, word, half=g["dt_ap"]))
        return
    if real_date(first, second):  # month.day
        b.day(DaySpec(word, date=(None, first, second), span=(token.start, token.end)))
        return
    clock = minutes and not g["dt_end"] and (first == 0 or 13 <= first <= 23 or (g["dt_a"] or "").startswith("0"))
    european = real_date(second, first)  # day.month
    if clock and european:
        colon = f"{first:02d}:{second:02d}"
        date = f"{first} {month_word(second)}"
        as_time = refuse.variants((token.start, token.end), colon)
        as_date = refuse.variants((token.start, token.end), date)
        if as_time and as_date:
            reason = msg(
                '"{text}" could be a time or a date: write "{first}" for the time, or "{second}" for the date.',
                text=word, first=as_time[0], second=as_date[0],
            )  # fmt: skip
        elif as_time:
            reason = msg('"{text}" could be a time or a date: write "{first}" for the time.', text=word,
                         first=as_time[0])  # fmt: skip
        elif as_date:
            reason = msg('"{text}" could be a time or a date: write "{second}" for the date.', text=word,
                         second=as_date[0])  # fmt: skip
        else:
            reason = msg('"{text}" could be a time or a date: write the month as a word for the date.', text=word)
        raise refuse.refuse(reason, msg('"{text}": a time or a date?', text=word), AmbiguousTime, as_time + as_date)
    if clock:
        b.clock(Clock(first, second, word))
    elif european:
        b.day(DaySpec(word, date=(None, second, first), span=(token.start, token.end)))
    elif minutes and 1 <= first <= 12:  # "9.45": a clock time with an hour of 1-12, morning or evening
        b.clock(Clock(first, second, word, bare=True, span=(token.start, token.end)))
    else:
        raise refuse.unreadable(word)


def real_date(month: int, day: int) -> bool:
    """Whether month/day is a day of some year (29 February included)."""
    try:
        dt.date(2028, month, day)
    except ValueError:
        return False
    return True


def _slash_date(token: Token, refuse: Refuser) -> DaySpec:
    g = token.groups
    first, second = int(g["sl_a"] or 0), int(g["sl_b"] or 0)
    year_text = g["sl_y"]
    year = None if year_text is None else int(year_text) + (2000 if len(year_text) == 2 else 0)
    if first <= 12 and second <= 12 and first != second:
        month_first, day_first = MonthDay(first, second), MonthDay(second, first)
        span = (token.start, token.end)
        words = refuse.phrasing

        def written(month: int, day: int) -> str:
            date = words.suggest("month_day", month=month, month_word=month_word(month), day=day)
            return words.suggest("with_year", date=date, year=year) if year else date

        choices = refuse.variants(span, written(first, second), written(second, first))
        if len(choices) == 2:
            raise refuse.refuse(
                msg('"{text}" could be {first} or {second}: write "{a}" or "{b}".', text=token.text, first=month_first,
                    second=day_first, a=choices[0], b=choices[1]),
                msg('"{text}": {first} or {second}?', text=token.text, first=month_first, second=day_first),
                AmbiguousTime,
                choices,
            )  # fmt: skip
        reason = refuse.phrasing.month_as_word(token.text, month_first, day_first, first, second)
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
    return DaySpec(token.text, date=(year, month, day), span=(token.start, token.end))


def utc_offset(minutes: int) -> str:
    """An offset as members type it: ``UTC+9``, ``UTC-5``, ``UTC+5:30``, ``UTC+0``."""
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _metazone(zone: dt.tzinfo) -> str | None:
    return metazone_of(zone.key) if isinstance(zone, ZoneInfo) else None


def _own_names(zone: dt.tzinfo, year: int) -> set[str]:
    """The abbreviations the member's zone goes by during the year ("EST" and "EDT" in New York)."""
    names = set()
    for month in (1, 4, 7, 10):
        name = dt.datetime(year, month, 15, 12, tzinfo=zone).tzname()
        if name and name[0] not in "+-":
            names.add(name.upper())
    return names


def fixed_zone(minutes: int, refuse: Refuser, text: str) -> dt.tzinfo:
    if not -14 * 60 <= minutes <= 14 * 60:
        raise refuse.unreadable(text)
    return dt.timezone(dt.timedelta(minutes=minutes))


# -- reading the tokens, one handler per kind ------------------------------------------------------


class Parse:
    """One pass over the tokens of a phrase. The grammars' handlers (one per token kind, in a dispatch table)
    read the token at ``index - 1`` and may take the ones after it (``index`` is the next to read)."""

    __slots__ = ("b", "half", "index", "pending_bare", "reading", "refuse", "tokens")

    def __init__(self, b: Builder, tokens: list[Token]) -> None:
        self.b = b
        self.refuse = b.refuse
        self.reading = b.reading
        self.tokens = tokens
        self.index = 0
        self.pending_bare: Token | None = None  # a number that can only be an hour if a part of the day says am/pm
        self.half: Token | None = None  # Korean 오전/오후 waiting for its hour

    def peek(self) -> Token | None:
        """The next token, not yet read."""
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def before(self, back: int) -> Token | None:
        """A token before the one being read (``back=1``: the one just before it)."""
        at = self.index - 1 - back
        return self.tokens[at] if at >= 0 else None

    def take(self) -> None:
        """Read the next token with the current one ("next friday", "다음 주 수요일")."""
        self.index += 1


#: What a grammar does with one token: reads it into the parse, or raises a refusal.
Handler = Callable[[Parse, Token], None]


def read_tokens(parse: Parse, table: Mapping[str, Handler], default: Handler, guard: Handler | None = None) -> None:
    """Each token to its kind's handler (``default`` for a kind the table lacks), in order, after ``guard``."""
    tokens, handler = parse.tokens, table.get
    while parse.index < len(tokens):
        token = tokens[parse.index]
        parse.index += 1
        if guard is not None:
            guard(parse, token)
        handler(token.kind, default)(parse, token)


#: The token kinds both grammars read with :func:`shared_token`.
SHARED_KINDS = ("iso", "slash", "dmy", "mdy", "clock", "dot", "hour_ap", "offset", "attached")
