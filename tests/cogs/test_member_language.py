"""What the bot writes to one member outside an interaction (their own reminder DMs, DM copies of the server's
reminders and airing posts) is in the language of that member's last interaction, in any server's language;
``/progress forget`` deletes the remembered language with the rest."""

import datetime as dt
from zoneinfo import ZoneInfo

import discord
import pytest

from bot.store import members
from tests.conftest import both_backends

from .conftest import tick_at

backend = both_backends()  # also on PostgreSQL

KST = ZoneInfo("Asia/Seoul")
START = dt.datetime(2026, 12, 2, 20, 30, tzinfo=KST).astimezone(dt.UTC)
FIRST = dt.datetime(2026, 11, 25, 21, tzinfo=KST).astimezone(dt.UTC)
STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)
KOREAN, ENGLISH = 3001, 3002


def _dm(h, user_id: int) -> list[str]:
    return [m.get("content") or "" for m in h.channel_messages(h.dm_channel_id(user_id))]


async def _remembered(h, user_id: int) -> str | None:
    async with h.db.read() as conn:
        return await members.language(conn, user_id)


@pytest.fixture
def fans(h):
    return h.member(KOREAN, name="korean-fan"), h.member(ENGLISH, name="english-fan")


async def _party_with(h, fans) -> None:
    """An English server's watch party; the Korean fan answers and asks for DMs in Korean, the other in English."""
    korean, english = fans
    await h.invoke("watchparty create", episodes="3-4", when="2026-12-02 20:30", timezone="Asia/Seoul")
    await h.click("runon:party:1:going", user=korean, locale="ko")
    await h.click("runon:party:1:going", user=english)


async def test_a_dm_to_a_member_whose_last_interaction_was_korean_is_korean(h, clock, fans):
    korean, english = fans
    await _party_with(h, fans)
    await h.invoke("watchparty remind-me", setting="on", offsets="2h", user=korean, locale="ko")
    await h.invoke("watchparty remind-me", setting="on", offsets="2h", user=english)
    await tick_at(h, clock, START - dt.timedelta(hours=2))
    [own] = _dm(h, KOREAN)
    assert own.startswith("⏰ **같이보기 #1** (3-4화)가 <t:")
    assert "직접 정하신 알림" in own
    [theirs] = _dm(h, ENGLISH)
    assert theirs.startswith("⏰ **Watch party #1** (episodes 3-4) starts <t:")


async def test_dm_copies_go_out_in_each_members_language(h, clock, fans):
    """One reminder, posted in the server's English; each copy in its reader's language."""
    korean, english = fans
    await _party_with(h, fans)
    await h.invoke("watchparty remind-me", setting="on", user=korean, locale="ko")
    await h.invoke("watchparty remind-me", setting="on", user=english)
    await tick_at(h, clock, START - dt.timedelta(hours=1))
    [post] = [m for m in h.channel_messages(600) if (m.get("content") or "").startswith("⏰")]
    assert post["content"].startswith("⏰ **Watch party #1**")
    [copy] = _dm(h, KOREAN)
    assert copy.startswith("⏰ **같이보기 #1** (3-4화)가 <t:")
    assert copy.endswith("(서버의 같이보기 채널 <#600>에서 보낸 알림이에요.)")
    [other] = _dm(h, ENGLISH)
    assert other.startswith("⏰ **Watch party #1** (episodes 3-4) starts <t:")
    assert "(From the server's watch-party channel <#600>.)" in other


async def test_the_last_interaction_decides(h, clock, fans):
    """A member who switched their Discord to English gets English from then on."""
    korean, _ = fans
    await _party_with(h, fans)
    await h.invoke("watchparty remind-me", setting="on", user=korean, locale="ko")
    assert await _remembered(h, KOREAN) == "ko"
    await h.invoke("progress show", user=korean, locale="en-GB")
    assert await _remembered(h, KOREAN) == "en-GB"
    await tick_at(h, clock, START - dt.timedelta(hours=1))
    [copy] = _dm(h, KOREAN)
    assert copy.startswith("⏰ **Watch party #1** (episodes 3-4) starts <t:")


