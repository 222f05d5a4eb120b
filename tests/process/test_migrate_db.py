"""Moving up keeps history: ``python -m bot migrate-db --to postgresql://…`` copies a SQLite database with every
kind of row into an empty PostgreSQL database, and the bot on PostgreSQL shows the same parties, RSVPs,
settings and pending reminders."""

import datetime as dt

import pytest

from bot.client import RunOnBot
from bot.services import Services
from tests.cogs.conftest import NOW, UNPACED, data
from tests.conftest import NO_POSTGRES, POSTGRES_URL, FakeClock, wipe_postgres
from tests.harness import close, start

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)

MOD = {"manage_guild": True, "manage_events": True, "send_messages": True, "view_channel": True}


async def _bot(catalog, target):
    from bot.store import Database

    db = await Database.open(target)
    h = await start(RunOnBot(Services.build(catalog, db, FakeClock(NOW), sender=UNPACED)))
    return h, db


async def _use_the_bot(h):
    """A server that has used everything: settings, progress, zones, parties with RSVPs and a wait list,
    a rewatch with airing posts, subscribers."""
    import discord

    staff = h.member(4000, name="mod", permissions=discord.Permissions(**MOD))
    await h.invoke("setup spoilers", user=staff, line=3)
    await h.invoke("setup timezone", user=staff, zone="Asia/Seoul")
    await h.invoke("setup airing", user=staff, channel=h.add_channel(950, name="airing"))
    await h.invoke("progress set", episode=5)
    await h.invoke("timezone set", zone="Europe/Paris")
    await h.invoke("watchparty create", episodes="3-4", when="2026-12-02 20:30", timezone="Asia/Seoul", capacity=2)
    await h.click("runon:party:1:going", user=h.member(3001, name="a"))
    await h.click("runon:party:1:going", user=h.member(3002, name="b"))  # wait-listed
    await h.invoke("watchparty create", episodes="5", when="2026-12-05 20:00", timezone="Asia/Seoul")
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    await h.invoke("airing remind-me", setting="on")


async def _snapshot(h):
    snap = {}
    await h.invoke("watchparty list")
    snap["list"] = data(h)["embeds"][0]
    await h.invoke("watchparty info", party=1)
    snap["party"] = data(h)["embeds"][0]
    await h.invoke("setup show", user=h.member(4000, name="mod", permissions=__import__("discord").Permissions(**MOD)))
    snap["setup"] = [f for f in data(h)["embeds"][0]["fields"] if f["name"] != "What I can do, feature by feature"]
    await h.invoke("progress show")
    snap["progress"] = data(h)["content"]
    await h.invoke("timezone show")
    snap["zone"] = data(h)["content"]
    await h.invoke("rewatch show")
    snap["rewatch"] = data(h)["embeds"][0]
    return snap


async def test_migrate_db_copies_everything_and_the_bot_on_postgresql_shows_the_same(catalog, workdir, tmp_path):
    source = workdir.path / "var" / "runon.sqlite3"
    h, db = await _bot(catalog, source)
    try:
        await _use_the_bot(h)
        before = await _snapshot(h)
        async with db.read() as conn:
            from bot.store import reminders

            pending_before = (await reminders.count_by_state(conn)).get("pending")
    finally:
        await close(h)
        await db.close()
    await wipe_postgres(POSTGRES_URL)
    result = workdir.run("migrate-db", "--to", POSTGRES_URL)
    assert result.returncode == 0, result.stderr
    assert "rows in each table (checked on both sides)" in result.stdout
    assert ":runon@" not in result.stdout  # the password is not printed

    h, db = await _bot(catalog, POSTGRES_URL)
    try:
        after = await _snapshot(h)
        assert after == before
        async with db.read() as conn:
            from bot.store import reminders

            assert (await reminders.count_by_state(conn)).get("pending") == pending_before
        # new rows continue after the copied ids
        await h.invoke("watchparty create", episodes="6", when="2026-12-06 20:00", timezone="Asia/Seoul")
        assert data(h)["content"].startswith("Watch party #3 ")
    finally:
        await close(h)
        await db.close()

    again = workdir.run("migrate-db", "--to", POSTGRES_URL)  # a target that holds data is refused
    assert again.returncode != 0
    assert "already holds data" in again.stderr
    assert dt.datetime.now(dt.UTC) > NOW
