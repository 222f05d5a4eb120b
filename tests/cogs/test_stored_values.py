"""What the bot stores, it reads back (issue 16, section 1): a reminder time written as ``1h30m`` is read by the
same parser, and one member's setting never breaks another member's or staff's command.

Each scenario is the one the issue describes, through the real command tree: a setting stored by one command,
then another command (often someone else's) that reads it."""

import logging

import discord
import pytest

from tests.conftest import both_backends

from .conftest import data, text_of

backend = both_backends()  # also on PostgreSQL

STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)
FAN, HOST = 3001, 2000  # the harness's default member hosts
WENT_WRONG = "Something went wrong on my side"


def _ok(h) -> str:
    content = text_of(data(h))
    assert WENT_WRONG not in content, content
    assert "couldn't read" not in content, content
    assert not h.logged_errors, h.logged_errors
    return content


async def _party(h, **options):
    await h.invoke("watchparty create", episodes="3-4", when="2026-12-02 20:30", timezone="Asia/Seoul", **options)
    _ok(h)


async def test_ninety_minute_server_reminders_are_kept_and_every_command_goes_on(h):
    staff = h.member(4000, name="mod", permissions=STAFF)
    await h.invoke("setup reminders", before="90m", user=staff)
    assert "1h30m" in _ok(h)
    await _party(h)  # reads the server's settings
    await h.invoke("setup show", user=staff)
    assert "1h30m" in _ok(h)
    await h.invoke("watchparty list")
    _ok(h)
    async with h.db.read() as conn:
        stored = (await conn.execute("SELECT reminder_offsets FROM guild_settings")).scalar_one()
    assert stored == "1h30m"  # the form the bot writes, read back above by the same parser
    assert (await h.bot.services.guilds.get(h.guild_id)).party_offsets == (5400,)


async def test_a_wait_listed_members_ninety_minutes_never_stops_the_host(h, fan):
    await _party(h, capacity=1)
    await h.invoke("watchparty remind-me", setting="on", offsets="90m", user=fan)
    _ok(h)
    await h.click("runon:party:1:going", user=fan)  # full: the fan waits
    _ok(h)
    await h.click("runon:party:1:declined")  # the host can't go: the fan is promoted, their times planned
    _ok(h)
    await h.invoke("watchparty edit", party=1, when="2026-12-03 20:30", timezone="Asia/Seoul")
    _ok(h)
    await h.invoke("progress forget")
    await h.click(f"runon:forget:{HOST}")
    _ok(h)


async def test_a_members_own_airing_times_never_stop_staff(h):
    staff = h.member(4000, name="mod", permissions=STAFF)
    fan = h.member(FAN, name="fan")
    await h.invoke("setup airing", user=staff, channel=h.add_channel(950, name="airing"))
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    _ok(h)
    await h.invoke("airing remind-me", setting="on", offsets="90m", user=fan)
    assert "1h30m" in _ok(h)
    await h.invoke("setup airing", user=staff, channel=h.add_channel(951, name="airing-2"))
    _ok(h)
    await h.invoke("rewatch pause", user=staff)
    _ok(h)
    await h.invoke("rewatch resume", user=staff)
    _ok(h)
    await h.invoke("rewatch stop", user=staff)
    _ok(h)


@pytest.fixture
def fan(h):
    return h.member(FAN, name="fan")


async def _break(h, statement: str, *params: object) -> None:
    """Write a value no command writes (a hand-edited row, or one from a bot that stored another form)."""
    async with h.db.transaction() as tx:
        await tx.conn.execute(statement, params)


