import datetime as dt
from zoneinfo import ZoneInfo

import discord
import pytest

from .conftest import EPHEMERAL, data, labels, set_progress, tick_at

KST = ZoneInfo("Asia/Seoul")
STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)


def kst(*args):
    return dt.datetime(*args, tzinfo=KST).astimezone(dt.UTC)


def ts(moment, style="F"):
    return f"<t:{int(moment.timestamp())}:{style}>"


@pytest.fixture
def staff(h):
    return h.member(4000, name="mod", permissions=STAFF)


def _posts(h, channel):
    return [c for c in h.recorder.calls if c.method == "POST" and c.path == f"/channels/{channel}/messages"]


async def _airing_channel(h, staff, role=None):
    channel = h.add_channel(950, name="airing")
    options = {"channel": channel}
    if role is not None:
        options["role"] = role
    await h.invoke("setup airing", user=staff, **options)
    return channel


async def test_rewatch_commands_are_refused_without_manage_server(h):
    fan = h.member(2001, name="fan")
    for command, options in (("rewatch start", {"from_": "2026-11-25"}), ("rewatch skip-week", {}),
                             ("rewatch pause", {}), ("rewatch resume", {}), ("rewatch stop", {})):  # fmt: skip
        await h.invoke(command, user=fan, **options)
        assert data(h)["content"] == "You need the Manage Server permission to do that.", command
    assert (await h.bot.services.rewatch.current(h.guild_id))[0] is None


async def test_start_on_the_broadcast_slots_and_show(h, staff):
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    announcement = data(h)
    assert "flags" not in announcement or not announcement["flags"] & EPHEMERAL  # told to the server
    assert announcement["content"].startswith(
        f"🎬 **Rewatch started!** Episode 1 {ts(kst(2026, 11, 25, 21))} ({ts(kst(2026, 11, 25, 21), 'R')}), "
        "then every Wed 21:00, Thu 21:00 (Asia/Seoul)"
    )
    await h.invoke("rewatch show")
    embed = data(h)["embeds"][0]
    lines = embed["description"].splitlines()
    assert lines[0] == f"▶️ Episode 1 · {ts(kst(2026, 11, 25, 21))}"
    assert lines[1] == f"⬜ Episode 2 · {ts(kst(2026, 11, 26, 21))}"
    assert len(lines) == 16
    first = kst(2026, 11, 25, 21)
    assert {f["name"]: f["value"] for f in embed["fields"]}["Now"] == (
        f"Next: episode 1 {ts(first, 'R')}. Nothing has aired yet."  # not "watched so far: up to 0"
    )
    await h.invoke("rewatch show", locale="ko")
    now = {f["name"]: f["value"] for f in data(h)["embeds"][0]["fields"]}["지금"]
    assert now == f"다음: 1화 {ts(first, 'R')}. 아직 방송된 회차는 없어요."


async def test_start_with_own_slots_zone_and_episode(h, staff):
    await h.invoke("rewatch start", user=staff, from_="2026-11-28", episode=9, slots="Sat 8pm", timezone="new york")
    assert "Episode 9" in data(h)["content"]
    assert "every Sat 20:00 (America/New_York)" in data(h)["content"]
    await h.invoke("rewatch start", user=staff, from_="2026-11-28", slots="Funday 9pm")
    assert data(h)["flags"] == EPHEMERAL
    assert "Funday" in data(h)["content"]


async def test_skip_pause_resume_stop_each_tell_the_server_once_in_the_airing_channel(h, staff, clock):
    await _airing_channel(h, staff)
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    assert data(h)["content"] == "Done. Announced in <#950>."
    clock.now = kst(2026, 11, 27, 12)  # episodes 1 and 2 aired
    await h.invoke("rewatch skip-week", user=staff)
    assert _posts(h, 950)[-1].json["content"].endswith(f"Next: episode 3 {ts(kst(2026, 12, 9, 21))}.")
    await h.invoke("rewatch pause", user=staff)
    await h.invoke("rewatch skip-week", user=staff)
    assert data(h)["content"] == "The rewatch is paused; `/rewatch resume` first."
    clock.now = kst(2026, 12, 11, 12)
    await h.invoke("rewatch resume", user=staff)
    assert _posts(h, 950)[-1].json["content"].endswith(f"Next: episode 3 {ts(kst(2026, 12, 16, 21))}.")
    await h.invoke("rewatch stop", user=staff)
    contents = [c.json["content"] for c in _posts(h, 950)]
    assert len(contents) == 5  # start, skip, pause, resume, stop: once each
    assert contents[-1] == "⏹️ The rewatch has ended."
    await h.invoke("rewatch show")
    assert data(h)["content"].startswith("This server has no rewatch.")


