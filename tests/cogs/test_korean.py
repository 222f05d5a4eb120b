"""한국어: a member whose Discord is in Korean runs every command, button, menu and autocomplete, and reads
Korean only; public posts follow the server's language (/setup language, else its Discord language); the
spoiler rules hold in Korean.

"Korean only" is checked on everything Discord would show (contents, embeds, buttons, menus, thread and event
names, autocomplete lines): no Latin word is left once proper names (the show's, the cast's and crew's, the
sources'), Discord markup, IANA zone names and a few fixed terms (UTC, KST, DM, OST...) are taken out, and every
such text has Hangul.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import discord
import pytest
from babel.messages.pofile import read_po

from bot.client import CatalogueTranslator, describe_error
from bot.devtools import locale as tool
from bot.locale import texts
from bot.locale.particles import MARKER
from bot.standin import DM
from tests.conftest import PACK

from .conftest import (
    EPHEMERAL,
    NOW,
    card_fields,
    custom_ids,
    data,
    spoiler_blocks,
    text_of,
    tick_at,
    title_of,
    visible,
)
from .test_schema import translated_schema

KO = "ko"
STAFF = discord.Permissions(
    manage_guild=True, manage_events=True, manage_messages=True, send_messages=True, view_channel=True
)
PARTY_CHANNEL = 600

# Latin words a Korean reader may see: proper names our Korean texts keep in Latin (the fact sheet gives them no
# Hangul), formats and fixed terms. The cast's and crew's names come from the pack itself (see _allowed_phrases).
PROPER_NAMES = {
    "Run", "On", "JTBC", "Cinemags", "iMBC", "Jerry", "Maguire", "The", "Sisyphus", "Myth", "Kim", "Eun-sook",
    "Hwang", "Chan-hee", "Kwanghee", "LUCY", "Warming", "Up", "Part", "Priority", "Where", "Are", "You",
    "UTC", "KST", "DM", "OST", "ID", "PD", "Discord", "AutoMod", "runon-bot", "PNG", "JPEG", "GIF", "WebP", "English",
}  # fmt: skip
MARKUP = re.compile(
    r"<(?:t:-?\d+(?::\w)?|@&?\d+|#\d+)>"  # timestamps, mentions, channels
    r"|https?://\S+"
    r"|\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific)/[A-Za-z_/-]+"  # IANA zones
    r"|UTC[+-]\d+"
)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’.-]*[A-Za-z]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
VISIBLE = {"content", "title", "description", "name", "value", "text", "label", "placeholder"}
#: What the tour's members type themselves (quoted back in refusals) and the test server's name.
TYPED = ["Run On Fans", "blorp", "EST"]


def _allowed_phrases(catalog) -> list[str]:
    """Every proper name of the pack as written (longest first, so "Im Si-wan" goes before "Im")."""
    show = catalog.show
    found = {show.title, show.network, show.title_japanese, catalog.special.title}  # not Netflix: 넷플릭스
    for person in catalog.people:
        found |= {person.actor, person.character, *person.actor_aliases, *person.character_aliases}
    for credit in show.credits:
        found.add(credit.name)
    for track in catalog.ost:
        found |= {track.artist, track.title, track.released}
    return sorted((p for p in found if p), key=len, reverse=True)


def visible_texts(node: Any, key: str = "") -> list[str]:
    """The strings of a Discord payload that a member reads (not custom ids, urls, or an option's hidden value)."""
    out: list[str] = []
    if isinstance(node, dict):
        for child_key, value in node.items():
            if child_key == "choices":
                out += [c["name"] for c in value]
            elif child_key not in ("custom_id", "url", "allowed_mentions", "attachments", "value") or (
                child_key == "value" and isinstance(value, str) and key in ("fields", "")
            ):
                out += visible_texts(value, child_key)
    elif isinstance(node, list):
        for item in node:
            out += visible_texts(item, key)
    elif isinstance(node, str) and key in VISIBLE:
        out.append(node)
    return out


def stray_latin(text: str, phrases: list[str]) -> list[str]:
    """Latin words left in ``text`` once markup, proper names, fixed terms and what members typed are taken out."""
    rest = MARKUP.sub(" ", text)
    for typed in TYPED:
        rest = rest.replace(typed, " ")
    for phrase in phrases:
        rest = rest.replace(phrase, " ")
    return [w for w in LATIN_WORD.findall(rest) if w not in PROPER_NAMES]


def assert_korean(texts: list[str], catalog, *, where: str = "") -> None:
    phrases = _allowed_phrases(catalog)
    problems = [
        f"{where}: English words {stray} in {text!r}" for text in texts if (stray := stray_latin(text, phrases))
    ]
    assert not problems, "\n".join(problems)


def traffic(h, start: int = 0) -> list[tuple[str, str]]:
    """Everything the bot sent since call ``start``: (what, text) for every visible string."""
    out = []
    for call in h.recorder.calls[start:]:
        if call.method not in ("POST", "PATCH", "PUT") or not isinstance(call.json, dict) or call.status >= 300:
            continue
        if call.path.endswith("/commands"):
            continue  # the command schema has its own test (test_schema.py)
        out += [(f"{call.method} {call.path}", text) for text in visible_texts(call.json)]
    return out


def check_korean(h, catalog, start: int = 0) -> int:
    """Assert that everything sent since ``start`` is Korean; return where the traffic ends now."""
    sent = traffic(h, start)
    assert sent, "nothing was sent"
    phrases = _allowed_phrases(catalog)
    problems = [
        f"{where}: English words {stray} in {text!r}" for where, text in sent if (stray := stray_latin(text, phrases))
    ]
    assert not problems, "\n".join(problems)
    assert sum(1 for _, text in sent if HANGUL.search(text)) > len(sent) / 2  # mostly sentences, and Korean ones
    return len(h.recorder.calls)


def test_the_check_itself_catches_english():
    """The check must fail on an English sentence that slipped in, and pass Korean with names and markup."""

    class Pack:
        class show:
            title, network, streaming, title_japanese, credits = "Run On", "JTBC", "Netflix", "x", ()

        class special:
            title = "Run On: Warming Up"

        people, ost = (), ()

    assert stray_latin("Your time zone is now **Asia/Seoul**.", _allowed_phrases(Pack)) == [
        "Your", "time", "zone", "is", "now",
    ]  # fmt: skip
    assert stray_latin("이제 내 시간대는 **Asia/Seoul**이에요 <t:1:F>, JTBC", _allowed_phrases(Pack)) == []
    with pytest.raises(AssertionError):
        assert_korean(["Shared by <@1>"], Pack)


@pytest.fixture
def staff(h):
    return h.member(4000, name="mod", permissions=STAFF)


@pytest.fixture
async def korean_server(h):
    """A server whose Discord language is Korean (so its public posts are in Korean by default)."""
    h.set_guild_locale("ko")
    return h


async def _every_command(h, staff, clock) -> None:
    """A Korean member (and a Korean staff member) run every command, button and menu once, mistakes too."""
    fan = h.member(2000, name="fan")
    # catalogue
    await h.invoke("episode info", episode=6, locale=KO)
    await h.invoke("episode info", episode=1, public=True, locale=KO)
    await h.invoke("episode list", locale=KO)
    await h.click("runon:episodes:page:1:next", locale=KO)
    await h.invoke("recap", episode=3, locale=KO)
    await h.click("runon:recap:3:reveal", locale=KO)
    await h.click("runon:share:recap:3", locale=KO)
    await h.invoke("recap", episode=10, locale=KO)
    await h.invoke("recap", episode=6, public=True, locale=KO)
    await h.invoke("cast lookup", name="기선겸", locale=KO)
    await h.click("runon:cast:ki-seon-gyeom:reveal", locale=KO)
    await h.click("runon:share:cast:ki-seon-gyeom", locale=KO)
    await h.invoke("cast lookup", name="Seo Tae-woong", locale=KO)
    await h.invoke("cast lookup", name="blorp", locale=KO)
    await h.invoke("cast list", locale=KO)
    await h.invoke("cast list", public=True, locale=KO)
    await h.invoke("about", locale=KO)
    await h.invoke("airing info", locale=KO)
    await h.invoke("airing info", guild_id=DM, locale=KO)
    await h.invoke("airing remind-me", setting="on", locale=KO)
    await h.invoke("airing remind-me", setting="off", locale=KO)
    await h.invoke("airing remind-me", setting="on", guild_id=DM, locale=KO)
    # progress
    await h.invoke("progress show", locale=KO)
    await h.invoke("progress set", episode=2, locale=KO)
    await h.invoke("progress set", episode=16, locale=KO)
    await h.invoke("progress set", episode=0, locale=KO)
    await h.invoke("progress show", locale=KO)
    # time zones
    await h.invoke("timezone set", zone="서울", locale=KO)
    await h.invoke("timezone show", locale=KO)
    await h.invoke("timezone set", zone="EST", locale=KO)
    await h.invoke("timezone set", zone="blorp", locale=KO)
    await h.invoke("timezone clear", locale=KO)
    await h.invoke("timezone show", locale=KO)
    # setup (staff)
    talk = h.add_channel(701, name="토론")
    airing = h.add_channel(950, name="방송")
    mods = h.add_channel(960, name="운영진")
    await h.invoke("setup show", user=staff, locale=KO)
    await h.invoke("setup discussion", channel=talk, user=staff, locale=KO)
    await h.invoke("setup spoilers", line=3, user=staff, locale=KO)
    await h.invoke("setup spoiler-free", user=staff, locale=KO)
    await h.select("runon:setup:spoiler-free", [str(mods.id)], user=staff, locale=KO)
    await h.invoke("setup timezone", zone="Asia/Seoul", user=staff, locale=KO)
    await h.invoke("setup reminders", before="1시간, 10분", user=staff, locale=KO)
    await h.invoke("setup reminders", before="blorp", user=staff, locale=KO)
    await h.invoke("setup staff", channel=mods, user=staff, locale=KO)
    await h.invoke("setup airing", channel=airing, user=staff, locale=KO)
    await h.invoke("setup language", language="ko", user=staff, locale=KO)
    await h.invoke("setup reset", setting="language", user=staff, locale=KO)
    await h.invoke("setup show", user=staff, locale=KO)
    h.enforce_discord_rules = False  # an admin let everyone see /setup in Integrations: the bot still refuses
    await h.invoke("setup spoilers", line=3, user=fan, locale=KO)
    h.enforce_discord_rules = True
    # catching up: the member has watched nothing, the server's line is at episode 3
    await h.invoke("catchup", locale=KO)
    await h.click("runon:catchup:show:2000:1:3", locale=KO)
    await h.click("runon:catchup:mark:2000:3", user=h.member(2001, name="other"), locale=KO)  # not theirs
    await h.click("runon:catchup:mark:2000:3", locale=KO)
    await h.click("runon:catchup:mark:2000:3", locale=KO)  # again: nothing changes
    await h.invoke("catchup", locale=KO)  # caught up
    await h.invoke("catchup", guild_id=DM, locale=KO)  # no spoiler line outside a server
    await h.invoke("catchup", to=5, guild_id=DM, locale=KO)
    # episode polls (staff) and the ratings
    await h.invoke("setup pulse", setting="off", user=staff, locale=KO)
    await h.invoke("setup pulse", setting="on", user=staff, locale=KO)
    await h.invoke("pulse", locale=KO)  # no polls yet
    await h.invoke("pulse", episode=9, locale=KO)  # beyond where the member has watched
    await h.invoke("pulse", episode=2, public=True, locale=KO)
    # discussion and spoilers
    await h.invoke("discuss", episode=2, locale=KO)
    await h.invoke("discuss", episode=2, locale=KO)
    await h.invoke("spoiler", episode=5, text="이 장면 최고", locale=KO)
    await h.invoke("spoiler", episode=5, text="한 번 더", locale=KO)  # refused: cooldown
    original = h.message_payload("결말 스포", author=h.member(2500, name="leaker"))
    await h.invoke_message_menu("Spoiler-tag this", original, user=staff, locale=KO)
    [token_id] = custom_ids(data(h))
    await h.select(token_id, ["16"], user=staff, locale=KO)
    # watch parties
    await h.invoke("watchparty create", episodes="3-4화", when="금요일 오후 8시", timezone="Asia/Seoul", locale=KO)
    await h.invoke("watchparty create", episodes="3", when="9시", locale=KO)
    await h.invoke("watchparty create", episodes="99", when="내일 21:00", locale=KO)
    await h.invoke("watchparty list", locale=KO)
    await h.invoke("watchparty info", party=1, locale=KO)
    friend = h.member(2600, name="friend")
    await h.click("runon:party:1:going", user=friend, locale=KO)
    await h.click("runon:party:1:maybe", user=h.member(2601, name="maybe"), locale=KO)
    await h.click("runon:party:1:declined", user=h.member(2602, name="no"), locale=KO)
    await h.invoke("watchparty edit", party=1, when="오늘 밤 10시", locale=KO)  # 22:00 KST, an hour from now
    await h.invoke("watchparty edit", party=1, note="간식 지참", user=h.member(2603, name="x"), locale=KO)
    await h.invoke("watchparty remind-me", setting="on", locale=KO)
    await h.invoke("watchparty remind-me", setting="off", locale=KO)
    await h.invoke("watchparty remind-me", setting="on", offsets="30분", user=friend, locale=KO)  # their own DM
    await h.invoke("watchparty remind-me", setting="off", offsets="1시간", locale=KO)  # refused: offsets go with on
    await h.invoke("calendar server", locale=KO)
    await h.invoke("calendar mine", user=friend, locale=KO)
    await h.invoke("calendar mine", locale=KO)  # not going to any
    await h.invoke("calendar server", guild_id=DM, locale=KO)
    await tick_at(h, clock, NOW)  # 1 hour before: the reminder, pinging who is going
    assert any((m.get("content") or "").startswith("⏰ **같이보기 #1** (3-4화)가 <t:") for m in h.channel_messages(600))
    await tick_at(h, clock, NOW + dt.timedelta(minutes=30))  # the friend's own reminder, by DM
    [own] = h.channel_messages(h.dm_channel_id(2600))
    assert own["content"].startswith("⏰ **같이보기 #1** (3-4화)가 <t:")
    assert "직접 정하신 알림" in own["content"]
    await h.invoke("watchparty cancel", party=1, locale=KO)
    # rewatch (staff), with the airing posts it makes
    await h.invoke("rewatch show", locale=KO)
    await h.invoke("rewatch start", from_="다음 주 수요일", user=staff, locale=KO)
    await h.invoke("rewatch show", locale=KO)
    await h.invoke("airing info", locale=KO)
    await h.invoke("rewatch skip-week", user=staff, locale=KO)
    await h.invoke("rewatch pause", user=staff, locale=KO)
    await h.invoke("rewatch resume", user=staff, locale=KO)
    first = (await h.bot.services.rewatch.current(h.guild_id))[1][0].airs_at
    await tick_at(h, clock, first - dt.timedelta(hours=24))
    await tick_at(h, clock, first)  # the airing post, and the episode poll in episode 1's thread
    await h.invoke("pulse", locale=KO)  # the chart, the poll still open
    await h.invoke("pulse", episode=1, locale=KO)
    await h.invoke("airing remind-me", setting="on", offsets="1일, 30분", locale=KO)
    await h.invoke("rewatch stop", user=staff, locale=KO)
    # autocomplete lines
    for command, focused, value, options in [
        ("watchparty create", "when", "금요일 오후 8시", {"timezone": "Asia/Seoul"}),
        ("watchparty create", "when", "9시", {}),
        ("watchparty create", "when", "", {}),
        ("watchparty create", "when", "friday 8pm", {"timezone": "EST"}),
        ("watchparty create", "timezone", "서울", {}),
        ("rewatch start", "from", "다음 주 수요일", {}),
        ("rewatch start", "from", "blorp", {}),
        ("recap", "episode", "1", {}),
        ("cast lookup", "name", "선겸", {}),
        ("progress set", "episode", "", {}),
        ("timezone set", "zone", "뉴욕", {}),
    ]:
        await h.autocomplete(command, focused, value, locale=KO, user=staff, **options)
    # the end: the member deletes their data
    await h.invoke("progress forget", locale=KO)
    await h.click("runon:forget:2000", user=h.member(2001, name="other"), locale=KO)
    await h.click("runon:forget:2000", locale=KO)


async def test_a_korean_member_reads_korean_everywhere(korean_server, staff, clock, catalog):
    h = korean_server
    h.bot.services.language.texts("ko").undecided.clear()  # shared by the process: count this tour's only
    await _every_command(h, staff, clock)
    assert not h.logged_errors, h.logged_errors
    bugs = [e for e in h.errors if describe_error(e, texts("en")) is None]  # a mistake the member can fix is fine
    assert not bugs, bugs
    assert not [text for _, text in traffic(h) if "오류 ID" in text]  # mistakes are answered, nothing crashed
    assert not h.bot.services.language.texts("ko").misses  # every message asked for was in the Korean catalogue
    assert not h.bot.services.language.texts("ko").undecided  # every particle fits the word before it
    assert not [text for _, text in traffic(h) if MARKER.search(text)]  # none is left as 이(가), 을(를), (으)로
    check_korean(h, catalog)


async def test_the_same_tour_in_english_has_no_korean_sentence(h, staff, clock, catalog):
    """English stays complete: the tour in an English server by an English member sends no Korean sentence
    (Hangul only where it is a name: 기선겸, 런 온, 서울...)."""
    await _every_command_in(h, staff, clock, locale="en-US")
    english_pack = "\n".join(p.read_text(encoding="utf-8") for p in PACK.glob("*.toml") if ".ko." not in p.name)
    allowed = set(re.findall(r"[\uac00-\ud7a3]+", english_pack))  # names in the English pack: 기선겸, 런, 우선순위
    korean_words = [
        (where, word, text[:80])
        for where, text in traffic(h)
        for word in re.findall(r"[\uac00-\ud7a3]+", text)
        if word not in allowed
    ]
    assert not korean_words, korean_words[:10]


async def _every_command_in(h, staff, clock, *, locale: str) -> None:
    """The English counterpart of the tour (English inputs)."""
    await h.invoke("episode info", episode=6, locale=locale)
    await h.invoke("recap", episode=3, locale=locale)
    await h.click("runon:recap:3:reveal", locale=locale)
    await h.invoke("cast lookup", name="Ki Seon-gyeom", locale=locale)
    await h.invoke("about", locale=locale)
    await h.invoke("airing info", locale=locale)
    await h.invoke("setup show", user=staff, locale=locale)
    await h.invoke("watchparty create", episodes="3-4", when="friday 8pm", timezone="Asia/Seoul", locale=locale)
    await h.invoke("watchparty list", locale=locale)
    await h.invoke("rewatch start", from_="next wednesday", user=staff, locale=locale)
    await h.invoke("rewatch show", locale=locale)


async def test_private_answers_follow_the_member_public_posts_follow_the_server(h, staff):
    """An English server: a Korean member's private answer is Korean, their shared post English; and the other
    way round in a Korean server."""
    await h.invoke("recap", episode=1, locale=KO)
    private = data(h)
    assert private["flags"] == EPHEMERAL
    assert title_of(private) == "1화 줄거리"
    await h.click("runon:share:recap:1", locale=KO)
    shared = data(h)
    assert "flags" not in shared or not shared["flags"] & EPHEMERAL
    assert shared["components"][0]["content"] == "Shared by <@2000>"
    assert title_of(shared) == "Episode 1 recap"

    await h.invoke("setup language", language="ko", user=staff)
    assert "한국어" in data(h)["content"]  # the staff member's own answer is English, naming the language
    await h.invoke("recap", episode=1, public=True)  # an English member posts publicly: the server's Korean
    assert title_of(data(h)) == "1화 줄거리"
    await h.invoke("recap", episode=1)  # ... and reads privately in English
    assert title_of(data(h)) == "Episode 1 recap"


async def test_the_server_language_defaults_to_its_discord_language_and_setup_overrides_it(h, staff):
    h.set_guild_locale("ko")
    await h.invoke("about", public=True)
    assert data(h)["embeds"][0]["title"] == "런 온 (Run On)"
    await h.invoke("setup language", language="en", user=staff)
    await h.invoke("about", public=True)
    assert data(h)["embeds"][0]["title"] == "Run On (런 온)"
    await h.invoke("setup show", user=staff)
    fields = {f["name"]: f["value"] for f in data(h)["embeds"][0]["fields"]}
    assert fields["Language of public posts"] == "English (chosen with `/setup language`)"
    await h.invoke("setup reset", setting="language", user=staff)
    assert "language of public posts: 한국어: the server's Discord language" in data(h)["content"]
    await h.invoke("about", public=True)
    assert data(h)["embeds"][0]["title"] == "런 온 (Run On)"


async def test_setup_language_is_staff_only(h):
    h.enforce_discord_rules = False
    await h.invoke("setup language", language="ko", locale=KO)
    assert data(h)["content"] == "이 작업을 하려면 서버 관리하기 권한이 필요해요."
    assert (await h.bot.services.guilds.get(h.guild_id)).language is None


async def test_a_korean_server_gets_its_reminders_and_airing_posts_in_korean(korean_server, staff, clock, catalog):
    h = korean_server
    airing = h.add_channel(950, name="방송")
    await h.invoke("setup airing", channel=airing, user=staff)  # an English staff member sets it up
    await h.invoke("rewatch start", from_="2026-11-25", user=staff)
    first = (await h.bot.services.rewatch.current(h.guild_id))[1][0].airs_at
    start = len(h.recorder.calls)
    await tick_at(h, clock, first - dt.timedelta(hours=24))
    await tick_at(h, clock, first)
    posts = h.channel_messages(950)[1:3]  # after the start announcement: 24 hours before, then on now
    assert posts[0]["content"].startswith("⏰ **정주행: 1화**가 <t:")
    assert posts[1]["content"].startswith("📺 **정주행: 1화 시작!** 넷플릭스에서 보세요!")
    check_korean(h, catalog, start)


async def test_a_korean_staff_report(korean_server, staff, clock):
    h = korean_server
    mods = h.add_channel(960, name="mods")
    await h.invoke("setup staff", channel=mods, user=staff)
    await h.invoke("watchparty create", episodes="1", when="2026-12-02 20:30", timezone="Asia/Seoul")
    h.recorder.fail("POST", rf"/channels/{PARTY_CHANNEL}/messages", status=403, code=50013, message="Missing Access")
    await tick_at(h, clock, dt.datetime(2026, 12, 2, 10, 30, tzinfo=dt.UTC))
    [report] = h.channel_messages(960)
    assert report["content"] == (
        "⚠️ <#600>에 같이보기 알림을 올리지 못했어요. 이유: 그 채널에서 봇에게 필요한 권한이 없어요. 그 채널에서 "
        "봇에게 채널 보기, 메시지 보내기 및 게시물 만들기 권한이 있는지 확인해 주세요(`/서버설정 보기`)."
    )


# -- spoilers, in Korean ----------------------------------------------------------------------------


async def test_korean_recap_is_gated_like_the_english_one(h):
    await h.invoke("progress set", episode=6, locale=KO)
    await h.invoke("recap", episode=9, locale=KO)
    gate = data(h)
    assert gate["flags"] == EPHEMERAL
    assert gate["embeds"][0]["title"] == "9화 줄거리"
    assert gate["embeds"][0]["description"].startswith("9화 내용이에요. 6화까지 보신 걸로 되어 있어요.")
    assert "기선겸" not in text_of(gate)  # no plot point of episode 9 leaks before the button
    assert custom_ids(gate) == ["runon:recap:9:reveal", "runon:share:recap:9"]
    assert gate["components"][0]["components"][0]["label"] == "그래도 9화 보기"
    await h.click("runon:recap:9:reveal", locale=KO)
    [(label, body)] = spoiler_blocks(data(h))
    assert label == "**스포일러: 9화**"  # outside the blur
    assert body.startswith("• 기선겸은 서울 밖에서")
    assert all(line.startswith("• ") for line in body.splitlines())
    assert "기선겸은 서울 밖에서" not in visible(data(h))


async def test_korean_public_recap_tags_everything_past_the_line(korean_server, staff):
    h = korean_server
    await h.invoke("setup spoilers", line=1, user=staff)
    await h.invoke("recap", episode=2, public=True)
    [(label, body)] = spoiler_blocks(data(h))
    assert label == "**스포일러: 2화**"
    assert body.startswith("• 기선겸이 배우 최태리와 사귄다는 소문이 퍼져요.")
    await h.invoke("recap", episode=1, public=True)
    assert spoiler_blocks(data(h)) == []
    assert "• 국가대표 단거리 선수 기선겸이" in visible(data(h))  # at the line: plain


async def test_korean_inferred_points_keep_their_marker_inside_the_tag(korean_server):
    h = korean_server
    await h.invoke("recap", episode=6, locale=KO, public=True)
    assert "*대부분 출처가 없어요." in visible(data(h))  # the note about the sources is not a spoiler
    [(_, body)] = spoiler_blocks(data(h))
    assert body.endswith(
        "기선겸도 같은 마음이라고 답하며 회차가 끝나는 것으로 보여요. *(추론, 출처에서 직접 확인되지 않음)*"
    )


async def test_korean_cast_card_locks_later_notes_and_puts_hangul_first(h):
    await h.invoke("progress set", episode=1, locale=KO)
    await h.invoke("cast lookup", name="Im Siwan", locale=KO)
    fields = card_fields(data(h))
    assert fields["title"] == "기선겸 (Ki Seon-gyeom)"
    assert fields["배우"] == "임시완 (Im Si-wan)"
    assert fields["배역 구분"] == "주연"
    assert "🔒 2화: 이야기 노트 1개 (숨김)" in fields["이야기 노트"]
    assert "열애설" not in text_of(data(h))  # episode 2's note is locked, not shown
    assert any("영화제에서 전 남자친구에게" in line for line in fields["이야기 노트"])  # episode 1's note is plain
    assert fields["숨김"].startswith("1화까지 보신 걸로 되어 있어서")


async def test_korean_cast_card_of_someone_without_verified_hangul(h):
    await h.invoke("cast lookup", name="Go Ye-chan", locale=KO)
    fields = card_fields(data(h))
    assert fields["title"] == "Go Ye-chan"  # the fact sheet has no Hangul for her: none is invented
    assert fields["배우"] == "Kim Si-eun (김시은, 한글 표기 미확인)"


async def test_korean_cast_cards_use_the_hangul_korean_press_writes(h):
    """The fact sheet's "Korean names": 권영일 played by 박성준, 서태웅 played by 최재현, 황 교수, 방 코치."""
    for query, title, actor in [
        ("권영일", "권영일 (Kwon Young-il)", "박성준 (Park Sung-joon)"),
        ("Seo Tae-woong", "서태웅 (Seo Tae-woong)", "최재현 (Choi Jae-hyun)"),
        ("황 교수", "황 교수 (Hwang Guk-geon)", None),
        ("Ms. Bang", "방 코치 (Ms. Bang)", None),
    ]:
        await h.invoke("cast lookup", name=query, locale=KO)
        fields = card_fields(data(h))
        assert fields["title"] == title
        if actor:
            assert fields["배우"] == actor
        assert "미확인" not in text_of(data(h))


async def test_korean_spoiler_post_label(korean_server):
    h = korean_server
    await h.invoke("spoiler", episode=16, text="@everyone 결말!")
    post = data(h)
    assert spoiler_blocks(post) == [("**스포일러: 16화** · <@2000> 님이 올림", "@everyone 결말!")]
    assert post["allowed_mentions"] == {"parse": []}


async def test_korean_discussion_thread_is_named_for_its_spoilers(korean_server, staff):
    h = korean_server
    talk = h.add_channel(701, name="talk")
    await h.invoke("setup discussion", channel=talk, user=staff)
    await h.invoke("discuss", episode=5, locale=KO)
    [create] = [c for c in h.recorder.calls if c.method == "POST" and c.path.endswith("/threads")]
    assert create.json["name"] == "5화 토론 — 5화 스포일러 있음"
    thread_id = int(create.result["id"])
    [opening] = h.channel_messages(thread_id)
    assert "`/회차 정보 회차:5`" in opening["content"]
    assert data(h)["content"].startswith(f"5화 토론 스레드를 새로 열었어요: <#{thread_id}>")


async def test_a_korean_forum_gets_korean_episode_tags_and_keeps_english_ones_it_has(korean_server, staff, catalog):
    h = korean_server
    forum = h.add_channel(700, name="episodes", type=15)
    await h.invoke("setup discussion", channel=forum, user=staff)
    h.set_overwrite(700, allow=discord.Permissions(manage_channels=True))
    start = len(h.recorder.calls)
    await h.invoke("discuss", episode=12, locale=KO)  # no tag yet: the bot creates "12화"
    [tag_edit] = [c for c in h.recorder.calls if c.method == "PATCH" and c.path == "/channels/700"]
    assert [t["name"] for t in tag_edit.json["available_tags"]] == ["12화"]
    [post] = [c for c in h.recorder.calls if c.method == "POST" and c.path == "/channels/700/threads"]
    assert post.json["name"] == "12화 토론 — 12화 스포일러 있음"
    check_korean(h, catalog, start)
    # a forum set up when the server spoke English already has "Episode 5": that tag is used, none is added
    [english] = h.set_forum(700, tags=["Episode 5"])
    await h.invoke("discuss", episode=5, locale=KO)
    post = [c for c in h.recorder.calls if c.method == "POST" and c.path == "/channels/700/threads"][-1]
    assert post.json["applied_tags"] == [str(english)]


async def test_a_forum_that_requires_a_tag_is_explained_in_korean(korean_server, staff):
    h = korean_server
    forum = h.add_channel(700, name="episodes", type=15)
    await h.invoke("setup discussion", channel=forum, user=staff)
    h.set_forum(700, require_tag=True, tags=["스포 토론"])  # a tag about discussion, in Korean: used instead
    await h.invoke("discuss", episode=3, locale=KO)
    assert data(h)["content"].endswith(
        '(3화 스포일러가 있어요). "스포 토론" 태그를 붙였어요. 운영진이 "3화" 태그를 만들거나 그 채널에서 봇에게 '
        "채널 관리하기 권한을 줄 수 있어요."
    )
    h.set_forum(700, require_tag=True, tags=[])
    h.set_overwrite(700, deny=discord.Permissions(manage_channels=True))
    await h.invoke("discuss", episode=4, locale=KO)
    assert data(h)["content"] == (
        '<#700> 채널은 모든 게시물에 태그가 필요한데 봇이 태그를 붙일 수 없어요. 운영진에게 "4화" 태그를 만들어 달라고 '
        "하거나, 봇이 만들 수 있게 그 채널에서 채널 관리하기 권한을 달라고 해 주세요."
    )


# -- time and places, in Korean ------------------------------------------------------------------------


async def test_korean_when_is_previewed_in_korean_and_read_the_same_by_the_command(h):
    [choice] = await h.autocomplete("watchparty create", "when", "금요일 오후 8시", timezone="Asia/Seoul", locale=KO)
    assert choice["name"] == "2026년 11월 27일 (금) 20:00 (Asia/Seoul) · 5일 후"  # 5 days 23 hours from Sat 21:00
    h.add_channel(700, name="parties")
    options = {"episodes": "3화", "when": "금요일 오후 8시", "timezone": "Asia/Seoul"}
    options["channel"] = h.bot.get_channel(700)
    await h.invoke("watchparty create", locale=KO, **options)
    friday = int(dt.datetime(2026, 11, 27, 11, tzinfo=dt.UTC).timestamp())
    assert f"<t:{friday}:F>" in data(h)["content"]  # the host's private note, in Korean: the card is in <#700>
    assert data(h)["content"].startswith("같이보기 #1 (3화)를 <t:")


async def test_korean_refusal_is_the_same_in_the_preview_and_the_command(h):
    choice, *answers = await h.autocomplete("watchparty create", "when", "9시", timezone="Asia/Seoul", locale=KO)
    assert choice["name"] == '"9시": 오전인가요, 오후인가요?'
    assert [a["value"] for a in answers] == ["오전 9시", "오후 9시"]  # each answer, as the command's refusal writes it
    await h.invoke("watchparty create", episodes="3", when="9시", timezone="Asia/Seoul", locale=KO)
    assert data(h)["content"].startswith(
        '"9시"는 오전일 수도 오후일 수도 있어요. "오전 9시" 또는 "오후 9시"처럼 적어 주세요.'
    )
    assert not h.channel_messages(PARTY_CHANNEL)


async def test_korean_city_search_in_the_timezone_option(h):
    choices = await h.autocomplete("timezone set", "zone", "서울", locale=KO)
    assert choices[0] == {"name": "서울 (Asia/Seoul)", "value": "Asia/Seoul"}
    choices = await h.autocomplete("timezone set", "zone", "뉴욕", locale=KO)
    assert choices[0] == {"name": "뉴욕 (America/New_York)", "value": "America/New_York"}
    choices = await h.autocomplete("timezone set", "zone", "new york", locale=KO)
    assert choices[0]["value"] == "America/New_York"
    choices = await h.autocomplete("timezone set", "zone", "new york")
    assert choices[0] == {"name": "America/New_York", "value": "America/New_York"}  # English: the IANA name
    await h.invoke("timezone set", zone="런던", locale=KO)
    assert data(h)["content"].startswith("시간대를 **Europe/London**으로 정했어요")


async def test_rewatch_from_reads_korean_weeks_and_slots(h, staff):
    [choice] = await h.autocomplete("rewatch start", "from", "다음 주 수요일", locale=KO, user=staff)
    assert choice["name"] == "2026년 11월 25일 (수): 1화 21:00 (Asia/Seoul)"
    await h.invoke("rewatch start", from_="다음 주 수요일", slots="토요일 오후 8시", user=staff, locale=KO)
    schedule = (await h.bot.services.rewatch.current(h.guild_id))[1]
    assert schedule[0].airs_at == dt.datetime(2026, 11, 28, 11, tzinfo=dt.UTC)  # Sat 20:00 KST after Wed 25 Nov
    await h.invoke("rewatch show", locale=KO)
    assert (
        data(h)["embeds"][0]["footer"]["text"] == "방송 시간: 토요일 20:00 (Asia/Seoul) · 시간은 각자의 시간대로 보여요"
    )


async def test_korean_texts_name_commands_by_their_korean_names(h):
    """A Korean sentence that tells members to run a command names it as their Discord shows it (``/시청기록
    설정``, ``회차:3``), so every reference must be a Korean command path of the localized tree."""
    paths: set[tuple[str, ...]] = set()
    options: set[str] = set()

    def walk(node: dict, prefix: tuple[str, ...]) -> None:
        name = (node.get("name_localizations") or {}).get("ko", node["name"])
        here = (*prefix, name)
        paths.add(here)
        for option in node.get("options", []):
            if option["type"] in (1, 2):
                walk(option, here)
            else:
                options.add((option.get("name_localizations") or {}).get("ko", option["name"]))

    for command in await translated_schema(h.bot):
        walk(command, ())
    reference = re.compile(r"(?:(?<=[`\s])|^)/([\uac00-\ud7a3]+)(?: ([\uac00-\ud7a3]+))?(?: ([\uac00-\ud7a3]+):)?")
    checked = 0
    with tool.po_path("ko").open("rb") as fh:
        korean = read_po(fh, locale="ko")
    for message in korean:
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for text in strings:
            assert not re.search(r"`/[a-z]", text or ""), f"an English command name in {text!r}"
            for first, second, option in reference.findall(text or ""):
                checked += 1
                assert (first,) in paths, f"/{first} in {text!r}"
                if second and (first, second) not in paths:
                    assert second in options or (first, second) in paths, f"/{first} {second} in {text!r}"
                if option:
                    assert option in options, f"{option}: in {text!r}"
    assert checked >= 20


def test_now_is_the_conftest_clock():
    assert dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC) == NOW  # Saturday 21:00 in Seoul, the tables' reference


