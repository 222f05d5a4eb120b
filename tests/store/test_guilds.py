import sqlite3

import pytest

from bot.store import Database, GuildRepository, ThreadRepository, ThreadRow


async def test_settings_default_when_nothing_stored():
    async with await Database.open(":memory:") as db:
        row = await GuildRepository(db).get(1)
        assert (row.discussion_channel_id, row.spoiler_line, row.spoiler_free_channel_ids) == (None, None, frozenset())


async def test_settings_update_one_column_at_a_time():
    async with await Database.open(":memory:") as db:
        repo = GuildRepository(db)
        await repo.set_spoiler_line(1, 6, 100)
        await repo.set_discussion_channel(1, 555, 101)
        await repo.set_spoiler_line(1, None, 102)
        row = await repo.get(1)
        assert (row.discussion_channel_id, row.spoiler_line) == (555, None)
        assert (await repo.get(2)).discussion_channel_id is None


async def test_spoiler_free_channels_replace_the_set():
    async with await Database.open(":memory:") as db:
        repo = GuildRepository(db)
        await repo.set_spoiler_free_channels(1, frozenset({10, 11}))
        await repo.set_spoiler_free_channels(1, frozenset({11, 12}))
        await repo.set_spoiler_free_channels(2, frozenset({10}))
        assert (await repo.get(1)).spoiler_free_channel_ids == {11, 12}
        assert (await repo.get(2)).spoiler_free_channel_ids == {10}


async def test_negative_line_is_rejected_by_the_schema():
    async with await Database.open(":memory:") as db:
        with pytest.raises(sqlite3.IntegrityError):
            await GuildRepository(db).set_spoiler_line(1, -1, 0)


async def test_one_thread_per_guild_and_episode():
    async with await Database.open(":memory:") as db:
        repo = ThreadRepository(db)
        await repo.put(ThreadRow(1, 5, 900, 700), 0)
        await repo.put(ThreadRow(1, 5, 901, 700), 1)  # the old one was deleted: replaced
        await repo.put(ThreadRow(2, 5, 902, 800), 1)
        assert (await repo.get(1, 5)).thread_id == 901
        assert await repo.count(1) == 1
        assert await repo.get(1, 6) is None