async def test_setup_airing_refuses_an_unmentionable_role_and_changes_nothing(h, staff):
    quiet = h.add_role(7000, name="Runners")
    channel = h.add_channel(950, name="airing")
    await h.invoke("setup airing", user=staff, channel=channel, role=quiet)
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    assert "isn't mentionable" in answer["content"]
    assert "Allow anyone to @mention this role" in answer["content"]
    assert (await h.bot.services.guilds.get(h.guild_id)).airing_channel_id is None


async def test_setup_airing_is_refused_without_manage_server(h):
    channel = h.add_channel(950, name="airing")
    h.enforce_discord_rules = False
    await h.invoke("setup airing", channel=channel)
    assert data(h)["content"] == "You need the Manage Server permission to do that."


async def test_airing_posts_ping_the_role_and_open_the_thread_at_airtime(h, staff, clock):
    h.add_role(7001, name="Runners", mentionable=True)
    await h.invoke("setup discussion", user=staff, channel=h.add_channel(701, name="episode-talk"))
    await _airing_channel(h, staff, role=h.guild.get_role(7001))
    assert data(h)["content"] == "Airing posts: in <#950>, pinging <@&7001>, 1d, 30m before and when each episode airs."
    await h.invoke("airing remind-me", setting="on", user=h.member(2002, name="dm-fan"))
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    h.recorder.clear()
    first = kst(2026, 11, 25, 21)
    await tick_at(h, clock, first - dt.timedelta(hours=24))
    [before] = _posts(h, 950)
    assert before.json["content"] == (
        f"<@&7001> ⏰ **Rewatch: episode 1** airs {ts(first, 'R')} ({ts(first)}), on Netflix."
    )
    assert before.json["allowed_mentions"] == {"parse": [], "roles": [7001]}  # the role, and nothing else
    assert before.json["nonce"].startswith("runon-r")
    dms = [c for c in h.recorder.calls if c.method == "POST" and c.path.endswith("/messages") and "/950/" not in c.path]
    assert len(dms) == 1
    assert "<@&7001>" not in dms[0].json["content"]
    clock.now = first
    await tick_at(h, clock, first)
    # episode 2's 24-hour reminder falls due at the same moment; find the "on now" post among them
    [on_now] = [c.json["content"] for c in _posts(h, 950) if "is on now" in c.json["content"]]
    thread_id = (await h.bot.services.discussion.thread(h.guild_id, 1)).thread_id
    assert on_now.startswith("<@&7001> 📺 **Rewatch: episode 1 is on now** on Netflix!")
    assert f"Talk about it in <#{thread_id}>" in on_now


async def test_airing_info_shows_the_server_rewatch(h, staff, clock):
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    await h.invoke("airing info")
    fields = {f["name"]: f["value"] for f in data(h)["embeds"][0]["fields"]}
    assert fields["This server's rewatch"].startswith(f"Next: **episode 1**, {ts(kst(2026, 11, 25, 21))}")
    clock.now = kst(2027, 2, 1, 0)
    await h.invoke("airing info")
    fields = {f["name"]: f["value"] for f in data(h)["embeds"][0]["fields"]}
    assert fields["This server's rewatch"].startswith("The rewatch is finished")


