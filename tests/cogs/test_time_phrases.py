"""Issue 16, section 2, through the real command tree: what fans type for a watch party's time, a rewatch's
slots and reminder times is read as they mean it, or refused with texts that, typed back, work."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import discord
import pytest

from .conftest import EPHEMERAL, NOW, data, text_of

NEW_YORK = ZoneInfo("America/New_York")
KST = ZoneInfo("Asia/Seoul")
STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)
EVENTS_STAFF = discord.Permissions(manage_events=True, send_messages=True, view_channel=True)
KO = "ko"


def _host(h):
    """The party's host: with Manage Events, so the creation rate (3 in 10 minutes, tested elsewhere) never stands
    between a table of phrasings and the parties they make."""
    return h.member(2000, name="host", permissions=EVENTS_STAFF)


@pytest.fixture
def staff(h):
    return h.member(4000, name="mod", permissions=STAFF)


def _start(h) -> dt.datetime | None:
    found = re.search(r"<t:(\d+):F>", text_of(data(h)))  # the card's When (or the host's note)
    return dt.datetime.fromtimestamp(int(found[1]), dt.UTC) if found else None


async def test_a_clock_time_of_1_to_12_is_asked_and_each_choice_typed_back_works(h):
    # the injected clock is Sat 21 Nov 2026, 07:00 in New York
    await h.invoke("watchparty create", user=_host(h), episodes="1", when="tomorrow 3:30", timezone="America/New_York")
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    assert answer["content"] == '"3:30" could be morning or evening: write "tomorrow 3:30am" or "tomorrow 3:30pm".'
    question, *offered = await h.autocomplete("watchparty create", "when", "tomorrow 3:30", timezone="America/New_York")
    assert question["name"] == '"3:30": am or pm?'
    # each answer is a choice showing the time it gives; picking it is typing it back
    assert [(c["name"], c["value"]) for c in offered] == [
        ("tomorrow 3:30am → Sun 22 Nov 2026, 03:30 (America/New_York) · in 20 hours 30 min", "tomorrow 3:30am"),
        ("tomorrow 3:30pm → Sun 22 Nov 2026, 15:30 (America/New_York) · in 1 day 8 hours", "tomorrow 3:30pm"),
    ]
    await h.invoke(
        "watchparty create", user=_host(h), episodes="1", when=offered[1]["value"], timezone="America/New_York"
    )
    assert _start(h) == dt.datetime(2026, 11, 22, 15, 30, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("이번 주말 저녁 8시", [dt.datetime(2026, 11, 22, 20, tzinfo=KST)]),  # Saturday 20:00 has passed in Seoul
        ("수 9시", [dt.datetime(2026, 11, 25, 9, tzinfo=KST), dt.datetime(2026, 11, 25, 21, tzinfo=KST)]),
        ("9pm IST", [dt.datetime(2026, 11, 21, 21, tzinfo=dt.timezone(dt.timedelta(hours=h, minutes=m)))
                     for h, m in ((5, 30), (1, 0), (2, 0))]),
    ],
)  # fmt: skip
async def test_every_choice_a_question_offers_makes_the_party_it_shows(h, typed, meant):
    _question, *offered = await h.autocomplete("watchparty create", "when", typed, timezone="Asia/Seoul", locale=KO)
    assert len(offered) == len(meant)
    for choice, instant in zip(offered, meant, strict=True):
        await h.invoke(
            "watchparty create", user=_host(h), episodes="1", when=choice["value"], timezone="Asia/Seoul", locale=KO
        )
        assert _start(h) == instant, choice


async def test_fans_phrasings_make_the_party_they_mean(h):
    for typed, meant in [
        ("15h00", dt.datetime(2026, 11, 21, 15, tzinfo=NEW_YORK)),
        ("half past 3pm", dt.datetime(2026, 11, 21, 15, 30, tzinfo=NEW_YORK)),
        ("eight tonight", dt.datetime(2026, 11, 21, 20, tzinfo=NEW_YORK)),
        ("noon tomorrow", dt.datetime(2026, 11, 22, 12, tzinfo=NEW_YORK)),
        ("7p", dt.datetime(2026, 11, 21, 19, tzinfo=NEW_YORK)),
    ]:
        await h.invoke("watchparty create", user=_host(h), episodes="1", when=typed, timezone="America/New_York")
        assert _start(h) == meant, typed


async def test_a_members_own_zone_abbreviation_is_never_refused(h):
    await h.invoke("timezone set", zone="America/New_York")
    await h.invoke("watchparty create", user=_host(h), episodes="1", when="8pm EST")
    assert _start(h) == dt.datetime(2026, 11, 21, 20, tzinfo=NEW_YORK)
    await h.invoke("watchparty create", user=_host(h), episodes="2", when="9pm IST")
    assert data(h)["content"] == (
        '"IST" can mean India Standard Time, Irish Time or Israel Time: write "9pm UTC+5:30", "9pm UTC+1" or '
        '"9pm UTC+2".'
    )


async def test_korean_dot_dates_weekdays_and_weekends(h):
    await h.invoke(
        "watchparty create", user=_host(h), episodes="1", when="12.24 저녁 8시", timezone="Asia/Seoul", locale=KO
    )
    assert _start(h) == dt.datetime(2026, 12, 24, 20, tzinfo=KST)
    await h.invoke("watchparty create", user=_host(h), episodes="1", when="수 21:00", timezone="Asia/Seoul", locale=KO)
    assert _start(h) == dt.datetime(2026, 11, 25, 21, tzinfo=KST)
    await h.invoke(
        "watchparty create", user=_host(h), episodes="1", when="이번 주말 밤 11시", timezone="Asia/Seoul", locale=KO
    )
    assert data(h)["content"] == (  # Saturday 21:00 in Seoul: both days are still ahead
        '"이번 주말"은 토요일일 수도 일요일일 수도 있어요. '
        '"이번 주 토요일 밤 11시" 또는 "이번 주 일요일 밤 11시"처럼 적어 주세요.'
    )
    await h.invoke(
        "watchparty create", user=_host(h), episodes="1", when="이번 주말 저녁 8시", timezone="Asia/Seoul", locale=KO
    )
    assert data(h)["content"] == (  # Saturday's 20:00 has passed: only Sunday is offered
        '"이번 주말"은 토요일일 수도 일요일일 수도 있어요. "이번 주 일요일 저녁 8시"처럼 적어 주세요.'
    )
    await h.invoke(
        "watchparty create",
        user=_host(h),
        episodes="1",
        when="이번 주 일요일 저녁 8시",
        timezone="Asia/Seoul",
        locale=KO,
    )
    assert _start(h) == dt.datetime(2026, 11, 22, 20, tzinfo=KST)


async def test_a_month_day_that_has_just_passed_is_asked(h, clock):
    clock.now = dt.datetime(2026, 12, 15, 3, tzinfo=dt.UTC)  # 15 December, noon in Seoul
    await h.invoke(
        "watchparty create", user=_host(h), episodes="1", when="12월 14일 밤 9시", timezone="Asia/Seoul", locale=KO
    )
    assert data(h)["content"] == (
        '올해의 "12월 14일"은 이미 지났어요 (2026년 12월 14일 (월)). '
        '내년이라면 "2027년 12월 14일 밤 9시"처럼 적어 주세요.'
    )
    await h.invoke("watchparty create", user=_host(h), episodes="1", when="Dec 13 9pm", timezone="America/New_York")
    assert 'For next year\'s, write "2027-12-13 9pm".' in data(h)["content"]
    clock.now = NOW


async def test_rewatch_slots_as_korean_fans_write_them(h, staff):
    await h.invoke("rewatch start", from_="2026-11-25", slots="수목 21:00", user=staff, locale=KO)
    schedule = (await h.bot.services.rewatch.current(h.guild_id))[1]
    assert [a.airs_at.astimezone(KST) for a in schedule[:2]] == [
        dt.datetime(2026, 11, 25, 21, tzinfo=KST),
        dt.datetime(2026, 11, 26, 21, tzinfo=KST),
    ]
    for slots in ("수요일 밤 9시", "수욜 21시"):
        await h.invoke("rewatch stop", user=staff, locale=KO)
        await h.invoke("rewatch start", from_="2026-11-25", slots=slots, user=staff, locale=KO)
        schedule = (await h.bot.services.rewatch.current(h.guild_id))[1]
        assert schedule[0].airs_at == dt.datetime(2026, 11, 25, 21, tzinfo=KST), slots
        assert schedule[1].airs_at == dt.datetime(2026, 12, 2, 21, tzinfo=KST), slots
    await h.invoke("rewatch stop", user=staff, locale=KO)
    await h.invoke("rewatch start", from_="2026-11-25", slots="수 9시", user=staff, locale=KO)
    assert "오전인가요, 오후인가요?" in data(h)["content"]
    assert (await h.bot.services.rewatch.current(h.guild_id))[0] is None


async def test_reminder_times_as_korean_fans_write_them(h, staff):
    await h.invoke("setup reminders", before="1시간 반, 30분 전", user=staff, locale=KO)
    assert (await h.bot.services.guilds.get(h.guild_id)).party_offsets == (5400, 1800)
