import datetime as dt

import discord
import pytest

from bot.standin import assertions
from tests.conftest import both_backends

from .conftest import EPHEMERAL, NOW, custom_ids, data, reminder_rows, tick_at

backend = both_backends()  # watch parties run on SQLite and on PostgreSQL

HOST = 2000
STAFF = discord.Permissions(manage_events=True, send_messages=True, view_channel=True)


def _ts(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def _posts(h, channel=600):
    return [c for c in h.recorder.calls if c.method == "POST" and c.path == f"/channels/{channel}/messages"]


def _cards(h, channel=600):
    """The party cards that exist in the channel now (the command's public answer, or a post), with RSVP buttons."""
    return [m for m in h.messages_in(channel) if m["embeds"] and any("runon:party:" in c for c in custom_ids(m))]


async def _create(h, when="2026-12-02 20:30", user=None, **options):
    options.setdefault("episodes", "3-4")
    options.setdefault("timezone", "Asia/Seoul")
    await h.invoke("watchparty create", when=when, user=user, **options)
    return data(h)


@pytest.mark.parametrize(
    ("when", "zone", "expected"),
    [
        ("2026-12-02 20:30", "Asia/Seoul", dt.datetime(2026, 12, 2, 11, 30, tzinfo=dt.UTC)),
        ("friday 8pm", "America/New_York", dt.datetime(2026, 11, 28, 1, 0, tzinfo=dt.UTC)),
        ("tomorrow 21:00", "Asia/Seoul", dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)),
        ("in 2 hours", "Asia/Seoul", NOW + dt.timedelta(hours=2)),
        ("<t:1795608000:F>", "Asia/Seoul", dt.datetime.fromtimestamp(1795608000, dt.UTC)),
    ],
)
async def test_create_reads_every_time_form_in_the_members_zone(h, when, zone, expected):
    await _create(h, when=when, timezone=zone)
    # The card is the command's own public answer, in the channel it was run in: one request, nothing private after
    # it (the host typed the zone and the event was made: the card says it all).
    [answer] = h.responses()
    assert answer["kind"] == "callback"
    assert answer["type"] == 4
    assert not assertions.is_ephemeral(answer)
    [card] = _cards(h)
    assert card["embeds"] == answer["data"]["embeds"]
    fields = {f["name"]: f["value"] for f in card["embeds"][0]["fields"]}
    assert fields["When"] == f"<t:{_ts(expected)}:F> (<t:{_ts(expected)}:R>)"
    assert fields["Host"] == f"<@{HOST}>"
    assert fields["Going"] == "1"
    assert custom_ids(card) == ["runon:party:1:going", "runon:party:1:maybe", "runon:party:1:declined"]
    assert not _posts(h)  # no second copy posted in the channel
    row = await h.bot.services.parties.get_row(1)
    assert row.announcement_message_id == int(card["id"])  # later edits (RSVPs elsewhere, edits) find this card
    assert row.event_id is not None


async def test_host_hears_privately_how_their_time_was_read_when_they_typed_no_zone(h):
    # The server has no zone of its own here, nor the host: UTC, which the host learns privately.
    await h.invoke("watchparty create", episodes="3", when="2026-12-02 20:30")
    expected = dt.datetime(2026, 12, 2, 20, 30, tzinfo=dt.UTC)
    callback, note = h.responses()
    assert callback["kind"] == "callback"
    assert not assertions.is_ephemeral(callback)
    assert note["kind"] == "followup"
    assert note["flags"] == EPHEMERAL
    assert f"<t:{_ts(expected)}:F>" in note["content"]
    assert "read as UTC time" in note["content"]
    assert "I added it to the server's Events." in note["content"]
    assert len(_cards(h)) == 1


async def test_a_card_posted_in_another_channel_tells_the_host_where(h):
    h.add_channel(700, name="parties")
    await _create(h, channel=h.bot.get_channel(700))
    deferral, note = h.responses()
    assert deferral["kind"] == "callback"
    assert deferral["type"] == 5
    assert assertions.is_ephemeral(deferral)
    assert "The announcement is in <#700>." in note["content"]
    assert "read as Asia/Seoul time" in note["content"]
    [card] = _cards(h, 700)
    assert custom_ids(card)[0] == "runon:party:1:going"
    assert not _cards(h)  # nothing public where the command was run
    assert (await h.bot.services.parties.get_row(1)).announcement_message_id == int(card["id"])


