"""Rewatch schedules as pure functions with an injected now."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.catalog import Slot
from bot.errors import UserError
from bot.services.rewatch import Airing, format_slots, generate, parse_slots, position, resume, skip_week

KST = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")
WED_THU = (Slot(2, dt.time(21)), Slot(3, dt.time(21)))


def kst(*args):
    return dt.datetime(*args, tzinfo=KST).astimezone(dt.UTC)


def test_parse_slots():
    assert parse_slots("Wed 21:00, Thu 21:00") == WED_THU
    assert parse_slots("thursday 9pm and wednesday 9pm") == WED_THU
    assert format_slots(parse_slots("Sat 8pm; sun 20:30")) == "Sat 20:00, Sun 20:30"


@pytest.mark.parametrize(("text", "message"), [("", "at least one"), ("Funday 9pm", "couldn't read|not a day"),
                                               ("Wed 25:00", "not a time"), ("Wed 13pm", "1-12")])  # fmt: skip
def test_bad_slots(text, message):
    with pytest.raises(UserError, match=message):
        parse_slots(text)


def test_start_on_a_thursday_fills_thursday_then_wednesday():
    schedule = generate(dt.date(2026, 12, 3), 1, 16, WED_THU, KST)  # a Thursday
    assert [a.airs_at for a in schedule[:3]] == [kst(2026, 12, 3, 21), kst(2026, 12, 9, 21), kst(2026, 12, 10, 21)]
    assert schedule[-1] == Airing(16, kst(2027, 1, 27, 21))  # ep 1 alone, then pairs: 16 on a Wednesday
    assert len(schedule) == 16


def test_start_mid_run_at_episode_9():
    schedule = generate(dt.date(2026, 11, 25), 9, 16, WED_THU, KST)
    assert [a.episode for a in schedule] == list(range(9, 17))
    assert schedule[0].airs_at == kst(2026, 11, 25, 21)
    assert position(schedule, kst(2026, 11, 20, 12)).last_aired == 8  # before it starts: 1-8 assumed seen


def test_year_end_is_crossed_on_the_slots():
    schedule = generate(dt.date(2026, 12, 30), 1, 4, WED_THU, KST)
    assert [a.airs_at for a in schedule] == [
        kst(2026, 12, 30, 21), kst(2026, 12, 31, 21), kst(2027, 1, 6, 21), kst(2027, 1, 7, 21),
    ]  # fmt: skip


def test_skip_week_twice_moves_only_unaired_episodes():
    schedule = generate(dt.date(2026, 12, 2), 1, 6, WED_THU, KST)
    now = kst(2026, 12, 4, 12)  # episodes 1 and 2 have aired
    once = skip_week(schedule, KST, now)
    twice = skip_week(once, KST, now)
    assert twice[:2] == schedule[:2]
    assert [a.airs_at for a in twice[2:4]] == [kst(2026, 12, 23, 21), kst(2026, 12, 24, 21)]


def test_pause_across_a_slot_then_resume_on_the_next_slots():
    schedule = generate(dt.date(2026, 12, 2), 1, 6, WED_THU, KST)
    paused_at = kst(2026, 12, 4, 12)  # after ep 2
    now = kst(2026, 12, 17, 12)  # resumed on a Thursday morning, having paused across two weeks of slots
    resumed = resume(schedule, WED_THU, KST, paused_at, now)
    assert resumed[:2] == schedule[:2]
    assert [a.airs_at for a in resumed[2:]] == [
        kst(2026, 12, 17, 21), kst(2026, 12, 23, 21), kst(2026, 12, 24, 21), kst(2026, 12, 30, 21),
    ]  # fmt: skip


def test_pause_and_resume_before_anything_aired_moves_nothing_earlier():
    schedule = skip_week(generate(dt.date(2026, 12, 2), 1, 4, WED_THU, KST), KST, kst(2026, 11, 21))  # starts 9 Dec
    paused_at, now = kst(2026, 11, 22), kst(2026, 11, 23)  # paused and resumed well before the first slot
    assert resume(schedule, WED_THU, KST, paused_at, now) == schedule


def test_resume_never_moves_an_episode_earlier():
    schedule = generate(dt.date(2026, 12, 2), 1, 6, WED_THU, KST)
    skipped = skip_week(schedule, KST, kst(2026, 12, 4, 12))  # eps 3-6 a week on: Wed 16, Thu 17, Wed 23, Thu 24
    resumed = resume(skipped, WED_THU, KST, kst(2026, 12, 5), kst(2026, 12, 10, 12))  # resumed before the 16th
    assert resumed == skipped
    for before, after in zip(
        skipped, resume(skipped, WED_THU, KST, kst(2026, 12, 5), kst(2026, 12, 17, 12)), strict=True
    ):
        assert after.airs_at >= before.airs_at  # missed the 16th: everything from ep 3 moves on one slot
    assert resume(skipped, WED_THU, KST, kst(2026, 12, 5), kst(2026, 12, 17, 12))[2].airs_at == kst(2026, 12, 17, 21)


def test_dst_in_the_slot_zone_keeps_local_time():
    sundays = (Slot(6, dt.time(20)),)  # Sundays 20:00 New York
    schedule = generate(dt.date(2026, 10, 25), 1, 3, sundays, NEW_YORK)
    assert [a.airs_at for a in schedule] == [
        dt.datetime(2026, 10, 26, 0, tzinfo=dt.UTC),  # EDT, UTC-4
        dt.datetime(2026, 11, 2, 1, tzinfo=dt.UTC),  # EST from 1 Nov, UTC-5
        dt.datetime(2026, 11, 9, 1, tzinfo=dt.UTC),
    ]
    assert {a.airs_at.astimezone(NEW_YORK).hour for a in schedule} == {20}
    moved = skip_week(schedule, NEW_YORK, dt.datetime(2026, 10, 20, tzinfo=dt.UTC))
    assert moved[0].airs_at == dt.datetime(2026, 11, 2, 1, tzinfo=dt.UTC)  # still 20:00 local after the change


def test_seoul_slots_seen_from_a_dst_zone_shift_by_an_hour_for_the_member():
    schedule = generate(dt.date(2027, 3, 10), 1, 4, WED_THU, KST)  # US DST starts 14 Mar 2027
    local = [a.airs_at.astimezone(NEW_YORK) for a in schedule]
    assert [t.hour for t in local] == [7, 7, 8, 8]  # 21:00 KST is 07:00 EST, then 08:00 EDT


def test_position_and_finish():
    schedule = generate(dt.date(2026, 12, 2), 1, 2, WED_THU, KST)
    assert position(schedule, kst(2026, 12, 1, 0)) == position(schedule, kst(2026, 12, 2, 20))
    assert position(schedule, kst(2026, 12, 2, 21)).last_aired == 1
    done = position(schedule, kst(2026, 12, 3, 21))
    assert done.finished
    assert done.last_aired == 2
