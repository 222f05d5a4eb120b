"""The grammar's word tables, read from ``lexicon_en.toml`` and ``lexicon_ko.toml`` (shipped in this package).

Each file is read once, on the first reading of a time (not at import), checked, and frozen: a wrong entry
raises :class:`LexiconError` naming the file and the key (``lexicon_en.toml: [units] hours: ...``), the way the
show pack names its file and key. The patterns that read a phrase are built from these words
(:mod:`.tokens`), so a new spelling is a line of data.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable, Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

import tomli
from msgspec import Struct

ENGLISH_FILE: Final = "lexicon_en.toml"
KOREAN_FILE: Final = "lexicon_ko.toml"

UNITS: Final = ("minutes", "hours", "days", "weeks")
#: The table of every lexicon file that the bot's other parsers read (reminder times, episode ranges, forum tags,
#: weekly slots): see :func:`parser_words`.
PARSERS: Final = "parsers"
#: The table of every lexicon file with the texts its grammar's refusals suggest: see :func:`suggestions`.
SUGGESTIONS: Final = "suggestions"
#: Each suggestion template, and the values it may use.
SUGGESTION_TEMPLATES: Final[Mapping[str, frozenset[str]]] = MappingProxyType({
    "hour_am": frozenset({"hour"}),  # a bare hour, in the morning: "9am" / "오전 9시"
    "hour_pm": frozenset({"hour"}),
    "clock_am": frozenset({"clock", "typed"}),  # a clock time, in the morning: "9:30am" / "오전 9시 반" (as typed)
    "clock_pm": frozenset({"clock", "typed"}),
    "from_now": frozenset({"text"}),  # a duration from now: "in 2 hours" / "2시간 후"
    "week": frozenset({"week"}),  # before a weekday, the week typed: "" / "다음 주 "
    "saturday": frozenset({"week"}),  # a weekend's days: "saturday" / "다음 주 토요일"
    "sunday": frozenset({"week"}),
    "month_day": frozenset({"month", "month_word", "day"}),  # "dec 2" / "12월 2일"
    "with_year": frozenset({"date", "year"}),  # "dec 2 2027" / "2027년 12월 2일"
    "date": frozenset({"iso", "year", "month", "day"}),  # a whole date: "2027-12-02" / "2027년 12월 2일"
    "time_example": frozenset(),  # a time to add to a day: "8pm" / "오후 8시"
    "time_example_after_part": frozenset(),  # the same after a part of the day ("저녁 8시"): "8pm" / "8시"
})  # fmt: skip
_OFFSET_UNITS: Final = {"days": 86400, "hours": 3600, "minutes": 60}
#: A word of any language: letters (no digits, spaces or punctuation), as the parsers' patterns take them.
_ANY_WORD = re.compile(r"^[^\W\d_]+$")
_ENGLISH_WORD = re.compile(r"^[a-z]+$")
_KOREAN_WORD = re.compile(r"^[\uac00-\ud7a3]+(?: [\uac00-\ud7a3]+)*$")


class LexiconError(ValueError):
    """A lexicon file is missing, not TOML, or has an entry the grammar cannot use."""


class EnglishLexicon(Struct, frozen=True):
    months: tuple[tuple[str, ...], ...]  # January first; each month's spellings, the short one first
    weekdays: tuple[tuple[str, ...], ...]  # Monday first
    hours: Mapping[str, int]  # spelled hours, one to twelve
    articles: Mapping[str, int]  # "a", "an": one, not an hour
    minute_oh: str  # "oh" in "nine oh five"
    minutes_after_oh: Mapping[str, int]
    minute_tens: Mapping[str, int]
    minute_ones: Mapping[str, int]
    units: Mapping[str, str]  # spelling -> minutes / hours / days / weeks
    relative_days: Mapping[str, int]
    evening_days: frozenset[str]
    parts: tuple[str, ...]
    modifiers: Mapping[str, str]  # next / this / last
    clock_words: Mapping[str, str]  # noon / midnight

    # derived, for lookups
    month_numbers: Mapping[str, int]  # every spelling -> 1 to 12
    weekday_numbers: Mapping[str, int]  # every spelling -> 0 (Monday) to 6
    counts: Mapping[str, int]  # every spelled number that counts units: "an hour", "two days"
    minute_values: Mapping[str, int]  # each word of a spelled minute ("oh", "fifteen", "twenty", "five")


class DayWord(Struct, frozen=True):
    amount: int
    unit: str


class KoreanLexicon(Struct, frozen=True):
    numbers: Mapping[str, int]  # native numbers, 한 to 열두
    weekdays: Mapping[str, int]  # first syllable -> 0 (Monday) to 6
    relative_days: Mapping[str, int]  # written without spaces
    relative_words: tuple[str, ...]  # as in the file ("내일 모레": the space may be left out)
    weeks: Mapping[str, int]
    weekday_modifiers: Mapping[str, str]  # ask / this_week / next / last
    parts: Mapping[str, str]
    halves: Mapping[str, str]  # 오전 -> am, 오후 -> pm
    clock_words: Mapping[str, str]
    units: Mapping[str, str]
    day_words: Mapping[str, DayWord]
    signs: Mapping[str, int]


class _Table:
    """One table of a lexicon file, read with checks that name the file and the key."""

    def __init__(self, file: str, name: str, data: Any) -> None:
        self.file, self.name = file, name
        if not isinstance(data, dict):
            self.fail(None, "must be a table")
        self.data: dict[str, Any] = data
        self.seen: set[str] = set()

    def fail(self, key: str | None, problem: str) -> None:
        where = f"[{self.name}]" if key is None else f"[{self.name}] {key}" if self.name else key
        raise LexiconError(f"{self.file}: {where}: {problem}")

    def table(self, key: str) -> _Table:
        self.seen.add(key)
        if key not in self.data:
            self.fail(key, "is missing")
        return _Table(self.file, f"{self.name}.{key}" if self.name else key, self.data[key])

    def get(self, key: str) -> Any:
        self.seen.add(key)
        if key not in self.data:
            self.fail(key, "is missing")
        return self.data[key]

    def finish(self) -> None:
        for key in sorted(set(self.data) - self.seen):
            self.fail(key, "is not a known key")

    def word(self, word: object, where: str, pattern: re.Pattern[str]) -> str:
        if not isinstance(word, str) or not pattern.match(word):
            kind = "lower-case letters a-z" if pattern is _ENGLISH_WORD else "Hangul words"
            self.fail(where, f"{word!r} is not a word of {kind}")
        return str(word)

    def mapping(self, pattern: re.Pattern[str], value: Callable[[str, Any], Any]) -> Mapping[str, Any]:
        """Every key of this table a word, each value checked by ``value(key, raw)``."""
        found = {}
        for key, raw in self.data.items():
            self.seen.add(key)
            found[self.word(key, key, pattern)] = value(key, raw)
        if not found:
            self.fail(None, "must list at least one word")
        return MappingProxyType(found)

    def number(self, low: int, high: int) -> Callable[[str, Any], int]:
        def check(key: str, raw: Any) -> int:
            if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
                self.fail(key, f"must be a whole number from {low} to {high}, got {raw!r}")
            return int(raw)

        return check

    def one_of(self, *choices: str) -> Callable[[str, Any], str]:
        def check(key: str, raw: Any) -> str:
            if raw not in choices:
                self.fail(key, f"must be one of {', '.join(choices)}, got {raw!r}")
            return str(raw)

        return check

    def spellings(self, key: str, raw: Any, pattern: re.Pattern[str]) -> tuple[str, ...]:
        if not isinstance(raw, list) or not raw:
            self.fail(key, "must be a list of spellings")
        return tuple(self.word(word, key, pattern) for word in raw)

    def word_list(self, key: str, pattern: re.Pattern[str]) -> tuple[str, ...]:
        return self.spellings(key, self.get(key), pattern)

    def rows(self, key: str, count: int, pattern: re.Pattern[str]) -> tuple[tuple[str, ...], ...]:
        raw = self.get(key)
        if not isinstance(raw, list) or len(raw) != count:
            self.fail(key, f"must list {count} rows of spellings")
        return tuple(self.spellings(f"{key}[{i + 1}]", row, pattern) for i, row in enumerate(raw))


def _read(file: str) -> _Table:
    try:
        text = resources.files(__package__).joinpath(file).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError(f"{file}: file is missing") from None
    return parse_file(file, text)


def parse_file(file: str, text: str) -> _Table:
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        raise LexiconError(f"{file}: not valid TOML: {error}") from None
    return _Table(file, "", data)


def _unique(file: str, groups: Mapping[str, tuple[str, ...]]) -> None:
    """No spelling in two places of one group ("may" as a month twice, "sat" for two days)."""
    for name, words in groups.items():
        seen: set[str] = set()
        for word in words:
            if word in seen:
                raise LexiconError(f"{file}: {name}: {word!r} is listed twice")
            seen.add(word)


def english_from(root: _Table) -> EnglishLexicon:
    """The English lexicon from a parsed file (checked; :class:`LexiconError` names the file and key)."""
    w = _ENGLISH_WORD
    root.seen.update((PARSERS, SUGGESTIONS))  # read by parser_words() and suggestions()
    months = root.rows("months", 12, w)
    weekdays = root.rows("weekdays", 7, w)
    hours_table = root.table("hours")
    hours = hours_table.mapping(w, hours_table.number(1, 12))
    articles_table = root.table("articles")
    articles = articles_table.mapping(w, articles_table.number(1, 1))
    minutes = root.table("minutes")
    oh = minutes.word(minutes.get("zero"), "zero", w)
    after_oh_table, tens_table, ones_table = minutes.table("after_oh"), minutes.table("tens"), minutes.table("ones")
    after_oh = after_oh_table.mapping(w, after_oh_table.number(1, 59))
    tens = tens_table.mapping(w, tens_table.number(20, 50))
    ones = ones_table.mapping(w, ones_table.number(1, 9))
    minutes.finish()
    units_table = root.table("units")
    units: dict[str, str] = {}
    for unit, raw in units_table.data.items():
        units_table.seen.add(unit)
        if unit not in UNITS:
            units_table.fail(unit, f"is not a unit: use {', '.join(UNITS)}")
        for spelling in units_table.spellings(unit, raw, w):
            if spelling in units:
                units_table.fail(unit, f"{spelling!r} is already a spelling of {units[spelling]}")
            units[spelling] = unit
    relative_table = root.table("relative_days")
    relative = relative_table.mapping(w, relative_table.number(-1, 7))
    evening = root.word_list("evening_days", w)
    for word in evening:
        if word not in relative:
            root.fail("evening_days", f"{word!r} is not one of relative_days")
    parts = root.word_list("parts", w)
    for word in parts:
        if word not in ("morning", "afternoon", "evening", "night"):
            root.fail("parts", f"{word!r} must be one of morning, afternoon, evening, night")
    modifiers_table = root.table("modifiers")
    modifiers = modifiers_table.mapping(w, modifiers_table.one_of("next", "this", "last"))
    clock_table = root.table("clock_words")
    clock_words = clock_table.mapping(w, clock_table.one_of("noon", "midnight"))
    root.finish()
    _unique(root.file, {"months": tuple(x for row in months for x in row)})
    _unique(root.file, {"weekdays": tuple(x for row in weekdays for x in row)})
    return EnglishLexicon(
        months=months,
        weekdays=weekdays,
        hours=hours,
        articles=articles,
        minute_oh=oh,
        minutes_after_oh=after_oh,
        minute_tens=tens,
        minute_ones=ones,
        units=MappingProxyType(units),
        relative_days=relative,
        evening_days=frozenset(evening),
        parts=parts,
        modifiers=modifiers,
        clock_words=clock_words,
        month_numbers=MappingProxyType({word: i + 1 for i, row in enumerate(months) for word in row}),
        weekday_numbers=MappingProxyType({word: i for i, row in enumerate(weekdays) for word in row}),
        counts=MappingProxyType({**articles, **hours}),
        minute_values=MappingProxyType({oh: 0, **after_oh, **tens, **ones}),
    )


def korean_from(root: _Table) -> KoreanLexicon:
    """The Korean lexicon from a parsed file (checked; :class:`LexiconError` names the file and key)."""
    w = _KOREAN_WORD
    root.seen.update((PARSERS, SUGGESTIONS))  # read by parser_words() and suggestions()

    def table(key: str, value: Callable[[_Table], Callable[[str, Any], Any]]) -> Mapping[str, Any]:
        found = root.table(key)
        return found.mapping(w, value(found))

    numbers = table("numbers", lambda t: t.number(1, 12))
    weekdays = table("weekdays", lambda t: t.number(0, 6))
    for word in weekdays:
        if len(word) != 1:
            root.fail(f"weekdays {word}", "must be one syllable (월 for 월요일)")
    relative = table("relative_days", lambda t: t.number(-7, 7))
    weeks = table("weeks", lambda t: t.number(-1, 2))
    modifiers = table("weekday_modifiers", lambda t: t.one_of("ask", "this_week", "next", "last"))
    parts = table("parts", lambda t: t.one_of("dawn", "morning", "afternoon", "evening", "night"))
    halves = table("halves", lambda t: t.one_of("am", "pm"))
    clock_words = table("clock_words", lambda t: t.one_of("noon", "midnight"))
    units = table("units", lambda t: t.one_of(*UNITS))
    day_table = root.table("day_words")

    def day_word(key: str, raw: Any) -> DayWord:
        entry = _Table(root.file, f"day_words.{key}", raw)
        amount = entry.number(1, 30)("amount", entry.get("amount"))
        unit = entry.one_of(*UNITS)("unit", entry.get("unit"))
        entry.finish()
        return DayWord(amount, unit)

    day_words = day_table.mapping(w, day_word)
    signs = table("signs", lambda t: t.number(-1, 1))
    for word, sign in signs.items():
        if sign == 0:
            root.fail(f"signs {word}", "must be 1 (later than now) or -1 (earlier)")
    root.finish()
    return KoreanLexicon(
        numbers=numbers,
        weekdays=weekdays,
        relative_days=MappingProxyType({word.replace(" ", ""): days for word, days in relative.items()}),
        relative_words=tuple(relative),
        weeks=weeks,
        weekday_modifiers=modifiers,
        parts=parts,
        halves=halves,
        clock_words=clock_words,
        units=units,
        day_words=day_words,
        signs=signs,
    )


@functools.cache
def english() -> EnglishLexicon:
    """The English lexicon, read on first use."""
    return english_from(_read(ENGLISH_FILE))


@functools.cache
def korean() -> KoreanLexicon:
    """The Korean lexicon, read on first use."""
    return korean_from(_read(KOREAN_FILE))


# -- the words of the bot's other parsers ----------------------------------------------------------------------


class SlotPart(Struct, frozen=True):
    """A part of the day before an hour in a weekly slot ("오후 8시"): the 12-hour hours it takes, and the hours
    added to them (12 for the afternoon: an hour of 12 there is noon)."""

    hours: range
    added: int


class SlotWords(Struct, frozen=True):
    """How one language writes a weekly slot with its weekdays as single letters run together ("수목 21:00",
    "토요일 오후 8시", "수욜 9시 반"): the letters, what may follow them, the parts of the day, and the words after
    the hour and the minutes."""

    days: str  # Monday to Sunday, one letter each
    day_suffixes: tuple[str, ...]  # after the letters, as a suggestion removes them: "요일", "욜"
    parts: Mapping[str, SlotPart]
    am: str  # the part written in a suggestion for the morning ("오전")
    pm: str  # and for the evening ("오후")
    hour: str  # after the hour: "시"
    minute: str  # after the minutes: "분"
    half: tuple[str, ...]  # after the hour, thirty minutes: "반"


class ParserWords(Struct, frozen=True):
    """The words of every lexicon file's ``[parsers]`` table, merged: what the bot's parsers outside the time grammar
    read (:mod:`bot.services.guild_config`, :mod:`bot.services.watch_parties`, :mod:`bot.services.discussion`,
    :mod:`bot.services.rewatch`), so a new language brings its words in its lexicon file."""

    list_joiners: tuple[str, ...]  # between the items of a list, beside commas: "and"
    offset_units: Mapping[str, int]  # a reminder time's unit after a number -> its seconds: "h", "시간"
    offset_before: tuple[str, ...]  # may follow a reminder time: "before", "전"
    offset_halves: tuple[tuple[str, str], ...]  # an hour and a half as typed ("시간반"), and in minutes ("시간30분")
    episode_before: tuple[str, ...]  # before an episode number: "ep", "episode"
    episode_after: tuple[str, ...]  # after an episode number: "3화"
    range_words: tuple[str, ...]  # between two episode numbers: "to", "부터"
    range_ends: tuple[str, ...]  # after the last number of a range: "까지"
    tag_words: tuple[str, ...]  # in the name of a forum tag about episodes or discussion: "spoiler", "토론"
    tag_whole_words: tuple[str, ...]  # the same, as a whole word only: "ep"
    slots: tuple[SlotWords, ...]  # the languages that write weekly slots with one-letter weekdays


def lexicon_files() -> tuple[str, ...]:
    """Every lexicon file of the package (``lexicon_<lang>.toml``), English first."""
    found = [
        entry.name
        for entry in resources.files(__package__).iterdir()
        if entry.name.startswith("lexicon_") and entry.name.endswith(".toml")
    ]
    return tuple(sorted(found, key=lambda name: (name != ENGLISH_FILE, name)))


@functools.cache
def parser_words() -> ParserWords:
    """The ``[parsers]`` tables of every lexicon file, read on first use and merged (checked; :class:`LexiconError`
    names the file and key)."""
    return parser_words_from([_read(file) for file in lexicon_files()])


def parser_words_from(roots: list[_Table]) -> ParserWords:
    lists: dict[str, list[str]] = {}
    units: dict[str, int] = {}
    halves: list[tuple[str, str]] = []
    slots: list[SlotWords] = []

    def words(table: _Table, key: str, *, required: bool = False) -> tuple[str, ...]:
        if key not in table.data and not required:
            table.seen.add(key)
            return ()
        return table.word_list(key, _ANY_WORD)

    for root in roots:
        parsers = root.table(PARSERS)
        lists.setdefault("list_joiners", []).extend(words(parsers, "list_joiners"))
        if "offsets" in parsers.data:
            offsets = parsers.table("offsets")
            for unit, seconds in _OFFSET_UNITS.items():
                for spelling in words(offsets, unit):
                    if units.get(spelling, seconds) != seconds:
                        offsets.fail(unit, f"{spelling!r} is already a spelling of another unit")
                    units[spelling] = seconds
            lists.setdefault("offset_before", []).extend(words(offsets, "before"))
            minutes = words(offsets, "minutes")
            for half in words(offsets, "half"):
                if not minutes:
                    offsets.fail("half", "needs a spelling of minutes in the same file")
                halves.extend((hour + half, f"{hour}30{minutes[0]}") for hour in words(offsets, "hours"))
            offsets.finish()
        if "episodes" in parsers.data:
            episodes = parsers.table("episodes")
            for key, name in (("before", "episode_before"), ("after", "episode_after"), ("range", "range_words")):
                lists.setdefault(name, []).extend(words(episodes, key))
            lists.setdefault("range_ends", []).extend(words(episodes, "range_ends"))
            episodes.finish()
        if "tags" in parsers.data:
            tags = parsers.table("tags")
            lists.setdefault("tag_words", []).extend(words(tags, "words"))
            lists.setdefault("tag_whole_words", []).extend(words(tags, "whole_words"))
            tags.finish()
        if "slots" in parsers.data:
            slots.append(_slot_words(parsers.table("slots")))
        parsers.finish()

    def merged(name: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(lists.get(name, ())))

    return ParserWords(
        list_joiners=merged("list_joiners"),
        offset_units=MappingProxyType(units),
        offset_before=merged("offset_before"),
        offset_halves=tuple(halves),
        episode_before=merged("episode_before"),
        episode_after=merged("episode_after"),
        range_words=merged("range_words"),
        range_ends=merged("range_ends"),
        tag_words=merged("tag_words"),
        tag_whole_words=merged("tag_whole_words"),
        slots=tuple(slots),
    )


def _slot_words(table: _Table) -> SlotWords:
    days = table.get("days")
    if not isinstance(days, str) or len(days) != 7 or len(set(days)) != 7 or not _ANY_WORD.match(days):
        table.fail("days", "must be the seven weekdays, Monday first, one letter each")
    parts_table = table.table("parts")
    parts: dict[str, SlotPart] = {}
    for word, raw in parts_table.data.items():
        parts_table.seen.add(word)
        entry = _Table(table.file, f"{parts_table.name}.{word}", raw)
        first, last = (entry.number(0, 23)(key, entry.get(key)) for key in ("first", "last"))
        added = entry.number(0, 12)("added", entry.get("added"))
        entry.finish()
        parts[table.word(word, word, _ANY_WORD)] = SlotPart(range(first, last + 1), added)
    am, pm = (table.word(table.get(key), key, _ANY_WORD) for key in ("am", "pm"))
    for key, word in (("am", am), ("pm", pm)):
        if word not in parts:
            table.fail(key, f"{word!r} is not one of the parts")
    found = SlotWords(
        days=str(days),
        day_suffixes=table.word_list("day_suffixes", _ANY_WORD),
        parts=MappingProxyType(parts),
        am=am,
        pm=pm,
        hour=table.word(table.get("hour"), "hour", _ANY_WORD),
        minute=table.word(table.get("minute"), "minute", _ANY_WORD),
        half=table.word_list("half", _ANY_WORD),
    )
    table.finish()
    return found


# -- the texts a grammar's refusals suggest -----------------------------------------------------------------------


@functools.cache
def suggestions(file: str) -> Mapping[str, str]:
    """The ``[suggestions]`` templates of one lexicon file, read on first use and checked: every template of
    :data:`SUGGESTION_TEMPLATES`, each using only its values (:class:`LexiconError` names the file and key)."""
    return suggestions_from(_read(file))


def suggestions_from(root: _Table) -> Mapping[str, str]:
    table = root.table(SUGGESTIONS)
    found: dict[str, str] = {}
    for key, allowed in SUGGESTION_TEMPLATES.items():
        raw = table.get(key)
        if not isinstance(raw, str):
            table.fail(key, "must be a text")
        try:
            used = {name for _, name, _, _ in string.Formatter().parse(raw) if name is not None}
        except ValueError as error:
            table.fail(key, f"is not a template: {error}")
        if used - allowed:
            table.fail(
                key,
                f"may use only {', '.join(sorted(allowed)) or 'no values'}, not {', '.join(sorted(used - allowed))}",
            )
        found[key] = str(raw)
    table.finish()
    return MappingProxyType(found)
