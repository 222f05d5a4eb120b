"""Every value the bot writes, it reads back with the same parser (issue 16, section 1).

Properties over the whole range of each stored text: every reminder time from 1 minute to 7 days (as stored,
and as shown in English and Korean, which members type back), every list of them, every zone a member or staff
can set, every weekly rewatch slot, every language."""

import datetime as dt
import itertools
import logging

import pytest

from bot.catalog import Slot
from bot.errors import UserError
from bot.locale import languages, parse_language, texts
from bot.services.guild_config import (
    MAX_OFFSET,
    format_offset,
    parse_offsets,
    read_stored_offsets,
    read_stored_zone,
    stored_offsets,
)
from bot.services.personal import stored
from bot.services.rewatch import format_slots, parse_slots
from bot.services.zones import POPULAR_ZONES, resolve_zone, search_zones

EVERY_OFFSET = range(60, MAX_OFFSET + 1, 60)  # every whole minute from 1 minute to 7 days


def test_every_stored_reminder_time_reads_back():
    wrong = [s for s in EVERY_OFFSET if parse_offsets(format_offset(s)) != (s,)]
    assert wrong == [], [format_offset(s) for s in wrong[:5]]
    assert format_offset(5400) == "1h30m"  # the form the issue found refused
    assert parse_offsets("1h30m") == (5400,)


@pytest.mark.parametrize("lang", languages())
def test_every_shown_reminder_time_reads_back_when_typed(lang):
    tr = texts(lang)
    wrong = [tr.offset(s) for s in EVERY_OFFSET if parse_offsets(tr.offset(s)) != (s,)]
    assert wrong == []


def test_lists_of_reminder_times_read_back():
    samples = (60, 600, 1800, 3600, 5400, 7260, 86400, 90000, 93780, 604800)
    for size in (1, 2, 3, 4, 5):
        for chosen in itertools.combinations(samples, size):
            text = ", ".join(format_offset(s) for s in chosen)
            assert parse_offsets(text) == tuple(sorted(chosen, reverse=True))
            assert parse_offsets(stored_offsets(text) or "") == tuple(sorted(chosen, reverse=True))
            if size <= 3:
                assert parse_offsets(stored(parse_offsets(text)) or "") == parse_offsets(text)


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [
        ("90m", (5400,)),
        ("1h30m", (5400,)),
        ("1h 30m", (5400,)),
        ("1d2h30m", (95400,)),
        ("1d 2h", (93600,)),
        ("1 hour 30 minutes", (5400,)),
        ("1시간 30분", (5400,)),
        ("1시간30분", (5400,)),
        ("1시간 반", (5400,)),
        ("30분 전", (1800,)),
        ("1일 2시간 30분", (95400,)),
        ("30m before", (1800,)),
        ("1d, 1h30m, 10m", (86400, 5400, 600)),
    ],
)
def test_compound_reminder_times_are_read(typed, seconds):
    assert parse_offsets(typed) == seconds


@pytest.mark.parametrize("typed", ["30m1h", "1h1h", "1h30", "h30m", "1.5h", "0m", "8d", "soon", "1h 30m 10"])
def test_what_is_not_one_reminder_time_is_still_refused(typed):
    with pytest.raises(UserError):
        parse_offsets(typed)


def test_an_unreadable_stored_value_is_none_and_logged_once(caplog):
    caplog.set_level(logging.WARNING, logger="bot.services.guild_config")
    for _ in range(3):
        assert read_stored_offsets("forty winks", "test times") is None
        assert read_stored_zone("Mars/Olympus_Mons", "test zone") is None
    assert read_stored_offsets("1h30m", "test times") == (5400,)
    assert read_stored_offsets(None, "test times") is None
    messages = [r.getMessage() for r in caplog.records]
    assert len([m for m in messages if "forty winks" in m]) == 1
    assert len([m for m in messages if "Mars/Olympus_Mons" in m]) == 1


def test_every_zone_a_member_can_set_reads_back():
    """``/timezone set`` and ``/setup timezone`` store ``resolve_zone(typed).key``: every zone they can store (all
    the autocomplete offers, and every zone name typed in full) is read back to the same zone."""
    offered = set(POPULAR_ZONES)
    for prefix in ("a", "e", "p", "i", "u", "s", "c", "m", "b", "t", "서", "뉴"):
        offered.update(search_zones(prefix, 25))
    from bot.services.zones import _index

    offered.update(_index().primary)
    for typed in sorted(offered):
        key = resolve_zone(typed).key
        assert read_stored_zone(key, "zone") == key
        assert resolve_zone(key).key == key


def test_every_weekly_slot_reads_back():
    every = [Slot(day, dt.time(hour, minute)) for day in range(7) for hour in range(24) for minute in range(60)]
    for start in range(0, len(every), 7):
        slots = tuple(every[start : start + 7])
        assert parse_slots(format_slots(slots), stored=True) == tuple(sorted(slots, key=lambda s: (s.weekday, s.time)))


def test_every_language_reads_back():
    for lang in languages():
        assert parse_language(lang) == lang
    assert parse_language("klingon") is None  # an unknown stored code is the default, never an error