async def test_members_own_zone_is_used_when_none_is_given(h):
    await h.invoke("timezone set", zone="new york")
    assert data(h)["content"].startswith("Your time zone is now **America/New_York**")
    await h.invoke("watchparty create", episodes="1", when="2026-12-02 20:30")
    expected = dt.datetime(2026, 12, 3, 1, 30, tzinfo=dt.UTC)
    assert f"<t:{_ts(expected)}:F>" in data(h)["content"]


@pytest.mark.parametrize(("when", "fragment"), [("2026-11-20 20:00", "in the past"), ("blorp", "couldn't read")])
async def test_past_and_garbage_times_are_refused_with_examples(h, when, fragment):
    reply = await _create(h, when=when)
    assert reply["flags"] == EPHEMERAL
    assert fragment in reply["content"]
    assert "friday 8pm" in reply["content"]
    assert not _posts(h)


async def test_abbreviation_zone_is_refused_with_a_suggestion(h):
    reply = await _create(h, timezone="EST")
    assert "America/New_York" in reply["content"]
    assert not _posts(h)


async def test_when_autocomplete_previews_the_instant(h):
    choices = await h.autocomplete("watchparty create", "when", "2026-12-02 20:30", timezone="Asia/Seoul")
    assert len(choices) == 1
    assert "2026" in choices[0]["name"] or "Dec" in choices[0]["name"]
    assert choices[0]["value"] == "2026-12-02 20:30"
    zones = await h.autocomplete("watchparty create", "timezone", "seoul")
    assert zones[0]["value"] == "Asia/Seoul"


async def test_scheduled_event_is_created_external_with_the_computed_end(h):
    await _create(h, episodes="3-4")
    [event] = [c for c in h.recorder.calls if c.method == "POST" and c.path == "/guilds/500/scheduled-events"]
    start = dt.datetime(2026, 12, 2, 11, 30, tzinfo=dt.UTC)
    assert event.json["entity_type"] == 3  # external
    assert event.json["entity_metadata"] == {"location": "#general"}
    assert event.json["scheduled_start_time"] == start.isoformat()
    assert event.json["scheduled_end_time"] == (start + dt.timedelta(minutes=150)).isoformat()
    assert event.json["name"] == "Run On watch party #1: episodes 3-4"


async def test_voice_channel_party_gets_a_voice_event(h):
    voice = h.add_channel(800, name="watch-room", type=2)
    await _create(h, channel=voice)
    [event] = [c for c in h.recorder.calls if c.path == "/guilds/500/scheduled-events"]
    assert event.json["entity_type"] == 2
    assert event.json["channel_id"] == 800


async def test_with_manage_events_but_not_create_events_the_party_works_and_says_what_was_skipped(h):
    # Since 23 February 2026 Discord refuses a bot's event without Create Events, whatever Manage Events says.
    h.set_bot_permissions(
        discord.Permissions(view_channel=True, send_messages=True, embed_links=True, manage_events=True)
    )
    reply = await _create(h)
    assert "I skipped the Discord event: I need the Create Events permission" in reply["content"]
    assert "Manage Events alone is not enough" in reply["content"]
    assert reply["flags"] == EPHEMERAL
    assert len(_cards(h)) == 1
    assert not [c for c in h.recorder.calls if "scheduled-events" in c.path]
    assert (await h.bot.services.parties.get_row(1)).status == "scheduled"


async def test_voice_event_needs_connect_in_that_channel(h):
    voice = h.add_channel(800, name="watch-room", type=2)
    h.set_overwrite(800, deny=discord.Permissions(connect=True))
    reply = await _create(h, channel=voice)
    assert "I skipped the Discord event: I need Connect in <#800> to host it there." in reply["content"]
    assert not [c for c in h.recorder.calls if "scheduled-events" in c.path]


async def test_stage_channels_are_not_offered_for_watch_parties(h):
    # Stage events would need Manage Channels, Mute Members and Move Members: far more than a party needs.
    [command] = [c for c in h.bot.tree.get_commands() if c.name == "watchparty"]
    [option] = [o for o in command.get_command("create").to_dict(h.bot.tree)["options"] if o["name"] == "channel"]
    assert 13 not in option["channel_types"]  # GUILD_STAGE_VOICE
    assert 2 in option["channel_types"]  # GUILD_VOICE


