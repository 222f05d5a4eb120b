"""Episode pulse through the real tree and the reminder loop: the poll at airtime in the episode's thread,
live counts from vote events, the result stored from Discord's poll-end data (also after a restart), and the
chart, decoded, showing only episodes up to the viewer's progress."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import discord
import pytest
from PIL import Image

from bot.app import App
from bot.client import RunOnBot, intents
from bot.services.chart import BACKGROUND, BAR, MARGIN_LEFT, OPEN_BAR, PLOT_BOTTOM, TEXT, WIDTH, bar_top, contrast
from bot.standin import close, start
from tests.conftest import both_backends, reopen_database

from .conftest import EPHEMERAL, UNPACED, data, reminder_rows, set_progress, tick_at

backend = both_backends()  # also on PostgreSQL

KST = ZoneInfo("Asia/Seoul")
STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)
FIRST = dt.datetime(2026, 11, 25, 21, tzinfo=KST).astimezone(dt.UTC)  # episode 1 of the rewatch
SECOND = FIRST + dt.timedelta(days=1)
THIRD = FIRST + dt.timedelta(days=7)


@pytest.fixture
def staff(h):
    return h.member(4000, name="mod", permissions=STAFF)


async def _server(h, staff, *, airing=True, discussion=True):
    if discussion:
        await h.invoke("setup discussion", user=staff, channel=h.add_channel(701, name="episode-talk"))
    if airing:
        await h.invoke("setup airing", user=staff, channel=h.add_channel(950, name="airing"))
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")


async def _air(h, clock, moment):
    """Episode airs: the reminder loop runs at airtime; returns the poll message Discord stored."""
    before = {int(m["id"]) for m in h.polls()}
    await tick_at(h, clock, moment)
    new = [m for m in h.polls() if int(m["id"]) not in before]
    assert len(new) == 1, new
    return new[0]


def _poll_posts(h):
    return [c for c in h.recorder.calls if c.method == "POST" and c.path.endswith("/messages") and c.json.get("poll")]


async def _slot_id(h, episode):
    from bot.store import rewatch

    async with h.db.read() as conn:
        return next(s.id for s in await rewatch.slots(conn, h.guild_id) if s.episode == episode)


async def test_the_poll_is_posted_at_airtime_in_the_episodes_thread_once(h, staff, clock):
    await _server(h, staff)
    [pulse] = await reminder_rows(h, "pulse", await _slot_id(h, 1))
    assert (pulse.offset_seconds, pulse.event_at) == (0, int(FIRST.timestamp()))
    h.recorder.clear()
    poll = await _air(h, clock, FIRST)
    thread_id = (await h.bot.services.discussion.thread(h.guild_id, 1)).thread_id
    assert int(poll["channel_id"]) == thread_id  # in the episode's discussion thread
    [post] = _poll_posts(h)
    assert post.path == f"/channels/{thread_id}/messages"
    assert post.json["poll"]["question"] == {"text": "How was episode 1?"}
    assert [a["poll_media"]["text"] for a in post.json["poll"]["answers"]] == [
        "1 star", "2 stars", "3 stars", "4 stars", "5 stars",
    ]  # fmt: skip
    assert post.json["poll"]["duration"] == 24
    assert post.json["poll"]["allow_multiselect"] is False
    assert post.json["nonce"].startswith("runon-r")
    assert post.json["enforce_nonce"] is True
    assert post.json["content"].startswith("📊 Rate episode 1!")
    # the airing post at the same moment links the same thread: one thread per episode
    [on_now] = [c.json["content"] for c in h.recorder.calls if c.path == "/channels/950/messages"
                and "is on now" in c.json["content"]]  # fmt: skip
    assert f"<#{thread_id}>" in on_now
    [row] = await reminder_rows(h, "pulse", pulse.ref_id)
    assert row.state == "sent"
    assert row.message_id == int(poll["id"])
    await tick_at(h, clock, FIRST + dt.timedelta(minutes=1))
    assert len(_poll_posts(h)) == 1  # never twice


async def test_live_counts_then_the_result_from_discords_poll_end_data(h, staff, clock):
    await _server(h, staff)
    poll = await _air(h, clock, FIRST)
    await set_progress(h, 1)
    mid = int(poll["id"])
    for user, stars in ((3001, 5), (3002, 4), (3003, 4)):
        await h.vote(mid, user, stars)
    await h.vote(mid, 3003, 4, add=False)  # taken back
    await h.vote(mid, 3003, 3)
    await h.invoke("pulse", episode=1)
    live = data(h)["content"]
    assert live.startswith(f"**Episode 1**: the poll in <#{poll['channel_id']}> is open until")
    assert "So far: 4.0 stars on average from 3 votes (1⭐ 0, 2⭐ 0, 3⭐ 1, 4⭐ 1, 5⭐ 1)" in live
    # Discord's final tally differs from what the events said (a vote the bot never saw): the final one wins
    h.recorder.cast_vote(mid, 3004, 5)
    h.recorder.end_poll(mid, at=FIRST + dt.timedelta(hours=24))
    report = await h.bot.services.pulse.sweep(FIRST + dt.timedelta(hours=24, minutes=2))
    assert report.closed == 1
    await h.invoke("pulse", episode=1)
    final = data(h)["content"]
    assert final.startswith("**Episode 1**: 4.2 stars on average from 4 votes (1⭐ 0, 2⭐ 0, 3⭐ 1, 4⭐ 1, 5⭐ 2).")
    await h.vote(mid, 3005, 1)  # a late event after the close changes nothing
    await h.invoke("pulse", episode=1)
    assert data(h)["content"] == final


async def test_the_result_is_read_after_a_restart(h, staff, clock, catalog, backend, tmp_path):
    await _server(h, staff)
    poll = await _air(h, clock, FIRST)
    mid = int(poll["id"])
    await h.vote(mid, 3001, 2)
    discord_side = h.recorder  # Discord keeps the message while the bot is down
    await close(h)
    # the poll ends while the bot is offline
    discord_side.cast_vote(mid, 3002, 4)
    discord_side.end_poll(mid, at=FIRST + dt.timedelta(hours=24))
    db = await reopen_database(backend, tmp_path)
    h2 = await start(RunOnBot(App(catalog, db, clock, sender=UNPACED)))
    try:
        h2.recorder.messages.update(discord_side.messages)
        h2.recorder.poll_votes.update(discord_side.poll_votes)
        clock.now = FIRST + dt.timedelta(days=3)
        report = await h2.bot.services.pulse.sweep(clock.now)
        assert report.closed == 1
        await set_progress(h2, 1)
        await h2.invoke("pulse", episode=1)
        assert data(h2)["content"].startswith("**Episode 1**: 3.0 stars on average from 2 votes")
    finally:
        await close(h2)
        await db.close()


async def test_live_counts_of_an_open_poll_are_read_again_after_a_restart(h, staff, clock, catalog, backend, tmp_path):
    await _server(h, staff)
    poll = await _air(h, clock, FIRST)
    mid = int(poll["id"])
    await h.vote(mid, 3001, 5)
    discord_side = h.recorder
    await close(h)
    discord_side.cast_vote(mid, 3002, 3)  # cast while the bot was offline: no event reached it
    db = await reopen_database(backend, tmp_path)
    h2 = await start(RunOnBot(App(catalog, db, clock, sender=UNPACED)))
    try:
        h2.recorder.messages.update(discord_side.messages)
        assert await h2.bot.services.pulse.refresh_open(FIRST + dt.timedelta(hours=1)) == 1
        await set_progress(h2, 1)
        await h2.invoke("pulse", episode=1)
        assert "So far: 4.0 stars on average from 2 votes" in data(h2)["content"]
    finally:
        await close(h2)
        await db.close()


async def test_an_unfinalized_poll_is_checked_again_then_counted_from_its_voters(h, staff, clock):
    await _server(h, staff)
    poll = await _air(h, clock, FIRST)
    mid = int(poll["id"])
    for user, stars in ((3001, 5), (3002, 5), (3003, 1)):
        await h.vote(mid, user, stars)
    closes = FIRST + dt.timedelta(hours=24)
    h.recorder.end_poll(mid, at=closes, finalized=False)
    first = await h.bot.services.pulse.sweep(closes + dt.timedelta(minutes=1))
    assert (first.closed, first.later) == (0, 1)  # not final yet: later
    h.recorder.clear()
    late = await h.bot.services.pulse.sweep(closes + dt.timedelta(hours=2))
    assert late.closed == 1
    voters = [c for c in h.recorder.calls if "/polls/" in c.path]
    assert {c.path.rsplit("/", 1)[1] for c in voters} == {"1", "2", "3", "4", "5"}
    await set_progress(h, 1)
    await h.invoke("pulse", episode=1)
    assert data(h)["content"].startswith("**Episode 1**: 3.7 stars on average from 3 votes")


async def test_a_deleted_poll_has_no_result(h, staff, clock):
    await _server(h, staff)
    poll = await _air(h, clock, FIRST)
    h.recorder.messages.pop(int(poll["id"]))
    report = await h.bot.services.pulse.sweep(FIRST + dt.timedelta(days=2))
    assert report.gone == 1
    await set_progress(h, 1)
    await h.invoke("pulse", episode=1)
    assert data(h)["content"] == "The poll for episode 1 was deleted before it closed, so there is no result."


async def test_setup_pulse_off_and_on_and_the_default_following_airing_posts(h, staff, clock):
    await _server(h, staff, airing=False)  # no airing posts: polls are off by default
    slot = await _slot_id(h, 1)
    assert all(r.state == "cancelled" for r in await reminder_rows(h, "pulse", slot))
    await h.invoke("setup pulse", user=staff, setting="on")
    assert data(h)["content"].startswith("Episode polls: on (turned on by staff)")
    [row] = await reminder_rows(h, "pulse", slot)
    assert row.state == "pending"
    await _air(h, clock, FIRST)  # polls without airing posts, as staff asked
    await h.invoke("setup pulse", user=staff, setting="off")
    assert data(h)["content"].startswith("Episode polls: off (turned off by staff")
    h.recorder.clear()
    await tick_at(h, clock, SECOND)
    assert _poll_posts(h) == []
    await h.invoke("setup reset", user=staff, setting="episode polls")
    assert "episode polls: off (they follow airing posts, which are off" in data(h)["content"]
    fan = h.member(2001, name="fan")
    h.enforce_discord_rules = False  # an admin may have opened /setup to everyone in Integrations
    await h.invoke("setup pulse", user=fan, setting="on")
    assert data(h)["content"] == "You need the Manage Server permission to do that."


async def test_without_a_discussion_channel_the_poll_is_skipped_with_the_reason(h, staff, clock):
    await _server(h, staff, discussion=False)
    await h.invoke("setup show", user=staff)
    fields = {f["name"]: f["value"] for f in data(h)["embeds"][0]["fields"]}
    assert "no discussion channel: polls have nowhere to go" in fields["Episode polls"]
    await tick_at(h, clock, FIRST)
    [row] = await reminder_rows(h, "pulse", await _slot_id(h, 1))
    assert row.state == "skipped"
    assert row.detail.startswith("no discussion thread for the poll: This server has no discussion channel")


async def test_a_refused_poll_is_reported_to_staff_once(h, staff, clock):
    await h.invoke("setup staff", user=staff, channel=h.add_channel(900, name="staff"))
    await _server(h, staff)
    await h.invoke("discuss", episode=1)  # the thread exists; the bot lacks Create Polls in it
    thread_id = (await h.bot.services.discussion.thread(h.guild_id, 1)).thread_id
    h.recorder.clear()
    h.recorder.fail("POST", rf"/channels/{thread_id}/messages", times=5)
    await tick_at(h, clock, FIRST)
    [row] = await reminder_rows(h, "pulse", await _slot_id(h, 1))
    assert row.state == "failed"
    assert row.detail.startswith("missing_permissions")
    reports = [c.json["content"] for c in h.recorder.calls if c.path == "/channels/900/messages" and c.status == 200]
    assert len(reports) == 1
    assert "I couldn't post an episode poll (polls also need the Create Polls permission)" in reports[0]


def _bars(png: bytes):
    """Decode the chart: the bars' colours and heights along the plot, left to right."""
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    assert image.getextrema()[3] == (255, 255)  # opaque: the theme behind it cannot bleed through
    y = PLOT_BOTTOM - 2
    bars, run = [], None
    for x in range(MARGIN_LEFT, WIDTH):
        pixel = image.getpixel((x, y))[:3]
        if pixel in (BAR, OPEN_BAR):
            if run is None:
                run = [x, pixel]
        elif run is not None:
            bars.append((run[0], x - 1, run[1]))
            run = None
    heights = []
    for left, right, colour in bars:
        middle = (left + right) // 2
        top = y
        while image.getpixel((middle, top - 1))[:3] == colour:
            top -= 1
        heights.append((colour, top))
    return heights


