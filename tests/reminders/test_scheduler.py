"""The reminder loop on a real SQLite file with an injected clock, Discord-like sends, and instances."""

import asyncio
import datetime as dt

import pytest

from bot.reminders import Delivered, Failed, Outgoing, Sent, Skipped, TransportError
from bot.reminders.model import nonce_for
from bot.reminders.scheduler import deadline_of
from bot.store import guilds, instances, reminders

from .conftest import T0, make_scheduler

START = T0 + dt.timedelta(hours=2)
HOUR, TEN_MIN = 3600, 600


class PostDelivery:
    """A delivery that posts one message per reminder through the paced sender, like the real ones."""

    def __init__(self, sender, channel=600):
        self.sender = sender
        self.channel = channel
        self.attempts: list[tuple[int, str, bool]] = []
        self.outcomes: dict[int, object] = {}

    async def deliver(self, reminder, attempt):
        self.attempts.append((reminder.id, attempt.nonce, attempt.late))
        forced = self.outcomes.pop(reminder.id, None)
        if forced is not None:
            return forced
        channel = self.channel + reminder.guild_id
        result = await self.sender.send(
            Outgoing(
                f"reminder {reminder.id}",
                reminder.guild_id,
                channel_id=channel,
                nonce=attempt.nonce,
                deadline=attempt.deadline,
            )
        )
        if isinstance(result, Delivered):
            return Sent(result.message_id, channel)
        return Failed(getattr(result, "problem", "other"), getattr(result, "detail", ""), channel, "a test reminder")


async def _schedule(db, ref=1, guild=500, start=START, offsets=(HOUR, TEN_MIN, 0)):
    async with db.transaction() as tx:
        await reminders.schedule(tx.conn, "party", guild, ref, int(start.timestamp()), offsets)


async def _rows(db, ref=1):
    async with db.read() as conn:
        return await reminders.for_ref(conn, "party", ref)


@pytest.fixture
def delivery(sender):
    return PostDelivery(sender)


@pytest.fixture
def scheduler(db, clock, sender, delivery):
    return make_scheduler(db, clock, sender, {"party": delivery})


async def _tick(scheduler, clock, at):
    clock.now = at
    return await scheduler.tick()


async def test_each_reminder_is_sent_once_at_its_time(db, scheduler, clock, discord_):
    await _schedule(db)
    assert (await _tick(scheduler, clock, T0)).claimed == 0
    report = await _tick(scheduler, clock, START - dt.timedelta(hours=1))
    assert (report.claimed, report.sent) == (1, 1)
    assert (await _tick(scheduler, clock, START - dt.timedelta(hours=1))).claimed == 0  # never twice
    await _tick(scheduler, clock, START - dt.timedelta(minutes=10))
    await _tick(scheduler, clock, START)
    assert discord_.created == 3
    assert [(r.offset_seconds, r.state) for r in await _rows(db)] == [(HOUR, "sent"), (TEN_MIN, "sent"), (0, "sent")]


async def test_a_crashed_instances_claims_are_taken_back_at_once_on_restart(db, clock, sender, delivery, discord_):
    """The bot is killed between claiming and sending, and restarted a second later: its reminders go out at
    once (no lease to wait out), even the one due 60 seconds before the start."""
    await _schedule(db, offsets=(60, 0))
    due = START - dt.timedelta(seconds=60)
    clock.now = due
    dead = make_scheduler(db, clock, sender, {"party": delivery}, pid=4242, is_alive=lambda pid: pid != 4242)
    await dead.ensure_registered()
    async with db.transaction() as tx:
        claimed = await reminders.claim_due(tx.conn, int(due.timestamp()), dead.instance_id, limit=10)
    assert len(claimed) == 1
    # ...the process dies here. A new one starts one second later, on the same machine:
    clock.now = due + dt.timedelta(seconds=1)
    fresh = make_scheduler(db, clock, sender, {"party": delivery}, is_alive=lambda pid: pid != 4242)
    report = await fresh.tick()
    assert (report.released, report.sent) == (1, 1)
    [row] = [r for r in await _rows(db) if r.offset_seconds == 60]
    assert (row.state, row.attempts) == ("sent", 2)
    async with db.read() as conn:
        assert [i.id for i in await instances.all_instances(conn)] == [fresh.instance_id]