async def test_rsvp_capacity_wait_list_and_promotion(h):
    await _create(h, capacity=2)  # the host is going: one place left
    await h.click("runon:party:1:going", user=h.member(3001, name="a"))
    assert h.last_response()["kind"] == "followup"  # the card was updated first, then the member told
    card = next(r for r in h.responses() if r.get("type") == 7)
    fields = {f["name"]: f["value"] for f in card["data"]["embeds"][0]["fields"]}
    assert fields["Going"] == "2 / 2"
    await h.click("runon:party:1:going", user=h.member(3002, name="b"))
    assert data(h)["content"].startswith("Watch party #1 is full: you're #1 on the wait list.")
    assert data(h)["flags"] == EPHEMERAL
    h.recorder.clear()
    await h.click("runon:party:1:declined", user=h.member(3001, name="a"))
    [promotion] = _posts(h)
    assert promotion.json["content"] == "<@3002> a place opened up at watch party #1: you're going now!"
    assert promotion.json["allowed_mentions"] == {"parse": [], "users": [3002]}


def _labels(card) -> list[str]:
    return [c["label"] for c in card["components"][0]["components"]]


async def test_a_click_updates_the_card_in_place_and_its_buttons_follow_the_servers_language(h):
    await _create(h)
    await h.click("runon:party:1:maybe", user=h.member(3001, name="a"))
    [card] = _cards(h)  # the same card, edited: its counts changed, its buttons are still there
    fields = {f["name"]: f["value"] for f in card["embeds"][0]["fields"]}
    assert (fields["Going"], fields["Maybe"]) == ("1", "1")
    assert custom_ids(card) == ["runon:party:1:going", "runon:party:1:maybe", "runon:party:1:declined"]
    assert _labels(card) == ["Going", "Maybe", "Can't go"]
    h.set_guild_locale("ko")  # the server now speaks Korean: the next click redraws the card, buttons too
    await h.click("runon:party:1:going", user=h.member(3002, name="b"))
    [card] = _cards(h)
    assert card["embeds"][0]["title"] == "같이보기 #1: 3-4화"
    assert _labels(card) == ["참석", "미정", "불참"]
    assert custom_ids(card) == ["runon:party:1:going", "runon:party:1:maybe", "runon:party:1:declined"]
    assert {f["name"]: f["value"] for f in card["embeds"][0]["fields"]}["참석"] == "2"


async def test_rsvp_buttons_keep_working_after_a_restart(h):
    await _create(h)
    h.bot.remove_dynamic_items(*h.bot._connection._view_store._dynamic_items.values())  # forget everything
    from cogs.party_cards import RsvpButton

    h.bot.add_dynamic_items(RsvpButton)  # what setup() does on the next start
    await h.click("runon:party:1:maybe", user=h.member(3001, name="a"))
    assert data(h)["content"] == "Marked as maybe for watch party #1."


async def test_edit_by_host_moves_time_tells_attendees_once_and_updates_event(h):
    await _create(h)
    await h.click("runon:party:1:going", user=h.member(3001, name="a"))
    h.recorder.clear()
    await h.invoke("watchparty edit", party=1, when="2026-12-03 21:00", timezone="Asia/Seoul")
    moved = dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)
    notices = [c for c in _posts(h)]
    assert len(notices) == 1
    assert notices[0].json["content"].startswith(f"🗓️ Watch party #1 (episodes 3-4) moved to <t:{_ts(moved)}:F>")
    assert notices[0].json["content"].endswith("<@2000> <@3001>")
    assert notices[0].json["allowed_mentions"] == {"parse": [], "users": [2000, 3001]}
    [event_edit] = [c for c in h.recorder.calls if c.method == "PATCH" and "scheduled-events" in c.path]
    assert event_edit.json["scheduled_start_time"] == moved.isoformat()
    [card_edit] = [c for c in h.recorder.calls if c.method == "PATCH" and c.path.startswith("/channels/600/messages/")]
    assert f"<t:{_ts(moved)}:F>" in card_edit.json["embeds"][0]["fields"][0]["value"]
    reminders = await reminder_rows(h, "party", 1)
    assert [r.due_at for r in reminders] == [_ts(moved) - 3600, _ts(moved) - 600, _ts(moved)]
    assert data(h)["content"].startswith("Updated watch party #1")