async def test_the_chart_shows_only_episodes_up_to_the_viewers_progress(h, staff, clock):
    await _server(h, staff)
    ratings = {1: [5, 5, 5, 5], 2: [2, 3], 3: [1, 1, 1]}
    for number, moment in ((1, FIRST), (2, SECOND), (3, THIRD)):
        poll = await _air(h, clock, moment)
        for index, stars in enumerate(ratings[number]):
            await h.vote(int(poll["id"]), 3000 + index, stars)
        h.recorder.end_poll(int(poll["id"]), at=moment + dt.timedelta(hours=24))
        await h.bot.services.pulse.sweep(moment + dt.timedelta(hours=25))
    await set_progress(h, 2)
    h.recorder.clear()
    await h.invoke("pulse")
    answer = data(h)
    assert answer["flags"] & EPHEMERAL
    [call] = [c for c in h.recorder.calls if c.blobs]
    png = call.blobs["pulse.png"]
    assert png.startswith(b"\x89PNG")
    bars = _bars(png)
    assert len(bars) == 2  # episodes 1 and 2: episode 3 is beyond the viewer's progress
    assert [top for _colour, top in bars] == [bar_top(5.0), bar_top(2.5)]  # the averages, to the pixel
    [attachment] = answer["attachments"]
    alt = attachment["description"]
    assert "episode 1: 5.0 stars, 4 votes" in alt
    assert "episode 2: 2.5 stars, 2 votes" in alt
    assert "episode 3" not in alt
    assert contrast(TEXT, BACKGROUND) >= 7
    assert contrast(BAR, BACKGROUND) >= 3
    await h.invoke("pulse", episode=3)
    assert data(h)["content"].startswith("Episode 3 is beyond where you've watched (episode 2)")
    await set_progress(h, 3)
    h.recorder.clear()
    await h.invoke("pulse")
    [call] = [c for c in h.recorder.calls if c.blobs]
    assert [top for _c, top in _bars(call.blobs["pulse.png"])] == [bar_top(5.0), bar_top(2.5), bar_top(1.0)]


async def test_an_open_poll_is_drawn_as_a_live_count(h, staff, clock):
    await _server(h, staff)
    poll = await _air(h, clock, FIRST)
    await h.vote(int(poll["id"]), 3001, 4)
    await set_progress(h, 1)
    h.recorder.clear()
    await h.invoke("pulse")
    [call] = [c for c in h.recorder.calls if c.blobs]
    assert _bars(call.blobs["pulse.png"]) == [(OPEN_BAR, bar_top(4.0))]


async def test_pulse_needs_progress_and_polls(h, staff):
    await h.invoke("pulse")
    assert data(h)["content"].startswith("The chart shows only episodes you've watched")
    await set_progress(h, 5)
    await h.invoke("pulse")
    assert data(h)["content"] == "No episode polls yet for episodes 1-5 in this server."
    await h.invoke("pulse", episode=2)
    assert data(h)["content"] == "There was no episode poll for episode 2 in this server."


def test_polls_need_no_privileged_intent():
    used = intents()
    assert used.guild_polls
    assert not (used.message_content)
    assert not (used.members)
    assert not (used.presences)
