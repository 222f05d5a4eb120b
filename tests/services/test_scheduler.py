"""The durable scheduler on real SQLite with an injected clock and a Discord-like delivery double
that, like Discord with enforce_nonce, returns the existing message for a repeated nonce."""

import datetime as dt

import pytest

from bot.services.scheduler import Failed, RetryLater, Scheduler, Sent, epoch, nonce_for
from bot.store import Database, ReminderRepository

T0 = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)
START = T0 + dt.timedelta(hours=2)
HOUR, TEN_MIN = 3600, 600


class DiscordLikeDelivery:
    def __init__(self):
        self.messages: dict[str, int] = {}  # nonce -> message id: what the channel really shows
        self.attempts: list[tuple[int, str, bool]] = []
        self.outcomes: dict[int, object] = {}  # reminder id -> outcome to return instead of sending
        self.reports: list[tuple[int, Failed]] = []

    async def deliver(self, reminder, *, nonce, now, late):
        self.attempts.append((reminder.id, nonce, late))
        forced = self.outcomes.pop(reminder.id, None)
        if forced is not None:
            return forced
        message_id = self.messages.setdefault(nonce, 10_000 + len(self.messages))
        return Sent(message_id)

    async def report_problem(self, guild_id, failure):
        self.reports.append((guild_id, failure))


@pytest.fixture
async def repo():
    db = await Database.open(":memory:")
    yield ReminderRepository(db)
    await db.close()


@pytest.fixture
def delivery():
    return DiscordLikeDelivery()


@pytest.fixture
def scheduler(repo, delivery):
    return Scheduler(repo, {"party": delivery})


async def _party(repo, ref=1, guild=500, start=START, offsets=(HOUR, TEN_MIN, 0)):
    await repo.schedule("party", guild, ref, epoch(start), offsets)


async def test_each_reminder_is_sent_once_at_its_time(repo, scheduler, delivery):
    await _party(repo)
    assert (await scheduler.tick(T0)).claimed == 0
    report = await scheduler.tick(START - dt.timedelta(hours=1))
    assert (report.claimed, report.sent) == (1, 1)
    assert (await scheduler.tick(START - dt.timedelta(hours=1))).claimed == 0  # never twice
    await scheduler.tick(START - dt.timedelta(minutes=10))
    await scheduler.tick(START)
    assert len(delivery.messages) == 3
    states = [(r.offset_seconds, r.state) for r in await repo.for_ref("party", 1)]
    assert states == [(HOUR, "sent"), (TEN_MIN, "sent"), (0, "sent")]


async def test_crash_between_claim_and_send_is_resent_after_the_lease(repo, scheduler, delivery):
    await _party(repo, offsets=(HOUR,))
    due = START - dt.timedelta(hours=1)
    [claimed] = await repo.claim_due(epoch(due), "dead-process", limit=10, lease_seconds=120)  # then crash
    assert (await scheduler.tick(due + dt.timedelta(seconds=60))).claimed == 0  # lease still held
    report = await scheduler.tick(due + dt.timedelta(seconds=121))
    assert (report.claimed, report.sent) == (1, 1)
    assert delivery.messages == {nonce_for(claimed): 10_000}
    assert (await repo.get(claimed.id)).attempts == 2


async def test_crash_between_send_and_mark_is_deduplicated_by_the_nonce(repo, scheduler, delivery):
    await _party(repo, offsets=(HOUR,))
    due = START - dt.timedelta(hours=1)
    [claimed] = await repo.claim_due(epoch(due), "dead-process", limit=10, lease_seconds=120)
    await delivery.deliver(claimed, nonce=nonce_for(claimed), now=due, late=False)  # sent, then crash
    await scheduler.tick(due + dt.timedelta(minutes=3))
    assert len(delivery.attempts) == 2  # sent again with the same nonce...
    assert {a[1] for a in delivery.attempts} == {nonce_for(claimed)}
    assert len(delivery.messages) == 1  # ...which Discord deduplicates: one message in the channel
    row = await repo.get(claimed.id)
    assert (row.state, row.message_id) == ("sent", 10_000)


async def test_a_finished_claim_cannot_be_marked_again_by_a_stale_process(repo):
    await _party(repo, offsets=(HOUR,))
    due = epoch(START) - HOUR
    [old] = await repo.claim_due(due, "old", limit=10, lease_seconds=120)
    [new] = await repo.claim_due(due + 200, "new", limit=10, lease_seconds=120)
    assert await repo.mark_sent(new.id, "new", due + 201, 1)
    assert not await repo.mark_sent(old.id, "old", due + 202, 2)
    assert (await repo.get(old.id)).message_id == 1


async def test_editing_reschedules_only_unsent_reminders(repo, scheduler, delivery):
    await _party(repo)
    await scheduler.tick(START - dt.timedelta(hours=1))  # the 1-hour reminder goes out
    later = START + dt.timedelta(days=1)
    await _party(repo, start=later)
    rows = {r.offset_seconds: r for r in await repo.for_ref("party", 1)}
    assert rows[HOUR].state == "sent"
    assert rows[HOUR].event_at == epoch(START)
    assert (rows[TEN_MIN].due_at, rows[0].due_at) == (epoch(later) - TEN_MIN, epoch(later))
    assert (await scheduler.tick(START)).claimed == 0  # nothing left at the old time