async def test_edit_and_cancel_are_refused_to_strangers(h):
    await _create(h)
    stranger = h.member(3005, name="stranger")
    await h.invoke("watchparty edit", party=1, note="mine now", user=stranger)
    assert data(h)["content"] == "Only the host (<@2000>) or members with Manage Events can change that."
    await h.invoke("watchparty cancel", party=1, user=stranger)
    assert data(h)["flags"] == EPHEMERAL
    assert "Only the host" in data(h)["content"]
    assert (await h.bot.services.parties.get_row(1)).status == "scheduled"


async def test_staff_can_cancel_and_attendees_are_told_once(h):
    await _create(h)
    h.recorder.clear()
    await h.invoke("watchparty cancel", party=1, user=h.member(4000, name="mod", permissions=STAFF))
    [notice] = _posts(h)
    assert notice.json["content"] == "❌ Watch party #1 (episodes 3-4) was cancelled.\n<@2000>"
    assert notice.json["allowed_mentions"] == {"parse": [], "users": [2000]}
    [event_cancel] = [c for c in h.recorder.calls if c.method == "PATCH" and "scheduled-events" in c.path]
    assert event_cancel.json["status"] == 4
    [card] = [c for c in h.recorder.calls if c.method == "PATCH" and c.path.startswith("/channels/600/messages/")]
    assert card.json["embeds"][0]["title"].endswith("(cancelled)")
    assert card.json["components"] == []
    assert {r.state for r in await reminder_rows(h, "party", 1)} == {"cancelled"}
    await h.invoke("watchparty cancel", party=1)
    assert data(h)["content"] == "Watch party #1 was already cancelled."


async def test_list_and_info(h):
    await _create(h, when="2026-12-02 20:30")
    await _create(h, when="2026-12-01 20:30", episodes="1")
    await h.invoke("watchparty list")
    fields = data(h)["embeds"][0]["fields"]
    assert [f["name"] for f in fields] == ["#2 · episode 1", "#1 · episodes 3-4"]
    await h.invoke("watchparty info", party=1)
    assert custom_ids(data(h)) == ["runon:party:1:going", "runon:party:1:maybe", "runon:party:1:declined"]
    await h.invoke("watchparty info", party=99)
    assert data(h)["content"] == "There is no watch party #99 in this server. `/watchparty list` shows them."
    choices = await h.autocomplete("watchparty info", "party", "")
    assert [c["value"] for c in choices] == [2, 1]


async def test_reminder_pings_exactly_the_members_going_with_a_nonce(h, clock):
    await _create(h)
    await h.click("runon:party:1:going", user=h.member(3001, name="a"))
    await h.click("runon:party:1:maybe", user=h.member(3002, name="b"))
    h.recorder.clear()
    start = dt.datetime(2026, 12, 2, 11, 30, tzinfo=dt.UTC)
    report = await tick_at(h, clock, start - dt.timedelta(hours=1))
    assert (report.claimed, report.sent) == (1, 1)
    [post] = _posts(h)
    assert post.json["content"] == (
        f"⏰ **Watch party #1** (episodes 3-4) starts <t:{_ts(start)}:R> (<t:{_ts(start)}:F>).\n<@2000> <@3001>"
    )
    assert post.json["allowed_mentions"] == {"parse": [], "users": [2000, 3001]}
    [hour] = [r for r in await reminder_rows(h, "party", 1) if r.offset_seconds == 3600]
    assert post.json["nonce"] == f"runon-r{hour.id}"
    assert post.json["enforce_nonce"] is True
    await tick_at(h, clock, start)
    assert _posts(h)[-1].json["content"].startswith("🎬 **Watch party #1** (episodes 3-4) is starting now!")