async def test_public_spoiler_line_follows_the_rewatch_unless_fixed(h, staff, clock):
    await set_progress(h, 16)
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    clock.now = kst(2026, 11, 27, 12)  # episodes 1-2 aired in this server's rewatch
    await h.invoke("recap", episode=2, public=True)
    assert labels(data(h)) == []  # nothing blurred
    await h.invoke("recap", episode=3, public=True)
    assert labels(data(h)) == ["Spoilers: episode 3"]
    await h.invoke("setup spoilers", user=staff, line=0)  # staff fix the line: it no longer follows
    await h.invoke("recap", episode=2, public=True)
    assert labels(data(h)) == ["Spoilers: episode 2"]


async def test_on_now_post_says_why_there_is_no_thread(h, staff, clock):
    forum = h.add_channel(700, name="episodes", type=15)
    await h.invoke("setup discussion", user=staff, channel=forum)
    h.set_forum(700, require_tag=True)  # no tags, and the bot may not create one (no Manage Channels)
    await _airing_channel(h, staff)
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    first = kst(2026, 11, 25, 21)
    clock.now = first
    h.recorder.clear()
    await tick_at(h, clock, first)
    [on_now] = [c.json["content"] for c in _posts(h, 950) if "is on now" in c.json["content"]]
    assert on_now.endswith(
        "(No discussion thread: <#700> requires a tag on every post and I can't add one: ask staff to create an "
        '"Episode 1" tag there, or to give me Manage Channels in it so I can.)'
    )


async def test_on_now_post_without_a_discussion_channel_points_nowhere(h, staff, clock):
    await _airing_channel(h, staff)
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    first = kst(2026, 11, 25, 21)
    clock.now = first
    h.recorder.clear()
    await tick_at(h, clock, first)
    [on_now] = [c.json["content"] for c in _posts(h, 950) if "is on now" in c.json["content"]]
    assert on_now == "📺 **Rewatch: episode 1 is on now** on Netflix!"  # /discuss would only say "no channel"


async def test_pause_then_resume_does_not_pull_a_rewatch_planned_ahead_forward(h, staff, clock):
    await h.invoke("rewatch start", user=staff, from_="2026-12-02")
    await h.invoke("rewatch skip-week", user=staff)  # episode 1 now on Wednesday 9 December
    await h.invoke("rewatch pause", user=staff)
    clock.advance(hours=1)
    await h.invoke("rewatch resume", user=staff)
    assert data(h)["content"].endswith(f"Next: episode 1 {ts(kst(2026, 12, 9, 21))}.")
    await h.invoke("rewatch show")
    lines = data(h)["embeds"][0]["description"].splitlines()
    assert lines[0] == f"▶️ Episode 1 · {ts(kst(2026, 12, 9, 21))}"  # not Wednesday 2 December
    assert lines[1] == f"⬜ Episode 2 · {ts(kst(2026, 12, 10, 21))}"


async def test_a_rewatch_from_episode_9_assumes_1_to_8_seen_from_the_start(h, staff, clock):
    await set_progress(h, 16)
    await h.invoke("rewatch start", user=staff, from_="2026-12-02", episode=9)  # nothing has aired yet
    await h.invoke("setup show", user=staff)
    fields = {f["name"]: f["value"] for f in data(h)["embeds"][0]["fields"]}
    assert fields["Spoiler line for public posts"] == (
        "automatic: episode 8 (the rewatch starts at episode 9, so episodes 1-8 count as seen; "
        "public posts show episodes 1-8 plainly and tag anything later)"
    )
    await h.invoke("recap", episode=8, public=True)
    assert labels(data(h)) == []
    await h.invoke("recap", episode=9, public=True)
    assert labels(data(h)) == ["Spoilers: episode 9"]
    clock.now = kst(2026, 12, 3, 22)  # episodes 9 and 10 have aired in this rewatch
    await h.invoke("setup show", user=staff)
    fields = {f["name"]: f["value"] for f in data(h)["embeds"][0]["fields"]}
    assert fields["Spoiler line for public posts"].startswith(
        "automatic: episode 10 (the last episode whose rewatch slot has passed;"
    )


async def test_a_member_without_manage_server_is_told_so_before_their_input_is_read(h):
    await h.invoke("rewatch start", from_="-1")  # a bad date from someone who may not start a rewatch anyway
    assert data(h)["content"] == "You need the Manage Server permission to do that."
