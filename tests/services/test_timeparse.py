import contextlib
import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UserError
from bot.locale import texts
from bot.services.timeparse import (
    HINT,
    AmbiguousTime,
    PastTime,
    TimeRefused,
    TooFarAhead,
    UnreadableTime,
    ZoneInText,
    parse_day,
    parse_when,
    preview,
    preview_day,
)
from cogs.timeinput import preview_line

EN = texts("en")


def line(shown) -> str:
    """The autocomplete line a member with English Discord sees."""
    return preview_line(EN, shown)


ROOT = Path(__file__).resolve().parents[2]
NEW_YORK = ZoneInfo("America/New_York")
SEOUL = ZoneInfo("Asia/Seoul")
LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
# Saturday 21 November 2026: 07:00 in New York, 21:00 in Seoul.
NOW = dt.datetime(2026, 11, 21, 12, tzinfo=UTC)
TRY = 'Try "friday 8pm", "tomorrow 21:00", "2026-12-02 20:30" or "in 2 hours".'


def ny(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NEW_YORK)


def kst(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


def london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


# Moments the table reads from, besides NOW.
FRI_BEFORE_FALL_BACK = utc(2026, 10, 30, 12)  # Fri 08:00 EDT; New York's clocks go back on Sun 1 Nov
SECOND_ONE_THIRTY = utc(2026, 11, 1, 6, 30)  # 01:30 EST on 1 Nov, the second time round
FIRST_ONE_THIRTY = utc(2026, 11, 1, 5, 30)  # 01:30 EDT on 1 Nov, half an hour before clocks go back
FRI_BEFORE_SPRING = utc(2027, 3, 12, 17)  # Fri 12:00 EST; clocks go forward on Sun 14 Mar
SAT_BEFORE_SPRING = utc(2027, 3, 13, 17)  # Sat 12:00 EST
LONDON_FRI = utc(2027, 3, 26, 12)  # Fri 12:00 GMT; London's clocks go forward on Sun 28 Mar
NEW_YEARS_EVE = utc(2027, 1, 1, 3)  # 22:00 on 31 Dec in New York, noon on 1 Jan in Seoul
MONTH_END = ny(2026, 11, 30, 23)
FRIDAY_19 = ny(2026, 11, 27, 19)
FRIDAY_21 = ny(2026, 11, 27, 21)

# (typed text, member's zone, now, the one instant it means, or the refusal it gets and a fragment of its message)
TABLE: list[tuple[str, ZoneInfo, dt.datetime, dt.datetime | tuple[type[TimeRefused], str]]] = [
    # -- English forms that must work ----------------------------------------------------------------------
    ("friday 8pm", NEW_YORK, NOW, ny(2026, 11, 27, 20)),
    ("Friday 20:00", NEW_YORK, NOW, ny(2026, 11, 27, 20)),
    ("fri 8 pm", NEW_YORK, NOW, ny(2026, 11, 27, 20)),
    ("FRI 8PM", NEW_YORK, NOW, ny(2026, 11, 27, 20)),
    ("friday, 8 p.m.", NEW_YORK, NOW, ny(2026, 11, 27, 20)),
    ("tomorrow 21:00", NEW_YORK, NOW, ny(2026, 11, 22, 21)),
    ("tomorrow at 9pm", NEW_YORK, NOW, ny(2026, 11, 22, 21)),
    ("tmrw 9pm", NEW_YORK, NOW, ny(2026, 11, 22, 21)),
    ("9pm tomorrow", NEW_YORK, NOW, ny(2026, 11, 22, 21)),
    ("the day after tomorrow at 9pm", NEW_YORK, NOW, ny(2026, 11, 23, 21)),
    ("tonight 9pm", NEW_YORK, NOW, ny(2026, 11, 21, 21)),
    ("tonight at 9", NEW_YORK, NOW, ny(2026, 11, 21, 21)),
    ("tonight at 9:30", NEW_YORK, NOW, ny(2026, 11, 21, 21, 30)),
    ("9 o'clock tonight", NEW_YORK, NOW, ny(2026, 11, 21, 21)),
    ("tonight 1am", NEW_YORK, NOW, ny(2026, 11, 22, 1)),  # the small hours after this evening
    ("tonight at midnight", NEW_YORK, NOW, ny(2026, 11, 22, 0)),
    ("this evening at 8", NEW_YORK, NOW, ny(2026, 11, 21, 20)),
    ("tomorrow morning at 8", NEW_YORK, NOW, ny(2026, 11, 22, 8)),
    ("tomorrow night at 11", NEW_YORK, NOW, ny(2026, 11, 22, 23)),
    ("next wed at 9pm", NEW_YORK, NOW, ny(2026, 11, 25, 21)),
    ("next wednesday 21:00", NEW_YORK, NOW, ny(2026, 11, 25, 21)),
    ("on wednesday at 9pm", NEW_YORK, NOW, ny(2026, 11, 25, 21)),
    ("at 9pm on wednesday", NEW_YORK, NOW, ny(2026, 11, 25, 21)),
    ("wed @ 9pm", NEW_YORK, NOW, ny(2026, 11, 25, 21)),
    ("weds 9pm", NEW_YORK, NOW, ny(2026, 11, 25, 21)),
    ("thurs 9pm", NEW_YORK, NOW, ny(2026, 11, 26, 21)),
    ("thu 9pm", NEW_YORK, NOW, ny(2026, 11, 26, 21)),
    ("tues 8pm", NEW_YORK, NOW, ny(2026, 11, 24, 20)),
    ("tue. 8pm", NEW_YORK, NOW, ny(2026, 11, 24, 20)),
    ("mon 8pm", NEW_YORK, NOW, ny(2026, 11, 23, 20)),
    ("sun 8pm", NEW_YORK, NOW, ny(2026, 11, 22, 20)),
    ("sat 8pm", NEW_YORK, NOW, ny(2026, 11, 21, 20)),  # today is Saturday and 20:00 is still ahead
    ("saturday 6am", NEW_YORK, NOW, ny(2026, 11, 28, 6)),  # today's 06:00 has passed: next week
    ("2026-12-02 20:30", NEW_YORK, NOW, ny(2026, 12, 2, 20, 30)),
    ("2026-12-02T20:30", NEW_YORK, NOW, ny(2026, 12, 2, 20, 30)),
    ("2026/12/02 8:30pm", NEW_YORK, NOW, ny(2026, 12, 2, 20, 30)),
    ("2026.12.02 20:30", NEW_YORK, NOW, ny(2026, 12, 2, 20, 30)),
    ("dec 2 8:30pm", NEW_YORK, NOW, ny(2026, 12, 2, 20, 30)),
    ("December 2nd, 2026 at 20:30", NEW_YORK, NOW, ny(2026, 12, 2, 20, 30)),
    ("2 dec 20:30", NEW_YORK, NOW, ny(2026, 12, 2, 20, 30)),
    ("the 2nd of december at 8:30pm", NEW_YORK, NOW, ny(2026, 12, 2, 20, 30)),
    ("Fri, Dec 4, 8pm", NEW_YORK, NOW, ny(2026, 12, 4, 20)),  # a date with its weekday (pasted event text)
    ("8.30pm", NEW_YORK, NOW, ny(2026, 11, 21, 20, 30)),
    ("20.30", NEW_YORK, NOW, ny(2026, 11, 21, 20, 30)),
    ("12/25 8pm", NEW_YORK, NOW, ny(2026, 12, 25, 20)),  # only one reading is a date
    ("25/12 8pm", NEW_YORK, NOW, ny(2026, 12, 25, 20)),
    ("jan 2 8pm", NEW_YORK, NOW, ny(2027, 1, 2, 20)),  # a date without a year: the next one
    ("in 2 hours", NEW_YORK, NOW, ny(2026, 11, 21, 9)),
    ("in 90 minutes", NEW_YORK, NOW, ny(2026, 11, 21, 8, 30)),
    ("in 1h30m", NEW_YORK, NOW, ny(2026, 11, 21, 8, 30)),
    ("in an hour and 30 minutes", NEW_YORK, NOW, ny(2026, 11, 21, 8, 30)),
    ("in half an hour", NEW_YORK, NOW, ny(2026, 11, 21, 7, 30)),
    ("2 hours from now", NEW_YORK, NOW, ny(2026, 11, 21, 9)),
    ("in 3 days", NEW_YORK, NOW, ny(2026, 11, 24, 7)),
    ("in 2 days at 9pm", NEW_YORK, NOW, ny(2026, 11, 23, 21)),
    ("in 1 week", NEW_YORK, NOW, ny(2026, 11, 28, 7)),
    ("6am", NEW_YORK, NOW, ny(2026, 11, 22, 6)),  # a time alone: tomorrow once passed today
    ("10pm", NEW_YORK, NOW, ny(2026, 11, 21, 22)),  # ... today while still ahead
    ("20:30", NEW_YORK, NOW, ny(2026, 11, 21, 20, 30)),
    ("8:30", NEW_YORK, NOW, (AmbiguousTime, '"8:30" could be morning or evening: write "8:30am" or "8:30pm"')),
    ("08:30", NEW_YORK, NOW, ny(2026, 11, 21, 8, 30)),  # a leading zero: the 24-hour clock
    ("at 21", NEW_YORK, NOW, ny(2026, 11, 21, 21)),
    ("noon", NEW_YORK, NOW, ny(2026, 11, 21, 12)),
    ("tomorrow noon", NEW_YORK, NOW, ny(2026, 11, 22, 12)),
    ("midnight", NEW_YORK, NOW, ny(2026, 11, 22, 0)),
    ("12:30am", NEW_YORK, NOW, ny(2026, 11, 22, 0, 30)),
    ("now", NEW_YORK, NOW, NOW),
    ("<t:1795608000:F>", NEW_YORK, NOW, utc(2026, 11, 25, 12)),
    ("1795608000", SEOUL, NOW, utc(2026, 11, 25, 12)),
    ("wed 9pm KST", NEW_YORK, NOW, kst(2026, 11, 25, 21)),  # an unambiguous zone in the text wins
    ("friday 8pm UTC+9", NEW_YORK, NOW, kst(2026, 11, 27, 20)),
    ("friday 8pm GMT+0", NEW_YORK, NOW, utc(2026, 11, 27, 20)),
    ("2026-12-02 20:30+09:00", NEW_YORK, NOW, kst(2026, 12, 2, 20, 30)),
    ("friday 8pm", SEOUL, NOW, kst(2026, 11, 27, 20)),
    ("tomorrow 21:00", SEOUL, NOW, kst(2026, 11, 22, 21)),
    ("saturday 10pm", SEOUL, NOW, kst(2026, 11, 21, 22)),  # 21:00 there: today's 22:00 is still ahead
    ("saturday 8pm", SEOUL, NOW, kst(2026, 11, 28, 20)),
    ("8pm", SEOUL, NOW, kst(2026, 11, 22, 20)),
    ("in 2 days", SEOUL, NOW, kst(2026, 11, 23, 21)),
    # -- weekdays: the next such day still ahead; "next" is never today --------------------------------------
    ("friday 8pm", NEW_YORK, FRIDAY_19, ny(2026, 11, 27, 20)),
    ("fri 20:00", NEW_YORK, FRIDAY_19, ny(2026, 11, 27, 20)),
    ("friday 8pm", NEW_YORK, FRIDAY_21, ny(2026, 12, 4, 20)),
    ("next friday 8pm", NEW_YORK, FRIDAY_19, ny(2026, 12, 4, 20)),
    ("friday 8pm", NEW_YORK, ny(2026, 11, 27, 20), ny(2026, 11, 27, 20)),  # exactly now is not past
    # -- daylight saving --------------------------------------------------------------------------------------
    ("friday 8pm", NEW_YORK, FRI_BEFORE_FALL_BACK, utc(2026, 10, 31, 0)),  # EDT, UTC-4
    ("sunday 8pm", NEW_YORK, FRI_BEFORE_FALL_BACK, utc(2026, 11, 2, 1)),  # EST, UTC-5: same wall clock
    ("sunday 1:30am", NEW_YORK, FRI_BEFORE_FALL_BACK, utc(2026, 11, 1, 5, 30)),  # repeated: the first one
    ("1:45am", NEW_YORK, SECOND_ONE_THIRTY, utc(2026, 11, 1, 6, 45)),  # only the second one is still ahead
    ("in 2 hours", NEW_YORK, FIRST_ONE_THIRTY, utc(2026, 11, 1, 7, 30)),  # elapsed time across the change
    ("in 30 minutes", NEW_YORK, FIRST_ONE_THIRTY, utc(2026, 11, 1, 6)),
    ("friday 20:00", NEW_YORK, FRI_BEFORE_SPRING, utc(2027, 3, 13, 1)),  # EST
    ("sunday 8pm", NEW_YORK, FRI_BEFORE_SPRING, utc(2027, 3, 15, 0)),  # EDT
    ("next friday 20:00", NEW_YORK, FRI_BEFORE_SPRING, utc(2027, 3, 20, 0)),
    ("sunday 2:30am", NEW_YORK, FRI_BEFORE_SPRING, utc(2027, 3, 14, 7, 30)),  # skipped: 03:30 EDT
    ("in 1 day", NEW_YORK, SAT_BEFORE_SPRING, utc(2027, 3, 14, 16)),  # days keep the clock: 23 hours later
    ("in 24 hours", NEW_YORK, SAT_BEFORE_SPRING, utc(2027, 3, 14, 17)),  # hours do not
    ("tomorrow noon", NEW_YORK, SAT_BEFORE_SPRING, utc(2027, 3, 14, 16)),
    ("saturday 20:00", LONDON, LONDON_FRI, london(2027, 3, 27, 20)),  # GMT
    ("sunday 20:00", LONDON, LONDON_FRI, utc(2027, 3, 28, 19)),  # BST
    ("sunday 1:30am", LONDON, LONDON_FRI, utc(2027, 3, 28, 1, 30)),  # skipped: 02:30 BST
    # -- midnight and the year end ------------------------------------------------------------------------------
    ("00:30", NEW_YORK, NEW_YEARS_EVE, ny(2027, 1, 1, 0, 30)),
    ("tomorrow 00:30", NEW_YORK, NEW_YEARS_EVE, ny(2027, 1, 1, 0, 30)),
    ("jan 1 00:30", NEW_YORK, NEW_YEARS_EVE, ny(2027, 1, 1, 0, 30)),
    ("2027-01-01 00:30", NEW_YORK, NEW_YEARS_EVE, ny(2027, 1, 1, 0, 30)),
    ("12:30am", NEW_YORK, NEW_YEARS_EVE, ny(2027, 1, 1, 0, 30)),
    ("midnight", NEW_YORK, NEW_YEARS_EVE, ny(2027, 1, 1)),
    ("tonight at midnight", NEW_YORK, NEW_YEARS_EVE, ny(2027, 1, 1)),
    ("friday 8pm", NEW_YORK, NEW_YEARS_EVE, ny(2027, 1, 1, 20)),
    ("2027-01-01 00:30", SEOUL, NEW_YEARS_EVE, (PastTime, "That's in the past (Fri 1 Jan 2027 00:30 in Asia/Seoul)")),
    ("6am", NEW_YORK, MONTH_END, ny(2026, 12, 1, 6)),
    ("midnight", NEW_YORK, MONTH_END, ny(2026, 12, 1)),
    # -- refused: sloppy input is never a guess ----------------------------------------------------------------
    ("9", NEW_YORK, NOW, (AmbiguousTime, '"9" alone isn\'t a time: write "9am" or "9pm"')),
    ("at 9", NEW_YORK, NOW, (AmbiguousTime, '"at 9" could be morning or evening')),
    ("friday 9", NEW_YORK, NOW, (AmbiguousTime, '"9" alone isn\'t a time: write "friday 9am" or "friday 9pm"')),
    ("-1", NEW_YORK, NOW, (UnreadableTime, 'I couldn\'t read "-1" as a time')),
    ("1-2", NEW_YORK, NOW, (UnreadableTime, 'I couldn\'t read "1-2" as a time')),
    ("+3", NEW_YORK, NOW, (UnreadableTime, 'I couldn\'t read "+3" as a time')),
    ("tomorrow 25:00", NEW_YORK, NOW, (UnreadableTime, '"25:00" isn\'t a time of day: hours run from 0 to 23')),
    ("8:61pm", NEW_YORK, NOW, (UnreadableTime, "minutes run from 00 to 59")),
    ("13pm", NEW_YORK, NOW, (UnreadableTime, "with am/pm the hour runs from 1 to 12")),
    ("12/2 8pm", NEW_YORK, NOW, (AmbiguousTime, '"12/2" could be Dec 2 or Feb 12')),
    ("feb 30 8pm", NEW_YORK, NOW, (UnreadableTime, '"feb 30" isn\'t a date')),
    ("sat dec 4 8pm", NEW_YORK, NOW, (UnreadableTime, "Fri 4 Dec 2026 is a Friday, not a Saturday")),
    ("13.05", NEW_YORK, NOW, (AmbiguousTime, '"13.05" could be a time or a date: write "13:05" for the time')),
    ("friday", NEW_YORK, NOW, (UnreadableTime, 'Add a time to "friday", e.g. "friday 8pm"')),
    ("tomorrow", NEW_YORK, NOW, (UnreadableTime, 'Add a time to "tomorrow"')),
    ("dec 2", NEW_YORK, NOW, (UnreadableTime, 'Add a time to "dec 2"')),
    ("friday midnight", NEW_YORK, NOW, (AmbiguousTime, "could be the start or the end of that day")),
    ("tonight 9am", NEW_YORK, NOW, (UnreadableTime, '"9am" isn\'t tonight')),
    ("friday tomorrow 8pm", NEW_YORK, NOW, (UnreadableTime, '"friday" and "tomorrow" both name a day')),
    ("8pm 9pm", NEW_YORK, NOW, (UnreadableTime, '"8pm" and "9pm" both name a time')),
    ("in 2 hours at 9pm", NEW_YORK, NOW, (UnreadableTime, 'already says when; leave out "9pm"')),
    ("2 hours", NEW_YORK, NOW, (UnreadableTime, 'Write "in 2 hours"')),
    ("friday blorp", NEW_YORK, NOW, (UnreadableTime, 'I couldn\'t read "blorp" in "friday blorp"')),
    ("friday at blorp o'clock", NEW_YORK, NOW, (UnreadableTime, 'I couldn\'t read "at blorp"')),
    ("blorp", NEW_YORK, NOW, (UnreadableTime, 'I couldn\'t read "blorp" as a time.')),
    ("", NEW_YORK, NOW, (UnreadableTime, "Tell me a time.")),
    ("x" * 101, NEW_YORK, NOW, (UnreadableTime, "That's too long to be a time.")),
    ("<t:abc>", SEOUL, NOW, (UnreadableTime, "as a time")),
    ("8pm EST", NEW_YORK, NOW, ny(2026, 11, 21, 20)),  # the member's own zone's abbreviation: their clock
    ("friday 9pm IST", NEW_YORK, NOW, (ZoneInText, '"IST" can mean India Standard Time, Irish Time or Israel Time')),
    ("friday 8pm GMT", NEW_YORK, NOW, utc(2026, 11, 27, 20)),  # every meaning of GMT is UTC+0
    ("yesterday", NEW_YORK, NOW, (PastTime, "That's in the past (Fri 20 Nov 2026 in America/New_York)")),
    ("2 hours ago", NEW_YORK, NOW, (PastTime, "That's in the past (Sat 21 Nov 2026 05:00")),
    ("last friday 8pm", NEW_YORK, NOW, (PastTime, "That's in the past (Fri 20 Nov 2026 20:00")),
    ("nov 21 6am", NEW_YORK, NOW, (PastTime, "Sat 21 Nov 2026 06:00")),  # today's date stays today
    ("11/21 6am", SEOUL, NOW, (PastTime, "Sat 21 Nov 2026 06:00")),
    ("tonight 6pm", SEOUL, NOW, (PastTime, "Sat 21 Nov 2026 18:00")),  # 21:00 there
    ("2026-11-20 20:00", NEW_YORK, NOW, (PastTime, "That's in the past (Fri 20 Nov 2026 20:00 in America/New_York)")),
    ("2027-11-22 07:01", NEW_YORK, NOW, (TooFarAhead, "more than a year away")),
    ("in 367 days", NEW_YORK, NOW, (TooFarAhead, "more than a year away")),
    ("<t:1900000000:F>", NEW_YORK, NOW, (TooFarAhead, "more than a year away")),
]


def _id(row: tuple[str, ZoneInfo, dt.datetime, object]) -> str:
    text, zone, now, _ = row
    return f"{text[:30]!r} {zone.key.split('/')[-1]} {now:%m-%dT%H:%M}"


def test_the_table_is_large_enough():
    assert len(TABLE) >= 60
    assert len({(text, zone.key, now) for text, zone, now, _ in TABLE}) == len(TABLE)  # no row twice


@pytest.mark.parametrize("row", TABLE, ids=[_id(row) for row in TABLE])
def test_every_input_means_one_instant_or_is_refused_with_examples(row):
    text, zone, now, expected = row
    if isinstance(expected, dt.datetime):
        got = parse_when(text, zone, now)
        assert got == expected, f"{text!r} read as {got.astimezone(zone):%a %Y-%m-%d %H:%M %Z}"
        assert got.tzinfo is UTC
        # The preview says the same instant (in the member's zone), and never more than 100 characters.
        shown = preview(text, zone, now)
        assert shown.instant == got
        local = got.astimezone(zone)
        assert f"{local:%H:%M} ({zone.key})" in line(shown)
        assert len(line(shown)) <= 100
    else:
        kind, fragment = expected
        with pytest.raises(kind) as caught:
            parse_when(text, zone, now)
        message = str(caught.value)
        assert fragment in message
        if caught.value.suggestions:  # what to type instead, quoted as it must be typed
            assert all(f'"{s}"' in message for s in caught.value.suggestions), message
        elif kind is not ZoneInText:
            assert message.endswith(_examples_for(zone, now)), message
        # The preview gives the same refusal in short, never an instant.
        shown = preview(text, zone, now)
        assert shown.instant is None
        assert line(shown) == EN.render(HINT if not text.strip() else caught.value.short)
        assert len(line(shown)) <= 100


def _examples_for(zone: ZoneInfo, now: dt.datetime) -> str:
    date = (now.astimezone(zone) + dt.timedelta(days=11)).date()
    return f'Try "friday 8pm", "tomorrow 21:00", "{date.isoformat()} 20:30" or "in 2 hours".'


def test_refusals_are_user_errors():
    assert issubclass(TimeRefused, UserError)


def test_the_same_text_means_different_instants_in_different_zones():
    assert parse_when("friday 8pm", NEW_YORK, NOW) - parse_when("friday 8pm", SEOUL, NOW) == dt.timedelta(hours=14)


def test_now_may_be_given_in_any_zone():
    assert parse_when("friday 8pm", NEW_YORK, NOW.astimezone(SEOUL)) == ny(2026, 11, 27, 20)


def test_naive_now_is_a_programming_error():
    with pytest.raises(ValueError, match="aware"):
        parse_when("friday 8pm", NEW_YORK, NOW.replace(tzinfo=None))


def test_exactly_366_days_ahead_is_allowed():
    assert parse_when("2027-11-22 07:00", NEW_YORK, NOW) == NOW + dt.timedelta(days=366)
    assert parse_when("in 366 days", SEOUL, NOW) == NOW + dt.timedelta(days=366)


def test_past_time_message_in_full():
    with pytest.raises(PastTime) as caught:
        parse_when("2026-11-20 20:00", NEW_YORK, NOW)
    assert str(caught.value) == f"That's in the past (Fri 20 Nov 2026 20:00 in America/New_York). {TRY}"


def test_an_abbreviation_of_several_zones_offers_each_offset():
    with pytest.raises(ZoneInText) as caught:
        parse_when("8pm pst", NEW_YORK, NOW)
    assert str(caught.value) == '"PST" can mean Pacific Time or Philippine Time: write "8pm UTC-8" or "8pm UTC+8".'
    assert caught.value.abbreviation == "PST"
    assert parse_when("8pm pst", ZoneInfo("America/Los_Angeles"), NOW) == utc(2026, 11, 22, 4)  # their own zone


class TestPreview:
    def test_a_time(self):
        assert line(preview("friday 8pm", NEW_YORK, NOW)) == "Fri 27 Nov 2026, 20:00 (America/New_York) · in 6 days"

    @pytest.mark.parametrize(
        ("text", "relative"),
        [
            ("in 2 hours", "in 2 hours"),
            ("in 90 minutes", "in 1 hour 30 min"),
            ("in 5 minutes", "in 5 minutes"),
            ("tomorrow 21:00", "in 1 day 14 hours"),
            ("now", "now"),
        ],
    )
    def test_relative_part(self, text, relative):
        assert line(preview(text, NEW_YORK, NOW)).endswith(f"(America/New_York) · {relative}")

    def test_seoul(self):
        assert line(preview("tomorrow 21:00", SEOUL, NOW)) == "Sun 22 Nov 2026, 21:00 (Asia/Seoul) · in 1 day"

    @pytest.mark.parametrize("text", ["", "  "])
    def test_a_hint_while_nothing_is_typed(self, text):
        assert line(preview(text, NEW_YORK, NOW)) == EN.render(HINT)

    def test_refusals_in_short(self):
        assert line(preview("yesterday", NEW_YORK, NOW)).startswith("That's in the past (Fri 20 Nov 2026")
        assert line(preview("2030-01-01 20:00", NEW_YORK, NOW)).startswith("More than a year away")
        assert line(preview("8pm IST", NEW_YORK, NOW)) == '"IST" can mean several zones: give the UTC offset'
        assert line(preview("9", NEW_YORK, NOW)) == '"9" alone isn\'t a time: add am/pm'

    @pytest.mark.parametrize(
        "zone",
        [NEW_YORK, SEOUL, ZoneInfo("America/North_Dakota/New_Salem"), ZoneInfo("America/Argentina/Buenos_Aires")],
    )
    def test_at_most_100_characters(self, zone):
        for text in ["friday 8pm", "in 90 minutes", "yesterday", "2030-01-01 20:00", "8pm EST", "blorp", "x" * 300,
                     "the 2nd of december at 8:30pm tomorrow", "friday " + "blorp" * 20]:  # fmt: skip
            assert len(line(preview(text, zone, NOW))) <= 100


class TestDays:
    """``parse_day``: a day for ``/rewatch start from:`` (the time comes from the slots)."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2026-12-02", dt.date(2026, 12, 2)),
            ("today", dt.date(2026, 11, 21)),  # Saturday 21 Nov in Seoul (21:00)
            ("now", dt.date(2026, 11, 21)),
            ("tomorrow", dt.date(2026, 11, 22)),
            ("wednesday", dt.date(2026, 11, 25)),
            ("next wed", dt.date(2026, 11, 25)),
            ("saturday", dt.date(2026, 11, 21)),
            ("next saturday", dt.date(2026, 11, 28)),
            ("dec 2", dt.date(2026, 12, 2)),
            ("2 december 2026", dt.date(2026, 12, 2)),
            ("in 2 weeks", dt.date(2026, 12, 5)),
            ("2026-11-18", dt.date(2026, 11, 18)),  # a rewatch that began last week: the schedule decides
        ],
    )
    def test_days(self, text, expected):
        assert parse_day(text, SEOUL, NOW) == expected

    @pytest.mark.parametrize(
        ("text", "fragment"),
        [
            ("-1", 'I couldn\'t read "-1"'),
            ("1-2", 'I couldn\'t read "1-2"'),
            ("9", '"9" alone isn\'t a time'),
            ("friday 9pm", "Give a day without a time"),
            ("in 2 hours", "Give a day, not hours"),
            ("12/2", "could be Dec 2 or Feb 12"),
            ("blorp", 'I couldn\'t read "blorp"'),
        ],
    )
    def test_refused(self, text, fragment):
        with pytest.raises(TimeRefused, match=fragment.replace("(", r"\(")):
            parse_day(text, SEOUL, NOW)

    def test_preview(self):
        assert line(preview_day("next wed", SEOUL, NOW)) == "Wed 25 Nov 2026 (Asia/Seoul)"
        assert preview_day("-1", SEOUL, NOW).instant is None


def test_works_offline_from_a_cold_start():
    code = textwrap.dedent(
        """
        import socket

        def refuse(*args, **kwargs):
            raise OSError("no network in this test")

        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse

        import datetime as dt
        from zoneinfo import ZoneInfo

        from bot.services.timeparse import parse_when

        now = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)
        print(parse_when("friday 8pm", ZoneInfo("America/New_York"), now).isoformat())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2026-11-28T01:00:00+00:00"


def test_any_mix_of_words_is_read_or_refused_never_a_crash():
    import random

    words = [
        "friday", "fri", "next", "this", "last", "at", "on", "in", "8pm", "9", "20:30", "8:30", "tonight", "tomorrow",
        "2", "hours", "days", "dec", "2nd", "of", "the", "2026-12-02", "12/25", "12/2", "noon", "midnight", "am",
        "pm", "-", "+", "utc+9", "kst", "est", "morning", "night", "ago", "from now", "and", "an", "hour", "half",
        "o'clock", "@", "1h30m", "2026", "0", "24:00", "99", "<t:1795608000:F>", "8.30", "13.05", ",", "week",
        "yesterday", "31", "feb", "29",
    ]  # fmt: skip
    rng = random.Random(7)
    zones = [NEW_YORK, SEOUL, LONDON, ZoneInfo("Pacific/Chatham")]
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
        zone = rng.choice(zones)
        for read in (parse_when, parse_day):
            with contextlib.suppress(TimeRefused):
                read(text, zone, NOW)
        assert len(line(preview(text, zone, NOW))) <= 100
