import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UserError
from bot.services.timeparse import HINT, PastTime, TooFarAhead, UnreadableTime, ZoneInText, parse_when, preview

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


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def check(text: str, zone: ZoneInfo, now: dt.datetime, expected: dt.datetime) -> dt.datetime:
    got = parse_when(text, zone, now)
    assert got == expected
    assert got.tzinfo is UTC
    return got


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("friday 8pm", ny(2026, 11, 27, 20)),
        ("Friday 20:00", ny(2026, 11, 27, 20)),
        ("fri 8 pm", ny(2026, 11, 27, 20)),
        ("tomorrow 21:00", ny(2026, 11, 22, 21)),
        ("tomorrow at 9pm", ny(2026, 11, 22, 21)),
        ("tmrw 9pm", ny(2026, 11, 22, 21)),
        ("tonight 9pm", ny(2026, 11, 21, 21)),
        ("2026-12-02 20:30", ny(2026, 12, 2, 20, 30)),
        ("12/2 8:30pm", ny(2026, 12, 2, 20, 30)),  # month first
        ("dec 2 8:30pm", ny(2026, 12, 2, 20, 30)),
        ("in 2 hours", ny(2026, 11, 21, 9)),
        ("in 90 minutes", ny(2026, 11, 21, 8, 30)),
        ("next wednesday 21:00", ny(2026, 11, 25, 21)),
        ("weds 9pm", ny(2026, 11, 25, 21)),
        ("thurs 9pm", ny(2026, 11, 26, 21)),
        ("saturday 8pm", ny(2026, 11, 21, 20)),  # today is Saturday and 20:00 is still ahead
        ("saturday 6am", ny(2026, 11, 28, 6)),  # today's 06:00 has passed: next week
        ("6am", ny(2026, 11, 22, 6)),  # a time alone: tomorrow once passed today
        ("10pm", ny(2026, 11, 21, 22)),  # ... today while still ahead
        ("noon", ny(2026, 11, 21, 12)),
        ("2027-01-01 00:30", ny(2027, 1, 1, 0, 30)),
        ("now", NOW),
        ("wed 9pm KST", kst(2026, 11, 25, 21)),  # an unambiguous zone in the text wins
        ("friday 8pm UTC+9", kst(2026, 11, 27, 20)),
    ],
)
def test_new_york(text, expected):
    check(text, NEW_YORK, NOW, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("friday 8pm", kst(2026, 11, 27, 20)),
        ("Friday 20:00", kst(2026, 11, 27, 20)),
        ("tomorrow 21:00", kst(2026, 11, 22, 21)),
        ("tomorrow at 9pm", kst(2026, 11, 22, 21)),
        ("tonight 10pm", kst(2026, 11, 21, 22)),
        ("2026-12-02 20:30", kst(2026, 12, 2, 20, 30)),
        ("12/2 8:30pm", kst(2026, 12, 2, 20, 30)),
        ("in 2 hours", kst(2026, 11, 21, 23)),
        ("in 90 minutes", kst(2026, 11, 21, 22, 30)),
        ("next wednesday 21:00", kst(2026, 11, 25, 21)),
        ("saturday 10pm", kst(2026, 11, 21, 22)),  # today, still ahead
        ("saturday 8pm", kst(2026, 11, 28, 20)),  # today's has passed
        ("8pm", kst(2026, 11, 22, 20)),
        ("10pm", kst(2026, 11, 21, 22)),
        ("8pm KST", kst(2026, 11, 22, 20)),
        ("2027-01-01 00:30", kst(2027, 1, 1, 0, 30)),
        ("in 2 days", kst(2026, 11, 23, 21)),
    ],
)
def test_seoul(text, expected):
    check(text, SEOUL, NOW, expected)


def test_the_same_text_means_different_instants_in_different_zones():
    assert parse_when("friday 8pm", NEW_YORK, NOW) - parse_when("friday 8pm", SEOUL, NOW) == dt.timedelta(hours=14)


def test_now_may_be_given_in_any_zone():
    assert parse_when("friday 8pm", NEW_YORK, NOW.astimezone(SEOUL)) == ny(2026, 11, 27, 20)


def test_naive_now_is_a_programming_error():
    with pytest.raises(ValueError, match="aware"):
        parse_when("friday 8pm", NEW_YORK, NOW.replace(tzinfo=None))


@pytest.mark.parametrize(
    ("now", "text", "expected"),
    [
        (ny(2026, 11, 27, 21), "friday 8pm", ny(2026, 12, 4, 20)),  # Friday 21:00: next week's Friday
        (ny(2026, 11, 27, 19), "friday 8pm", ny(2026, 11, 27, 20)),  # Friday 19:00: today
        (ny(2026, 11, 27, 20), "friday 8pm", ny(2026, 11, 27, 20)),  # exactly now is not past
        (ny(2026, 11, 27, 19), "fri 20:00", ny(2026, 11, 27, 20)),
        (ny(2026, 11, 27, 19), "next friday 8pm", ny(2026, 12, 4, 20)),  # "next" never means today
    ],
)
def test_weekdays_mean_the_next_such_day_still_ahead(now, text, expected):
    check(text, NEW_YORK, now, expected)


