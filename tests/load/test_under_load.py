"""Discord the way a busy server uses it: many members at once, Discord's rate limits, faults on the send path.

Everything below the fake Discord is real: the command tree, the services, the SQLite file database, the
reminder loop, the paced sender and discord.py's HTTP client with its own rate-limit handling.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import discord
import pytest

from bot.app import App
from bot.client import RunOnBot
from bot.reminders import SenderOptions
from bot.standin import assertions, close, start
from bot.store import parties, reminders
from tests.cogs.conftest import NOW, UNPACED, reminder_rows, tick_at
from tests.conftest import FakeClock, both_backends, open_database

START = dt.datetime(2026, 12, 2, 11, 30, tzinfo=dt.UTC)
MANAGE = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)


@pytest.fixture
def clock():
    return FakeClock(NOW)


backend = both_backends()  # under load on SQLite and on PostgreSQL


async def _harness(catalog, clock, backend, folder, sender=UNPACED):
    db = await open_database(backend, folder)
    harness = await start(RunOnBot(App(catalog, db, clock, sender=sender)))
    harness.db = db  # type: ignore[attr-defined]
    return harness, db


@pytest.fixture
async def h(catalog, clock, backend, tmp_path):
    harness, db = await _harness(catalog, clock, backend, tmp_path)
    yield harness
    await close(harness)
    await db.close()


def _answers(h):
    """What each answer reads (a party's card: its title and fields)."""
    return [assertions.message_text(r.get("data", r)) for r in h.responses()]


async def test_fifty_members_press_going_at_once_on_a_capacity_ten_party(h):
    await h.invoke("watchparty create", episodes="3", when="2026-12-02 20:30", timezone="Asia/Seoul", capacity=10)
    await h.click("runon:party:1:declined")  # the host steps back: ten places for the fifty
    members = [h.member(5000 + i, name=f"fan{i}") for i in range(50)]
    h.recorder.clear()
    await asyncio.gather(*(h.click("runon:party:1:going", user=member) for member in members))
    answers = _answers(h)
    assert not [a for a in answers if "went wrong" in a or "error id" in a]
    assert h.errors == []
    party = await h.bot.services.parties.current(1)
    going = await h.bot.services.parties.going(1)
    async with h.db.read() as conn:
        waitlist = await parties.members(conn, 1, "waitlist")
    clicked = [5000 + i for i in range(50)]
    assert going == clicked[:10]  # the first ten clicks, in order
    assert waitlist == clicked[10:]  # everyone else waits, in click order
    assert (party.counts["going"], party.counts["waitlist"]) == (10, 40)
    card = h.recorder.messages[party.view.announcement_message_id]
    fields = {f["name"]: f["value"] for f in card["embeds"][0]["fields"]}
    assert (fields["Going"], fields["Wait list"]) == ("10 / 10", "40")
    places = sorted(int(a.split("you're #")[1].split(" ")[0]) for a in answers if "wait list" in a)
    assert places == list(range(1, 41))  # each member was told their own place


async def test_thirty_two_concurrent_creates_in_different_servers_all_succeed(h):
    guilds = [7000 + i for i in range(32)]
    for gid in guilds:
        h.add_guild(gid, channels=[h.channel_payload(gid * 10, gid, name="general")])
    await asyncio.gather(
        *(
            h.invoke(
                "watchparty create",
                guild_id=gid,
                channel_id=gid * 10,
                episodes="1",
                when="2026-12-02 20:30",
                timezone="Asia/Seoul",
            )
            for gid in guilds
        )
    )
    answers = _answers(h)
    assert len([a for a in answers if a.startswith("Watch party #")]) == 32
    assert not [a for a in answers if "went wrong" in a]
    for gid in guilds:
        total, listed = await h.bot.services.parties.upcoming(gid, NOW, limit=5, offset=0)
        assert total == 1
        assert len(await reminder_rows(h, "party", listed[0].id)) == 3  # made in the same unit of work


async def _many_parties(db, count, *, offset=3600, start=START):
    """``count`` parties in ``count`` servers (one channel each), each with a reminder due ``offset`` before."""
    async with db.transaction() as tx:
        for index in range(count):
            guild = 100_000 + index
            row = await parties.create(
                tx.conn, guild_id=guild, channel_id=guild * 10, host_id=900_000 + index, episodes=(1, 1),
                starts_at=int(start.timestamp()), ends_at=int(start.timestamp()) + 4200, timezone="UTC", note="",
                capacity=None, now=int(NOW.timestamp()),
            )  # fmt: skip
            await reminders.schedule(tx.conn, "party", guild, row.id, row.starts_at, (offset,))


async def test_a_thousand_reminders_due_at_once_arrive_under_discords_rate_limits(catalog, clock, backend, tmp_path):
    """Discord's limits, scaled up five times so the test takes seconds (bench/fanout.py runs them at 50/s):
    a global limit of 250 requests a second and 5 messages per channel every 5 seconds."""
    sender = SenderOptions(global_limit=250, request_timeout=5.0)
    h, db = await _harness(catalog, clock, backend, tmp_path, sender=sender)
    try:
        limits = h.recorder.rate_limits(global_per_second=250, channel_messages=5, channel_window=5.0)
        await _many_parties(db, 1000)
        report = await tick_at(h, clock, START - dt.timedelta(hours=1))
        assert (report.claimed, report.sent, report.failed, report.skipped) == (1000, 1000, 0, 0)
        posts = [c for c in h.recorder.calls if c.method == "POST" and c.path.endswith("/messages")]
        delivered = [c for c in posts if c.status == 200]
        assert len({c.json["nonce"] for c in delivered}) == 1000  # every reminder, once
        assert limits.limited < 0.01 * limits.requests  # fewer than 1 % of requests answered 429
        assert limits.peak_per_second <= 250
    finally:
        await close(h)
        await db.close()


async def test_a_dropped_connection_is_retried_and_still_posts_once(h, clock):
    await _many_parties(h.db, 1)
    h.recorder.drop("POST", r"/channels/\d+/messages")  # reset before Discord saw it
    h.recorder.drop("POST", r"/channels/\d+/messages", after_processing=True)  # Discord posted; the answer is lost
    report = await tick_at(h, clock, START - dt.timedelta(hours=1))
    assert (report.sent, report.failed) == (1, 0)
    posts = [c for c in h.recorder.calls if c.method == "POST" and c.path.endswith("/messages")]
    assert len(posts) == 3  # reset, lost answer, the retry
    assert h.recorder.duplicates_prevented == 1  # Discord returned the first message for the same nonce
    channel_posts = [m for m in h.recorder.messages.values() if m["channel_id"] == str(100_000 * 10)]
    assert len(channel_posts) == 1


async def test_a_long_429_on_one_dm_copy_delays_it_and_no_one_else(h, clock):
    await _many_parties(h.db, 1)
    party_id = 1
    fans = [h.member(6000 + i, name=f"fan{i}") for i in range(3)]
    for fan in fans:
        async with h.db.transaction() as tx:
            row, previous = await parties.lock_for_answer(tx.conn, party_id, int(fan["user"]["id"]))
            await parties.set_rsvp(tx.conn, row, int(fan["user"]["id"]), "going", 0, previous)
        await h.invoke("watchparty remind-me", setting="on", user=fan, guild_id=100_000, channel_id=1_000_000)
    h.recorder.clear()
    h.bot.http.max_ratelimit_timeout = 0.1  # discord.py's own wait is 30 s in production; scaled down here
    dm_channel = h.dm_channel_id(6000)
    h.recorder.fail("POST", rf"/channels/{dm_channel}/messages", status=429, message="0.4")
    report = await tick_at(h, clock, START - dt.timedelta(hours=1))
    assert (report.sent, report.failed) == (1, 0)
    [row] = await reminder_rows(h, "party", party_id)
    assert (row.state, row.detail) == ("sent", None)  # nothing failed: the limited DM waited its turn
    posts = [c for c in h.recorder.calls if c.method == "POST" and c.path.endswith("/messages")]
    dms = [c for c in posts if c.path != "/channels/1000000/messages"]
    assert [c.status for c in dms].count(429) == 1
    assert len([c for c in dms if c.status == 200]) == 3  # all three members got their copy, one after the wait


async def test_one_servers_slow_sends_do_not_delay_a_healthy_server(catalog, clock, backend, tmp_path):
    sender = SenderOptions(global_limit=100_000, channel_burst=100_000, request_timeout=0.6, backoff_first=0.05,
                           backoff_max=0.1, per_guild_in_flight=2)  # fmt: skip
    h, db = await _harness(catalog, clock, backend, tmp_path, sender=sender)
    try:
        await _many_parties(db, 2)  # two servers: 100000 (slow) and 100001 (healthy)
        async with db.transaction() as tx:  # the slow server has many reminders due at the same time
            for index in range(2, 12):
                row = await parties.create(
                    tx.conn, guild_id=100_000, channel_id=2_000_000 + index, host_id=1, episodes=(1, 1),
                    starts_at=int(START.timestamp()), ends_at=int(START.timestamp()) + 4200, timezone="UTC",
                    note="", capacity=None, now=0,
                )  # fmt: skip
                await reminders.schedule(tx.conn, "party", 100_000, row.id, row.starts_at, (3600,))
        # Every post of server 100000 crawls (its channels: 1000000 and 2000002-2000011; 1000010 is server 100001's).
        h.recorder.slow("POST", r"/channels/(1000000|20000\d\d)/messages", 0.5)
        clock.now = START - dt.timedelta(hours=1)
        await h.bot.services.reminders.tick()
        healthy = [c.finished or 0.0 for c in h.recorder.calls if c.path == "/channels/1000010/messages"]
        slow = [
            c.finished or 0.0
            for c in h.recorder.calls
            if re.fullmatch(r"/channels/(1000000|20000\d\d)/messages", c.path)
        ]
        assert healthy
        assert len(slow) >= 11
        # Not stuck behind the slow server's eleven posts (two in flight at a time, half a second each): at most the
        # first pair, already in flight, finishes before the healthy server's post.
        assert sum(done < max(healthy) for done in slow) <= 2
        states = {r.state for ref in range(1, 13) for r in await reminder_rows(h, "party", ref)}
        assert states == {"sent"}
    finally:
        await close(h)
        await db.close()
