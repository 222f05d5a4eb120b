"""A member's own progress, right after they set it, is answered from memory; nobody ever sees an old value."""

import asyncio
import datetime as dt

import pytest

from bot.services.progress import ProgressService
from bot.store import progress
from tests.conftest import both_backends, open_database, reopen_database

NOW = dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
backend = both_backends()


@pytest.fixture
async def reads(monkeypatch):
    counted: list[int] = []
    original = progress.get

    async def get(conn, user_id):
        counted.append(user_id)
        return await original(conn, user_id)

    monkeypatch.setattr(progress, "get", get)
    return counted


async def test_the_answer_after_progress_set_needs_no_read(backend, tmp_path, catalog, reads):
    db = await open_database(backend, tmp_path)
    service = ProgressService(catalog, db)
    try:
        assert await service.horizon(7) == 0
        await service.set(7, 6, NOW)
        reads.clear()
        assert (await service.horizon(7), await service.known(7)) == (6, True)
        # One process alone writes a SQLite file: it keeps what it wrote. On PostgreSQL other processes write too,
        # so the copy is dropped and read again (when its own notification comes back, perhaps once more).
        assert reads == [] if backend == "sqlite" else reads[:1] == [7]
    finally:
        await db.close()


async def test_another_process_never_leaves_an_old_value_behind(backend, tmp_path, catalog):
    if backend == "sqlite":
        pytest.skip("one bot process per SQLite file")
    first = await open_database(backend, tmp_path)
    second = await reopen_database(backend, tmp_path)
    mine, theirs = ProgressService(catalog, first), ProgressService(catalog, second)
    try:
        await mine.set(7, 6, NOW)
        assert await mine.horizon(7) == 6
        await theirs.set(7, 9, NOW)
        for _ in range(50):  # the notification arrives asynchronously
            if await mine.horizon(7) == 9:
                break
            await asyncio.sleep(0.05)
        assert await mine.horizon(7) == 9
    finally:
        await first.close()
        await second.close()
