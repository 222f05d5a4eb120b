import pytest

from bot.store import ThreadRow, guilds
from bot.store.sql import IntegrityError


async def test_settings_default_when_nothing_stored(db):
    async with db.read() as conn:
        row = await guilds.get(conn, 1)
    assert (row.discussion_channel_id, row.spoiler_line, row.spoiler_free_channel_ids) == (None, None, frozenset())


async def test_settings_update_one_column_at_a_time(db):
    async with db.transaction() as tx:
        await guilds.update(tx.conn, 1, 100, spoiler_line=6)
        await guilds.update(tx.conn, 1, 101, discussion_channel_id=555)
        await guilds.update(tx.conn, 1, 102, spoiler_line=None)
    async with db.read() as conn:
        row = await guilds.get(conn, 1)
        assert (row.discussion_channel_id, row.spoiler_line) == (555, None)
        assert (await guilds.get(conn, 2)).discussion_channel_id is None
    with pytest.raises(ValueError, match="not a setting"):
        async with db.transaction() as tx:
            await guilds.update(tx.conn, 1, 103, updated_at=2)


async def test_spoiler_free_channels_replace_the_set(db):
    async with db.transaction() as tx:
        await guilds.set_spoiler_free_channels(tx.conn, 1, frozenset({10, 11}))
        await guilds.set_spoiler_free_channels(tx.conn, 1, frozenset({11, 12}))
        await guilds.set_spoiler_free_channels(tx.conn, 2, frozenset({10}))
    async with db.read() as conn:
        assert (await guilds.get(conn, 1)).spoiler_free_channel_ids == {11, 12}
        assert (await guilds.get(conn, 2)).spoiler_free_channel_ids == {10}


async def test_negative_line_is_rejected_by_the_schema(db):
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await guilds.update(tx.conn, 1, 0, spoiler_line=-1)


async def test_one_thread_per_guild_and_episode(db):
    async with db.transaction() as tx:
        await guilds.put_thread(tx.conn, ThreadRow(1, 5, 900, 700), 0)
        await guilds.put_thread(tx.conn, ThreadRow(1, 5, 901, 700), 1)  # the old one was deleted: replaced
        await guilds.put_thread(tx.conn, ThreadRow(2, 5, 902, 800), 1)
    async with db.read() as conn:
        assert (await guilds.get_thread(conn, 1, 5)).thread_id == 901
        assert await guilds.count_threads(conn, 1) == 1
        assert await guilds.get_thread(conn, 1, 6) is None


async def test_several_servers_settings_read_at_once_are_each_servers_own(db):
    async with db.transaction() as tx:
        await guilds.update(tx.conn, 1, 100, spoiler_line=4, language="ko")
        await guilds.update(tx.conn, 3, 100, timezone="Asia/Seoul", pulse_polls=0)
        await guilds.set_spoiler_free_channels(tx.conn, 3, frozenset({30, 31}))
        await guilds.set_spoiler_free_channels(tx.conn, 5, frozenset({50}))  # channels, no settings row
    async with db.read() as conn:
        many = await guilds.get_many(conn, [5, 1, 2, 3])
        one_by_one = {guild_id: await guilds.get(conn, guild_id) for guild_id in (5, 1, 2, 3)}
        assert await guilds.get_many(conn, []) == {}
    assert many == one_by_one
    assert many[1].spoiler_line == 4
    assert many[1].language == "ko"
    assert many[3].spoiler_free_channel_ids == frozenset({30, 31})
    assert many[3].pulse_polls == 0
    assert many[5].spoiler_free_channel_ids == frozenset({50})
    assert many[5].spoiler_line is None
    assert many[2] == guilds.GuildSettingsRow(2, None, None, frozenset())
