import datetime as dt

import pytest

from bot.errors import UserError
from bot.services.guild_config import GuildConfigService
from bot.store import Database

NOW = dt.datetime(2026, 11, 21, tzinfo=dt.UTC)


@pytest.fixture
async def service(catalog, tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    yield GuildConfigService(catalog, db)
    await db.close()


async def test_line_is_automatic_zero_until_staff_fix_one(service):
    assert await service.line_for(1, 10) == 0
    await service.set_spoiler_line(1, 9, NOW)
    assert await service.line_for(1, 10) == 9
    await service.set_spoiler_line(1, None, NOW)
    assert await service.line_for(1, 10) == 0


async def test_spoiler_free_channels_and_their_threads_get_line_zero(service):
    await service.set_spoiler_line(1, 16, NOW)
    await service.set_spoiler_free_channels(1, frozenset({10}))
    assert await service.line_for(1, 10) == 0
    assert await service.line_for(1, 99, parent_id=10) == 0  # a thread inside it
    assert await service.line_for(1, 11) == 16


async def test_direct_messages_assume_nothing(service):
    assert await service.line_for(None, 10) == 0


async def test_invalid_values_are_user_errors(service):
    with pytest.raises(UserError, match=r"from 0 \(nothing\) to 16; you gave 17"):
        await service.set_spoiler_line(1, 17, NOW)
    with pytest.raises(UserError, match="At most 25"):
        await service.set_spoiler_free_channels(1, frozenset(range(26)))
    assert (await service.get(1)).fixed_line is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1h, 10m", (3600, 600)), ("10 min; 1 hour", (3600, 600)), ("1d and 2h", (86400, 7200)), ("90m", (5400,))],
)
def test_reminder_offsets_parse(text, expected):
    from bot.services.guild_config import parse_offsets

    assert parse_offsets(text) == expected


@pytest.mark.parametrize(("text", "message"), [("", "at least one"), ("soon", "couldn't read"), ("8d", "out of range"),
                                               ("1m,2m,3m,4m,5m,6m", "At most 5")])  # fmt: skip
def test_bad_reminder_offsets(text, message):
    from bot.services.guild_config import parse_offsets

    with pytest.raises(UserError, match=message):
        parse_offsets(text)


async def test_party_offsets_round_trip_and_always_include_starting_now(service):
    assert (await service.get(1)).reminder_offsets == (3600, 600, 0)
    await service.set_party_offsets(1, "1d, 30m", NOW)
    assert (await service.get(1)).reminder_offsets == (86400, 1800, 0)
    service._cache.invalidate(1)  # read back from the database
    assert (await service.get(1)).reminder_offsets == (86400, 1800, 0)
    await service.set_party_offsets(1, None, NOW)
    assert (await service.get(1)).reminder_offsets == (3600, 600, 0)


async def test_a_read_racing_a_write_never_caches_the_old_value(service):
    """A load that started before a write committed must not store its stale result in the cache."""
    import asyncio

    await service.set_spoiler_line(1, 3, NOW)
    service._cache.invalidate(1)
    reader = asyncio.create_task(service.get(1))  # starts loading the line (3)...
    await service.set_spoiler_line(1, 9, NOW)  # ...while staff change it
    await reader
    assert (await service.get(1)).fixed_line == 9


async def test_many_servers_answering_at_once_read_their_settings_together(catalog, tmp_path):
    """A start-up in many servers asks for every server's settings at once: each server still gets its own (its line,
    its spoiler-free channels, the defaults where staff set nothing), from a few reads instead of one per server."""
    import asyncio

    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        service = GuildConfigService(catalog, db)
        for guild_id in range(1, 41, 3):  # staff configured some servers
            await service.set_spoiler_line(guild_id, guild_id % 16 + 1, NOW)
        await service.set_spoiler_free_channels(4, frozenset({400, 401}))
        expected = {}
        fresh = GuildConfigService(catalog, db)  # a new process: nothing cached
        for guild_id in range(1, 101):
            expected[guild_id] = await fresh.get(guild_id)
        sent: list[str] = []
        db.statement_hooks.append(sent.append)
        starting = GuildConfigService(catalog, db)
        configs = await asyncio.gather(*(starting.get(guild_id) for guild_id in range(1, 101)))
        assert dict(zip(range(1, 101), configs, strict=True)) == expected
        assert configs[3].fixed_line == 5
        assert configs[3].spoiler_free_channel_ids == frozenset({400, 401})
        assert configs[1].fixed_line is None
        assert configs[1].spoiler_free_channel_ids == frozenset()
        assert len(sent) <= 4  # the first server's read, then one for all who asked meanwhile (two statements each)
    finally:
        await db.close()


async def test_a_failed_read_reaches_every_server_waiting_on_it_and_the_next_one_reads_again(service, monkeypatch):
    import asyncio

    from bot.store import guilds

    real = guilds.get_many

    async def broken(conn, guild_ids):
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(guilds, "get_many", broken)
    results = await asyncio.gather(*(service.get(guild_id) for guild_id in (1, 2, 3)), return_exceptions=True)
    assert [type(result) for result in results] == [RuntimeError] * 3
    monkeypatch.setattr(guilds, "get_many", real)
    await service.set_spoiler_line(2, 7, NOW)
    assert (await service.get(2)).fixed_line == 7
    assert (await service.get(1)).fixed_line is None


async def test_a_members_first_read_never_waits_in_the_background_lane(catalog, tmp_path):
    """Reminder deliveries take turns for readers; members never do. A member's first read of a server's settings
    that comes while a delivery's read is under way is not held up with it."""
    import asyncio

    from bot.store import background_work
    from bot.store.sqlite import BACKGROUND_READERS

    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        service = GuildConfigService(catalog, db)
        release = asyncio.Event()

        async def busy_delivery():
            background_work()
            async with db.read():
                await release.wait()

        async def delivery_reads_settings():
            background_work()
            await service.get(1)

        holders = [asyncio.create_task(busy_delivery()) for _ in range(BACKGROUND_READERS)]
        await asyncio.sleep(0.05)
        delivery = asyncio.create_task(delivery_reads_settings())
        await asyncio.sleep(0.05)
        member = await asyncio.wait_for(service.get(2), 2.0)  # a member's interaction
        assert member.fixed_line is None
        release.set()
        await asyncio.gather(*holders, delivery)
    finally:
        await db.close()
