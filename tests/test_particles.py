"""Korean particles after a placeholder are chosen from the text inserted, never written in one fixed form."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest

from bot.devtools import locale as tool
from bot.locale import Table, Texts, msg, texts
from bot.locale.particles import choose, final_sound
from bot.services.timeparse import AmbiguousTime, parse_when

KO = texts("ko")
SEOUL = ZoneInfo("Asia/Seoul")
NOW = dt.datetime(2026, 11, 27, 3, 0, tzinfo=dt.UTC)

# The inserted text, and the forms of 이/가, 을/를, (으)로 and (이)나 that must follow it.
TABLE = [
    # numbers, read as Korean numerals
    ("1", "이", "을", "로", "이나"),  # 일 (ㄹ)
    ("2", "가", "를", "로", "나"),  # 이
    ("3", "이", "을", "으로", "이나"),  # 삼
    ("6", "이", "을", "으로", "이나"),  # 육
    ("8", "이", "을", "로", "이나"),  # 팔 (ㄹ)
    ("10", "이", "을", "으로", "이나"),  # 십
    ("100", "이", "을", "으로", "이나"),  # 백
    ("2000", "이", "을", "으로", "이나"),  # 이천
    ("30000", "이", "을", "으로", "이나"),  # 삼만
    ("1.5", "가", "를", "로", "나"),  # 일 점 오
    ("#12", "가", "를", "로", "나"),  # 십이
    ("8:00", "가", "를", "로", "나"),  # 8시
    ("20:30", "이", "을", "으로", "이나"),  # 20시 30분
    # Hangul without and with a final consonant, and ㄹ
    ("오전 8시", "가", "를", "로", "나"),
    ("3-4화", "가", "를", "로", "나"),
    ("8시 반", "이", "을", "으로", "이나"),
    ("같이보기 알림", "이", "을", "으로", "이나"),
    ("서울", "이", "을", "로", "이나"),
    ("이번 주 수요일", "이", "을", "로", "이나"),
    # Latin letters and words, by how Korean writes them
    ("UTC", "가", "를", "로", "나"),  # 유티씨
    ("DM", "이", "을", "으로", "이나"),  # 디엠
    ("URL", "이", "을", "로", "이나"),  # 유알엘
    ("Asia/Seoul", "이", "을", "로", "이나"),  # 서울
    ("America/New_York", "이", "을", "으로", "이나"),  # 뉴욕
    ("Europe/London", "이", "을", "으로", "이나"),  # 런던
    ("Asia/Bangkok", "이", "을", "으로", "이나"),  # 방콕
    ("Europe/Paris", "가", "를", "로", "나"),  # 파리
    ("Netflix", "가", "를", "로", "나"),  # 넷플릭스
    ("server", "가", "를", "로", "나"),  # 서버
    ("Ki Seon-gyeom", "이", "을", "으로", "이나"),  # 선겸
    ("8pm", "이", "을", "으로", "이나"),  # 피엠
    ("photo.png", "가", "를", "로", "나"),  # 피엔지
    ("file", "이", "을", "로", "이나"),  # 파일
    ("TikTok", "이", "을", "으로", "이나"),  # 틱톡
    ("YouTube", "가", "를", "로", "나"),  # 유튜브
    ("Disney+", "가", "를", "로", "나"),  # 디즈니 플러스
    # closing quotes, brackets and markup are looked through
    ('"이번 주 수요일"', "이", "을", "로", "이나"),
    ('"오전 8시"', "가", "를", "로", "나"),
    ("(3-4화)", "가", "를", "로", "나"),
    ("**Asia/Seoul**", "이", "을", "로", "이나"),
    ("`/같이보기 정보 파티:3`", "이", "을", "으로", "이나"),
    ("「런 온」", "이", "을", "으로", "이나"),
    # Discord timestamps, as Discord's Korean client writes them
    ("<t:1795266000:F>", "가", "를", "로", "나"),  # … 오후 8:00
    ("<t:1795266000:D>", "이", "을", "로", "이나"),  # 2026년 11월 27일
]


@pytest.mark.parametrize(("inserted", "subject", "object_", "towards", "or_"), TABLE)
def test_particles_after_every_kind_of_inserted_text(inserted, subject, object_, towards, or_):
    assert choose("이(가)", inserted) == (subject, True)
    assert choose("을(를)", inserted) == (object_, True)
    assert choose("(으)로", inserted) == (towards, True)
    assert choose("(이)", inserted)[0] + "나" == or_


def test_the_copula_contracts_after_a_vowel():
    assert choose("(이)에", "UTC") == ("예", True)  # UTC예요
    assert choose("(이)에", "Asia/Seoul") == ("이에", True)  # Asia/Seoul이에요
    assert choose("(이)었", "2화") == ("였", True)


def test_a_relative_timestamp_reads_after_or_before():
    future, past = int(time.time()) + 3600, int(time.time()) - 3600
    assert final_sound(f"<t:{future}:R>") == "vowel"  # 1시간 후
    assert final_sound(f"<t:{past}:R>") == "consonant"  # 1시간 전


def test_what_cannot_be_read_keeps_the_written_form():
    """A mention shows a name only the reader's client knows: the particle stays 이(가), and is counted."""
    assert choose("이(가)", "<#123>") == ("이(가)", False)
    assert choose("을(를)", "<@&5>") == ("을(를)", False)
    ko = Texts("ko", Table({"Hello {who}": _particled("{who}이(가) 왔어요")}, lambda n: 0))
    assert ko("Hello {who}", who="<@1>") == "<@1>이(가) 왔어요"
    assert ko.undecided == {"<@1>이(가)"}
    assert ko("Hello {who}", who="기선겸") == "기선겸이 왔어요"