async def test_remind_me_sends_dm_copies_and_records_closed_dms(h, clock):
    await h.invoke("watchparty remind-me", setting="on")
    assert data(h)["content"].startswith("You'll get a DM copy")
    await _create(h)
    h.recorder.clear()
    # the channel post succeeds; the DM channel refuses, as Discord does when DMs are closed
    h.recorder.fail(
        "POST", r"/channels/(?!600/)\d+/messages", status=403, code=50007, message="Cannot send messages to this user"
    )
    start = dt.datetime(2026, 12, 2, 11, 30, tzinfo=dt.UTC)
    await tick_at(h, clock, start - dt.timedelta(hours=1))
    assert len(_posts(h)) == 1
    dms = [c for c in h.recorder.calls if c.method == "POST" and c.path.endswith("/messages") and c.status == 403]
    assert len(dms) == 1
    [row] = [r for r in await reminder_rows(h, "party", 1) if r.offset_seconds == 3600]
    assert row.state == "sent"
    assert row.detail == "1 DM copy(ies) refused (the member's DMs are closed)"
    assert "2000" not in row.detail  # no member id in delivery records
    # staff can't fix a member's DM setting, so the member is told, the next time they ask for DMs
    staff_room = [c for c in h.recorder.calls if c.method == "POST" and c.path == "/channels/900/messages"]
    assert staff_room == []
    await h.invoke("watchparty remind-me", setting="on")
    assert "My last reminder DM to you" in data(h)["content"]
    assert "Privacy Settings" in data(h)["content"]
    await h.invoke("airing remind-me", setting="on")
    assert "My last reminder DM to you" in data(h)["content"]


async def test_missing_permission_is_recorded_and_reported_to_staff_once(h, clock):
    staff_room = h.add_channel(900, name="staff")
    await h.invoke("setup staff", channel=staff_room, user=h.member(4000, name="mod", permissions=discord.Permissions(
        manage_guild=True)))  # fmt: skip
    await _create(h)
    h.recorder.clear()
    h.recorder.fail("POST", r"/channels/600/messages", times=10)
    start = dt.datetime(2026, 12, 2, 11, 30, tzinfo=dt.UTC)
    for moment in (start - dt.timedelta(hours=1), start - dt.timedelta(minutes=10)):
        await tick_at(h, clock, moment)
    rows = await reminder_rows(h, "party", 1)
    assert [r.state for r in rows[:2]] == ["failed", "failed"]
    assert rows[0].detail.startswith("missing_permissions: 403")
    reports = _posts(h, 900)
    assert len(reports) == 1
    assert reports[0].json["content"].startswith("⚠️ I couldn't post a watch-party reminder in <#600>")


async def test_long_rate_limit_is_waited_out_not_dropped(h, clock):
    await _create(h)
    h.recorder.clear()
    # A 429 longer than discord.py waits by itself reaches the sender as RateLimited (scaled down: discord.py
    # gives up past max_ratelimit_timeout, 30 s in production, 0.1 s here so the test does not sleep for long).
    h.bot.http.max_ratelimit_timeout = 0.1
    h.recorder.fail("POST", r"/channels/600/messages", status=429, message="0.3")
    start = dt.datetime(2026, 12, 2, 11, 30, tzinfo=dt.UTC)
    report = await tick_at(h, clock, start - dt.timedelta(hours=1))
    assert (report.sent, report.failed) == (1, 0)
    posts = _posts(h)
    assert [c.status for c in posts] == [429, 200]  # waited out, then delivered
    assert posts[0].json["nonce"] == posts[1].json["nonce"]
    [hour] = [r for r in await reminder_rows(h, "party", 1) if r.offset_seconds == 3600]
    assert hour.state == "sent"
    assert h.bot.services.sender.stats.rate_limited == 1


async def test_forget_hands_the_place_to_the_wait_list_and_leaves_no_trace(h, clock):
    await _create(h, capacity=2)  # the host and one more
    going, waiting, later = (h.member(3000 + i, name=f"m{i}") for i in range(3))
    await h.click("runon:party:1:going", user=going)
    await h.click("runon:party:1:going", user=waiting)  # wait list, first in line
    h.recorder.clear()
    await h.invoke("progress forget", user=going)
    await h.click("runon:forget:3000", user=going)
    assert data(h)["content"].startswith("Done: deleted")
    [promotion] = _posts(h)
    assert promotion.json["content"] == "<@3001> a place opened up at watch party #1: you're going now!"
    [card] = [c for c in h.recorder.calls if c.method == "PATCH" and c.path.startswith("/channels/600/messages/")]
    fields = {f["name"]: f["value"] for f in card.json["embeds"][0]["fields"]}
    assert fields["Going"] == "2 / 2"
    assert "Wait list" not in fields
    await h.click("runon:party:1:going", user=later)  # the next click does not jump the queue: it waits
    assert "you're #1 on the wait list" in data(h)["content"]
    assert await h.bot.services.parties.going(1) == [HOST, 3001]