# -- fans' features, in Korean -----------------------------------------------------------------------


async def test_a_korean_members_calendar_is_korean_inside_too(h, staff):
    """The .ics itself (titles, descriptions, alarms) is in the member's language, with the same exact instants."""
    await h.invoke("rewatch start", from_="2026-11-25", user=staff)
    await h.invoke("watchparty create", episodes="3-4", when="2026-12-02 20:30", timezone="Asia/Seoul")
    await h.invoke("watchparty remind-me", setting="on", offsets="1일, 30분", locale=KO)
    h.recorder.clear()
    await h.invoke("calendar server", locale=KO)
    assert data(h)["content"].startswith("다가오는 회차 16개, 같이보기 1개.")
    episode = _calendar_events(h)[f"runon-{h.guild_id}-episode-1@runon-bot"]
    assert str(episode["summary"]) == "런 온 정주행: 1화"
    await h.invoke("calendar mine", locale=KO)
    assert data(h)["content"].startswith("참석하는 같이보기 1개예요.")
    party = _calendar_events(h)["runon-party-1@runon-bot"]
    assert str(party["summary"]) == "런 온 같이보기 #1: 3-4화"
    assert party.decoded("dtstart") == dt.datetime(2026, 12, 2, 11, 30, tzinfo=dt.UTC)
    description = str(party["description"])
    assert "응답: 참석 (참석 1명)" in description
    assert "알림: 직접 정하신 시점, 1일, 30분 전." in description
    assert {str(a["description"]) for a in party.walk("VALARM")} == {"곧 시작해요: 런 온 같이보기 #1: 3-4화"}


