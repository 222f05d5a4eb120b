"""The message catalogues: complete, with the same placeholders, current, and the formats of each language."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.devtools import locale as tool
from bot.locale import Msg, OneOf, language_of, languages, msg, texts

KO_PO = tool.po_path("ko")
EN = texts("en")
KO = texts("ko")


def _korean() -> Catalog:
    with KO_PO.open("rb") as fh:
        return read_po(fh, locale="ko")


def test_every_message_has_a_korean_translation_with_its_placeholders_and_the_files_are_current():
    """Extracts every message from the code and the command tree, as ``python -m bot.devtools.locale check`` does."""
    assert tool.check() == []


def _template(*messages: str | tuple[str, str]) -> Catalog:
    catalog = Catalog()
    for message in messages:
        catalog.add(message)
    return catalog


def _translations(pairs: dict[str | tuple[str, str], str | tuple[str, ...]], *, fuzzy: bool = False) -> Catalog:
    catalog = Catalog(locale="ko")
    for message, string in pairs.items():
        catalog.add(message, string, flags=("fuzzy",) if fuzzy else ())
    return catalog


def test_a_message_without_a_korean_translation_is_a_problem():
    expected = _template("Hello {name}", "Bye")
    found = tool.problems("ko", _translations({"Hello {name}": "안녕 {name}", "Bye": ""}), expected)
    assert found == ["ko: 'Bye' has no translation"]
    found = tool.problems("ko", _translations({"Hello {name}": "안녕 {name}"}), expected)
    assert found == ["ko: no entry for 'Bye' (run python -m bot.devtools.locale update)"]


def test_a_translation_that_drops_or_adds_a_placeholder_is_a_problem():
    expected = _template("Watch party #{party} starts {when}.")
    dropped = _translations({"Watch party #{party} starts {when}.": "같이보기 #{party} 시작"})
    assert tool.problems("ko", dropped, expected) == [
        "ko: 'Watch party #{party} starts {when}.' drops placeholder(s) ['when']"
    ]
    added = _translations({"Watch party #{party} starts {when}.": "같이보기 #{party} {when} {host} 시작"})
    assert tool.problems("ko", added, expected) == [
        "ko: 'Watch party #{party} starts {when}.' adds placeholder(s) ['host']"
    ]
    renamed = _translations({"Watch party #{party} starts {when}.": "같이보기 #{파티} {when} 시작"})
    assert len(tool.problems("ko", renamed, expected)) == 2  # {party} dropped, {파티} added


def test_a_plural_translation_may_leave_out_the_singulars_literal_one():
    """English "a story note" / "{count} story notes": Korean has one form, which uses {count}."""
    expected = _template(("a story note", "{count} story notes"))
    fine = _translations({("a story note", "{count} story notes"): ("이야기 노트 {count}개",)})
    assert tool.problems("ko", fine, expected) == []
    wrong = _translations({("a story note", "{count} story notes"): ("이야기 노트",)})
    assert tool.problems("ko", wrong, expected) == ["ko: 'a story note' drops placeholder(s) ['count']"]


def test_a_fuzzy_translation_is_a_problem():
    expected = _template("Bye")
    assert tool.problems("ko", _translations({"Bye": "안녕"}, fuzzy=True), expected) == [
        "ko: 'Bye' is marked fuzzy: review the translation and remove the flag"
    ]


def test_a_new_message_in_the_code_is_found_and_fails_until_translated(tmp_path: Path):
    """A feature that adds a sentence without translating it fails the check (here: a cog of its own)."""
    cog = tmp_path / "cogs" / "new_feature.py"
    cog.parent.mkdir()
    cog.write_text(
        textwrap.dedent(
            """
            async def handle(tr, services):
                await send(tr("Your catch-up list for episode {n}", n=3))
                raise UserError("No poll is open for episode {n}.", n=4)
            """
        ),
        encoding="utf-8",
    )
    found = list(tool.code_messages(tmp_path))
    assert {f.id for f in found} == {"Your catch-up list for episode {n}", "No poll is open for episode {n}."}
    problems = tool.problems("ko", _korean(), tool.template(found))
    assert len(problems) == 2
    assert all("no entry for" in p for p in problems)


def test_placeholders_are_read_like_str_format():
    assert tool.placeholders("{a} and {b:>3} but not {{c}}") == {"a", "b"}
    assert tool.placeholders("unbalanced {") == {"<unbalanced braces>"}


@pytest.mark.parametrize(
    ("locale", "language"),
    [("ko", "ko"), ("ko-KR", "ko"), ("en-US", "en"), ("en-GB", "en"), ("ja", "en"), (None, "en"), ("", "en")],
)
def test_discord_locales_map_to_the_languages_the_bot_speaks(locale, language):
    assert language_of(locale) == language


def test_formats_in_both_languages():
    day = dt.date(2026, 11, 27)
    assert (EN.day(day), KO.day(day)) == ("Fri 27 Nov 2026", "2026년 11월 27일 (금)")
    assert (EN.short_day(day), KO.short_day(day)) == ("Fri 27 Nov", "11월 27일 (금)")
    assert (EN.weekday(2), KO.weekday(2)) == ("Wednesday", "수요일")
    assert (EN.every(2), KO.every(2)) == ("Wednesdays", "매주 수요일")
    assert (EN.episodes(3, 4), KO.episodes(3, 4)) == ("episodes 3-4", "3-4화")
    assert (EN.episode(3), KO.episode(3)) == ("episode 3", "3화")
    for delta, en, ko in [
        (dt.timedelta(seconds=20), "now", "지금"),
        (dt.timedelta(minutes=1), "in 1 minute", "1분 후"),
        (dt.timedelta(minutes=90), "in 1 hour 30 min", "1시간 30분 후"),
        (dt.timedelta(hours=2), "in 2 hours", "2시간 후"),
        (dt.timedelta(hours=38), "in 1 day 14 hours", "1일 14시간 후"),
        (dt.timedelta(days=1), "in 1 day", "1일 후"),
        (dt.timedelta(days=6, hours=5), "in 6 days", "6일 후"),
    ]:
        assert (EN.relative(delta), KO.relative(delta)) == (en, ko)
    assert EN.render(OneOf(["A", "B", "C"])) == "A, B or C"
    assert KO.render(OneOf(["A", "B", "C"])) == "A, B 또는 C"
    assert (EN.offset(5400), KO.offset(5400)) == ("1h30m", "1시간 30분")


def test_a_message_renders_late_in_the_readers_language_with_nested_messages():
    reason = msg("(No discussion thread: {reason})", reason=msg("I'm not in that server any more."))
    assert EN.render(reason) == "(No discussion thread: I'm not in that server any more.)"
    assert KO.render(reason) == "(토론 스레드 없음: 봇이 이제 그 서버에 없어요.)"
    assert str(reason) == EN.render(reason)  # logs read English
    assert isinstance(reason, Msg)


def test_every_language_loads():
    assert languages()[:2] == ("en", "ko")  # found in the package: English (the source) and every catalogue
    for lang in languages():
        assert texts(lang).lang == lang


# -- the Korean voice ------------------------------------------------------------------------------------------

#: "나/내" standing as a word (after a space or at the start): the bot calling the member "I/my" (나는 6화까지 봤다고,
#: 내 시간대는). A particle 나 after a placeholder or a quote ("{text} 후"나) is not a word of its own.
_FIRST_PERSON = re.compile(r"(?:^|(?<=[\s(]))(?:나(?:는|를|의|만|도|에게)?|내가?)(?=[\s.,)]|$)")
#: The English units and day names option descriptions used to show (1d, 30m, Wed 21:00).
_ENGLISH_UNITS = re.compile(r"\b\d+[dhm]\b|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b")


def _korean_strings() -> list[tuple[str, str]]:
    out = []
    for message in _korean():
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        out += [(str(message.context or ""), text) for text in strings if text]
    return out


def test_the_bot_never_calls_the_member_na():
    """해요체 from the bot to the member: "6화까지 보신 걸로 되어 있어요", never "나는 6화까지 봤다고" or
    "내 시간대"."""
    assert _FIRST_PERSON.search("9화 내용이에요. 나는 6화까지 봤다고 되어 있어요.")
    assert _FIRST_PERSON.search("이제 내 시간대는 **Asia/Seoul**이에요")
    assert not _FIRST_PERSON.search('"{text} 후"나 "12월 {days}일"처럼 적어 주세요')
    assert not _FIRST_PERSON.search("아직 안 보셨다면 지금 나가 주세요")
    found = [(context, text) for context, text in _korean_strings() if _FIRST_PERSON.search(text)]
    assert not found, found
    assert KO("This is from episode {latest}; you've watched up to episode {horizon}.", latest=9, horizon=6) == (
        "9화 내용이에요. 6화까지 보신 걸로 되어 있어요."
    )


def test_korean_texts_speak_haeyo_and_show_korean_units():
    """No 합니다체 in any Korean message; examples in Korean use Korean units and day names (1일, 30분; 수 21:00)."""
    from bot.catalog import formal_endings

    assert not [text for _, text in _korean_strings() if formal_endings(text)]
    english_units = [
        (context, text)
        for context, text in _korean_strings()
        if _ENGLISH_UNITS.search(text) and "am" not in text  # the am/pm hints answer a member who typed English
    ]
    assert not english_units, english_units
    [offsets] = [
        m.string
        for m in _korean()
        if m.context == "option description" and m.id.startswith("Your own times before airtime")
    ]
    assert "예: 1일, 30분" in offsets


def test_netflix_and_discords_permission_names_in_korean():
    """Netflix is 넷플릭스 in Korean text; permissions carry the names Discord's clients show since the 2025
    renames, in both languages."""
    from bot.permissions import humanize, label

    assert not [text for _, text in _korean_strings() if "Netflix" in text]
    renamed = {
        "send_messages": ("Send Messages and Create Posts", "메시지 보내기 및 게시물 만들기"),
        "send_messages_in_threads": ("Send Messages in Threads and Posts", "스레드 및 게시물에서 메시지 보내기"),
        "manage_threads": ("Manage Threads and Posts", "스레드 및 게시물 관리하기"),
        "mention_everyone": ("Mention @everyone, @here, and All Roles", "@everyone, @here, 모든 역할 멘션하기"),
    }
    for name, (english, korean) in renamed.items():
        assert (label(EN, name), label(KO, name)) == (english, korean)
        assert humanize(name) == english  # the console and the invite listing too
    language = "{language}: the server's Discord language (Server Settings > Community > Overview); change it with "
    assert "(서버 설정 > 커뮤니티 > 개요)" in KO(language + "`/setup language`", language="한국어")


def test_a_date_format_must_be_a_pattern():
    """Date formats are LDML patterns in the catalogue: a translator's literal words must be quoted."""
    expected = Catalog()
    expected.add("EEE d MMM y", context="date format")
    fine = Catalog(locale="ko")
    fine.add("EEE d MMM y", "y년 M월 d일 (E)", context="date format")
    assert tool.problems("ko", fine, expected) == []
    wrong = Catalog(locale="ko")
    wrong.add("EEE d MMM y", "d MMM y, the day", context="date format")
    assert tool.problems("ko", wrong, expected) == [
        "ko: [date format] 'EEE d MMM y' uses 't', which are not date fields: quote literal text, 'like this'"
    ]