async def test_a_host_who_forgets_is_shown_as_a_former_member(h):
    await _create(h)
    await h.invoke("progress forget")
    await h.click(f"runon:forget:{HOST}")
    await h.invoke("watchparty info", party=1, user=h.member(3005, name="x"))
    fields = {f["name"]: f["value"] for f in data(h)["embeds"][0]["fields"]}
    assert fields["Host"] == "a former member"
    assert (await h.bot.services.parties.get_row(1)).host_id != HOST


@pytest.fixture
def slow_save(h, monkeypatch):
    """Saving a party takes longer than the command may stay unanswered (a database busy under load)."""
    import asyncio
    import importlib

    watch_parties = importlib.import_module("cogs.watch_parties")  # the module the bot loaded (extensions reload)
    monkeypatch.setattr(watch_parties, "DEFER_IF_SLOW", 0.05)
    parties = h.bot.services.parties
    create = parties.create

    async def slow_create(**kwargs):
        await asyncio.sleep(0.3)
        return await create(**kwargs)

    monkeypatch.setattr(parties, "create", slow_create)


async def test_a_slow_save_is_answered_in_time_and_the_card_still_lands_in_the_channel(h, slow_save):
    # The host gets a private "thinking" answer in time, then the card is posted in the channel and the host is told.
    await _create(h)
    deferral, note = h.responses()
    assert deferral["kind"] == "callback"
    assert deferral["type"] == 5
    assert assertions.is_ephemeral(deferral)
    assert note["kind"] == "followup"
    assert "The announcement is in <#600>." in note["content"]
    [post] = _posts(h)
    [card] = _cards(h)
    assert post.result["id"] == card["id"]
    assert custom_ids(card)[0] == "runon:party:1:going"
    assert (await h.bot.services.parties.get_row(1)).announcement_message_id == int(card["id"])


async def test_a_slow_read_of_the_servers_settings_is_answered_in_time_too(h, monkeypatch):
    # The server's settings (its reminder times) are read before saving: a read the database is slow to serve counts
    # toward Discord's 3 seconds as much as the save.
    import asyncio
    import importlib

    watch_parties = importlib.import_module("cogs.watch_parties")
    monkeypatch.setattr(watch_parties, "DEFER_IF_SLOW", 0.05)
    guilds = h.bot.services.guilds
    read = guilds.get

    async def slow_read(guild_id):
        await asyncio.sleep(0.3)
        return await read(guild_id)

    monkeypatch.setattr(guilds, "get", slow_read)
    await _create(h)
    deferral, note = h.responses()
    assert (deferral["type"], assertions.is_ephemeral(deferral)) == (5, True)
    assert "The announcement is in <#600>." in note["content"]
    assert len(_cards(h)) == 1


async def test_a_refusal_after_a_slow_start_is_still_private(h, slow_save):
    await _create(h, episodes="17")  # the show has 16 episodes
    deferral, refusal = h.responses()
    assert deferral["type"] == 5
    assert refusal["flags"] == EPHEMERAL
    assert "16" in refusal["content"]
    assert not _cards(h)


async def test_an_answer_discord_no_longer_takes_still_puts_the_card_in_the_channel(h):
    # The card was to be the command's answer, but Discord no longer takes one (3 seconds past, under load): the
    # party is saved, so its card is posted in the channel instead, with working buttons.
    h.recorder.fail("POST", r"/interactions/\d+/[^/]+/callback", status=404, code=10062, message="Unknown interaction")
    await _create(h)
    [post] = _posts(h)
    [card] = _cards(h)
    assert post.result["id"] == card["id"]
    assert custom_ids(card)[0] == "runon:party:1:going"
    assert (await h.bot.services.parties.get_row(1)).announcement_message_id == int(card["id"])