async def test_cancelling_removes_pending_reminders(repo, scheduler):
    await _party(repo)
    assert await repo.cancel("party", 1, "party cancelled") == 3
    assert (await scheduler.tick(START + dt.timedelta(minutes=5))).claimed == 0
    assert {r.state for r in await repo.for_ref("party", 1)} == {"cancelled"}


async def test_after_downtime_late_reminders_still_before_start_are_sent_and_marked_late(repo, scheduler, delivery):
    await _party(repo)
    back = START - dt.timedelta(minutes=5)  # down from before the 1-hour mark until 5 minutes before
    report = await scheduler.tick(back)
    assert (report.sent, report.skipped) == (2, 0)
    assert [late for _id, _nonce, late in delivery.attempts] == [True, True]


async def test_after_long_downtime_stale_reminders_are_skipped_with_a_reason(repo, scheduler, delivery):
    await _party(repo)
    report = await scheduler.tick(START + dt.timedelta(hours=3))
    assert (report.claimed, report.sent, report.skipped) == (3, 0, 3)
    assert not delivery.attempts
    details = {r.offset_seconds: r.detail for r in await repo.for_ref("party", 1)}
    assert details[HOUR].startswith("its moment passed while the bot was down")
    assert details[0].startswith("more than 15 minutes after the start")


async def test_starting_now_within_grace_is_sent(repo, scheduler, delivery):
    await _party(repo, offsets=(0,))
    assert (await scheduler.tick(START + dt.timedelta(minutes=10))).sent == 1


async def test_failures_are_recorded_and_reported_to_staff_once(repo, scheduler, delivery):
    await _party(repo, ref=1)
    await _party(repo, ref=2)
    ids = [r.id for r in await repo.for_ref("party", 1)] + [r.id for r in await repo.for_ref("party", 2)]
    for rid in ids:
        delivery.outcomes[rid] = Failed("missing_permissions", "403 Forbidden (error code: 50013)", channel_id=600)
    for due in (START - dt.timedelta(hours=1), START - dt.timedelta(minutes=10), START):
        await scheduler.tick(due)
    rows = await repo.for_ref("party", 1)
    assert {r.state for r in rows} == {"failed"}
    assert rows[0].detail == "missing_permissions: 403 Forbidden (error code: 50013)"
    assert len(delivery.reports) == 1  # six failures, one report


async def test_dms_closed_is_recorded_but_not_reported(repo, scheduler, delivery):
    await _party(repo, offsets=(HOUR,))
    [row] = await repo.for_ref("party", 1)
    delivery.outcomes[row.id] = Failed("dms_closed", "Cannot send messages to this user")
    await scheduler.tick(START - dt.timedelta(hours=1))
    assert (await repo.get(row.id)).state == "failed"
    assert delivery.reports == []


async def test_retry_later_puts_the_row_back(repo, scheduler, delivery):
    await _party(repo, offsets=(HOUR,))
    [row] = await repo.for_ref("party", 1)
    due = START - dt.timedelta(hours=1)
    delivery.outcomes[row.id] = RetryLater(dt.timedelta(seconds=30), "503 Service Unavailable")
    assert (await scheduler.tick(due)).retried == 1
    assert (await scheduler.tick(due + dt.timedelta(seconds=10))).claimed == 0
    assert (await scheduler.tick(due + dt.timedelta(seconds=30))).sent == 1


async def test_one_servers_bug_does_not_block_another(repo, delivery):
    class Broken(DiscordLikeDelivery):
        async def deliver(self, reminder, **kwargs):
            if reminder.guild_id == 1:
                raise RuntimeError("boom")
            return await super().deliver(reminder, **kwargs)

    broken = Broken()
    scheduler = Scheduler(repo, {"party": broken})
    await _party(repo, ref=1, guild=1, offsets=(HOUR,))
    await _party(repo, ref=2, guild=2, offsets=(HOUR,))
    report = await scheduler.tick(START - dt.timedelta(hours=1))
    assert (report.sent, report.failed) == (1, 1)
    assert (await repo.for_ref("party", 1))[0].detail.startswith("internal error: RuntimeError('boom')")


async def test_a_burst_larger_than_one_batch_is_drained_in_the_same_tick(repo, scheduler, delivery, monkeypatch):
    from bot.services import scheduler as module

    monkeypatch.setattr(module, "BATCH", 4)
    for ref in range(10):
        await repo.schedule("party", ref % 3, ref, epoch(START), (0,))
    report = await scheduler.tick(START)
    assert (report.claimed, report.sent) == (10, 10)
    assert len(delivery.messages) == 10


async def test_scheduling_no_offsets_cancels_every_unsent_reminder(repo):
    await _party(repo)
    await repo.schedule("party", 500, 1, epoch(START), ())
    assert {r.state for r in await repo.for_ref("party", 1)} == {"cancelled"}
