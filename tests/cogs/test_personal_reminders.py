"""Members' own reminder times (/watchparty remind-me and /airing remind-me with offsets): delivered once each
through the scheduler and the paced sender, following RSVPs and schedule changes, surviving a restart."""

import datetime as dt
from zoneinfo import ZoneInfo

import discord
import pytest

from bot.app import App
from bot.client import RunOnBot
from bot.standin import close, start
from bot.store import personal
from tests.conftest import both_backends, reopen_database

from .conftest import UNPACED, data, reminder_rows, tick_at

backend = both_backends()  # also on PostgreSQL

START = dt.datetime(2026, 12, 2, 11, 30, tzinfo=dt.UTC)  # 2026-12-02 20:30 KST
KST = ZoneInfo("Asia/Seoul")
FIRST = dt.datetime(2026, 11, 25, 21, tzinfo=KST).astimezone(dt.UTC)
STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)
FAN = 3001


def _dms(h, channel=None):
    """Posts that went to members' DM channels (not the server's channels)."""
    server = {600, 950, 900}
    return [
        c
        for c in h.recorder.calls
        if c.method == "POST" and c.path.endswith("/messages") and c.status == 200
        and int(c.path.split("/")[2]) not in server and (channel is None or c.path == f"/channels/{channel}/messages")
    ]  # fmt: skip


async def _personal_rows(h, kind, user=FAN):
    async with h.db.read() as conn:
        rows = [p for p in await personal.for_guild(conn, kind, h.guild_id) if p.user_id == user]
        return [(p, await personal.reminder_rows(conn, kind, [p.id])) for p in rows]


async def _party(h):
    await h.invoke("watchparty create", episodes="3-4", when="2026-12-02 20:30", timezone="Asia/Seoul")


@pytest.fixture
def fan(h):
    return h.member(FAN, name="fan")


async def test_own_times_are_delivered_once_each_and_replace_the_copies(h, clock, fan):
    await h.invoke("watchparty remind-me", setting="on", offsets="1d, 30m", user=fan)
    assert data(h)["content"].startswith("You'll get a DM 1d, 30m before each watch party you're going to")
    await _party(h)
    await h.click("runon:party:1:going", user=fan)
    [(row, queue)] = await _personal_rows(h, "party-dm")
    assert sorted(r.offset_seconds for r in queue) == [1800, 86400]
    h.recorder.clear()
    await tick_at(h, clock, START - dt.timedelta(days=1))
    [dm] = _dms(h)
    assert dm.json["content"].startswith("⏰ **Watch party #1** (episodes 3-4) starts <t:")
    assert "Your own reminder" in dm.json["content"]
    [day] = [r for r in await reminder_rows(h, "party-dm", row.id) if r.offset_seconds == 86400]
    assert day.state == "sent"
    assert dm.json["nonce"] == f"runon-r{day.id}"
    await tick_at(h, clock, START - dt.timedelta(days=1) + dt.timedelta(seconds=30))
    assert len(_dms(h)) == 1  # never twice
    # the server's 1-hour reminder pings the channel, but sends this member no copy: they chose their own times
    await tick_at(h, clock, START - dt.timedelta(hours=1))
    assert len(_dms(h)) == 1
    await tick_at(h, clock, START - dt.timedelta(minutes=30))
    assert len(_dms(h)) == 2
    await tick_at(h, clock, START)
    assert len(_dms(h)) == 2


async def test_members_without_own_times_still_get_copies(h, clock, fan):
    await h.invoke("watchparty remind-me", setting="on", user=fan)
    await _party(h)
    await h.click("runon:party:1:going", user=fan)
    assert await _personal_rows(h, "party-dm") == []
    h.recorder.clear()
    await tick_at(h, clock, START - dt.timedelta(hours=1))
    assert len(_dms(h)) == 1


async def test_rsvp_changes_moves_and_cancellations_follow(h, clock, fan):
    await h.invoke("watchparty remind-me", setting="on", offsets="2h", user=fan)
    await _party(h)
    await h.click("runon:party:1:going", user=fan)
    [(row, [pending])] = await _personal_rows(h, "party-dm")
    assert pending.state == "pending"
    await h.click("runon:party:1:maybe", user=fan)
    assert await reminder_rows(h, "party-dm", row.id) == []  # never sent, so nothing is kept of it
    await h.click("runon:party:1:going", user=fan)
    assert [r.state for r in await reminder_rows(h, "party-dm", row.id)] == ["pending"]
    await h.invoke("watchparty edit", party=1, when="2026-12-03 20:30", timezone="Asia/Seoul")
    [moved] = await reminder_rows(h, "party-dm", row.id)
    assert moved.due_at == int((START + dt.timedelta(days=1, hours=-2)).timestamp())
    await h.invoke("watchparty cancel", party=1)
    assert await reminder_rows(h, "party-dm", row.id) == []


