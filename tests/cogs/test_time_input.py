"""`when` and `from` through the real command tree: one reading for the preview and the command."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import discord
import pytest

from bot.standin import assertions

from .conftest import EPHEMERAL, NOW, data, text_of

NEW_YORK = ZoneInfo("America/New_York")
STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)


def _ts(moment: dt.datetime) -> str:
    return f"<t:{int(moment.timestamp())}:F>"


def _side_effects(h):
    return [c for c in h.recorder.calls if c.method == "POST" and re.search(r"/messages|scheduled-events", c.path)]


@pytest.mark.parametrize(
    ("when", "fragment"),
    [
        ("9", '"9" alone isn\'t a time: write "9am" or "9pm"'),
        ("tomorrow 25:00", '"25:00" isn\'t a time of day'),
        ("-1", 'I couldn\'t read "-1" as a time'),
        ("1-2", 'I couldn\'t read "1-2" as a time'),
        ("12/2 8pm", "could be Dec 2 or Feb 12"),
        ("friday", 'Add a time to "friday"'),
    ],
)
async def test_sloppy_times_are_refused_with_examples_and_nothing_is_made(h, when, fragment):
    await h.invoke("watchparty create", episodes="1", when=when, timezone="America/New_York")
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    assert fragment in answer["content"]
    assert any(example in answer["content"] for example in ('"friday 8pm"', '"9am"', '"dec 2 8pm"'))  # what to type
    assert "error id" not in answer["content"]
    assert not _side_effects(h)
    assert (await h.bot.services.parties.upcoming(h.guild_id, NOW, limit=1, offset=0))[0] == 0


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("next wed at 9pm", dt.datetime(2026, 11, 25, 21, tzinfo=NEW_YORK)),
        ("tonight at 9", dt.datetime(2026, 11, 21, 21, tzinfo=NEW_YORK)),
        ("thurs 8pm", dt.datetime(2026, 11, 26, 20, tzinfo=NEW_YORK)),
        ("now", NOW),  # the preview says "now": the command agrees (the service no longer refuses it)
    ],
)
async def test_the_preview_shows_exactly_what_the_command_does(h, when, expected):
    [choice] = await h.autocomplete("watchparty create", "when", when, timezone="America/New_York")
    local = expected.astimezone(NEW_YORK)
    assert f"{local:%H:%M} (America/New_York)" in choice["name"]
    assert choice["value"] == when
    await h.invoke("watchparty create", episodes="1", when=choice["value"], timezone="America/New_York")
    assert f"{_ts(expected)} (" in text_of(data(h))  # the card's When


async def test_a_refusal_previews_as_the_command_will_answer(h):
    [choice] = await h.autocomplete("watchparty create", "when", "tomorrow 25:00", timezone="America/New_York")
    assert choice["name"] == "25:00 isn't a time of day (hours 0-23)"
    assert choice["value"] == "tomorrow 25:00"  # picking it runs the command, which refuses in full


async def test_a_bad_timezone_is_named_in_the_preview_not_replaced_by_utc(h):
    [choice] = await h.autocomplete("watchparty create", "when", "friday 8pm", timezone="EST")
    assert "UTC" not in choice["name"]
    assert "America/New_York" in choice["name"]  # the suggestion for EST, as the command gives it


async def test_nothing_typed_offers_nothing_to_pick(h):
    assert await h.autocomplete("watchparty create", "when", "") == []


async def test_edit_reads_when_in_the_members_zone_and_refuses_a_lone_timezone(h):
    await h.invoke("watchparty create", episodes="1", when="friday 8pm", timezone="Asia/Seoul")
    await h.invoke("watchparty edit", party=1, timezone="America/New_York")
    assert data(h)["content"].startswith("`timezone` says how to read a new `when`")
    [choice] = await h.autocomplete("watchparty edit", "when", "sat 9pm", party=1, timezone="America/New_York")
    assert choice["name"].startswith("Sat 21 Nov 2026, 21:00 (America/New_York)")
    await h.invoke("watchparty edit", party=1, when="sat 9pm", timezone="America/New_York")
    assert _ts(dt.datetime(2026, 11, 21, 21, tzinfo=NEW_YORK)) in data(h)["content"]
    await h.invoke("watchparty edit", party=1, when="9")
    assert '"9" alone isn\'t a time' in data(h)["content"]


async def test_rewatch_from_is_as_strict_and_previews_the_first_episode(h):
    staff = h.member(4000, name="mod", permissions=STAFF)
    await h.invoke("rewatch start", user=staff, from_="-1")
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    assert 'I couldn\'t read "-1"' in answer["content"]
    assert (await h.bot.services.rewatch.current(h.guild_id))[0] is None
    await h.invoke("rewatch start", user=staff, from_="friday 9pm")
    assert "Give a day without a time" in data(h)["content"]

    [choice] = await h.autocomplete("rewatch start", "from", "next wed", user=staff)
    assert choice["name"] == "Wed 25 Nov 2026: episode 1 at 21:00 (Asia/Seoul)"
    [choice] = await h.autocomplete("rewatch start", "from", "next sat", user=staff, episode=9, slots="Sat 8pm")
    assert choice["name"] == "Sat 28 Nov 2026: episode 9 at 20:00 (Asia/Seoul)"
    await h.invoke("rewatch start", user=staff, from_="next sat", episode=9, slots="Sat 8pm")
    first = dt.datetime(2026, 11, 28, 20, tzinfo=ZoneInfo("Asia/Seoul"))
    assert re.search(rf"Episode 9 {_ts(first)}", data(h)["content"])


@pytest.mark.parametrize(
    ("channel", "refused"),
    [
        (None, r"/interactions/\d+/[^/]+/callback"),  # here: the card is the command's answer
        (700, r"/channels/700/messages"),  # elsewhere: the card is a post there
    ],
)
async def test_create_announces_and_makes_the_event_together_and_handles_a_refused_announcement(h, channel, refused):
    if channel is not None:
        h.add_channel(channel, name="parties")
    h.recorder.fail("POST", refused, status=403, code=50013, message="Missing Permissions")
    options = {"channel": h.bot.get_channel(channel)} if channel else {}
    await h.invoke("watchparty create", episodes="1", when="friday 8pm", timezone="America/New_York", **options)
    answer = h.last_response()
    assert assertions.is_ephemeral(answer)
    text = text_of(data(h))
    assert text.startswith(f"Watch party #1 is planned, but Discord refused its announcement in <#{channel or 600}>")
    assert "`/watchparty info party:1`" in text
    assert "error id" not in text
    event = next(c for c in h.recorder.calls if c.method == "POST" and c.path.endswith("/scheduled-events"))
    event_id = int(event.result["id"])
    assert any(c.method == "DELETE" and c.path.endswith(f"/scheduled-events/{event_id}") for c in h.recorder.calls)


def test_the_time_options_take_as_much_text_as_the_grammar_reads():
    """The options repeat the grammar's limits (the grammar is imported when a time is first typed, not at start-up):
    a member can type, and the preview shows, exactly what the parser reads."""
    from bot.services import timeparse
    from cogs import timeinput

    assert (timeinput.MAX_LENGTH, timeinput.PREVIEW_LENGTH) == (timeparse.MAX_LENGTH, timeparse.PREVIEW_LENGTH)
    assert timeinput.WhenTransformer().max_length == timeparse.MAX_LENGTH
