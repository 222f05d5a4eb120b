"""The time grammar's word tables (``lexicon_en.toml``, ``lexicon_ko.toml``): every word listed there is read in
a phrase a member would type, meaning what the table says; a broken table stops the bot with the file and the key
named, never a grammar that silently misses a word."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from zoneinfo import ZoneInfo

import pytest

from bot.services.timeparse import AmbiguousTime, PastTime, parse_day, parse_when
from bot.services.timeparse import lexicon as lexicon_module
from bot.services.timeparse.lexicon import (
    ENGLISH_FILE,
    KOREAN_FILE,
    LexiconError,
    english,
    english_from,
    korean,
    korean_from,
    parse_file,
)

SEOUL = ZoneInfo("Asia/Seoul")
# Wednesday 2 December 2026, 12:00 in Seoul.
NOW = dt.datetime(2026, 12, 2, 3, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 2)
MONDAY = dt.date(2026, 11, 30)  # of this week
EN = english()
KO = korean()


def local(instant: dt.datetime) -> dt.datetime:
    return instant.astimezone(SEOUL)


def shipped(file: str) -> str:
    return resources.files(lexicon_module.__package__).joinpath(file).read_text(encoding="utf-8")


# -- every English word is read ------------------------------------------------------------------------------


@pytest.mark.parametrize(("month", "spelling"), [(i + 1, s) for i, row in enumerate(EN.months) for s in row])
def test_every_month_spelling_names_its_month(month: int, spelling: str) -> None:
    assert parse_day(f"{spelling} 2 2027", SEOUL, NOW) == dt.date(2027, month, 2)
    assert parse_day(f"2 {spelling} 2027", SEOUL, NOW) == dt.date(2027, month, 2)


@pytest.mark.parametrize(("weekday", "spelling"), [(i, s) for i, row in enumerate(EN.weekdays) for s in row])
def test_every_weekday_spelling_names_its_day(weekday: int, spelling: str) -> None:
    day = parse_day(f"next {spelling}", SEOUL, NOW)
    assert day.weekday() == weekday
    assert TODAY < day <= TODAY + dt.timedelta(days=7)


@pytest.mark.parametrize(("word", "hour"), EN.hours.items())
def test_every_spelled_hour_is_that_hour(word: str, hour: int) -> None:
    assert local(parse_when(f"tomorrow {word} pm", SEOUL, NOW)).hour == hour % 12 + 12
    assert local(parse_when(f"tomorrow at {word} am", SEOUL, NOW)).hour == hour % 12


@pytest.mark.parametrize("word", EN.articles)
def test_every_article_counts_one(word: str) -> None:
    assert parse_when(f"in {word} hour", SEOUL, NOW) == NOW + dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("words", "minute"),
    [(f"{EN.minute_oh} {word}", value) for word, value in EN.minutes_after_oh.items()]
    + [(word, value) for word, value in EN.minute_tens.items()]
    + [(f"{ten} {one}", tens + ones) for ten, tens in EN.minute_tens.items() for one, ones in EN.minute_ones.items()],
)
def test_every_spelled_minute_is_read(words: str, minute: int) -> None:
    when = local(parse_when(f"tomorrow nine {words} pm", SEOUL, NOW))
    assert (when.hour, when.minute) == (21, minute)


@pytest.mark.parametrize(("spelling", "unit"), EN.units.items())
def test_every_unit_spelling_is_its_unit(spelling: str, unit: str) -> None:
    expected = NOW + dt.timedelta(**{unit: 2})  # Seoul keeps no daylight saving: days are 24 hours
    assert parse_when(f"in 2 {spelling}", SEOUL, NOW) == expected
    if len(spelling) > 1:  # spelled numbers take spelled units ("two hours", not "two h")
        assert parse_when(f"in two {spelling}", SEOUL, NOW) == expected


@pytest.mark.parametrize(("word", "days"), EN.relative_days.items())
def test_every_relative_day_is_that_many_days_on(word: str, days: int) -> None:
    if word in EN.evening_days:  # a day and a part of it: read with a time
        assert local(parse_when(f"{word} at 9", SEOUL, NOW)).date() == TODAY + dt.timedelta(days=days)
    else:
        assert parse_day(word, SEOUL, NOW) == TODAY + dt.timedelta(days=days)


@pytest.mark.parametrize("word", sorted(EN.evening_days))
def test_every_evening_day_is_tonight(word: str) -> None:
    assert local(parse_when(f"{word} at 9", SEOUL, NOW)) == dt.datetime(2026, 12, 2, 21, tzinfo=SEOUL)


HOUR_IN_PART = {"morning": (8, 8), "afternoon": (3, 15), "evening": (8, 20), "night": (10, 22)}


@pytest.mark.parametrize("part", EN.parts)
def test_every_part_of_the_day_decides_am_or_pm(part: str) -> None:
    typed, hour = HOUR_IN_PART[part]
    assert local(parse_when(f"tomorrow {part} at {typed}", SEOUL, NOW)).hour == hour


@pytest.mark.parametrize(("word", "meaning"), EN.modifiers.items())
def test_every_modifier_names_a_friday(word: str, meaning: str) -> None:
    day = parse_day(f"{word} friday", SEOUL, NOW)
    assert day.weekday() == 4
    assert day < TODAY if meaning == "last" else day > TODAY


@pytest.mark.parametrize(("word", "meaning"), EN.clock_words.items())
def test_every_clock_word_is_its_time(word: str, meaning: str) -> None:
    assert local(parse_when(f"at {word}", SEOUL, NOW)).hour == (12 if meaning == "noon" else 0)


# -- every Korean word is read --------------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "number"), KO.numbers.items())
def test_every_native_number_counts(word: str, number: int) -> None:
    assert parse_when(f"{word} 시간 후", SEOUL, NOW) == NOW + dt.timedelta(hours=number)
    assert local(parse_when(f"내일 오후 {word} 시", SEOUL, NOW)).hour == number % 12 + 12


@pytest.mark.parametrize(("letter", "weekday"), KO.weekdays.items())
def test_every_korean_weekday_names_its_day(letter: str, weekday: int) -> None:
    next_week = MONDAY + dt.timedelta(days=7 + weekday)
    assert parse_day(f"다음 주 {letter}요일", SEOUL, NOW) == next_week
    assert parse_day(f"다음 주 {letter}욜", SEOUL, NOW) == next_week


@pytest.mark.parametrize("word", KO.relative_words)
def test_every_korean_relative_day_is_that_many_days_on(word: str) -> None:
    days = KO.relative_days[word.replace(" ", "")]
    for typed in {word, word.replace(" ", "")}:
        assert parse_day(typed, SEOUL, NOW) == TODAY + dt.timedelta(days=days)


@pytest.mark.parametrize(("word", "week"), KO.weeks.items())
def test_every_week_word_names_its_week(word: str, week: int) -> None:
    assert parse_day(f"{word} 주 월요일", SEOUL, NOW) == MONDAY + dt.timedelta(weeks=week)


@pytest.mark.parametrize(("word", "meaning"), KO.weekday_modifiers.items())
def test_every_weekday_modifier_is_read(word: str, meaning: str) -> None:
    if meaning == "ask":
        with pytest.raises(AmbiguousTime):
            parse_day(f"{word} 금요일", SEOUL, NOW)
        return
    day = parse_day(f"{word} 금요일", SEOUL, NOW)
    assert day.weekday() == 4
    assert day < TODAY if meaning == "last" else day > TODAY


KOREAN_HOUR_IN_PART = {"dawn": (2, 2), "morning": (8, 8), "afternoon": (3, 15), "evening": (8, 20), "night": (10, 22)}


@pytest.mark.parametrize(("word", "part"), KO.parts.items())
def test_every_korean_part_of_the_day_decides_am_or_pm(word: str, part: str) -> None:
    typed, hour = KOREAN_HOUR_IN_PART[part]
    when = local(parse_when(f"내일 {word} {typed}시", SEOUL, NOW))
    assert (when.date(), when.hour) == (TODAY + dt.timedelta(days=1), hour)


@pytest.mark.parametrize(("word", "half"), KO.halves.items())
def test_every_half_of_the_day_is_am_or_pm(word: str, half: str) -> None:
    assert local(parse_when(f"내일 {word} 8시", SEOUL, NOW)).hour == (8 if half == "am" else 20)


@pytest.mark.parametrize(("word", "meaning"), KO.clock_words.items())
def test_every_korean_clock_word_is_its_time(word: str, meaning: str) -> None:
    assert local(parse_when(word, SEOUL, NOW)).hour == (12 if meaning == "noon" else 0)


@pytest.mark.parametrize(("word", "unit"), KO.units.items())
def test_every_korean_unit_is_its_unit(word: str, unit: str) -> None:
    assert parse_when(f"2{word} 후", SEOUL, NOW) == NOW + dt.timedelta(**{unit: 2})


@pytest.mark.parametrize("word", KO.day_words)
def test_every_day_word_is_its_duration(word: str) -> None:
    length = KO.day_words[word]
    assert parse_when(f"{word} 후", SEOUL, NOW) == NOW + dt.timedelta(**{length.unit: length.amount})


@pytest.mark.parametrize(("word", "sign"), KO.signs.items())
def test_every_sign_says_later_or_earlier(word: str, sign: int) -> None:
    if sign < 0:
        with pytest.raises(PastTime):
            parse_when(f"2시간 {word}", SEOUL, NOW)
    else:
        assert parse_when(f"2시간 {word}", SEOUL, NOW) == NOW + dt.timedelta(hours=2)


# -- a broken table is refused with its file and key -------------------------------------------------------------


def english_with(old: str, new: str) -> str:
    text = shipped(ENGLISH_FILE)
    assert old in text, old
    return text.replace(old, new, 1)


def korean_with(old: str, new: str) -> str:
    text = shipped(KOREAN_FILE)
    assert old in text, old
    return text.replace(old, new, 1)


def test_the_shipped_tables_load() -> None:
    assert english_from(parse_file(ENGLISH_FILE, shipped(ENGLISH_FILE))) == EN
    assert korean_from(parse_file(KOREAN_FILE, shipped(KOREAN_FILE))) == KO


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('hours = ["h", "hr"', 'fortnights = ["fn"]\nhours = ["h", "hr"', "[units] fortnights: is not a unit"),
        ("twelve = 12\n", "twelve = 13\n", "[hours] twelve: must be a whole number from 1 to 12, got 13"),
        ('  ["may"],\n', "", "months: must list 12 rows"),
        ('["fri", "friday"]', '["fri", "Friday"]', "weekdays[5]: 'Friday' is not a word"),
        ('["sat", "saturday"]', '["sat", "friday"]', "weekdays: 'friday' is listed twice"),
        ('evening_days = ["tonight", "tonite"]', 'evening_days = ["tonight", "tonigth"]', "evening_days: 'tonigth'"),
        ('coming = "this"', 'coming = "soon"', "[modifiers] coming: must be one of next, this, last, got 'soon'"),
        ("[clock_words]", "[clock_word]", "clock_words: is missing"),
        ("months = [", "colour = 1\nmonths = [", "colour: is not a known key"),
        ("[articles]\na = 1", "[articles]\na = 1\nan = 1\nan = 2", "not valid TOML"),
        ('zero = "oh"', 'zero = "o h"', "[minutes] zero: 'o h' is not a word"),
    ],
)
def test_a_broken_english_table_names_file_and_key(old: str, new: str, where: str) -> None:
    with pytest.raises(LexiconError, match=re.escape(f"{ENGLISH_FILE}: ") + ".*" + re.escape(where)):
        english_from(parse_file(ENGLISH_FILE, english_with(old, new)))


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('"열두" = 12', '"열두" = "12"', "[numbers] 열두: must be a whole number from 1 to 12, got '12'"),
        ('"금" = 4', '"금요" = 4', "weekdays 금요: must be one syllable"),
        ('"저녁" = "evening"', '"저녁" = "supper"', "[parts] 저녁: must be one of dawn, morning"),
        ('"이틀" = { amount = 2, unit = "days" }', '"이틀" = { amount = 2, unit = "nights" }', "[day_words.이틀] unit"),
        ('"전" = -1', '"전" = 0', "signs 전: must be 1 (later than now) or -1"),
        ('"오후" = "pm"', '"PM" = "pm"', "[halves] PM: 'PM' is not a word of Hangul"),
        ("[signs]", "[sign]", "signs: is missing"),
    ],
)
def test_a_broken_korean_table_names_file_and_key(old: str, new: str, where: str) -> None:
    with pytest.raises(LexiconError, match=re.escape(f"{KOREAN_FILE}: ") + ".*" + re.escape(where)):
        korean_from(parse_file(KOREAN_FILE, korean_with(old, new)))


def test_a_word_in_two_classes_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """ "night" as a relative day too would be read one way and silently not the other."""
    from bot.services.timeparse import english as english_grammar

    broken = english_from(parse_file(ENGLISH_FILE, english_with("tomoz = 1\n", "tomoz = 1\nnight = 0\n")))
    monkeypatch.setattr(english_grammar, "english", lambda: broken)
    english_grammar._words.cache_clear()
    try:
        with pytest.raises(LexiconError, match=re.escape(f"{ENGLISH_FILE}: parts: 'night' already has")):
            english_grammar._words()
    finally:
        english_grammar._words.cache_clear()


def test_a_missing_file_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexicon_module, "ENGLISH_FILE", "lexicon_xx.toml")
    lexicon_module.english.cache_clear()
    try:
        with pytest.raises(LexiconError, match=r"^lexicon_xx\.toml: file is missing$"):
            lexicon_module.english()
    finally:
        monkeypatch.undo()
        lexicon_module.english.cache_clear()
    assert lexicon_module.english() == EN


def test_the_tables_are_frozen() -> None:
    with pytest.raises(TypeError):
        EN.units["fortnight"] = "weeks"  # type: ignore[index]
    with pytest.raises(TypeError):
        KO.numbers["스물"] = 20  # type: ignore[index]
    with pytest.raises(AttributeError):
        EN.parts = ()  # type: ignore[misc]
