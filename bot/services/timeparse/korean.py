"""The Korean grammar: "금요일 오후 8시", "내일 21:00", "다음 주 수요일 저녁 9시", "2시간 후", "12월 2일 20:30".

A dispatch table from token kind to handler (:data:`_KINDS`); the Korean tokens are tried first, then the forms
both languages share (``21:00``, ``2026-12-02``, ``KST``), read as the English grammar reads them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

from bot.locale import Msg, WeekdayName, msg

from .errors import AmbiguousTime
from .lexicon import KOREAN_FILE, korean, suggestions
from .phrasing import Phrasing
from .reading import (
    SHARED_KINDS,
    Builder,
    Clock,
    DaySpec,
    Handler,
    Parse,
    Reading,
    Refuser,
    fixed_zone,
    hour_minute,
    read_tokens,
    real_date,
    shared_token,
    twelve_hour,
    weekend,
)
from .tokens import Token, number_value, tokenize, weekday_number

_KST = 9 * 60


def _half_of(token: Token) -> str:
    """``am`` or ``pm`` for 오전/오후 (or am/pm written before a Korean hour)."""
    return korean().halves.get(token.text, token.text)


def _zone(parse: Parse, token: Token) -> None:  # 한국 시간
    parse.b.zone(fixed_zone(_KST, parse.refuse, token.text), token.text)


def _date(parse: Parse, token: Token) -> None:  # 2026년 12월 2일
    g = token.groups
    year = int(g["kd_y"]) if g["kd_y"] else None
    spec = DaySpec(token.text, date=(year, int(g["kd_m"] or 0), int(g["kd_d"] or 0)), span=(token.start, token.end))
    parse.b.day(spec)


def _weekday_in(group: str) -> Handler:
    """금요일 (``kw``), (금) (``kp``), 수 21:00 (``kw1``: a weekday in one letter)."""

    def handler(parse: Parse, token: Token) -> None:
        parse.b.day(DaySpec(token.text, weekday=korean().weekdays[token.groups[group] or ""]))

    return handler


def _weekend_token(parse: Parse, token: Token) -> None:  # 이번 주말: Saturday or Sunday? Asked.
    raise weekend(parse.refuse, (token.start, token.end), token.groups["kwe"])


def _month_day(parse: Parse, token: Token) -> None:
    """``24일``: the 24th of this month."""
    refuse, word = parse.refuse, token.text
    local = refuse.now.astimezone(refuse.zone).date()
    day = int(token.groups["kmd_d"] or 0)
    if not real_date(local.month, day) or (local.month == 2 and day == 29 and local.year % 4):
        raise refuse.refuse(
            msg('"{text}" isn\'t a date in the calendar.', text=word),
            msg('"{text}" isn\'t a date', text=word),
        )
    parse.b.day(DaySpec(word, date=(local.year, local.month, day), span=(token.start, token.end)))


def _sharp(parse: Parse, token: Token) -> None:
    """``오후 9시 정각``: on the hour."""
    previous = parse.before(1)
    if previous is None or previous.kind not in ("k_hour", "clock", "hour_ap") or parse.reading.clock is None:
        raise parse.refuse.unreadable(token.text)


def _half_hour(parse: Parse, token: Token) -> None:
    """``반시간 후``: half an hour."""
    parse.b.duration(30, "minutes", token.text)
    if parse.reading.sign:
        raise parse.refuse.unreadable(token.text)


def _week(parse: Parse, token: Token) -> None:
    """``다음 주 수요일``: a weekday of a calendar week, Monday to Sunday."""
    word, follower = token.text, parse.peek()
    if follower is None or follower.kind != "k_weekday":
        raise parse.refuse.refuse(
            msg('Add a day and a time to "{text}", e.g. "{text} 수요일 오후 9시".', text=word),
            msg('Add a day, e.g. "{text} 수요일 오후 9시"', text=word),
        )
    parse.take()
    lexicon = korean()
    weekday = lexicon.weekdays[follower.groups["kw"] or ""]
    week = lexicon.weeks[token.groups["kwk"] or ""]
    parse.b.day(DaySpec(f"{word} {follower.text}", weekday=weekday, week=week))


def _modifier(parse: Parse, token: Token) -> None:
    """``오는 금요일`` (never today), ``이번 금요일`` (this week's), ``지난 금요일``; ``다음 금요일`` is asked."""
    follower = parse.peek()
    assert follower is not None  # the pattern looks ahead for the weekday
    parse.take()
    lexicon = korean()
    weekday = lexicon.weekdays[follower.groups["kw"] or ""]
    text = f"{token.text} {follower.text}"
    meaning = lexicon.weekday_modifiers[token.groups["km"] or ""]
    if meaning == "ask":
        raise parse.refuse.refuse(
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
    if meaning == "this_week":
        parse.b.day(DaySpec(text, weekday=weekday, week=0))
    else:  # next, last
        parse.b.day(DaySpec(text, weekday=weekday, modifier=meaning))


def _relative(parse: Parse, token: Token) -> None:  # 오늘, 내일, 모레...
    parse.b.day(DaySpec(token.text, offset=korean().relative_days[token.text.replace(" ", "")]))


def _half(parse: Parse, token: Token) -> None:  # 오전/오후: waits for its hour
    parse.half = token


def _part(parse: Parse, token: Token) -> None:  # 새벽, 아침, 낮, 저녁, 밤
    parse.b.part(korean().parts[token.text], token.text)


def _noon(parse: Parse, token: Token) -> None:  # 정오, 자정
    word = token.text
    noon = korean().clock_words[word] == "noon"
    parse.b.clock(Clock(12, 0, word, noon=True) if noon else Clock(0, 0, word, midnight=True))


def _duration(parse: Parse, token: Token) -> None:
    """``2시간``, ``1시간 반``, ``두 시간``, ``3일``, ``2주``; ``이틀``, ``일주일``."""
    g, word, b, refuse = token.groups, token.text, parse.b, parse.refuse
    lexicon = korean()
    if token.kind == "k_dayword":
        day_word = lexicon.day_words[word]
        b.duration(day_word.amount, day_word.unit, word)
    else:
        unit = lexicon.units[g["kdu_u"] or ""]
        if g["kdu_half"] and unit != "hours":
            raise refuse.unreadable(word)
        b.duration(number_value(g["kdu_n"] or ""), unit, word)
        if g["kdu_half"]:
            b.duration(30, "minutes", "")
    if parse.reading.sign:
        raise refuse.unreadable(word)


def _hour(parse: Parse, token: Token) -> None:
    _korean_hour(parse.b, token, parse.half)
    parse.half = None


def _clock(parse: Parse, token: Token) -> None:
    """``21:00``; after 오전/오후, a 12-hour time (``오후 8:30``)."""
    half, parse.half = parse.half, None
    shared_token(parse, token, half=None if half is None else _half_of(half))


def _sign(parse: Parse, token: Token) -> None:  # 후, 뒤, 전 after a duration
    reading = parse.reading
    if not reading.duration_units or reading.sign:
        raise parse.refuse.unreadable(token.text)
    reading.sign = korean().signs[token.text]


def _at(parse: Parse, token: Token) -> None:  # 에: "내일 오후 8시에"
    if parse.index == 1:
        raise parse.refuse.unreadable(token.text)


def _english_weekday(parse: Parse, token: Token) -> None:
    parse.b.day(DaySpec(token.text, weekday=weekday_number(token.groups["wd"] or "")))


def _number_token(parse: Parse, token: Token) -> None:
    if parse.pending_bare is not None:
        raise parse.refuse.unreadable(token.text)
    parse.pending_bare = token


def _word(parse: Parse, token: Token) -> None:  # a zone abbreviation: "KST"
    if not parse.b.zone_word(token.text, (token.start, token.end)):
        raise parse.refuse.unreadable(token.text)


def _unread(parse: Parse, token: Token) -> None:
    raise parse.refuse.unreadable(token.text)


def _hour_waits(parse: Parse, token: Token) -> None:
    """After 오전/오후 only an hour may come ("오후 8시", "오후 8:30", "오후에 8시" aside)."""
    if parse.half is not None and token.kind not in ("k_hour", "clock", "k_at"):
        raise parse.refuse.unreadable(f"{parse.half.text} {token.text}")


def _now_alone(parse: Parse, token: Token) -> None:  # 지금 with anything else
    raise parse.refuse.unreadable(token.text)


#: Token kind -> handler (:func:`_unread` for none: English durations, o'clock... are not read in Korean text).
_KINDS: Mapping[str, Handler] = MappingProxyType(
    {
        "k_zone": _zone,
        "k_date": _date,
        "k_weekday": _weekday_in("kw"),
        "k_paren": _weekday_in("kp"),
        "k_wd1": _weekday_in("kw1"),
        "k_weekend": _weekend_token,
        "k_mday": _month_day,
        "k_sharp": _sharp,
        "k_halfhour": _half_hour,
        "k_week": _week,
        "k_mod": _modifier,
        "k_rel": _relative,
        "k_half": _half,
        "k_part": _part,
        "k_noon": _noon,
        "k_now": _now_alone,
        "k_dur": _duration,
        "k_dayword": _duration,
        "k_hour": _hour,
        "k_sign": _sign,
        "k_at": _at,
        **dict.fromkeys(SHARED_KINDS, shared_token),
        "clock": _clock,
        "weekday": _english_weekday,
        "number": _number_token,
        "word": _word,
    }
)


def read_korean(phrase: str, refuse: Refuser) -> Reading:
    """What the normalized ``phrase`` (with Hangul) says."""
    b = Builder(refuse)
    reading = b.reading
    tokens = tokenize(phrase, refuse, korean=True)
    if len(tokens) == 1 and tokens[0].kind == "k_now":
        reading.now = True
        return reading
    parse = Parse(b, tokens)
    read_tokens(parse, _KINDS, _unread, guard=_hour_waits)
    half = parse.half
    if half is not None:
        if reading.clock is not None:
            raise refuse.unreadable(half.text)
        named = f"{reading.day.text} {half.text}" if reading.day is not None else half.text
        raise refuse.refuse(
            msg('Add a time to "{named}", e.g. "{named} 8시" or "{named} 8시 30분".', named=named),
            msg('Add a time, e.g. "{named} 8시"', named=named),
        )
    return b.finish(parse.pending_bare)


def _korean_hour(b: Builder, token: Token, half: Token | None) -> None:
    """``8시``, ``21시 30분``, ``아홉 시 반``; with 오전/오후 before it, a 12-hour time."""
    g, word, refuse = token.groups, token.text, b.refuse
    hour = number_value(g["kh_h"] or "")
    minute = 30 if g["kh_half"] else int(g["kh_m"] or 0)
    if half is None:
        hour, minute = hour_minute(str(hour), str(minute), word, refuse)
        b.clock(Clock(hour, minute, word, bare=1 <= hour <= 12, span=(token.start, token.end)))
        return
    text = f"{half.text} {word}"
    am_pm = _half_of(half)
    if hour == 12 and am_pm == "am":
        raise refuse.refuse(
            msg('"{text}" could be midnight or noon: write 자정 or 정오 (or 00:00 or 12:00).', text=text),
            msg('"{text}": midnight or noon? Write 자정 or 정오', text=text),
            AmbiguousTime,
        )
    hour = twelve_hour(str(hour), am_pm, text, refuse)
    _, minute = hour_minute("0", str(minute), text, refuse)
    b.clock(Clock(hour, minute, text, half=am_pm))


class KoreanPhrasing(Phrasing):
    """The Korean grammar's refusals: "오전/오후", "2시간 후"."""

    def twelve_hour_range(self, text: str) -> tuple[Msg, Msg]:
        return (
            msg('"{text}" isn\'t a time of day: with 오전/오후 the hour runs from 1 to 12.', text=text),
            msg("{text} isn't a time of day (1-12 with 오전/오후)", text=text),
        )

    def from_now(self, text: str) -> tuple[Msg, Msg]:
        return msg('Write "{text} 후" for a time from now.', text=text), msg('Write "{text} 후"', text=text)

    def already_says_when(self, text: str, clock: str) -> tuple[Msg, Msg]:
        return (
            msg('"{text} 후" already says when; leave out "{clock}".', text=text, clock=clock),
            msg('Leave out "{clock}" after "{text} 후"', text=text, clock=clock),
        )

    def month_as_word(self, text: str, first: object, second: object, month: int, day: int) -> Msg:
        return msg(
            '"{text}" could be {first} or {second}: write it like "{month}월 {day}일", or the date as year-month-day.',
            text=text,
            first=first,
            second=second,
            month=month,
            day=day,
        )

    def am_or_pm(self, text: str) -> Msg:
        return msg('"{text}": 오전 or 오후?', text=text)

    def part_clash(self, text: str, part: str) -> Msg:
        return msg('"{text}" isn\'t in the "{part}" part of the day.', text=text, part=part)

    def add_time(self, named: str, *, with_part: bool) -> tuple[Msg, Msg]:
        example = self.suggest("time_example_after_part" if with_part else "time_example")
        return (
            msg('Add a time to "{named}", e.g. "{named} {example}" or "{named} 20:30".', named=named, example=example),
            msg('Add a time, e.g. "{named} {example}"', named=named, example=example),
        )


@functools.cache
def phrasing() -> Phrasing:
    """How the Korean grammar words its refusals (its suggestions from ``lexicon_ko.toml``)."""
    return KoreanPhrasing(suggestions(KOREAN_FILE))
