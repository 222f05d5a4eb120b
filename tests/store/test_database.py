import sqlite3

import pytest

from bot.store import Database, ProgressRepository, UserDataRepository, migrations
from bot.store.progress import USER_DATA


async def test_migrations_apply_from_zero_and_are_idempotent(tmp_path):
    path = tmp_path / "nested" / "bot.sqlite3"
    db = await Database.open(path)
    assert path.exists()
    assert await db.version() == len(migrations())
    assert await db.migrate() == []  # nothing left to apply
    await db.close()
    reopened = await Database.open(path)
    assert await reopened.version() == len(migrations())
    await reopened.close()


async def test_every_user_data_table_exists(tmp_path):
    async with await Database.open(tmp_path / "db.sqlite3") as db:
        for table, column in USER_DATA:
            async with db.conn.execute(f"PRAGMA table_info({table})") as cur:
                columns = [row["name"] for row in await cur.fetchall()]
            assert column in columns, table


async def test_progress_round_trip_and_overwrite():
    async with await Database.open(":memory:") as db:
        repo = ProgressRepository(db)
        assert await repo.get(42) is None
        await repo.set(42, 3, 1_700_000_000)
        await repo.set(42, 7, 1_700_000_100)
        assert await repo.get(42) == 7
        assert await repo.get(43) is None


async def test_progress_rejects_negative_episode():
    async with await Database.open(":memory:") as db:
        with pytest.raises(sqlite3.IntegrityError):
            await ProgressRepository(db).set(1, -1, 0)


async def test_forget_removes_only_that_member():
    async with await Database.open(":memory:") as db:
        repo = ProgressRepository(db)
        await repo.set(1, 5, 0)
        await repo.set(2, 6, 0)
        assert await UserDataRepository(db).forget(1) == 1
        assert await repo.get(1) is None
        assert await repo.get(2) == 6
        assert await UserDataRepository(db).forget(1) == 0


async def test_reminder_claim_searches_indexes_not_the_table():
    from bot.store import ReminderRepository

    async with await Database.open(":memory:") as db:
        plan = await ReminderRepository(db).explain_claim()
    assert "SEARCH reminders USING INDEX reminders_due (due_at<?)" in plan
    assert "SEARCH reminders USING INDEX reminders_claimed (claimed_at<?)" in plan
    assert not [step for step in plan if step.startswith("SCAN reminders")]
