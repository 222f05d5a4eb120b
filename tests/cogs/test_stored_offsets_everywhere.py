"""Issue 16 §1 re-run as a repro: each compound reminder time, typed in each field that stores one, is read back by
every command that reads it afterwards (the member's own, someone else's and staff's)."""

import discord
import pytest

from .conftest import data, text_of

STAFF = discord.Permissions(manage_guild=True, manage_events=True, send_messages=True, view_channel=True)
FAN, HOST = 3001, 2000
WENT_WRONG = "Something went wrong on my side"

TYPED = {"1h1m": "1h1m", "1일 2시간": "26h", "90m": "1h30m"}  # what is typed, and how the bot writes it back
FIELDS = ("setup reminders", "setup airing", "watchparty remind-me", "airing remind-me")


def _ok(h) -> str:
    content = text_of(data(h))
    assert WENT_WRONG not in content, content
    assert "couldn't read" not in content, content
    assert "couldn't be read" not in content, content
    assert not h.logged_errors, h.logged_errors
    return content


@pytest.mark.parametrize("typed", list(TYPED))
@pytest.mark.parametrize("field", FIELDS)
async def test_a_compound_time_in_any_field_reads_back_everywhere(h, field, typed):
    staff = h.member(4000, name="mod", permissions=STAFF)
    fan = h.member(FAN, name="fan")
    locale = "ko" if typed.startswith("1일") else "en-US"
    airing = h.add_channel(950, name="airing")
    if field == "setup reminders":
        await h.invoke("setup reminders", before=typed, user=staff, locale=locale)
        _ok(h)
    if field == "setup airing":
        await h.invoke("setup airing", channel=airing, offsets=typed, user=staff, locale=locale)
    else:
        await h.invoke("setup airing", channel=airing, user=staff)
    _ok(h)
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    _ok(h)
    await h.invoke("watchparty create", episodes="3-4", when="2026-12-02 20:30", timezone="Asia/Seoul", capacity=1)
    _ok(h)
    if field == "watchparty remind-me":
        await h.invoke("watchparty remind-me", setting="on", offsets=typed, user=fan, locale=locale)
        assert "couldn't" not in _ok(h)
    if field == "airing remind-me":
        await h.invoke("airing remind-me", setting="on", offsets=typed, user=fan, locale=locale)
        _ok(h)
    await h.click("runon:party:1:going", user=fan)  # wait-listed
    _ok(h)
    await h.click("runon:party:1:declined")  # the host can't go: the fan is promoted
    _ok(h)
    await h.invoke("watchparty edit", party=1, when="2026-12-03 20:30", timezone="Asia/Seoul")
    _ok(h)
    await h.invoke("setup show", user=staff)
    shown = _ok(h)
    if field.startswith("setup"):
        assert TYPED[typed] in shown
    await h.invoke("setup airing", channel=h.add_channel(951, name="airing-2"), user=staff)
    _ok(h)
    for command in ("rewatch pause", "rewatch resume", "rewatch show", "rewatch stop"):
        await h.invoke(command, user=staff)
        _ok(h)
    await h.invoke("watchparty list", user=fan)
    _ok(h)
    await h.invoke("progress forget", user=fan)
    await h.click(f"runon:forget:{FAN}", user=fan)
    _ok(h)
    await h.invoke("progress forget")
    await h.click(f"runon:forget:{HOST}")
    _ok(h)