def test_dates_weekdays_and_offsets_come_from_cldr_with_the_catalogues_patterns():
    day = dt.date(2026, 12, 4)
    assert (EN.short_day(day), KO.short_day(day)) == ("Fri 04 Dec", "12월 4일 (금)")
    assert (EN.weekly_time(2, dt.time(21)), KO.weekly_time(2, dt.time(21))) == ("Wed 21:00", "수요일 21:00")
    moment = dt.datetime(2026, 12, 4, 11, 30, tzinfo=dt.UTC)
    seoul = ZoneInfo("Asia/Seoul")
    assert EN.moment(moment, seoul) == "Fri 4 Dec 2026 20:30"
    assert KO.moment(moment, seoul) == "2026년 12월 4일 (금) 20:30"
    assert (EN.offset(86400), KO.offset(86400)) == ("1d", "1일")
    assert (EN.offset(600), KO.offset(600)) == ("10m", "10분")
    assert (EN.join(["A", "B", "C"], last="or"), KO.join(["A", "B", "C"], last="or")) == ("A, B or C", "A, B 또는 C")


#: Sentences whose subject is the member doing something (hosting, posting, joining, going, deleting), with values
#: a member would see.
_MEMBER_ACTS = [
    ("You already host {count} upcoming watch parties in this server, the most one member can. Cancel one with "
     "`/watchparty cancel`, or ask staff to plan more.", {"count": 3}),
    ("You've planned {count} watch parties in the last {minutes} minutes, the most for one member. Try again in "
     "{seconds} seconds.", {"count": 5, "minutes": 10, "seconds": 42}),
    ("You can't post in this channel, so I'm showing you the answer privately instead.", {}),
    ("You can't post in this channel, so I didn't share it here. The answer stays private to you.", {}),
    ("You can't send messages in this channel, so I won't post a spoiler here for you. Use `/spoiler` where you can "
     "write.", {}),
    ("You can't attach files in this channel, so I won't post your image here. Leave out the image, or use "
     "`/spoiler` where you can attach files.", {}),
    ("You can't post in {channel} yourself, so I won't announce a watch party there for you (you need "
     "{permissions} there). Pick a channel where you can post, or ask staff to plan it.",
     {"channel": "<#600>", "permissions": "메시지 보내기 및 게시물 만들기"}),
    ("You can't join {channel} yourself, so I won't host a watch party there for you (you need {permissions} "
     "there). Pick a voice channel you can join.", {"channel": "<#700>", "permissions": "연결"}),
    ("You're going to watch party #{party}, {when}. Reminders will ping you.", {"party": 3, "when": "<t:1:F>"}),
    ("You'll get a DM copy of reminders for watch parties you're going to (keep DMs from server members open). Add "
     "`offsets` to choose your own times.", {}),
    ("This deletes your watch progress and anything else the bot stores about you. Sure?", {}),
]  # fmt: skip
_HONORIFIC = re.compile(r"[\uac00-\ud7a3](?:셨|실|시[는거면겠])")


@pytest.mark.parametrize(("message", "values"), _MEMBER_ACTS)
def test_the_members_own_actions_are_honoured_with_si(message, values):
    """해요체 with the subject honorific -시- when the member is the one acting (여셨어요, 보내실 수 없어서,
    참석하시는), as a Korean service speaks to its users; the bot's own actions stay plain (보내 드릴게요)."""
    korean = KO(message, **values)
    assert _HONORIFIC.search(korean), korean


def test_every_shipped_language_is_named_as_cldr_names_it_in_the_setup_menu():
    """/setup language's choices name each language in its own words and in English, as CLDR does; the names of
    the shipped languages are kept beside the catalogues (so defining the menu loads no CLDR table)."""
    from bot.locale import SHIPPED_NAMES, choice_name, cldr_english_name, cldr_native_name, shipped_languages

    for lang in shipped_languages():
        assert lang in SHIPPED_NAMES, f"{lang}: add its names to SHIPPED_NAMES"
        assert SHIPPED_NAMES[lang] == (cldr_native_name(lang), cldr_english_name(lang))
    assert choice_name("ko") == "한국어 (Korean)"
    assert choice_name("en") == "English"