def _calendar_events(h) -> dict[str, Any]:
    import icalendar

    [call] = [c for c in h.recorder.calls if c.blobs]
    [blob] = call.blobs.values()
    h.recorder.clear()
    return {str(e["uid"]): e for e in icalendar.Calendar.from_ical(blob).walk("VEVENT")}


def test_the_korean_chart_is_drawn_with_a_font_that_has_its_letters():
    """Pillow's own font has no Hangul: the Korean chart names the shipped font, which has every letter it draws
    (``python -m bot.devtools.locale check`` says so too); English keeps Pillow's own font."""
    from pathlib import Path

    from cogs.pulse import chart_text

    words = chart_text(texts(KO))
    assert HANGUL.search(words.title)
    assert words.font is not None
    assert Path(words.font).is_file()
    assert tool.missing_letters(KO) == []
    assert chart_text(texts("en")).font is None


async def test_the_korean_ratings_chart_is_described_in_korean(korean_server, clock):
    h = korean_server
    await h.bot.services.pulse.record(h.guild_id, 1, 777, 888, clock.now)
    await h.invoke("progress set", episode=2, locale=KO)
    h.recorder.clear()
    await h.invoke("pulse", locale=KO)
    [attachment] = data(h)["attachments"]
    assert attachment["description"].startswith("런 온 1화부터 2화까지 이 서버의 평균 별점")
    assert data(h)["content"] == (
        "이 서버가 매긴 1-2화 평점이에요 (보신 회차까지). 회차별 결과를 글로 보려면 `/평점 회차:`를 써 보세요."
    )


