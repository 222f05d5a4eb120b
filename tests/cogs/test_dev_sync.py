from bot.app import App
from bot.client import RunOnBot
from bot.standin import close, start
from bot.store import Database


async def test_dev_guild_is_synced_on_start_and_nothing_global(catalog, clock):
    db = await Database.open(":memory:")
    bot = RunOnBot(App(catalog, db, clock), dev_guild_id=123456789012345678)
    h = await start(bot)
    try:
        puts = [call for call in h.recorder.calls if call.method == "PUT"]
        assert len(puts) == 1
        assert puts[0].path.endswith("/guilds/123456789012345678/commands")
        names = sorted(c["name"] for c in puts[0].json)
        assert names == [
            "Spoiler-tag this",
            "about",
            "airing",
            "calendar",
            "cast",
            "catchup",
            "discuss",
            "episode",
            "progress",
            "pulse",
            "recap",
            "rewatch",
            "setup",
            "spoiler",
            "timezone",
            "watchparty",
        ]
    finally:
        await close(h)
        await db.close()