async def test_a_place_freed_on_a_full_party_plans_the_promoted_members_times(h, fan):
    await h.invoke("watchparty create", episodes="3", when="2026-12-02 20:30", timezone="Asia/Seoul", capacity=1)
    await h.invoke("watchparty remind-me", setting="on", offsets="1h", user=fan)
    await h.click("runon:party:1:going", user=fan)  # full: wait list
    assert await _personal_rows(h, "party-dm") == []
    await h.click("runon:party:1:declined")  # the host leaves: the fan is promoted
    [(_row, [queued])] = await _personal_rows(h, "party-dm")
    assert queued.state == "pending"


async def test_bad_offsets_get_a_clear_answer_and_change_nothing(h, fan):
    await h.invoke("watchparty remind-me", setting="on", offsets="1d, 2h, 30m, 10m", user=fan)
    assert data(h)["content"] == "Choose at most 3 times for your own reminders, e.g. `1d, 30m`."
    await h.invoke("watchparty remind-me", setting="on", offsets="soonish", user=fan)
    assert data(h)["content"].startswith("I couldn't read 'soonish' as a time before the start.")
    await h.invoke("watchparty remind-me", setting="off", offsets="1h", user=fan)
    assert data(h)["content"].startswith("`offsets` go with `on`")
    assert not (await h.bot.services.personal.party_times(FAN)).on


async def test_own_times_survive_a_restart_and_are_sent_once(h, clock, fan, catalog, backend, tmp_path):
    await h.invoke("watchparty remind-me", setting="on", offsets="1d", user=fan)
    await _party(h)
    await h.click("runon:party:1:going", user=fan)
    await close(h)  # the bot stops before the reminder is due
    db = await reopen_database(backend, tmp_path)
    h2 = await start(RunOnBot(App(catalog, db, clock, sender=UNPACED)))
    h2.db = db
    try:
        report = await tick_at(h2, clock, START - dt.timedelta(days=1) + dt.timedelta(seconds=5))
        assert report.sent >= 1
        await tick_at(h2, clock, START - dt.timedelta(hours=23))
        assert len(_dms(h2)) == 1
    finally:
        await close(h2)
        await db.close()


async def test_progress_forget_deletes_personal_reminders_and_their_queue_rows(h, fan):
    await h.invoke("watchparty remind-me", setting="on", offsets="1d", user=fan)
    await _party(h)
    await h.click("runon:party:1:going", user=fan)
    [(row, _queue)] = await _personal_rows(h, "party-dm")
    await h.invoke("progress forget", user=fan)
    await h.click(f"runon:forget:{FAN}", user=fan)
    assert await _personal_rows(h, "party-dm") == []
    assert await reminder_rows(h, "party-dm", row.id) == []


async def test_airing_dms_at_own_times_follow_the_rewatch(h, clock, fan):
    staff = h.member(4000, name="mod", permissions=STAFF)
    await h.invoke("setup airing", user=staff, channel=h.add_channel(950, name="airing"))
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    other = h.member(3002, name="copies")
    await h.invoke("airing remind-me", setting="on", user=other)
    await h.invoke("airing remind-me", setting="on", offsets="2h", user=fan)
    assert data(h)["content"].startswith("You'll get a DM 2h before each episode airs here, at your own times")
    planned = await _personal_rows(h, "airing-dm")
    assert len(planned) == 16  # one per episode ahead
    h.recorder.clear()
    await tick_at(h, clock, FIRST - dt.timedelta(hours=24))  # the server's 24-hour post: a copy for the other only
    assert len(_dms(h)) == 1
    await tick_at(h, clock, FIRST - dt.timedelta(hours=2))
    [_copy, own] = _dms(h)
    assert "**Rewatch: episode 1** airs" in own.json["content"]
    assert "Your own reminder" in own.json["content"]
    clock.now = FIRST + dt.timedelta(hours=1)
    await h.invoke("rewatch pause", user=staff)
    states = {r.state for _p, rows in await _personal_rows(h, "airing-dm") for r in rows}
    assert states == {"sent"}  # the unsent ones are dropped, not kept as "cancelled"
    await h.invoke("rewatch resume", user=staff)
    states = {r.state for _p, rows in await _personal_rows(h, "airing-dm") for r in rows}
    assert states == {"sent", "pending"}
    await h.invoke("airing remind-me", setting="off", user=fan)
    states = {r.state for _p, rows in await _personal_rows(h, "airing-dm") for r in rows}
    assert states == {"sent"}