# -- names in Hangul, commands a Korean fan would guess ----------------------------------------------------------

#: The Hangul the fact sheet's "Korean names" gives (and the titles and surnames it allows), as Korean answers show
#: them; and the romanizations those replace, which Korean text keeps only inside parentheses.
SHEET_HANGUL = [
    "권영일", "박성준", "서태웅", "최재현", "서명 그룹", "김우식", "이정하", "이재훈", "박시현", "황 교수", "방 코치",
    "태양의 후예", "김과장", "오늘의 탐정", "넷플릭스", "화구통",
]  # fmt: skip
ROMANIZED = [
    "Kwon Young-il", "Park Sung-joon", "Seo Tae-woong", "Choi Jae-hyun", "Seomyung", "Kim Woo-sik", "Lee Jung-ha",
    "Lee Jae-hoon", "Park Si-hyun", "Hwang Guk-geon", "Ms. Bang", "Descendants of the Sun", "Good Manager",
    "The Ghost Detective", "Netflix",
]  # fmt: skip


async def test_korean_answers_write_the_names_korean_press_writes(korean_server, staff, catalog):
    """A Korean fan reads 권영일 played by 박성준, 서태웅 played by 최재현, 서명 그룹, 황 교수, 방 코치, 넷플릭스...
    and a romanization only in parentheses after the Hangul (서태웅 (Seo Tae-woong)); Go Ye-chan, whose Hangul the sheet
    does not give, stays romanized with her actor's spelling marked unverified."""
    h = korean_server
    await h.invoke("progress set", episode=16, locale=KO)
    for episode in (1, 5, 7, 11):
        await h.invoke("recap", episode=episode, locale=KO)
    for name in ("권영일", "Seo Tae-woong", "김우식", "서단아", "황 교수", "방 코치", "Go Ye-chan"):
        await h.invoke("cast lookup", name=name, locale=KO)
    await h.invoke("cast list", locale=KO)
    await h.invoke("about", locale=KO)
    await h.invoke("airing info", locale=KO)
    await h.invoke("episode info", episode=1, locale=KO)
    sent = [text for _, text in traffic(h)]
    everything = "\n".join(sent)
    missing = [name for name in SHEET_HANGUL if name not in everything]
    assert not missing, missing
    for text in sent:
        if text.removeprefix("-# ").startswith(
            "다른 표기:"
        ):  # the card's footer lists the spellings members may search for
            continue
        outside = re.sub(r"\([^()]*\)", " ", text)
        left = [name for name in ROMANIZED if name in outside]
        assert not left, (left, text)
    assert "Go Ye-chan" in everything
    assert "Kim Si-eun (김시은, 한글 표기 미확인)" in everything
    check_korean(h, catalog)