async def test_a_crash_between_send_and_mark_is_deduplicated_by_the_nonce(db, clock, sender, delivery, discord_):
    await _schedule(db, offsets=(HOUR,))
    due = START - dt.timedelta(hours=1)
    clock.now = due
    dead = make_scheduler(db, clock, sender, {"party": delivery}, pid=4242, is_alive=lambda pid: False)
    await dead.ensure_registered()
    async with db.transaction() as tx:
        [claimed] = await reminders.claim_due(tx.conn, int(due.timestamp()), dead.instance_id, limit=10)
    await sender.send(Outgoing("reminder", 500, channel_id=1100, nonce=nonce_for(claimed.id)))  # sent, then crash
    fresh = make_scheduler(db, clock, sender, {"party": delivery}, is_alive=lambda pid: False)
    await fresh.tick()
    assert {nonce for _, nonce, _ in discord_.posts} == {nonce_for(claimed.id)}
    assert len(discord_.posts) == 2  # sent twice...
    assert discord_.created == 1  # ...one message in the channel
    [row] = await _rows(db)
    assert row.state == "sent"


async def test_a_live_instance_keeps_its_claims_and_a_silent_one_loses_them(db, clock, sender, delivery):
    await _schedule(db, offsets=(HOUR,))
    due = START - dt.timedelta(hours=1)
    clock.now = due
    other = make_scheduler(db, clock, sender, {"party": delivery}, hostname="other-host")
    await other.ensure_registered()
    async with db.transaction() as tx:
        await reminders.claim_due(tx.conn, int(due.timestamp()), other.instance_id, limit=10)
    me = make_scheduler(db, clock, sender, {"party": delivery})
    assert (await me.tick()).released == 0  # the other machine's instance is alive (it beat just now)
    clock.advance(seconds=5)
    await other.heartbeat()
    clock.advance(seconds=5)
    assert (await me.tick()).released == 0
    clock.advance(seconds=11)  # no heartbeat for 11 s: it is gone
    report = await me.tick()
    assert (report.released, report.sent) == (1, 1)


async def test_a_stale_process_cannot_mark_a_reminder_it_lost(db, clock):
    await _schedule(db, offsets=(HOUR,))
    due = int((START - dt.timedelta(hours=1)).timestamp())
    async with db.transaction() as tx:
        [old] = await reminders.claim_due(tx.conn, due, "old", limit=10)
        await reminders.release_claims(tx.conn, ["old"], "old is gone")
        [new] = await reminders.claim_due(tx.conn, due + 20, "new", limit=10)
        assert await reminders.mark_sent(tx.conn, new.id, "new", due + 21, 1)
        assert not await reminders.mark_sent(tx.conn, old.id, "old", due + 22, 2)
    assert (await _rows(db))[0].message_id == 1


async def test_after_downtime_reminders_still_before_the_start_go_out_marked_late(db, scheduler, clock, delivery):
    await _schedule(db)
    report = await _tick(scheduler, clock, START - dt.timedelta(minutes=5))
    assert (report.sent, report.skipped) == (2, 0)
    assert [late for _id, _nonce, late in delivery.attempts] == [True, True]


async def test_after_long_downtime_stale_reminders_are_skipped_with_a_reason(db, scheduler, clock, delivery):
    await _schedule(db)
    report = await _tick(scheduler, clock, START + dt.timedelta(hours=3))
    assert (report.claimed, report.sent, report.skipped) == (3, 0, 3)
    assert not delivery.attempts
    details = {r.offset_seconds: r.detail for r in await _rows(db)}
    assert details[HOUR].startswith("its moment passed")
    assert details[0].startswith("more than 15 minutes after the start")


async def test_deadline_is_the_start_or_fifteen_minutes_after_for_starting_now(db):
    await _schedule(db)
    rows = {r.offset_seconds: r for r in await _rows(db)}
    assert deadline_of(rows[HOUR]) == START
    assert deadline_of(rows[0]) == START + dt.timedelta(minutes=15)


async def _staff_channel(db, guild=500, channel=900):
    async with db.transaction() as tx:
        await guilds.update(tx.conn, guild, 0, staff_channel_id=channel)


