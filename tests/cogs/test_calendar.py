"""/calendar server and /calendar mine: the .ics parsed back with icalendar."""

import datetime as dt
from zoneinfo import ZoneInfo

import discord
import icalendar
import pytest
import vobject
from icalendar.parser import Contentlines

from .conftest import EPHEMERAL, data

KST = ZoneInfo("Asia/Seoul")
STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)
FIRST = dt.datetime(2026, 11, 25, 21, tzinfo=KST).astimezone(dt.UTC)


@pytest.fixture
def staff(h):
    return h.member(4000, name="mod", permissions=STAFF)


def _ics(h):
    [call] = [c for c in h.recorder.calls if c.blobs]
    [(name, blob)] = call.blobs.items()
    assert name.endswith(".ics")
    h.recorder.clear()
    return icalendar.Calendar.from_ical(blob), blob.decode()


def _events(calendar):
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


async def _party(h, episodes, when, note=""):
    await h.invoke("watchparty create", episodes=episodes, when=when, timezone="Asia/Seoul", note=note)


async def test_server_calendar_has_the_rewatch_and_parties_with_exact_instants_and_rsvps(h, staff, catalog, clock):
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    await _party(h, "3-4", "2026-12-02 20:30", note="Episode 4 ends with the big twist, bring tissues")
    await _party(h, "5", "2026-12-09 20:30")
    await h.click("runon:party:2:maybe")
    h.recorder.clear()
    await h.invoke("calendar server")
    assert data(h)["flags"] & EPHEMERAL
    assert data(h)["content"].startswith("16 upcoming episodes and 2 watch parties.")
    calendar, raw = _ics(h)
    assert calendar["version"] == "2.0"
    events = _events(calendar)
    assert len(events) == 18
    first = events[f"runon-{h.guild_id}-episode-1@runon-bot"]
    assert first.decoded("dtstart") == FIRST  # the exact instant, in UTC
    assert first.decoded("dtstart").utcoffset() == dt.timedelta(0)
    assert "DTSTART:20261125T120000Z" in raw  # written as UTC, so no zone data is needed
    assert first.decoded("dtend") - first.decoded("dtstart") == dt.timedelta(minutes=catalog.show.runtime_minutes)
    assert str(first["summary"]) == "Run On rewatch: episode 1"
    party = events["runon-party-1@runon-bot"]
    assert party.decoded("dtstart") == dt.datetime(2026, 12, 2, 11, 30, tzinfo=dt.UTC)
    assert str(party["summary"]) == "Run On watch party #1: episodes 3-4"
    assert "Your RSVP: going (1 going)" in str(party["description"])
    assert str(party["url"]) == f"https://discord.com/channels/{h.guild_id}/600"
    assert "Your RSVP: maybe" in str(events["runon-party-2@runon-bot"]["description"])
    # no plot text: titles name episode numbers only, recaps and the host's note never appear
    assert "twist" not in raw
    unfolded = raw.replace("\r\n ", "")
    assert not any(p.text[:40] in unfolded for e in catalog.episodes for p in e.recap)
    for event in events.values():
        assert str(event["summary"]).startswith(("Run On rewatch: episode ", "Run On watch party #"))


async def test_uids_are_stable_so_a_second_import_updates(h, staff, clock):
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    await _party(h, "3-4", "2026-12-02 20:30")
    await h.invoke("calendar server")
    first, _ = _ics(h)
    clock.advance(hours=1)
    await h.invoke("rewatch skip-week", user=staff)  # every episode moves a week
    await h.invoke("calendar server")
    second, _ = _ics(h)
    a, b = _events(first), _events(second)
    assert set(a) == set(b)
    uid = f"runon-{h.guild_id}-episode-1@runon-bot"
    assert b[uid].decoded("dtstart") - a[uid].decoded("dtstart") == dt.timedelta(days=7)
    assert int(b[uid]["sequence"]) > int(a[uid]["sequence"])  # the newer file wins on import


async def test_the_broadcast_where_it_lies_ahead(future_h):
    await future_h.invoke("calendar server")
    calendar, _ = _ics(future_h)
    events = _events(calendar)
    assert len(events) == 16
    assert str(events[f"runon-{future_h.guild_id}-episode-1@runon-bot"]["summary"]) == "Run On broadcast: episode 1"


async def test_mine_holds_only_parties_the_member_goes_to_with_their_own_alarms(h):
    fan = h.member(3001, name="fan")
    await _party(h, "3-4", "2026-12-02 20:30")
    await _party(h, "5", "2026-12-09 20:30")
    await h.click("runon:party:1:going", user=fan)
    await h.click("runon:party:2:maybe", user=fan)
    await h.invoke("watchparty remind-me", setting="on", offsets="1d, 30m", user=fan)
    h.recorder.clear()
    await h.invoke("calendar mine", user=fan)
    calendar, _ = _ics(h)
    [party] = calendar.walk("VEVENT")
    assert str(party["uid"]) == "runon-party-1@runon-bot"
    triggers = sorted(alarm.decoded("trigger") for alarm in party.walk("VALARM"))
    assert triggers == [-dt.timedelta(days=1), -dt.timedelta(minutes=30)]
    await h.invoke("calendar mine", user=h.member(3002, name="nobody"))
    assert data(h)["content"].startswith("You're not going to any upcoming watch party")


async def test_server_calendar_in_a_dm_says_where_to_run_it(h):
    await h.invoke("calendar server", guild_id=None)
    assert data(h)["content"].startswith("That calendar belongs to a server")


#: A server's name is any text its owner typed: a comma, a semicolon, a backslash, a new line, Korean.
AWKWARD_NAME = "Seoul, Night; Runners \\ 런온\nsecond line"


def _rename_server(h, name):
    """The server's name changed, as a GUILD_UPDATE would change it."""
    h.update_guild(name=name)


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Seoul, Night Runners", "Seoul\\, Night Runners"),  # a bare comma separates values in other readers
        (AWKWARD_NAME, "Seoul\\, Night\\; Runners \\\\ 런온\\nsecond line"),
    ],
)
async def test_the_calendar_name_is_escaped_so_every_reader_gets_the_servers_whole_name(h, staff, name, written):
    _rename_server(h, name)
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    h.recorder.clear()
    await h.invoke("calendar server")  # a new line in the name used to crash the command
    assert data(h)["content"].startswith("16 upcoming episodes")
    calendar, raw = _ics(h)
    expected = f"Run On in {name}"
    assert len(_events(calendar)) == 16  # the whole file still parses after the name
    unfolded = raw.replace("\r\n ", "").split("\r\n")
    assert f"X-WR-CALNAME:Run On in {written}" in unfolded  # TEXT, escaped as RFC 5545 3.3.11 says
    # icalendar's own reader: the content line, unfolded and read as TEXT
    [line] = [c for c in Contentlines.from_ical(raw) if c.startswith("X-WR-CALNAME")]
    assert line.parts()[2] == expected
    [standard] = [c for c in Contentlines.from_ical(raw) if c.startswith("NAME")]
    assert standard.parts()[2] == expected
    # a second, independent reader (vobject): one value, not cut at the comma or the new line
    parsed = vobject.readOne(raw)
    assert parsed.contents["x-wr-calname"][0].value == expected
    assert parsed.contents["name"][0].value == expected
    assert len(parsed.vevent_list) == 16