async def test_renamed_korean_commands_are_synced_and_the_english_names_still_answer(h, staff):
    """Discord shows Korean members the Korean names (/정주행, /캘린더 참석일정, /시청기록 삭제, 번호:, 마지막회차:);
    the interaction still carries the canonical English name, so the command answers under both."""
    await h.bot.tree.set_translator(CatalogueTranslator())
    await h.bot.tree.sync()
    [call] = [c for c in h.recorder.calls if c.method == "PUT"]

    def korean(node: dict) -> str:
        return (node.get("name_localizations") or {}).get("ko", "")

    def child(node: dict, name: str) -> dict:
        return next(o for o in node["options"] if o["name"] == name)

    tree = {c["name"]: c for c in call.json}
    renamed = {
        "rewatch": korean(tree["rewatch"]),
        "calendar mine": korean(child(tree["calendar"], "mine")),
        "progress forget": korean(child(tree["progress"], "forget")),
        "setup reminders": korean(child(tree["setup"], "reminders")),
        "watchparty info party:": korean(child(child(tree["watchparty"], "info"), "party")),
        "catchup to:": korean(child(tree["catchup"], "to")),
    }
    assert renamed == {
        "rewatch": "정주행",
        "calendar mine": "참석일정",
        "progress forget": "삭제",
        "setup reminders": "같이보기알림",
        "watchparty info party:": "번호",
        "catchup to:": "마지막회차",
    }
    every_korean_name = json.dumps(call.json, ensure_ascii=False)
    for old in ('"다시보기"', '"내일정"', '"기록삭제"', '"파티알림"', '"파티"', '"까지"'):
        assert old not in every_korean_name, old
    # the canonical names answer, in Korean for a Korean member
    await h.invoke("rewatch show", locale=KO)
    assert data(h)["content"] == "이 서버에는 진행 중인 정주행이 없어요. 운영진이 `/정주행 시작`으로 시작할 수 있어요."
    await h.invoke("calendar mine", locale=KO)
    assert data(h)["content"].startswith("참석하기로 한 다가오는 같이보기가 없어요.")
    await h.invoke("catchup", to=2, guild_id=DM, locale=KO)
    assert data(h)["embeds"][0]["title"] == "따라잡기: 1-2화"
    await h.invoke("progress forget", locale=KO)
    assert data(h)["content"] == "시청 기록과 봇에 저장된 다른 정보를 모두 삭제해요. 정말 삭제하시겠어요?"
    await h.invoke("rewatch show")
    assert data(h)["content"].startswith("This server has no rewatch.")


