"""The spoiler window through the real tree, the reminder loop and the stand-in's AutoMod: one keyword rule opened at
an episode's slot, moved on at the next one, deleted when the window ends; reused after a restart (found by name
and creator); a server at Discord's 6 keyword rules and a bot without Manage Server reported to staff once; turned
on and off while a window is open; staff's words and exempt channels; English and Korean."""

import datetime as dt
from zoneinfo import ZoneInfo

import discord
import pytest

from bot.app import App
from bot.client import RunOnBot
from bot.services.spoiler_window import RULE_NAME
from bot.standin import DEFAULT_APP_PERMISSIONS, close, start
from tests.conftest import both_backends, reopen_database

from .conftest import EPHEMERAL, UNPACED, data, text_of, tick_at

backend = both_backends()  # also on PostgreSQL

KST = ZoneInfo("Asia/Seoul")
STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)
FIRST = dt.datetime(2026, 11, 25, 21, tzinfo=KST).astimezone(dt.UTC)  # episode 1 of the rewatch (Wed)
SECOND = FIRST + dt.timedelta(days=1)  # episode 2 (Thu)
DISCUSSION, STAFF_CHANNEL, MEMES = 701, 900, 702
WITH_MANAGE_SERVER = discord.Permissions(DEFAULT_APP_PERMISSIONS.value | discord.Permissions(manage_guild=True).value)


@pytest.fixture
def staff(h):
    return h.member(4000, name="mod", permissions=STAFF)


async def _server(h, staff, *, manage_server=True, window=True):
    if manage_server:
        h.set_bot_permissions(WITH_MANAGE_SERVER)
    await h.invoke("setup discussion", user=staff, channel=h.add_channel(DISCUSSION, name="episode-talk"))
    await h.invoke("setup staff", user=staff, channel=h.add_channel(STAFF_CHANNEL, name="staff"))
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    if window:
        await h.invoke("setup spoiler-window", user=staff, setting="on")


def _rules(h):
    return h.discord.automod.of(h.guild_id)


def _automod_calls(h, method=None):
    return [
        c
        for c in h.recorder.calls
        if "/auto-moderation/rules" in c.path and (method is None or c.method == method) and c.status == 200
    ]


def _staff_reports(h):
    return [c.json["content"] for c in h.recorder.calls if c.path == f"/channels/{STAFF_CHANNEL}/messages"]


def _thread_of(h, episode):
    return next(
        int(c["id"]) for c in h.discord.channels.values() if c.get("parent_id") == str(DISCUSSION) and c["name"]
        and str(episode) in c["name"]
    )  # fmt: skip


def _message(rule):
    [action] = rule["actions"]
    assert action["type"] == 1  # block the message
    return action["metadata"]["custom_message"]


async def test_the_window_opens_moves_on_and_closes_with_one_rule(h, staff, clock):
    await _server(h, staff)
    sender = h.bot.services.sender
    await tick_at(h, clock, FIRST - dt.timedelta(hours=1))
    assert _rules(h) == []  # nothing aired yet: no rule
    h.recorder.clear()
    before = sender.stats.submitted

    await tick_at(h, clock, FIRST)
    [rule] = _rules(h)
    assert rule["name"] == RULE_NAME
    assert rule["creator_id"] == str(h.bot.user.id)
    assert rule["trigger_type"] == 1
    assert rule["enabled"] is True
    words = rule["trigger_metadata"]["keyword_filter"]
    assert "gun-shaped lighter" in words
    assert "총 모양 라이터" in words
    assert "Choi Tae-ri rumour" not in words  # episode 2's words wait for episode 2
    thread = _thread_of(h, 1)
    assert set(rule["exempt_channels"]) == {str(thread), str(DISCUSSION)}
    assert _message(rule) == "Episode 1 just aired: please keep its spoilers to its discussion thread for now."
    # every AutoMod request went through the paced sender
    assert sender.stats.submitted - before == len(_automod_calls(h)) >= 2

    h.recorder.clear()
    await tick_at(h, clock, SECOND)  # episode 1's window closes and episode 2's opens at the same moment
    [moved] = _rules(h)
    assert moved["id"] == rule["id"]  # updated, not duplicated
    assert _automod_calls(h, "POST") == []
    assert _automod_calls(h, "DELETE") == []
    assert "Choi Tae-ri rumour" in moved["trigger_metadata"]["keyword_filter"]
    assert "gun-shaped lighter" not in moved["trigger_metadata"]["keyword_filter"]
    assert str(_thread_of(h, 2)) in moved["exempt_channels"]
    assert _message(moved).startswith("Episode 2 just aired")

    await tick_at(h, clock, SECOND + dt.timedelta(hours=24))
    assert _rules(h) == []  # the window ended: the rule is gone
    await h.invoke("setup show", user=staff)
    shown = text_of(data(h))
    assert "on: for 24 hours from each episode's slot" in shown
    assert "Now blocking" not in shown