class TestDaylightSaving:
    def test_new_york_autumn_keeps_the_wall_clock(self):
        now = utc(2026, 10, 30, 12)  # Friday 08:00 EDT; clocks go back on Sunday 1 November
        friday = check("friday 8pm", NEW_YORK, now, utc(2026, 10, 31, 0))  # EDT, UTC-4
        sunday = check("sunday 8pm", NEW_YORK, now, utc(2026, 11, 2, 1))  # EST, UTC-5
        assert friday.astimezone(NEW_YORK).hour == sunday.astimezone(NEW_YORK).hour == 20

    def test_an_ambiguous_time_is_its_first_occurrence(self):
        now = utc(2026, 10, 30, 12)
        got = check("sunday 1:30am", NEW_YORK, now, utc(2026, 11, 1, 5, 30))
        assert got.astimezone(NEW_YORK).utcoffset() == dt.timedelta(hours=-4)

    def test_the_second_occurrence_when_only_it_is_ahead(self):
        now = utc(2026, 11, 1, 6, 30)  # 01:30 EST, the second time round
        check("1:45am", NEW_YORK, now, utc(2026, 11, 1, 6, 45))

    def test_durations_are_elapsed_time(self):
        now = utc(2026, 11, 1, 5, 30)  # 01:30 EDT, half an hour before clocks go back
        check("in 2 hours", NEW_YORK, now, utc(2026, 11, 1, 7, 30))
        check("in 30 minutes", NEW_YORK, now, utc(2026, 11, 1, 6))

    def test_new_york_spring_keeps_the_wall_clock(self):
        now = utc(2027, 3, 12, 17)  # Friday 12:00 EST; clocks go forward on Sunday 14 March
        check("friday 20:00", NEW_YORK, now, utc(2027, 3, 13, 1))  # EST
        check("sunday 8pm", NEW_YORK, now, utc(2027, 3, 15, 0))  # EDT
        got = check("next friday 20:00", NEW_YORK, now, utc(2027, 3, 20, 0))  # EDT, a week later
        assert got.astimezone(NEW_YORK).hour == 20

    def test_a_skipped_time_moves_forward(self):
        now = utc(2027, 3, 12, 17)
        got = check("sunday 2:30am", NEW_YORK, now, utc(2027, 3, 14, 7, 30))
        assert got.astimezone(NEW_YORK).hour == 3

    def test_days_keep_the_clock_and_hours_do_not(self):
        now = utc(2027, 3, 13, 17)  # Saturday 12:00 EST
        check("tomorrow", NEW_YORK, now, utc(2027, 3, 14, 16))  # 12:00 EDT, 23 hours later
        check("in 1 day", NEW_YORK, now, utc(2027, 3, 14, 16))
        check("in 24 hours", NEW_YORK, now, utc(2027, 3, 14, 17))  # 13:00 EDT

    def test_london_spring(self):
        now = utc(2027, 3, 26, 12)  # Friday 12:00 GMT; clocks go forward on Sunday 28 March
        check("saturday 20:00", LONDON, now, utc(2027, 3, 27, 20))  # GMT
        check("sunday 20:00", LONDON, now, utc(2027, 3, 28, 19))  # BST
        check("sunday 1:30am", LONDON, now, utc(2027, 3, 28, 1, 30))  # skipped: 02:30 BST


class TestYearAndMonthEnds:
    NEW_YEARS_EVE = utc(2027, 1, 1, 3)  # 22:00 on 31 December in New York, noon on 1 January in Seoul

    @pytest.mark.parametrize("text", ["2027-01-01 00:30", "00:30", "tomorrow 00:30", "jan 1 00:30", "12:30am"])
    def test_just_after_midnight_in_new_york(self, text):
        check(text, NEW_YORK, self.NEW_YEARS_EVE, ny(2027, 1, 1, 0, 30))

    def test_a_weekday_across_the_year_end(self):
        check("friday 8pm", NEW_YORK, self.NEW_YEARS_EVE, ny(2027, 1, 1, 20))

    def test_already_past_in_seoul(self):
        with pytest.raises(PastTime):
            parse_when("2027-01-01 00:30", SEOUL, self.NEW_YEARS_EVE)

    def test_a_date_without_year_is_the_next_one(self):
        check("jan 2", SEOUL, self.NEW_YEARS_EVE, kst(2027, 1, 2))
        check("jan 2 8pm", NEW_YORK, NOW, ny(2027, 1, 2, 20))

    @pytest.mark.parametrize(("text", "expected"), [("6am", ny(2026, 12, 1, 6)), ("midnight", ny(2026, 12, 1))])
    def test_a_time_alone_at_the_end_of_a_month(self, text, expected):
        check(text, NEW_YORK, ny(2026, 11, 30, 23), expected)