async def test_the_korean_units_the_texts_suggest_are_accepted(h, staff):
    """Option descriptions and hints suggest ``1일, 30분``, ``수 21:00`` and ``수목 드라마`` slots: what a Korean fan
    writes from them is read, through the commands, with the meaning they have."""
    await h.invoke("setup airing", channel=h.add_channel(950, name="airing"), user=staff, locale=KO)
    await h.invoke("airing remind-me", setting="on", offsets="1일 2시간", locale=KO)
    answer = data(h)["content"]
    assert "방송 26시간 전에 DM을" in answer, answer  # one time: a day and two hours
    await h.invoke("airing remind-me", setting="on", offsets="1일, 30분", locale=KO)
    answer = data(h)["content"]
    assert "방송 1일, 30분 전에 DM을" in answer, answer
    await h.invoke("setup reminders", before="1시간, 10분", user=staff, locale=KO)
    assert data(h)["content"].startswith("같이보기 알림: "), data(h)["content"]
    await h.invoke("rewatch start", from_="다음 주 수요일", slots="수 밤 9시", user=staff, locale=KO)
    schedule = (await h.bot.services.rewatch.current(h.guild_id))[1]
    assert [s.airs_at for s in schedule[:2]] == [
        dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC),  # Wed 25 Nov 21:00 KST
        dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC),  # a week later: one slot a week
    ]
    await h.invoke("rewatch stop", user=staff, locale=KO)
    await h.invoke("rewatch start", from_="다음 주 수요일", slots="수목 21:00", user=staff, locale=KO)
    schedule = (await h.bot.services.rewatch.current(h.guild_id))[1]
    assert [s.airs_at for s in schedule[:3]] == [
        dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC),  # Wed
        dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC),  # Thu
        dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC),  # the next Wed
    ]
    await h.invoke("rewatch show", locale=KO)
    footer = data(h)["embeds"][0]["footer"]["text"]
    assert footer.startswith("방송 시간: 수요일 21:00, 목요일 21:00 (Asia/Seoul)"), footer