async def test_a_restart_in_the_middle_finds_and_reuses_its_own_rule(h, staff, clock, catalog, backend, tmp_path):
    await _server(h, staff)
    await tick_at(h, clock, FIRST)
    [rule] = _rules(h)
    # A moderator's own rule with the same name is not the bot's: it is left alone.
    theirs = h.discord.automod.create(
        h.guild_id,
        {"name": RULE_NAME, "trigger_type": 1, "trigger_metadata": {"keyword_filter": ["foo"]}, "actions": []},
        creator_id=4000,
    )
    discord_side = h.discord
    await close(h)
    db = await reopen_database(backend, tmp_path)
    async with db.transaction() as tx:  # the worst case: the rule was made but its id never recorded
        await tx.conn.execute("UPDATE spoiler_windows SET rule_id = NULL, episode = NULL")
    h2 = await start(RunOnBot(App(catalog, db, clock, sender=UNPACED)), state=discord_side)
    try:
        h2.set_bot_permissions(WITH_MANAGE_SERVER)
        await tick_at(h2, clock, SECOND)
        rules = _rules(h2)
        assert [r["id"] for r in rules] == [rule["id"], theirs["id"]]  # still one rule of the bot's, the same one
        assert "Choi Tae-ri rumour" in rules[0]["trigger_metadata"]["keyword_filter"]
        assert rules[1]["trigger_metadata"]["keyword_filter"] == ["foo"]
        await tick_at(h2, clock, SECOND + dt.timedelta(hours=24))
        assert [r["id"] for r in _rules(h2)] == [theirs["id"]]
    finally:
        await close(h2)
        await db.close()


async def test_two_rules_of_the_bots_own_become_one(h, staff, clock):
    """Two processes that created a rule at the same moment: the next change keeps the older and deletes the other."""
    await _server(h, staff)
    await tick_at(h, clock, FIRST)
    [rule] = _rules(h)
    body = {"name": RULE_NAME, "trigger_type": 1, "trigger_metadata": {"keyword_filter": ["x"]}, "actions": []}
    h.discord.automod.create(h.guild_id, body, creator_id=h.bot.user.id)
    await tick_at(h, clock, SECOND)
    assert [r["id"] for r in _rules(h)] == [rule["id"]]


async def test_a_server_at_the_six_rule_limit_gets_one_clear_staff_report(h, staff, clock):
    await _server(h, staff)
    for n in range(6):
        h.discord.automod.create(
            h.guild_id,
            {"name": f"mods {n}", "trigger_type": 1, "trigger_metadata": {"keyword_filter": [f"w{n}"]}, "actions": []},
            creator_id=4000,
        )
    h.recorder.clear()
    await tick_at(h, clock, FIRST)
    assert len(_rules(h)) == 6
    assert _automod_calls(h, "POST") == []
    [report] = _staff_reports(h)
    assert "spoiler window for episode 1 isn't working" in report
    assert "maximum of 6 keyword rules" in report
    await h.invoke("setup spoiler-words", user=staff, episode=1, add="lighter scene")  # a change: tried again
    await tick_at(h, clock, FIRST + dt.timedelta(hours=1))
    assert len(_staff_reports(h)) == 1  # reported once
    await h.invoke("setup show", user=staff)
    assert "maximum of 6 keyword rules" in text_of(data(h))
    # staff free a place: the next change creates the rule, and a later problem would be reported again
    h.discord.automod.delete(h.guild_id, int(_rules(h)[0]["id"]))
    await h.invoke("setup spoiler-window", user=staff, hours=48)
    await tick_at(h, clock, FIRST + dt.timedelta(hours=2))
    assert sum(r["name"] == RULE_NAME for r in _rules(h)) == 1
    await h.invoke("setup show", user=staff)
    assert "Now blocking episode 1's spoiler words." in text_of(data(h))


async def test_without_manage_server_staff_hear_it_and_setup_says_so(h, staff, clock):
    await _server(h, staff, manage_server=False)
    answer = data(h)["content"]
    assert "I need the Manage Server permission (server-wide)" in answer
    await tick_at(h, clock, FIRST)
    assert _rules(h) == []
    [report] = _staff_reports(h)
    assert "I need the Manage Server permission to keep its AutoMod rule" in report
    await h.invoke("setup show", user=staff)
    assert "I need the Manage Server permission (server-wide)" in text_of(data(h))
    h.set_bot_permissions(WITH_MANAGE_SERVER)  # staff fix it: the next slot works
    await tick_at(h, clock, SECOND)
    assert len(_rules(h)) == 1