async def test_a_problem_is_reported_once_per_occurrence(db, scheduler, clock, discord_):
    await _staff_channel(db)
    for ref in (1, 2, 3):
        await _schedule(db, ref=ref, start=START + dt.timedelta(hours=ref), offsets=(HOUR,))
    refusal = TransportError("refused", "403 Forbidden (error code: 50013)", status=403, code=50013)
    discord_.faults["c1100"] = [refusal, refusal]
    await _tick(scheduler, clock, START)  # party 1's reminder: refused, staff told
    await _tick(scheduler, clock, START + dt.timedelta(hours=1))  # party 2: refused again, not reported again
    reports = [p for p in discord_.posts if p[0] == "c900"]
    assert len(reports) == 1
    assert reports[0][2].startswith("⚠️ I couldn't post a test reminder in <#1100>: 403 Forbidden")
    await _tick(scheduler, clock, START + dt.timedelta(hours=2))  # party 3: staff fixed it, delivered
    discord_.faults["c1100"] = [refusal]
    await _schedule(db, ref=4, start=START + dt.timedelta(hours=4), offsets=(HOUR,))
    await _tick(scheduler, clock, START + dt.timedelta(hours=3))  # the problem comes back: reported again
    assert len([p for p in discord_.posts if p[0] == "c900"]) == 2


async def test_a_long_429_on_the_staff_report_is_waited_out(db, scheduler, clock, discord_):
    await _staff_channel(db)
    await _schedule(db, offsets=(HOUR,))
    discord_.faults["c1100"] = [TransportError("refused", "403", status=403, code=50013)]
    discord_.faults["c900"] = [TransportError("rate_limited", "429", retry_after=0.3)]
    report = await _tick(scheduler, clock, START - dt.timedelta(hours=1))
    assert report.problems_reported == 1
    assert [p[0] for p in discord_.posts].count("c900") == 2  # limited, then delivered


async def test_a_report_that_cannot_be_delivered_is_tried_again_next_time(db, scheduler, clock, discord_):
    await _staff_channel(db)
    await _schedule(db, ref=1, offsets=(HOUR,))
    await _schedule(db, ref=2, start=START + dt.timedelta(hours=1), offsets=(HOUR,))
    refusal = TransportError("refused", "403", status=403, code=50013)
    discord_.faults["c1100"] = [refusal, refusal]
    discord_.faults["c900"] = [refusal]  # the staff channel is broken too
    await _tick(scheduler, clock, START - dt.timedelta(hours=1))
    await _tick(scheduler, clock, START)
    assert [p[0] for p in discord_.posts].count("c900") == 2  # not forgotten after the first failed report


async def test_one_servers_bug_does_not_block_another(db, clock, sender, discord_):
    class Broken:
        async def deliver(self, reminder, attempt):
            if reminder.guild_id == 1:
                raise RuntimeError("boom")
            return Sent(1)

    scheduler = make_scheduler(db, clock, sender, {"party": Broken()})
    await _schedule(db, ref=1, guild=1, offsets=(HOUR,))
    await _schedule(db, ref=2, guild=2, offsets=(HOUR,))
    report = await _tick(scheduler, clock, START - dt.timedelta(hours=1))
    assert (report.sent, report.failed) == (1, 1)
    assert (await _rows(db, 1))[0].detail.startswith("internal error: RuntimeError('boom')")


async def test_a_burst_larger_than_one_batch_is_drained_in_one_tick(db, scheduler, clock, discord_):
    for ref in range(130):
        await _schedule(db, ref=ref, guild=ref % 7, offsets=(0,))
    report = await _tick(scheduler, clock, START)
    assert (report.claimed, report.sent) == (130, 130)
    assert discord_.created == 130


async def test_stopping_puts_unfinished_claims_back(db, clock, sender, delivery, discord_):
    await _schedule(db, offsets=(HOUR,))
    discord_.faults["c1100"] = [2.0]  # the post hangs
    scheduler = make_scheduler(db, clock, sender, {"party": delivery})
    clock.now = START - dt.timedelta(hours=1)
    tick = asyncio.create_task(scheduler.tick())
    await asyncio.sleep(0.2)
    await scheduler.stop(grace=0.1)
    await sender.close(grace=0.1)
    await asyncio.gather(tick, return_exceptions=True)
    [row] = await _rows(db)
    assert (row.state, row.claim_token) == ("pending", None)
    async with db.read() as conn:
        assert await instances.all_instances(conn) == []


async def test_cancelling_removes_pending_reminders_and_a_cancelled_party_is_skipped(db, scheduler, clock):
    await _schedule(db)
    async with db.transaction() as tx:
        assert await reminders.cancel(tx.conn, "party", 1, "party cancelled") == 3
    assert (await _tick(scheduler, clock, START + dt.timedelta(minutes=5))).claimed == 0
    assert {r.state for r in await _rows(db)} == {"cancelled"}
    assert Skipped("x").reason == "x"
