"""Korean time input: every form means one instant or is refused, as strictly as the English grammar, and the
preview says it in Korean."""

from __future__ import annotations

import contextlib
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.locale import texts
from bot.services.timeparse import (
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

SEOUL = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.UTC
# Saturday 21 November 2026: 21:00 in Seoul, 07:00 in New York.
NOW = dt.datetime(2026, 11, 21, 12, tzinfo=UTC)
MONDAY_10 = dt.datetime(2026, 11, 23, 1, tzinfo=UTC)  # Monday 10:00 in Seoul
KO = texts("ko")
EN = texts("en")


def kst(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


def ny(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NEW_YORK)


# (typed text, member's zone, now, the instant it means, or the refusal and a fragment of its English message)
TABLE: list[tuple[str, ZoneInfo, dt.datetime, dt.datetime | tuple[type[TimeRefused], str]]] = [
    # -- the examples -----------------------------------------------------------------------------------
    ("금요일 오후 8시", SEOUL, NOW, kst(2026, 11, 27, 20)),
    ("내일 21:00", SEOUL, NOW, kst(2026, 11, 22, 21)),
    ("다음 주 수요일 저녁 9시", SEOUL, NOW, kst(2026, 11, 25, 21)),  # the Wednesday of next week (Mon 23-Sun 29)
    ("2시간 후", SEOUL, NOW, kst(2026, 11, 21, 23)),
    # -- a day and a time ---------------------------------------------------------------------------------------
    ("금요일 20:00", SEOUL, NOW, kst(2026, 11, 27, 20)),
    ("금욜 오후 8시", SEOUL, NOW, kst(2026, 11, 27, 20)),
    ("금요일에 오후 8시에", SEOUL, NOW, kst(2026, 11, 27, 20)),
    ("오후8시", SEOUL, NOW, kst(2026, 11, 22, 20)),  # a time alone: today's 20:00 has passed
    ("오후 10시", SEOUL, NOW, kst(2026, 11, 21, 22)),  # ... today while still ahead
    ("토요일 오후 10시", SEOUL, NOW, kst(2026, 11, 21, 22)),
    ("토요일 오후 8시", SEOUL, NOW, kst(2026, 11, 28, 20)),  # today's has passed: next week
    ("오늘 밤 11시", SEOUL, NOW, kst(2026, 11, 21, 23)),
    ("오늘밤 11시", SEOUL, NOW, kst(2026, 11, 21, 23)),
    ("밤 12시", SEOUL, NOW, kst(2026, 11, 22, 0)),
    ("밤 1시", SEOUL, NOW, kst(2026, 11, 22, 1)),  # the small hours after this evening
    ("새벽 2시", SEOUL, NOW, kst(2026, 11, 22, 2)),
    ("내일 새벽 2시", SEOUL, NOW, kst(2026, 11, 22, 2)),
    ("내일 아침 8시", SEOUL, NOW, kst(2026, 11, 22, 8)),
    ("내일 오전 9시 30분", SEOUL, NOW, kst(2026, 11, 22, 9, 30)),
    ("내일 낮 2시", SEOUL, NOW, kst(2026, 11, 22, 14)),
    ("내일 오후 12시", SEOUL, NOW, kst(2026, 11, 22, 12)),
    ("모레 저녁 7시", SEOUL, NOW, kst(2026, 11, 23, 19)),
    ("내일모레 저녁 7시", SEOUL, NOW, kst(2026, 11, 23, 19)),
    ("글피 오후 3시", SEOUL, NOW, kst(2026, 11, 24, 15)),
    ("저녁 열 시", SEOUL, NOW, kst(2026, 11, 21, 22)),  # native numbers: this evening at ten
    ("저녁 아홉 시", SEOUL, NOW, kst(2026, 11, 21, 21)),  # exactly now is not past
    ("내일 저녁 8시 반", SEOUL, NOW, kst(2026, 11, 22, 20, 30)),
    ("내일 21시 30분", SEOUL, NOW, kst(2026, 11, 22, 21, 30)),
    ("내일 오후 8:30", SEOUL, NOW, kst(2026, 11, 22, 20, 30)),
    ("내일 정오", SEOUL, NOW, kst(2026, 11, 22, 12)),
    ("자정", SEOUL, NOW, kst(2026, 11, 22, 0)),
    ("다음 주 월요일 오후 7시", SEOUL, NOW, kst(2026, 11, 23, 19)),
    ("다다음 주 월요일 오후 7시", SEOUL, NOW, kst(2026, 11, 30, 19)),
    ("이번 주 수요일 오후 9시", SEOUL, MONDAY_10, kst(2026, 11, 25, 21)),
    ("다음 주 수요일 오후 9시", SEOUL, MONDAY_10, kst(2026, 12, 2, 21)),  # not the day after tomorrow
    ("오는 수요일 오후 9시", SEOUL, MONDAY_10, kst(2026, 11, 25, 21)),
    ("12월 25일 오후 8시", SEOUL, NOW, kst(2026, 12, 25, 20)),
    ("2026년 12월 2일 20:30", SEOUL, NOW, kst(2026, 12, 2, 20, 30)),
    ("12월 4일 (금) 오후 8시", SEOUL, NOW, kst(2026, 12, 4, 20)),  # a date with its weekday, checked
    ("12월 4일 금요일 오후 8시", SEOUL, NOW, kst(2026, 12, 4, 20)),
    ("1월 2일 오후 8시", SEOUL, NOW, kst(2027, 1, 2, 20)),  # without a year: the next one
    ("2026-12-02 오후 8시", SEOUL, NOW, kst(2026, 12, 2, 20)),
    # -- from now -------------------------------------------------------------------------------------------
    ("30분 뒤", SEOUL, NOW, kst(2026, 11, 21, 21, 30)),
    ("1시간 30분 후", SEOUL, NOW, kst(2026, 11, 21, 22, 30)),
    ("두 시간 반 뒤", SEOUL, NOW, kst(2026, 11, 21, 23, 30)),
    ("2시간후", SEOUL, NOW, kst(2026, 11, 21, 23)),
    ("3일 후", SEOUL, NOW, kst(2026, 11, 24, 21)),  # whole days keep the clock
    ("이틀 후", SEOUL, NOW, kst(2026, 11, 23, 21)),
    ("3일 후 오후 9시", SEOUL, NOW, kst(2026, 11, 24, 21)),
    ("일주일 뒤", SEOUL, NOW, kst(2026, 11, 28, 21)),
    ("2주 후", SEOUL, NOW, kst(2026, 12, 5, 21)),
    ("지금", SEOUL, NOW, NOW),
    # -- zones -----------------------------------------------------------------------------------------------
    ("금요일 오후 8시", NEW_YORK, NOW, ny(2026, 11, 27, 20)),  # read in the member's zone
    ("금요일 오후 8시 KST", NEW_YORK, NOW, kst(2026, 11, 27, 20)),
    ("한국 시간 금요일 오후 8시", NEW_YORK, NOW, kst(2026, 11, 27, 20)),
    ("금요일 오후 8시 UTC+9", NEW_YORK, NOW, kst(2026, 11, 27, 20)),
    # -- refused, never guessed ---------------------------------------------------------------------------------
    ("9시", SEOUL, NOW, (AmbiguousTime, '"9시" could be morning or evening: write "오전 9시" or "오후 9시"')),
    ("금요일 8시 30분", SEOUL, NOW, (AmbiguousTime, "could be morning or evening")),
    ("금요일 9", SEOUL, NOW, (AmbiguousTime, '"9" alone isn\'t a time: write "금요일 오전 9시" or "금요일 오후 9시"')),
    ("오전 12시", SEOUL, NOW, (AmbiguousTime, "could be midnight or noon")),
    ("다음 금요일 오후 8시", SEOUL, NOW, (AmbiguousTime, 'write "이번 주 금요일" or "다음 주 금요일"')),
    ("금요일 자정", SEOUL, NOW, (AmbiguousTime, "could be the start or the end of that day")),
    ("12/2 오후 8시", SEOUL, NOW, (AmbiguousTime, 'write "12월 2일 오후 8시" or "2월 12일 오후 8시"')),
    ("오후 13시", SEOUL, NOW, (UnreadableTime, "with 오전/오후 the hour runs from 1 to 12")),
    ("24시", SEOUL, NOW, (UnreadableTime, "hours run from 0 to 23")),
    ("내일 8시 61분", SEOUL, NOW, (UnreadableTime, "minutes run from 00 to 59")),
    ("금요일", SEOUL, NOW, (UnreadableTime, 'Add a time to "금요일", e.g. "금요일 오후 8시"')),
    ("내일 오후", SEOUL, NOW, (UnreadableTime, 'Add a time to "내일 오후", e.g. "내일 오후 8시"')),
    ("다음 주", SEOUL, NOW, (UnreadableTime, 'Add a day and a time to "다음 주"')),
    ("3일", SEOUL, NOW, (PastTime, "That's in the past (Tue 3 Nov 2026 in Asia/Seoul)")),  # this month's 3rd
    ("2주", SEOUL, NOW, (UnreadableTime, 'Write "2주 후" for a time from now.')),
    ("2시간", SEOUL, NOW, (UnreadableTime, 'Write "2시간 후" for a time from now.')),
    ("2시간 후 오후 9시", SEOUL, NOW, (UnreadableTime, '"2시간 후" already says when; leave out "오후 9시"')),
    ("8시쯤", SEOUL, NOW, (UnreadableTime, 'I couldn\'t read "쯤" in "8시쯤"')),
    ("금요일 오후 8시 정도", SEOUL, NOW, (UnreadableTime, 'I couldn\'t read "정도"')),
    ("아침 9시 오후", SEOUL, NOW, (UnreadableTime, 'I couldn\'t read "오후"')),
    ("아침 21시", SEOUL, NOW, (UnreadableTime, '"21시" isn\'t in the "아침" part of the day')),
    ("내일 모레 오후 8시 금요일", SEOUL, NOW, (UnreadableTime, "both name a day")),
    ("오후 8시 오후 9시", SEOUL, NOW, (UnreadableTime, "both name a time")),
    ("12월 4일 토요일 오후 8시", SEOUL, NOW, (UnreadableTime, "Fri 4 Dec 2026 is a Friday, not a Saturday")),
    ("2월 30일 오후 8시", SEOUL, NOW, (UnreadableTime, '"2월 30일" isn\'t a date')),
    ("금요일 오후 8시 EST", SEOUL, NOW, dt.datetime(2026, 11, 28, 1, tzinfo=dt.UTC)),  # EST is right in November
    ("금요일 오후 8시 IST", SEOUL, NOW, (ZoneInText, '"IST" can mean')),
    ("어제 오후 8시", SEOUL, NOW, (PastTime, "That's in the past (Fri 20 Nov 2026 20:00 in Asia/Seoul)")),
    ("2시간 전", SEOUL, NOW, (PastTime, "That's in the past (Sat 21 Nov 2026 19:00")),
    ("이번 주 금요일 오후 8시", SEOUL, NOW, (PastTime, "Fri 20 Nov 2026 20:00")),
    ("지난 금요일 오후 8시", SEOUL, NOW, (PastTime, "Fri 20 Nov 2026 20:00")),
    ("오늘 오후 8시", SEOUL, NOW, (PastTime, "Sat 21 Nov 2026 20:00")),
    ("낮 2시", SEOUL, NOW, (PastTime, "Sat 21 Nov 2026 14:00")),  # this afternoon, as "afternoon at 2"
    ("400일 후", SEOUL, NOW, (TooFarAhead, "more than a year away")),
    ("2028년 1월 1일 오후 8시", SEOUL, NOW, (TooFarAhead, "more than a year away")),
]


def _id(row: tuple[str, ZoneInfo, dt.datetime, object]) -> str:
    text, zone, now, _ = row
    return f"{text} {zone.key.split('/')[-1]} {now:%m-%dT%H:%M}"


def test_the_korean_table_is_large_enough():
    assert len(TABLE) >= 40
    assert len({(text, zone.key, now) for text, zone, now, _ in TABLE}) == len(TABLE)
    refused = [row for row in TABLE if not isinstance(row[3], dt.datetime)]
    assert len(refused) >= 20


@pytest.mark.parametrize("row", TABLE, ids=[_id(row) for row in TABLE])
def test_every_korean_input_means_one_instant_or_is_refused(row):
    text, zone, now, expected = row
    if isinstance(expected, dt.datetime):
        got = parse_when(text, zone, now)
        assert got == expected, f"{text!r} read as {got.astimezone(zone):%a %Y-%m-%d %H:%M %Z}"
        shown = preview(text, zone, now)
        assert shown.instant == got
        line = preview_line(KO, shown)  # the preview, in Korean
        local = got.astimezone(zone)
        assert line.startswith(f"{KO.day(local.date())} {local:%H:%M} ({zone.key}) · ")
        assert len(line) <= 100
    else:
        kind, fragment = expected
        with pytest.raises(kind) as caught:
            parse_when(text, zone, now)
        assert fragment in str(caught.value)
        shown = preview(text, zone, now)
        assert shown.instant is None
        korean = preview_line(KO, shown)
        assert korean == KO.render(caught.value.short)[:100]
        assert korean != preview_line(EN, shown)  # the refusal is said in Korean for Korean members


def test_korean_refusals_read_in_korean():
    with pytest.raises(AmbiguousTime) as caught:
        parse_when("9시", SEOUL, NOW)
    assert KO.render(caught.value.message) == (
        '"9시"는 오전일 수도 오후일 수도 있어요. "오전 9시" 또는 "오후 9시"처럼 적어 주세요.'
    )
    with pytest.raises(PastTime) as caught:
        parse_when("어제 오후 8시", SEOUL, NOW)
    assert KO.render(caught.value.short) == "이미 지난 시간이에요 (Asia/Seoul 기준 2026년 11월 20일 (금) 20:00)"


def test_the_preview_of_a_korean_time_in_korean():
    assert (
        preview_line(KO, preview("금요일 오후 8시", SEOUL, NOW)) == "2026년 11월 27일 (금) 20:00 (Asia/Seoul) · 5일 후"
    )
    assert preview_line(KO, preview("2시간 후", SEOUL, NOW)) == "2026년 11월 21일 (토) 23:00 (Asia/Seoul) · 2시간 후"
    assert preview_line(KO, preview("", SEOUL, NOW)) == "계속 입력해 주세요… 예: 금요일 오후 8시, 내일 21:00, 2시간 후"
    # the same reading for an English member typing Korean, said in English
    assert preview_line(EN, preview("금요일 오후 8시", SEOUL, NOW)) == "Fri 27 Nov 2026, 20:00 (Asia/Seoul) · in 5 days"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("오늘", dt.date(2026, 11, 21)),
        ("내일", dt.date(2026, 11, 22)),
        ("다음 주 수요일", dt.date(2026, 11, 25)),
        ("수요일", dt.date(2026, 11, 25)),
        ("12월 2일", dt.date(2026, 12, 2)),
        ("2주 후", dt.date(2026, 12, 5)),
        ("지금", dt.date(2026, 11, 21)),
    ],
)
def test_korean_days_for_rewatch_from(text, expected):
    assert parse_day(text, SEOUL, NOW) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("내일 오후 8시", "Give a day without a time"), ("2시간 후", "Give a day, not hours"), ("다음 주", "Add a day")],
)
def test_korean_days_refused(text, fragment):
    with pytest.raises(TimeRefused, match=fragment):
        parse_day(text, SEOUL, NOW)


def test_korean_day_preview():
    assert preview_line(KO, preview_day("다음 주 수요일", SEOUL, NOW)) == "2026년 11월 25일 (수) (Asia/Seoul)"


def test_any_mix_of_korean_words_is_read_or_refused_never_a_crash():
    import random

    words = [
        "금요일", "금욜", "(금)", "다음", "다음 주", "이번 주", "다다음 주", "지난", "오는", "오늘", "내일",
        "모레", "글피", "어제", "오전", "오후", "새벽", "아침", "낮", "저녁", "밤", "정오", "자정", "9시",
        "21시", "8시 30분", "반",
        "아홉 시", "2시간", "30분", "3일", "이틀", "2주", "후", "뒤", "전", "에", "12월", "25일", "12월 25일", "2026년",
        "21:00", "8pm", "KST", "한국 시간", "EST", "쯤", "지금", "friday", "9", "-", "2026-12-02",
    ]  # fmt: skip
    rng = random.Random(11)
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
        for read in (parse_when, parse_day):
            with contextlib.suppress(TimeRefused):
                read(text, SEOUL, NOW)
        assert len(preview_line(KO, preview(text, SEOUL, NOW))) <= 100