async def test_turning_it_on_while_a_window_is_open_creates_the_rule_at_once_and_off_deletes_it(h, staff, clock):
    await _server(h, staff, window=False)
    await tick_at(h, clock, FIRST)
    assert _rules(h) == []  # off: nothing
    clock.now = FIRST + dt.timedelta(hours=3)
    await h.invoke("setup spoiler-window", user=staff, setting="on", exempt=h.add_channel(MEMES, name="memes"))
    assert data(h)["flags"] & EPHEMERAL
    await tick_at(h, clock, clock.now)
    assert f"<#{MEMES}> is now exempt." in data(h)["content"]
    [rule] = _rules(h)
    assert str(MEMES) in rule["exempt_channels"]
    await h.invoke("setup spoiler-window", user=staff, exempt=h.discord.channels[MEMES])  # again: taken back
    assert f"<#{MEMES}> is no longer exempt." in data(h)["content"]
    await tick_at(h, clock, clock.now)
    assert str(MEMES) not in _rules(h)[0]["exempt_channels"]
    await h.invoke("setup spoiler-window", user=staff, hours=2)  # shorter: this window is already over
    await tick_at(h, clock, clock.now)
    assert _rules(h) == []
    await h.invoke("setup spoiler-window", user=staff, hours=24)
    await tick_at(h, clock, clock.now)
    assert len(_rules(h)) == 1
    await h.invoke("setup spoiler-window", user=staff, setting="off")
    assert "off." in data(h)["content"]
    await tick_at(h, clock, clock.now)
    assert _rules(h) == []
    await tick_at(h, clock, SECOND)  # off: the next slot opens nothing
    assert _rules(h) == []


async def test_staff_words_join_the_rule_and_bad_words_are_refused(h, staff, clock):
    await _server(h, staff)
    await tick_at(h, clock, FIRST)
    await h.invoke("setup spoiler-words", user=staff, episode=1, add="Queen of Cannes cameo, lighter gun")
    content = data(h)["content"]
    assert "||gun-shaped lighter||" in content
    assert "||lighter gun||" in content
    await tick_at(h, clock, FIRST + dt.timedelta(minutes=1))
    [rule] = _rules(h)
    assert {"Queen of Cannes cameo", "lighter gun"} <= set(rule["trigger_metadata"]["keyword_filter"])
    await h.invoke("setup spoiler-words", user=staff, episode=1, remove="lighter gun, never added")
    assert "Not in your list, so not removed: ||never added||" in data(h)["content"]
    await tick_at(h, clock, FIRST + dt.timedelta(minutes=2))
    assert "lighter gun" not in _rules(h)[0]["trigger_metadata"]["keyword_filter"]
    for bad in ("x" * 61, "spoil*", "a"):
        await h.invoke("setup spoiler-words", user=staff, episode=1, add=bad)
        answer = data(h)
        assert answer["flags"] & EPHEMERAL
        assert "can't be a spoiler word: use 2 to 60 characters, whole words, without `*`." in answer["content"]


async def test_members_without_manage_server_cannot_change_the_window(h, staff, clock):
    await _server(h, staff)
    member = h.member(5000, name="fan")
    h.enforce_discord_rules = False  # an admin overrode Discord's default permissions: the bot still refuses
    for command, options in (
        ("setup spoiler-window", {"setting": "off"}),
        ("setup spoiler-words", {"episode": 1, "add": "mine"}),
    ):
        await h.invoke(command, user=member, **options)
        assert data(h)["content"] == "You need the Manage Server permission to do that."
        assert data(h)["flags"] & EPHEMERAL
    assert (await h.bot.services.spoiler_window.words(h.guild_id, 1))[1] == ()
    assert (await h.bot.services.spoiler_window.get(h.guild_id)).on


async def test_korean_server_block_message_and_korean_answers(h, staff, clock):
    await _server(h, staff)
    await h.invoke("setup language", user=staff, language="ko")
    await tick_at(h, clock, FIRST)
    [rule] = _rules(h)
    message = _message(rule)
    assert "1화" in message
    assert len(message) <= 150
    await h.invoke("setup spoiler-window", user=staff, hours=30, locale="ko")
    assert "30시간" in data(h)["content"]
    await h.invoke("setup spoiler-words", user=staff, episode=1, locale="ko")
    assert "||총 모양 라이터||" in data(h)["content"]