@pytest.mark.parametrize("text", ["<t:1795608000>", "<t:1795608000:F>", "<t:1795608000:R>", "<t:1795608000:t>"])
@pytest.mark.parametrize("zone", [NEW_YORK, SEOUL])
def test_discord_timestamps(text, zone):
    check(text, zone, NOW, utc(2026, 11, 25, 12))


@pytest.mark.parametrize("text", ["1795608000", "  <t:1795608000:f>  "])
def test_bare_unix_time_and_spaces(text):
    check(text, SEOUL, NOW, utc(2026, 11, 25, 12))


def test_past_discord_timestamp():
    with pytest.raises(PastTime):
        parse_when("<t:1700000000:F>", NEW_YORK, NOW)


def test_past_time_message():
    with pytest.raises(UserError) as caught:
        parse_when("2026-11-20 20:00", NEW_YORK, NOW)
    assert str(caught.value) == f"That's in the past (Fri 20 Nov 2026 20:00 in America/New_York). {TRY}"


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        *[
            (text, zone)
            for text in ["yesterday", "2 hours ago", "nov 21 6am", "11/21 6am"]
            for zone in (NEW_YORK, SEOUL)
        ],
        ("2026-11-21 06:59", NEW_YORK),
        ("tonight 6pm", SEOUL),  # 21:00 there
        ("today 8pm", SEOUL),
    ],
)
def test_past_times_are_refused(text, zone):
    with pytest.raises(PastTime, match="That's in the past") as caught:
        parse_when(text, zone, NOW)
    assert str(caught.value).endswith(TRY)


def test_garbage_message():
    with pytest.raises(UserError) as caught:
        parse_when("blorp", NEW_YORK, NOW)
    assert str(caught.value) == f'I couldn\'t read "blorp" as a time. {TRY}'


@pytest.mark.parametrize("text", ["blorp", "", "   ", "tonight at 9", "friday at blorp o'clock", "x" * 200, "<t:abc>"])
@pytest.mark.parametrize("zone", [NEW_YORK, SEOUL])
def test_unreadable_input(text, zone):
    with pytest.raises(UnreadableTime) as caught:
        parse_when(text, zone, NOW)
    assert str(caught.value).endswith(TRY)


@pytest.mark.parametrize("text", ["8pm EST", "friday 9pm IST", "8pm pst"])
def test_ambiguous_abbreviations_in_the_text_are_refused(text):
    with pytest.raises(ZoneInText, match="leave out") as caught:
        parse_when(text, NEW_YORK, NOW)
    assert "America/New_York" in str(caught.value)


class TestLimit:
    def test_exactly_366_days_ahead_is_allowed(self):
        check("2027-11-22 07:00", NEW_YORK, NOW, NOW + dt.timedelta(days=366))
        check("in 366 days", SEOUL, NOW, NOW + dt.timedelta(days=366))

    @pytest.mark.parametrize("text", ["2027-11-22 07:01", "in 367 days", "2030-01-01 20:00", "<t:1900000000:F>"])
    def test_further_is_refused(self, text):
        with pytest.raises(TooFarAhead, match="more than a year away") as caught:
            parse_when(text, NEW_YORK, NOW)
        assert str(caught.value).endswith(TRY)


class TestPreview:
    def test_a_time(self):
        assert preview("friday 8pm", NEW_YORK, NOW) == "Fri 27 Nov 2026, 20:00 (America/New_York) · in 6 days"

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
        assert preview(text, NEW_YORK, NOW).endswith(f"(America/New_York) · {relative}")

    def test_seoul(self):
        assert preview("tomorrow 21:00", SEOUL, NOW) == "Sun 22 Nov 2026, 21:00 (Asia/Seoul) · in 1 day"

    @pytest.mark.parametrize("text", ["", "  ", "blorp", "tonight at 9", "<t:99999999999999:F>"])
    def test_a_hint_while_it_does_not_parse(self, text):
        assert preview(text, NEW_YORK, NOW) == HINT

    def test_past_and_too_far(self):
        assert preview("yesterday", NEW_YORK, NOW).startswith("That's in the past (Fri 20 Nov 2026")
        assert preview("2030-01-01", NEW_YORK, NOW).startswith("More than a year away")
        assert preview("8pm EST", NEW_YORK, NOW).startswith('Leave out "EST"')

    def test_never_raises(self):
        assert preview("friday 8pm", NEW_YORK, NOW.replace(tzinfo=None)) == HINT

    @pytest.mark.parametrize(
        "zone",
        [NEW_YORK, SEOUL, ZoneInfo("America/North_Dakota/New_Salem"), ZoneInfo("America/Argentina/Buenos_Aires")],
    )
    def test_at_most_100_characters(self, zone):
        for text in ["friday 8pm", "in 90 minutes", "yesterday", "2030-01-01", "8pm EST", "blorp", "x" * 300]:
            assert len(preview(text, zone, NOW)) <= 100


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
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2026-11-28T01:00:00+00:00"
