import discord

from .conftest import EPHEMERAL, data

STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)


async def test_timezone_set_show_clear(h):
    await h.invoke("timezone show")
    assert data(h)["content"].startswith("You haven't set one, so times you type are read as **UTC**.")
    await h.invoke("timezone set", zone="Asia/Seoul")
    assert data(h)["flags"] == EPHEMERAL
    assert data(h)["content"].startswith("Your time zone is now **Asia/Seoul** (it's 21:00 there).")
    await h.invoke("timezone show")
    assert data(h)["content"] == "Your time zone is **Asia/Seoul**."
    await h.invoke("timezone clear")
    await h.invoke("timezone show")
    assert "You haven't set one" in data(h)["content"]


async def test_timezone_abbreviation_is_refused_with_a_suggestion(h):
    await h.invoke("timezone set", zone="PST")
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    assert "abbreviation" in answer["content"]
    assert "America/Los_Angeles" in answer["content"]
    await h.invoke("timezone show")
    assert "You haven't set one" in data(h)["content"]


async def test_timezone_autocomplete_searches_cities(h):
    choices = await h.autocomplete("timezone set", "zone", "new york")
    assert choices[0]["value"] == "America/New_York"


async def test_server_zone_is_the_fallback_for_members(h):
    staff = h.member(4000, name="mod", permissions=STAFF)
    await h.invoke("setup timezone", user=staff, zone="seoul")
    assert data(h)["content"] == "Server time zone set to **Asia/Seoul**."
    await h.invoke("timezone show")
    assert "read as **Asia/Seoul**" in data(h)["content"]


async def test_setup_reminders_and_staff_channel_show_in_setup_show(h):
    staff = h.member(4000, name="mod", permissions=STAFF)
    await h.invoke("setup reminders", user=staff, before="1d, 30m")
    assert data(h)["content"].startswith("Watch-party reminders: 1d, 30m before, and when it starts.")
    await h.invoke("setup reminders", user=staff, before="soon")
    assert "couldn't read 'soon'" in data(h)["content"]
    room = h.add_channel(900, name="staff")
    await h.invoke("setup staff", user=staff, channel=room)
    await h.invoke("setup show", user=staff)
    fields = {f["name"]: f["value"] for f in data(h)["embeds"][0]["fields"]}
    assert fields["Watch-party reminders"] == "1d, 30m before, and when it starts"
    assert fields["Staff channel"] == "<#900>"
    await h.invoke("setup reset", user=staff, setting="reminder times")
    assert "reminder times: 1h, 10m before, and when it starts" in data(h)["content"]


async def test_setup_show_warns_when_events_cannot_be_made(h):
    h.set_bot_permissions(discord.Permissions(view_channel=True, send_messages=True, embed_links=True))
    await h.invoke("setup show", user=h.member(4000, name="mod", permissions=STAFF))
    fields = {f["name"]: f["value"] for f in data(h)["embeds"][0]["fields"]}
    assert "I need the Create Events permission" in fields["What I can do, feature by feature"]


async def test_forget_also_removes_time_zone_and_rsvps(h):
    await h.invoke("timezone set", zone="Asia/Seoul")
    await h.invoke("watchparty create", episodes="1", when="2026-12-02 20:30")
    await h.invoke("progress forget")
    await h.click("runon:forget:2000")
    assert data(h)["content"].startswith("Done: deleted 3 records.")  # zone, RSVP, host of the party
    assert await h.bot.services.parties.going(1) == []
    assert (await h.bot.services.members.get(2000)).timezone is None
