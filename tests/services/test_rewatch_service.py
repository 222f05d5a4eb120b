import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.catalog import Slot
from bot.errors import UserError
from bot.services.guild_config import GuildConfigService
from bot.services.rewatch import RewatchService
from bot.statuses import ReminderKind
from bot.store import Database, reminders, rewatch

KST = ZoneInfo("Asia/Seoul")
WED_THU = (Slot(2, dt.time(21)), Slot(3, dt.time(21)))
NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)  # Saturday


def kst(*args):
    return dt.datetime(*args, tzinfo=KST).astimezone(dt.UTC)


class Store:
    """Reads for the assertions, through the store's own functions."""

    def __init__(self, db):
        self.db = db

    async def for_ref(self, kind, ref_id):
        async with self.db.read() as conn:
            return await reminders.for_ref(conn, kind, ref_id)

    async def slots(self, guild):
        async with self.db.read() as conn:
            return await rewatch.slots(conn, guild)


@pytest.fixture
async def parts(catalog, tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    guilds = GuildConfigService(catalog, db)
    service = RewatchService(catalog, db, guilds)
    await guilds.set_airing(1, 600, None, None, NOW)
    yield service, Store(db), guilds
    await db.close()


async def _pending(service, store, guild=1):
    rows = []
    for slot in await store.slots(guild):
        rows += [(slot.episode, r.offset_seconds, r.due_at) for r in await store.for_ref(ReminderKind.AIRING, slot.id)
                 if r.state == "pending"]  # fmt: skip
    return sorted(rows)


async def test_start_schedules_airing_reminders(parts):
    service, reminders, _ = parts
    schedule = await service.start(1, dt.date(2026, 11, 25), 1, WED_THU, KST, NOW)
    assert schedule[0].airs_at == kst(2026, 11, 25, 21)
    pending = await _pending(service, reminders)
    assert len(pending) == 16 * 3  # 24 h, 30 min and "on now" for each episode
    first = int(kst(2026, 11, 25, 21).timestamp())
    assert pending[:3] == [(1, 0, first), (1, 1800, first - 1800), (1, 86400, first - 86400)]


async def test_reminders_already_past_when_starting_are_not_sent_late(parts):
    service, reminders, _ = parts
    now = kst(2026, 11, 25, 20)  # an hour before the first slot
    await service.start(1, dt.date(2026, 11, 25), 1, WED_THU, KST, now)
    first = [p for p in await _pending(service, reminders) if p[0] == 1]
    assert [offset for _, offset, _ in first] == [0, 1800]  # the 24-hour one is skipped, not fired late


async def test_skip_week_moves_pending_reminders(parts):
    service, reminders, _ = parts
    await service.start(1, dt.date(2026, 11, 25), 1, WED_THU, KST, NOW)
    now = kst(2026, 11, 27, 12)  # eps 1-2 aired
    moved = await service.skip_week(1, now)
    assert moved[2].airs_at == kst(2026, 12, 9, 21)
    ep3 = [p for p in await _pending(service, reminders) if p[0] == 3]
    assert ep3[0][2] == int(kst(2026, 12, 9, 21).timestamp())


async def test_pause_cancels_and_resume_relays_on_next_slots(parts):
    service, reminders, _ = parts
    await service.start(1, dt.date(2026, 11, 25), 1, WED_THU, KST, NOW)
    paused_at = kst(2026, 11, 27, 12)
    await service.pause(1, paused_at)
    assert await _pending(service, reminders) == []
    assert await service.automatic_line(1, kst(2026, 12, 30, 0)) == 2  # frozen while paused
    with pytest.raises(UserError, match="paused"):
        await service.skip_week(1, paused_at)
    resumed = await service.resume(1, kst(2026, 12, 5, 12))
    assert resumed[2].airs_at == kst(2026, 12, 9, 21)
    assert len(await _pending(service, reminders)) == 14 * 3


async def test_stop_cancels_everything_and_follows_the_past_broadcast(parts):
    service, reminders, _ = parts
    await service.start(1, dt.date(2026, 11, 25), 1, WED_THU, KST, NOW)
    await service.stop(1, NOW)
    row, schedule = await service.current(1)
    assert row is None
    assert schedule == []  # the real broadcast is in the past: nothing to follow
    assert await _pending(service, reminders) == []
    with pytest.raises(UserError, match="no rewatch"):
        await service.stop(1, NOW)


async def test_no_airing_channel_means_no_reminders(parts):
    service, reminders, guilds = parts
    await guilds.set_airing(1, None, None, None, NOW)
    await service.start(1, dt.date(2026, 11, 25), 1, WED_THU, KST, NOW)
    assert await _pending(service, reminders) == []


async def test_automatic_line_follows_the_rewatch(parts):
    service, _, _ = parts
    assert await service.automatic_line(1, NOW) == 0
    await service.start(1, dt.date(2026, 11, 25), 5, WED_THU, KST, NOW)
    assert await service.automatic_line(1, NOW) == 4  # starting at 5: 1-4 assumed seen
    assert await service.automatic_line(1, kst(2026, 11, 26, 21)) == 6


async def test_invalid_starts(parts):
    service, _, _ = parts
    with pytest.raises(UserError, match="already in the past"):
        await service.start(1, dt.date(2020, 1, 1), 1, WED_THU, KST, NOW)
    with pytest.raises(UserError, match="more than a year"):
        await service.start(1, dt.date(2028, 1, 1), 1, WED_THU, KST, NOW)
    with pytest.raises(UserError, match="between 1 and 16"):
        await service.start(1, dt.date(2026, 12, 1), 17, WED_THU, KST, NOW)


async def test_future_broadcast_is_followed_without_a_rewatch(future_catalog, tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    guilds = GuildConfigService(future_catalog, db)
    service = RewatchService(future_catalog, db, guilds)
    await guilds.set_airing(1, 600, None, None, NOW)
    await service.follow_broadcast(1, NOW)
    row, schedule = await service.current(1)
    assert row is None
    assert [a.episode for a in schedule] == list(range(1, 17))
    assert schedule[0].airs_at == kst(2026, 12, 2, 21)
    await db.close()


async def test_a_second_rewatch_of_the_same_episodes_gets_its_airing_reminders(parts):
    service, reminders_store, _ = parts
    await service.start(1, dt.date(2026, 11, 25), 1, WED_THU, KST, NOW)
    slot = (await reminders_store.slots(1))[0]
    async with reminders_store.db.transaction() as tx:  # the first rewatch's reminders all went out
        for row in await reminders.for_ref(tx.conn, ReminderKind.AIRING, slot.id):
            await tx.conn.execute("UPDATE reminders SET state = 'sent', sent_at = 0 WHERE id = ?", (row.id,))
    later = kst(2027, 3, 1, 12)
    await service.stop(1, later)
    await service.start(1, dt.date(2027, 3, 3), 1, WED_THU, KST, later)
    first = [p for p in await _pending(service, reminders_store) if p[0] == 1]
    assert [offset for _, offset, _ in first] == [0, 1800, 86400]  # episode 1 is reminded again


async def test_every_change_is_seen_at_once_while_reads_come_from_memory(parts, monkeypatch):
    # /airing info and every spoiler line read the rewatch; they are served from a cache that each unit of work
    # changing the rewatch drops, so a member never sees a schedule that staff already changed.
    service, _, _ = parts
    reads = []
    original = rewatch.get

    async def counted(conn, guild_id):
        reads.append(guild_id)
        return await original(conn, guild_id)

    monkeypatch.setattr(rewatch, "get", counted)
    assert await service.progress(1, NOW) is None
    assert await service.progress(1, NOW) is None
    assert reads == [1]  # the second answer came from memory
    await service.start(1, dt.date(2026, 11, 25), 1, WED_THU, KST, NOW)
    row, schedule, _ = await service.progress(1, NOW)
    assert (row.status, schedule[0].airs_at) == ("running", kst(2026, 11, 25, 21))
    schedule.clear()  # a caller's list is its own: the cached schedule stays whole
    assert len((await service.current(1))[1]) == 16
    await service.skip_week(1, NOW)
    _, schedule, _ = await service.progress(1, NOW)
    assert schedule[0].airs_at == kst(2026, 12, 2, 21)
    await service.pause(1, NOW + dt.timedelta(days=1))
    assert (await service.progress(1, NOW))[0].status == "paused"
    await service.resume(1, NOW + dt.timedelta(days=2))
    assert (await service.progress(1, NOW))[0].status == "running"
    await service.stop(1, NOW + dt.timedelta(days=3))
    assert await service.progress(1, NOW) is None
