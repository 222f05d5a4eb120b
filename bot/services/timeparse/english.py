"""The English grammar: "friday 8pm", "tomorrow at 9:30pm", "in 2 hours", "dec 2 20:30 KST".

A dispatch table from token kind to handler (:data:`_KINDS`) and, for plain words, one from the word to its
handler (:func:`_words`, built from the lexicon on first use). Each handler reads its token into the
:class:`~.reading._Builder` or raises the refusal that names what is wrong.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from bot.locale import Msg, msg

from .errors import AmbiguousTime
from .lexicon import ENGLISH_FILE, LexiconError, english, suggestions
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
    hour_minute,
    read_tokens,
    shared_token,
    twelve_hour,
    weekend,
)
from .tokens import Token, month_word, tokenize, weekday_number

_DURATIONS = ("compact", "half", "duration")


def _oclock(parse: Parse, token: Token) -> None:
    g, word, refuse = token.groups, token.text, parse.refuse
    if g["oc_ap"]:  # "3 o'clock pm"
        hour = twelve_hour(g["oc_h"] or "", g["oc_ap"], word, refuse)
        parse.b.clock(Clock(hour, 0, word, half=g["oc_ap"]))
    else:
        hour, _ = hour_minute(g["oc_h"] or "", "0", word, refuse)
        parse.b.clock(Clock(hour, 0, word, bare=1 <= hour <= 12, span=(token.start, token.end)))


def _euro(parse: Parse, token: Token) -> None:
    """``15h``, ``20h30``: the European clock, 24-hour; after "in", a duration ("in 1h30"); alone with an hour of
    0-12 ("9h"), asked (nine hours from now, or 09:00?)."""
    g, word, refuse, reading = token.groups, token.text, parse.refuse, parse.reading
    if reading.sign:  # "in 1h30": a duration
        parse.b.duration(int(g["eu_h"] or 0), "hours", word)
        parse.b.duration(int(g["eu_m"] or 0), "minutes", "")
    elif g["eu_m"] is None and int(g["eu_h"] or 0) <= 12 and refuse.phrase == word:
        hour = int(g["eu_h"] or 0)
        later, clock = "in " + word, f"{hour:02d}:00"
        raise refuse.refuse(
            msg('"{text}" could be {hours} hours from now or a time: write "{first}" or "{second}".',
                text=word, hours=hour, first=later, second=clock),
            msg('"{text}": from now or a time?', text=word),
            AmbiguousTime,
            (later, clock),
        )  # fmt: skip
    else:  # "15h", "15h00", "20h30", "friday 9h"
        hour, minute = hour_minute(g["eu_h"] or "", g["eu_m"] or "0", word, refuse)
        parse.b.clock(Clock(hour, minute, word))


def _duration(parse: Parse, token: Token) -> None:
    """``1h30m``, ``half an hour``, ``2 hours``, ``two days``; "and" may join two ("1 hour and 30 minutes")."""
    g, word, b = token.groups, token.text, parse.b
    lexicon = english()
    if token.kind == "compact":
        b.duration(int(g["cp_h"] or 0), "hours", word)
        b.duration(int(g["cp_m"] or 0), "minutes", "")
    elif token.kind == "half":
        b.duration(30, "minutes", word)
    elif g["du_w"]:
        b.duration(lexicon.counts[g["du_w"]], lexicon.units[g["du_wu"] or ""], word)
    else:
        b.duration(int(g["du_n"] or ""), lexicon.units[g["du_u"] or ""], word)
    follower = parse.peek()
    if follower is not None and follower.text == "and":
        parse.take()
        following = parse.peek()
        if following is None or following.kind not in _DURATIONS:
            raise parse.refuse.unreadable("and")


def _weekday_token(parse: Parse, token: Token) -> None:
    parse.b.day(DaySpec(token.text, weekday=weekday_number(token.groups["wd"] or "")))


def _number(parse: Parse, token: Token) -> None:
    """A number: an hour after "at" ("at 9"), minutes after "at 3" ("at 3 15"), else held until the end (an hour
    only if a part of the day says morning or evening: "9 tonight")."""
    word, refuse, reading = token.text, parse.refuse, parse.reading
    previous, before = parse.before(1), parse.before(2)
    if previous is not None and previous.text in ("at", "@"):
        hour, _ = hour_minute(word, "0", word, refuse)
        parse.b.clock(Clock(hour, 0, f"at {word}", bare=1 <= hour <= 12, span=(token.start, token.end)))
    elif (
        previous is not None
        and previous.kind == "number"
        and before is not None
        and before.text in ("at", "@")
        and len(word) == 2
        and reading.clock is not None
    ):  # "at 3 15": 3:15
        hour, minute = hour_minute(previous.text, word, f"{previous.text}:{word}", refuse)
        reading.clock = Clock(hour, minute, f"at {previous.text} {word}", bare=1 <= hour <= 12,
                               span=(previous.start, token.end))  # fmt: skip
    elif parse.pending_bare is None:
        parse.pending_bare = token
    else:
        raise refuse.unreadable(word)


def _symbol(parse: Parse, token: Token) -> None:
    if token.text != "@":
        raise parse.refuse.unreadable()
    _word(parse, token)


def _word(parse: Parse, token: Token) -> None:
    handler = _words().get(token.text)
    if handler is not None:
        handler(parse, token)
    elif not parse.b.zone_word(token.text, (token.start, token.end)):
        raise parse.refuse.unreadable(token.text)


def _unread(parse: Parse, token: Token) -> None:  # pragma: no cover - every kind has its handler
    raise parse.refuse.unreadable(token.text)


#: Token kind -> handler (:func:`_unread` for none).
_KINDS: Mapping[str, Handler] = MappingProxyType(
    {
        **dict.fromkeys(SHARED_KINDS, shared_token),
        "oclock": _oclock,
        "euro": _euro,
        **dict.fromkeys(_DURATIONS, _duration),
        "weekday": _weekday_token,
        "number": _number,
        "symbol": _symbol,
        "word": _word,
    }
)


# -- words -----------------------------------------------------------------------------------------


def _at(parse: Parse, token: Token) -> None:
    """ "at" / "@": a time follows."""
    follower = parse.peek()
    if follower is None or (
        follower.kind not in ("clock", "hour_ap", "oclock", "number") and follower.text not in english().clock_words
    ):
        raise parse.refuse.unreadable(token.text if follower is None else f"{token.text} {follower.text}")


def _on(parse: Parse, token: Token) -> None:
    """ "on": a date or a weekday follows."""
    follower = parse.peek()
    if follower is None or (
        follower.kind not in ("iso", "slash", "dmy", "mdy", "weekday") and follower.text not in english().modifiers
    ):
        raise parse.refuse.unreadable(token.text if follower is None else f"{token.text} {follower.text}")


def _in(parse: Parse, token: Token) -> None:
    """ "in": a duration follows, counted from now."""
    follower = parse.peek()
    if follower is None or follower.kind not in (*_DURATIONS, "euro") or parse.reading.sign:
        raise parse.refuse.unreadable(token.text if follower is None else f"in {follower.text}")
    parse.reading.sign = 1


def _later(parse: Parse, token: Token) -> None:
    """ "from now" / "later" after a duration."""
    if not parse.reading.duration_units or parse.reading.sign:
        raise parse.refuse.unreadable("from now" if token.text == "fromnow" else token.text)
    parse.reading.sign = 1


def _ago(parse: Parse, token: Token) -> None:
    if not parse.reading.duration_units or parse.reading.sign:
        raise parse.refuse.unreadable(token.text)
    parse.reading.sign = -1


def _modifier(parse: Parse, token: Token) -> None:
    """ "next friday", "last friday", "this weekend" (asked), "this evening"."""
    word, follower, refuse = token.text, parse.peek(), parse.refuse
    if follower is not None and follower.kind == "weekday":
        parse.take()
        weekday = weekday_number(follower.groups["wd"] or "")
        parse.b.day(DaySpec(f"{word} {follower.text}", weekday=weekday, modifier=english().modifiers[word]))
    elif word == "this" and follower is not None and follower.text == "weekend":
        raise weekend(refuse, (token.start, follower.end))
    elif word == "this" and follower is not None and follower.text in ("morning", "afternoon", "evening"):
        parse.take()
        parse.b.day(DaySpec(f"this {follower.text}", offset=0))
        parse.b.part(follower.text, follower.text)
    else:
        raise refuse.unreadable(word if follower is None else f"{word} {follower.text}")


def _relative_day(parse: Parse, token: Token) -> None:
    """ "today", "tomorrow", "tonight" (today's evening)..."""
    lexicon, word = english(), token.text
    parse.b.day(DaySpec(word, offset=lexicon.relative_days[word]))
    if word in lexicon.evening_days:
        parse.reading.tonight = True
        parse.b.part("night", word)


def _part(parse: Parse, token: Token) -> None:
    parse.b.part(token.text, token.text)


def _weekend_word(parse: Parse, token: Token) -> None:
    """ "weekend", "the weekend", "on the weekend": Saturday or Sunday? Asked."""
    previous = parse.before(1)
    start = previous.start if previous is not None and previous.text in ("the", "on") else token.start
    raise weekend(parse.refuse, (start, token.end))


def _clock_word(parse: Parse, token: Token) -> None:
    if english().clock_words[token.text] == "noon":
        parse.b.clock(Clock(12, 0, token.text, noon=True))
    else:
        parse.b.clock(Clock(0, 0, token.text, midnight=True))


@functools.cache
def _words() -> Mapping[str, Handler]:
    """Word -> handler: the grammar's own words, then the lexicon's classes of words. A word in two classes is
    refused when the lexicon is read (it would be read one way and silently not the other)."""
    lexicon = english()
    table: dict[str, Handler] = {
        "at": _at,
        "@": _at,
        "on": _on,
        "in": _in,
        "fromnow": _later,
        "later": _later,
        "ago": _ago,
        "weekend": _weekend_word,
    }
    classes: dict[str, tuple[Handler, Iterable[str]]] = {
        "modifiers": (_modifier, lexicon.modifiers),
        "relative_days": (_relative_day, lexicon.relative_days),
        "parts": (_part, lexicon.parts),
        "clock_words": (_clock_word, lexicon.clock_words),
    }
    for name, (handler, words) in classes.items():
        for word in words:
            if word in table:
                raise LexiconError(f"{ENGLISH_FILE}: {name}: {word!r} already has another meaning")
            table[word] = handler
    return MappingProxyType(table)


def read_english(phrase: str, refuse: Refuser) -> Reading:
    """What the normalized English ``phrase`` says."""
    b = Builder(refuse)
    if phrase == "now":
        b.reading.now = True
        return b.reading
    parse = Parse(b, tokenize(phrase, refuse))
    read_tokens(parse, _KINDS, _unread)
    return b.finish(parse.pending_bare)


class EnglishPhrasing(Phrasing):
    """The English grammar's refusals: "am/pm", "in 2 hours"."""

    def twelve_hour_range(self, text: str) -> tuple[Msg, Msg]:
        return (
            msg('"{text}" isn\'t a time of day: with am/pm the hour runs from 1 to 12.', text=text),
            msg("{text} isn't a time of day (1-12 with am/pm)", text=text),
        )

    def from_now(self, text: str) -> tuple[Msg, Msg]:
        return msg('Write "in {text}" for a time from now.', text=text), msg('Write "in {text}"', text=text)

    def already_says_when(self, text: str, clock: str) -> tuple[Msg, Msg]:
        return (
            msg('"in {text}" already says when; leave out "{clock}".', text=text, clock=clock),
            msg('Leave out "{clock}" after "in {text}"', text=text, clock=clock),
        )

    def month_as_word(self, text: str, first: object, second: object, month: int, day: int) -> Msg:
        example = self.suggest("month_day", month=month, month_word=month_word(month), day=day)
        return msg(
            '"{text}" could be {first} or {second}: write the month as a word ("{example}") or the date as '
            "year-month-day.",
            text=text,
            first=first,
            second=second,
            example=example,
        )

    def am_or_pm(self, text: str) -> Msg:
        return msg('"{text}": am or pm?', text=text)

    def part_clash(self, text: str, part: str) -> Msg:
        return msg('"{text}" isn\'t in the {part}.', text=text, part=part)

    def add_time(self, named: str, *, with_part: bool) -> tuple[Msg, Msg]:
        return (
            msg('Add a time to "{named}", e.g. "{named} 8pm" or "{named} 20:30".', named=named),
            msg('Add a time, e.g. "{named} 8pm"', named=named),
        )


@functools.cache
def phrasing() -> Phrasing:
    """How the English grammar words its refusals (its suggestions from ``lexicon_en.toml``)."""
    return EnglishPhrasing(suggestions(ENGLISH_FILE))