async def test_a_members_unreadable_times_are_skipped_logged_once_and_told_to_them(h, fan, caplog, backend):
    hourish, soonish = f"an hour-ish ({backend})", f"soonish ({backend})"  # each bad value is logged once a process
    staff = h.member(4000, name="mod", permissions=STAFF)
    await h.invoke("setup airing", user=staff, channel=h.add_channel(950, name="airing"))
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    await _party(h, capacity=1)
    await h.invoke("watchparty remind-me", setting="on", offsets="1h", user=fan)
    await h.invoke("airing remind-me", setting="on", offsets="2h", user=fan)
    await h.click("runon:party:1:going", user=fan)  # wait-listed
    await _break(h, "UPDATE member_settings SET party_dm_offsets = ? WHERE user_id = ?", hourish, FAN)
    await _break(h, "UPDATE airing_subscribers SET offsets = ? WHERE user_id = ?", soonish, FAN)
    caplog.set_level(logging.WARNING, logger="bot.services.guild_config")
    caplog.clear()
    # the host and staff never see the fan's setting
    await h.click("runon:party:1:declined")  # the fan is promoted
    _ok(h)
    await h.invoke("watchparty edit", party=1, when="2026-12-03 20:30", timezone="Asia/Seoul")
    _ok(h)
    await h.invoke("setup airing", user=staff, channel=h.add_channel(951, name="airing-2"))
    _ok(h)
    await h.invoke("rewatch pause", user=staff)
    await h.invoke("rewatch resume", user=staff)
    _ok(h)
    logged = [r.getMessage() for r in caplog.records if "does not read" in r.getMessage()]
    assert len([m for m in logged if hourish in m]) == 1  # once, however many commands read it
    assert len([m for m in logged if soonish in m]) == 1
    # the fan gets the server's copies meanwhile (not nothing) ...
    assert FAN in await h.bot.services.parties.going(1)
    assert await h.bot.services.personal.with_own_party_times([FAN]) == set()
    # ... and is told the next time they use the feature
    await h.invoke("watchparty remind-me", setting="on", offsets="30m", user=fan)
    assert f"Your earlier times (`{hourish}`) couldn't be read" in _ok(h)
    await h.invoke("airing remind-me", setting="on", user=fan)
    assert f"Your earlier times (`{soonish}`) couldn't be read" in _ok(h)
    await h.invoke("airing remind-me", setting="on", user=fan)
    assert "couldn't be read" not in _ok(h)  # said once: the setting now reads


async def test_unreadable_server_settings_fall_back_and_show_in_setup(h, caplog):
    staff = h.member(4000, name="mod", permissions=STAFF)
    await _break(
        h,
        "INSERT INTO guild_settings (guild_id, reminder_offsets, timezone, updated_at) VALUES (?, '1 hr 30', "
        "'Mars/Olympus_Mons', 0)",
        h.guild_id,
    )
    h.bot.services.guilds._cache.clear()
    await _party(h)
    assert (await h.bot.services.guilds.get(h.guild_id)).party_offsets == (3600, 600)  # the defaults
    await h.invoke("watchparty create", episodes="5", when="tomorrow 20:30")  # read in UTC meanwhile
    assert "read as UTC time" in _ok(h)
    await h.invoke("setup show", user=staff)
    shown = _ok(h)
    assert "Reminder times: stored in a form I can't read" in shown
    assert "Server time zone: stored as a zone this system no longer knows" in shown
    await h.invoke("setup reminders", before="1h30m", user=staff)
    await h.invoke("setup show", user=staff)
    assert "Reminder times: stored in a form" not in _ok(h)


async def test_a_members_unknown_saved_zone_is_passed_over_and_told(h):
    await h.invoke("timezone set", zone="Asia/Seoul")
    await _break(h, "UPDATE member_settings SET timezone = 'Mars/Olympus_Mons' WHERE user_id = ?", HOST)
    h.bot.services.members._cache.clear()  # the row was changed underneath the bot
    await h.invoke("watchparty create", episodes="1", when="tomorrow 20:30")
    assert "read as UTC time" in _ok(h)  # the server's zone (none set), then UTC: never an error
    await h.invoke("timezone show")
    assert _ok(h) == (
        "Your saved time zone (Mars/Olympus_Mons) is no longer known here, so times you type are read as **UTC**. "
        "Set yours again with `/timezone set`."
    )