async def test_every_dm_kind_to_a_korean_member_of_an_english_server_is_korean(h, staff, clock):
    """What the bot writes to one member on its own, each kind: a watch party's DM copy and the member's own party
    reminder, an airing post's DM copy and the member's own airing reminder. In an English server, a fan whose last
    interaction was Korean reads all of them in Korean (no English sentence); the channel posts stay English."""
    fan, other = h.member(3101, name="korean-fan"), h.member(3102, name="copies-fan")
    await h.invoke("setup airing", channel=h.add_channel(950, name="airing"), user=staff)
    await h.invoke("rewatch start", from_="2026-11-25", user=staff)
    await h.invoke("watchparty create", episodes="3-4", when="2026-11-24 20:30", timezone="Asia/Seoul")
    for member in (fan, other):
        await h.click("runon:party:1:going", user=member, locale=KO)
    await h.invoke("watchparty remind-me", setting="on", offsets="2시간", user=fan, locale=KO)
    await h.invoke("watchparty remind-me", setting="on", user=other, locale=KO)
    await h.invoke("airing remind-me", setting="on", offsets="3시간", user=fan, locale=KO)
    await h.invoke("airing remind-me", setting="on", user=other, locale=KO)
    party = dt.datetime(2026, 11, 24, 11, 30, tzinfo=dt.UTC)
    first = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
    for moment in (party - dt.timedelta(hours=2), party - dt.timedelta(hours=1), party, first - dt.timedelta(hours=24),
                   first - dt.timedelta(hours=3), first):  # fmt: skip
        await tick_at(h, clock, moment)
    own = [m.get("content") or "" for m in h.channel_messages(h.dm_channel_id(3101))]
    copies = [m.get("content") or "" for m in h.channel_messages(h.dm_channel_id(3102))]
    assert any("같이보기 #1" in d and "직접 정하신 알림" in d for d in own), own
    assert any("정주행: 1화" in d and "직접 정하신 알림" in d for d in own), own
    assert any("같이보기 #1" in d and "같이보기 채널" in d for d in copies), copies
    assert any("정주행: 1화" in d for d in copies), copies
    phrases = _allowed_phrases(h.bot.services.catalog)
    english = [d for d in own + copies if stray_latin(d, phrases)]
    assert not english, english
    posts = [m.get("content") or "" for m in h.channel_messages(950)]
    assert any("Rewatch: episode 1" in p for p in posts), posts  # the server's own posts stay in its language
