"""Moving up keeps history: ``python -m bot migrate-db`` (with ``DATABASE_URL`` set) copies a SQLite database with every
kind of row into an empty PostgreSQL database, and the bot on PostgreSQL shows the same parties, RSVPs,
settings and pending reminders."""

import datetime as dt

import pytest

from bot.app import App
from bot.client import RunOnBot
from bot.standin import close, start
from tests.cogs.conftest import NOW, UNPACED, data, text_of
from tests.conftest import NO_POSTGRES, POSTGRES_URL, FakeClock, wipe_postgres

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)

MOD = {"manage_guild": True, "manage_events": True, "send_messages": True, "view_channel": True}


async def _bot(catalog, target):
    from bot.store import Database

    db = await Database.open(target)
    h = await start(RunOnBot(App(catalog, db, FakeClock(NOW), sender=UNPACED)))
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
    migrating = dict(workdir.env, DATABASE_URL=POSTGRES_URL)  # the URL comes from the environment, never argv
    result = workdir.run("migrate-db", env=migrating)
    assert result.returncode == 0, result.stderr
    assert "rows in each table (checked on both sides)" in result.stdout
    assert ":runon@" not in result.stdout  # the password is not printed
    [backup] = (source.parent / "backups").iterdir()  # taken before the copy (which migrates the source)
    assert f"to {backup} first." in result.stdout

    h, db = await _bot(catalog, POSTGRES_URL)
    try:
        after = await _snapshot(h)
        assert after == before
        async with db.read() as conn:
            from bot.store import reminders

            assert (await reminders.count_by_state(conn)).get("pending") == pending_before
        # new rows continue after the copied ids
        await h.invoke("watchparty create", episodes="6", when="2026-12-06 20:00", timezone="Asia/Seoul")
        assert text_of(data(h)).startswith("Watch party #3: episode 6")
    finally:
        await close(h)
        await db.close()

    again = workdir.run("migrate-db", env=migrating)  # a target that holds data is refused
    assert again.returncode != 0
    assert "already holds data" in again.stderr
    assert dt.datetime.now(dt.UTC) > NOW


async def test_the_copy_is_one_snapshot_even_if_the_file_is_written_meanwhile(catalog, tmp_path, monkeypatch):
    """A party and its RSVP written while the copy runs (after the parties were read, before the RSVPs): the copy
    holds both or neither, never an RSVP whose party is missing (which PostgreSQL's foreign key refuses)."""
    import sqlite3

    from bot.store.copy import copy_database
    from bot.store.sqlite import SqliteConnection

    source = tmp_path / "runon.sqlite3"
    h, db = await _bot(catalog, source)
    try:
        await _use_the_bot(h)
    finally:
        await close(h)
        await db.close()
    await wipe_postgres(POSTGRES_URL)
    written = []

    def write_a_party_meanwhile(statement):
        if written or not statement.lstrip().upper().startswith("SELECT"):
            return
        if "FROM watch_parties" not in statement:
            return
        other = sqlite3.connect(source, timeout=10, isolation_level=None)  # another writer, e.g. a bot process
        try:
            columns = [row[1] for row in other.execute("PRAGMA table_info(watch_parties)")]
            picked = ", ".join("id + 100" if c == "id" else c for c in columns)
            names = ", ".join(columns)
            other.execute(f"INSERT INTO watch_parties ({names}) SELECT {picked} FROM watch_parties LIMIT 1")
            other.execute(
                "INSERT INTO rsvps SELECT party_id + 100, user_id, status, seq, updated_at FROM rsvps LIMIT 1"
            )
        finally:
            other.close()
        written.append(True)

    original = SqliteConnection.execute

    async def execute(self, sql, params=()):  # the SQLite side's statements, each followed by the other writer
        found = await original(self, sql, params)
        write_a_party_meanwhile(sql)
        return found

    monkeypatch.setattr(SqliteConnection, "execute", execute)
    counts = await copy_database(source, POSTGRES_URL)
    assert written  # the write did land in the middle of the copy
    after = sqlite3.connect(source)
    try:
        in_file = {t: after.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("watch_parties", "rsvps")}
    finally:
        after.close()
    # the copy is the moment it started: the party and its RSVP written later are in the file, not in the copy
    assert counts["watch_parties"] == in_file["watch_parties"] - 1
    assert counts["rsvps"] == in_file["rsvps"] - 1