async def test_without_a_rewatch_the_window_follows_the_broadcast(future_h, future_catalog, clock):
    h = future_h
    staff = h.member(4000, name="mod", permissions=STAFF)
    h.set_bot_permissions(WITH_MANAGE_SERVER)
    await h.invoke("setup discussion", user=staff, channel=h.add_channel(DISCUSSION, name="episode-talk"))
    await h.invoke("setup spoiler-window", user=staff, setting="on", hours=3)
    first, second = future_catalog.episode(1).airs_at, future_catalog.episode(2).airs_at
    await tick_at(h, clock, first - dt.timedelta(minutes=1))
    assert _rules(h) == []
    await tick_at(h, clock, first)
    [rule] = _rules(h)
    assert _message(rule).startswith("Episode 1 just aired")
    await tick_at(h, clock, first + dt.timedelta(hours=3))  # a 3-hour window
    assert _rules(h) == []
    await tick_at(h, clock, second)
    assert _message(_rules(h)[0]).startswith("Episode 2 just aired")


async def test_a_paused_rewatch_opens_no_new_window(h, staff, clock):
    await _server(h, staff)
    await tick_at(h, clock, FIRST)
    clock.now = FIRST + dt.timedelta(hours=1)
    await h.invoke("rewatch pause", user=staff)
    await tick_at(h, clock, clock.now)
    assert len(_rules(h)) == 1  # the open window runs to its end
    await tick_at(h, clock, SECOND)  # episode 2's slot passes while paused: nothing airs, nothing opens
    assert _rules(h) == []


async def test_a_rule_made_just_before_the_process_stopped_goes_when_staff_turn_the_window_off(
    h, staff, clock, catalog, backend, tmp_path
):
    await _server(h, staff)
    await tick_at(h, clock, FIRST)
    assert len(_rules(h)) == 1
    discord_side = h.discord
    await close(h)
    db = await reopen_database(backend, tmp_path)
    async with db.transaction() as tx:  # the rule was made, its id never recorded: the process stopped in between
        await tx.conn.execute("UPDATE spoiler_windows SET rule_id = NULL, episode = NULL")
    again = await start(RunOnBot(App(catalog, db, clock, sender=UNPACED)), state=discord_side)
    try:
        again.set_bot_permissions(WITH_MANAGE_SERVER)
        clock.now = FIRST + dt.timedelta(minutes=5)
        await again.invoke("setup spoiler-window", user=staff, setting="off")
        await tick_at(again, clock, clock.now)
        assert _rules(again) == []
    finally:
        await close(again)
        await db.close()


async def test_discord_unreachable_for_a_while_is_tried_again_not_reported_as_a_refusal(h):
    from bot.reminders.model import Refusal, Refused
    from bot.services.spoiler_window import AutoModLater
    from bot.transport import DiscordAutoMod

    class Unreachable:  # what the paced sender answers after 5xx past its nonce window
        async def call(self, request):
            return Refused(Refusal.UNCONFIRMED, "Discord did not confirm the post (503)")

    automod = DiscordAutoMod(h.bot, Unreachable())
    with pytest.raises(AutoModLater):
        await automod.rules(h.guild_id)


async def test_staff_changing_the_window_at_once_keep_every_change(h, staff, clock):
    import asyncio

    await _server(h, staff, window=False)
    window = h.bot.services.spoiler_window
    await asyncio.gather(
        window.configure(h.guild_id, clock.now, exempt=111),
        window.configure(h.guild_id, clock.now, exempt=222),
        window.configure(h.guild_id, clock.now, on=True),
        window.configure(h.guild_id, clock.now, hours=48),
    )
    kept = await window.get(h.guild_id)
    assert kept.on
    assert kept.hours == 48
    assert kept.exempt == {111, 222}


async def test_a_deleted_exempt_channel_stops_being_exempt(h, staff):
    # Nobody can pick a deleted channel again to take it back: it would count toward the limit for good.
    await _server(h, staff)
    gone, kept = h.add_channel(701, name="memes"), h.add_channel(702, name="fan-art")
    await h.invoke("setup spoiler-window", user=staff, exempt=gone)
    await h.invoke("setup spoiler-window", user=staff, exempt=kept)
    assert (await h.bot.services.spoiler_window.get(h.guild_id)).exempt == {701, 702}
    await h.gateway("CHANNEL_DELETE", h.discord.channels[701])
    assert (await h.bot.services.spoiler_window.get(h.guild_id)).exempt == {702}


async def test_manage_server_given_back_mid_window_works_once_staff_look_at_setup_show(h, staff, clock):
    await _server(h, staff, manage_server=False)
    await tick_at(h, clock, FIRST)
    assert _rules(h) == []
    h.set_bot_permissions(WITH_MANAGE_SERVER)
    clock.now = FIRST + dt.timedelta(minutes=10)
    await h.invoke("setup show", user=staff)  # the staff report sends them here
    await tick_at(h, clock, clock.now)
    assert len(_rules(h)) == 1  # episode 1's window, not only from episode 2's slot on
