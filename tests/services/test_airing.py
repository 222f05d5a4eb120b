import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.catalog import Slot
from bot.services.airing import AiringService, next_slot_occurrence

KST = ZoneInfo("Asia/Seoul")
WED_21 = Slot(2, dt.time(21))


def kst(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=KST)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (kst(2026, 11, 21, 10), kst(2026, 11, 25, 21)),  # Saturday -> next Wednesday
        (kst(2026, 11, 25, 20, 59), kst(2026, 11, 25, 21)),  # same day, before the slot
        (kst(2026, 11, 25, 21), kst(2026, 11, 25, 21)),  # exactly on the slot
        (kst(2026, 11, 25, 21, 1), kst(2026, 12, 2, 21)),  # just missed: a week on
        (kst(2026, 12, 31, 23), kst(2027, 1, 6, 21)),  # across the year end
    ],
)
def test_next_slot_occurrence(now, expected):
    got = next_slot_occurrence(WED_21, KST, now.astimezone(dt.UTC))
    assert got == expected
    assert got.tzinfo == dt.UTC


def test_next_slot_in_a_zone_with_daylight_saving():
    new_york = ZoneInfo("America/New_York")
    slot = Slot(6, dt.time(9))  # Sundays 09:00 local
    before = next_slot_occurrence(slot, new_york, dt.datetime(2026, 10, 31, 12, tzinfo=dt.UTC))
    after = next_slot_occurrence(slot, new_york, dt.datetime(2026, 11, 7, 12, tzinfo=dt.UTC))
    assert before == dt.datetime(2026, 11, 1, 14, tzinfo=dt.UTC)  # DST ended that morning: UTC-5
    assert after == dt.datetime(2026, 11, 8, 14, tzinfo=dt.UTC)
    assert next_slot_occurrence(slot, new_york, dt.datetime(2026, 10, 24, 12, tzinfo=dt.UTC)) == dt.datetime(
        2026, 10, 25, 13, tzinfo=dt.UTC
    )  # still UTC-4


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="aware"):
        next_slot_occurrence(WED_21, KST, dt.datetime(2026, 1, 1))  # noqa: DTZ001


def test_real_run_is_finished(catalog):
    status = AiringService(catalog).status(dt.datetime(2026, 11, 21, tzinfo=dt.UTC))
    assert status.finished
    assert status.next_episode is None
    assert status.last_aired.number == 16


def test_future_run_before_the_premiere(future_catalog):
    status = AiringService(future_catalog).status(kst(2026, 11, 21, 12).astimezone(dt.UTC))
    assert not status.finished
    assert status.aired_count == 0
    assert status.next_episode.number == 1
    assert status.next_episode.airs_at == kst(2026, 12, 2, 21)


def test_future_run_mid_way(future_catalog):
    service = AiringService(future_catalog)
    just_before_ep2 = kst(2026, 12, 3, 20, 59).astimezone(dt.UTC)
    status = service.status(just_before_ep2)
    assert (status.aired_count, status.next_episode.number) == (1, 2)
    status = service.status(just_before_ep2 + dt.timedelta(minutes=1))
    assert (status.aired_count, status.next_episode.number, status.last_aired.number) == (2, 3, 2)


def test_next_slots_for_the_show(catalog):
    slots = AiringService(catalog).next_slots(kst(2026, 11, 21, 12).astimezone(dt.UTC))
    assert [moment for _slot, moment in slots] == [kst(2026, 11, 25, 21), kst(2026, 11, 26, 21)]