async def test_airing_copies_follow_each_subscriber(h, clock, fans):
    korean, english = fans
    staff = h.member(4000, name="mod", permissions=STAFF)
    await h.invoke("setup airing", user=staff, channel=h.add_channel(950, name="airing"))
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    await h.invoke("airing remind-me", setting="on", user=korean, locale="ko")
    await h.invoke("airing remind-me", setting="on", user=english)
    await tick_at(h, clock, FIRST - dt.timedelta(hours=24))
    await tick_at(h, clock, FIRST)
    posts = [m.get("content") or "" for m in h.channel_messages(950)]
    assert any("⏰ **Rewatch: episode 1** airs" in p for p in posts)
    assert any("📺 **Rewatch: episode 1 is on now**" in p for p in posts)  # the server's posts stay English
    korean_dms, english_dms = _dm(h, KOREAN), _dm(h, ENGLISH)
    assert any(d.startswith("⏰ **정주행: 1화**가 <t:") for d in korean_dms)
    assert any(d.startswith("📺 **정주행: 1화 시작!**") for d in korean_dms)
    assert not [d for d in korean_dms if "Rewatch" in d]
    assert any(d.startswith("⏰ **Rewatch: episode 1** airs") for d in english_dms)
    assert any(d.startswith("📺 **Rewatch: episode 1 is on now**") for d in english_dms)
    assert not [d for d in english_dms if "정주행" in d]


async def test_a_member_never_seen_gets_the_servers_language(h, clock, fans):
    """No interaction remembered (a member from before the bot remembered languages): the server's language."""
    korean, english = fans
    await h.invoke("setup language", language="ko", user=h.member(4000, name="mod", permissions=STAFF))
    await _party_with(h, fans)
    await h.invoke("watchparty remind-me", setting="on", user=korean, locale="ko")
    await h.invoke("watchparty remind-me", setting="on", user=english)
    async with h.db.transaction() as tx:  # as if remembered before this version
        await tx.conn.execute("UPDATE member_settings SET language = NULL")
    h.bot.services.language._remembered.clear()
    await tick_at(h, clock, START - dt.timedelta(hours=1))
    [copy] = _dm(h, KOREAN)
    assert copy.startswith("⏰ **같이보기 #1** (3-4화)가 <t:")
    [other] = _dm(h, ENGLISH)
    assert other.startswith("⏰ **같이보기 #1**")  # the English fan, not remembered either: the server's Korean


async def test_progress_forget_deletes_the_remembered_language(h, clock, fans):
    korean, _ = fans
    await h.invoke("progress set", episode=2, user=korean, locale="ko")
    assert await _remembered(h, KOREAN) == "ko"
    await h.invoke("progress forget", user=korean, locale="ko")
    await h.click(f"runon:forget:{KOREAN}", user=korean, locale="ko")
    assert await _remembered(h, KOREAN) is None  # the confirming click itself did not write it back
    async with h.db.read() as conn:
        assert (await members.get(conn, KOREAN)).timezone is None
    await h.invoke("progress show", user=korean, locale="ko")  # a new interaction is remembered again
    assert await _remembered(h, KOREAN) == "ko"


async def test_many_first_interactions_at_once_remember_each_members_language_with_a_read_and_a_write_each(h, clock):
    """A start-up in many servers: each member's first interactions arrive together. Every member's language is
    remembered (and a member already remembered in it costs no write), from one read for all and one write each,
    not a read and a write per interaction."""
    import asyncio

    language = h.bot.services.language
    async with h.db.transaction() as tx:
        await members.set_language(tx.conn, 4000, "ko", 1)  # remembered before the restart
    users = [4000 + n for n in range(10)]
    sent: list[str] = []
    h.db.statement_hooks.append(sent.append)
    locale = {user: "ko" if user % 2 == 0 else "en-US" for user in users}
    await asyncio.gather(
        *(language.remember(user, locale[user], 9_000 + i * 10 + user, clock()) for i in range(5) for user in users)
    )
    h.db.statement_hooks.remove(sent.append)
    for user in users:
        assert await _remembered(h, user) == locale[user]
    reads = [sql for sql in sent if sql.lstrip().upper().startswith("SELECT") and "member_settings" in sql]
    writes = [sql for sql in sent if "member_settings" in sql and not sql.lstrip().upper().startswith("SELECT")]
    assert len(reads) <= 2  # the first member's read, then one for every member who came meanwhile
    assert len(writes) == len(users) - 1  # member 4000 was remembered in Korean already