def _particled(text: str) -> str:
    from bot.locale import Particled

    return Particled.of(text)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Asia/Seoul", "지금 시간대는 **Asia/Seoul**이에요."), ("UTC", "지금 시간대는 **UTC**예요.")],
)
def test_the_catalogue_chooses_the_particle_for_the_value(zone, expected):
    assert KO("Your time zone is **{zone}**.", zone=zone) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("8시", '"8시"는 오전일 수도 오후일 수도 있어요. "오전 8시" 또는 "오후 8시"처럼 적어 주세요.'),
        ("8시 반", '"8시 반"은 오전일 수도 오후일 수도 있어요. "오전 8시 반" 또는 "오후 8시 반"처럼 적어 주세요.'),
        ("3시", '"3시"는 오전일 수도 오후일 수도 있어요. "오전 3시" 또는 "오후 3시"처럼 적어 주세요.'),
    ],
)
def test_the_am_pm_hint_keeps_the_half_hour_and_its_particles(typed, expected):
    with pytest.raises(AmbiguousTime) as caught:
        parse_when(typed, SEOUL, NOW)
    assert KO.render(caught.value.message).startswith(expected)


def test_the_hint_typed_back_means_what_the_member_meant():
    with pytest.raises(AmbiguousTime):
        parse_when("8시 반", SEOUL, NOW)
    assert parse_when("20시 30분", SEOUL, NOW).astimezone(SEOUL).time() == dt.time(20, 30)


def test_lists_and_other_values_inside_messages_choose_too():
    rendered = KO.render(msg("The episode thread {thread} is archived and locked; ask staff to reopen it.", thread="x"))
    assert "스레드가" in rendered  # after a mention the translation names the thing, so its particle is fixed


def test_check_names_a_fixed_particle_after_a_placeholder_and_a_particle_after_a_mention():
    assert tool.particle_problems("오전 {text}이나 오후 {text}") == [
        "the particle '이나' after {text} is fixed: write {text}(이)나 so it fits the text inserted"
    ]
    assert tool.particle_problems('"{text}"이라는 시간대') == [
        "the particle '이라' after {text} is fixed: write {text}\"(이)라 so it fits the text inserted"
    ]
    assert tool.particle_problems("**{zone}**이에요") == [
        "the particle '이에요' after {zone} is fixed: write {zone}**(이)에요 so it fits the text inserted"
    ]
    assert tool.particle_problems("<#{channel}>이(가) 없어요") == [
        "the particle '이(가)' follows a mention, whose name only the reader sees: put a noun between "
        "(`<#{channel}> 채널이`)"
    ]
    assert tool.particle_problems("3화(이)나") == [
        "the particle '(이)' follows no placeholder: write the form that fits"
    ]
    # counters and words that merely start like a particle are not particles
    assert tool.particle_problems("{n}가지, {n}화, {n}일, {n}시간, {zone}(이)에요, {n}개의") == []


@pytest.mark.parametrize(("inserted", "subject", "object_", "towards", "or_"), TABLE)
def test_the_korean_catalogue_renders_the_table(inserted, subject, object_, towards, or_):
    """The same table through real translations: ``"{text}"(이)라는 … {zones}을(를)`` and ``{date}은(는)``."""
    rendered = KO('I don\'t know the time zone "{text}". Did you mean {zones}?', text=inserted, zones=inserted)
    copula = or_.removesuffix("나")  # 이 or nothing, as in (이)나
    assert rendered == f'"{inserted}"{copula}라는 시간대는 찾을 수 없어요. {inserted}{object_} 말씀하신 건가요?'
    topic = "은" if object_ == "을" else "는"
    assert KO("{date} is a {actual}, not a {named}", date=inserted, actual="금요일", named="토요일").startswith(
        f"{inserted}{topic} 토요일이 아니라 금요일이에요"
    )
