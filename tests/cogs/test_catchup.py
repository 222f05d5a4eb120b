"""/catchup through the real tree: bounds at progress 0, mid-season and at the line; the gate; Mark as watched."""

import re

import discord
import pytest

from bot.services.catchup import BUDGET_WORDS, WORDS_PER_MINUTE

from .conftest import EPHEMERAL, custom_ids, data, set_progress

STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)
SPOILED = re.compile(r"\|\|(.+?)\|\|", re.S)


@pytest.fixture
def staff(h):
    return h.member(4000, name="mod", permissions=STAFF)


async def _line(h, staff, line):
    await h.invoke("setup spoilers", user=staff, line=line)


def _fields(answer):
    return {f["name"].split(" ·")[0]: f["value"] for f in answer["embeds"][0]["fields"]}


def _revealed_points(answer):
    """Every spoiler-tagged text of the digest, without the bot's own markers."""
    texts = []
    for value in _fields(answer).values():
        for hidden in SPOILED.findall(value):
            texts.append(hidden.replace(" *(inferred, not directly sourced)*", "").replace("∣", "|"))
    return texts


async def _open_digest(h, user=None, **options):
    await h.invoke("catchup", user=user, **options)
    gate = data(h)
    assert gate["flags"] & EPHEMERAL
    [show] = [c for c in custom_ids(gate) if c.startswith("runon:catchup:show:")]
    assert "||" not in str(gate["embeds"])  # the gate itself reveals nothing
    await h.click(show, user=user, ephemeral_message=True)
    assert h.last_response()["type"] == 7  # the gate turns into the digest, privately
    return data(h)


async def test_from_progress_0_to_a_line_at_16_covers_every_episode_in_about_two_minutes(h, staff, catalog):
    await _line(h, staff, 16)
    digest = await _open_digest(h)
    fields = _fields(digest)
    assert list(fields) == [f"Episode {n}" for n in range(1, 17)]
    assert "No recap" in fields["Episode 10"]
    assert "||" not in fields["Episode 10"]
    points = _revealed_points(digest)
    pack = {p.text: e.number for e in catalog.episodes for p in e.recap}
    assert all(point in pack for point in points)  # only the pack's facts
    assert {pack[p] for p in points} == set(range(1, 17)) - {10}  # every recapped episode has a highlight
    words = sum(len(p.split()) for p in points)
    assert words <= BUDGET_WORDS + 40  # about two minutes (each episode keeps at least one point)
    assert round(words / WORDS_PER_MINUTE) == 2
    assert "about 2 minutes' read" in digest["embeds"][0]["description"]
    assert "*(inferred, not directly sourced)*" in fields["Episode 6"]  # ep 6 rests on inference: said so
    assert "/recap episode:1" in fields["Episode 1"]  # left-out points are one command away
    assert custom_ids(digest) == ["runon:catchup:mark:2000:16"]


async def test_mid_season_shows_only_the_episodes_between_progress_and_the_line(h, staff, catalog):
    await _line(h, staff, 9)
    await set_progress(h, 4)
    await h.invoke("catchup")
    gate = data(h)
    assert "You've watched up to episode 4, and the server's spoiler line is at episode 9" in str(gate["embeds"])
    digest = await _open_digest(h)
    assert list(_fields(digest)) == [f"Episode {n}" for n in range(5, 10)]
    points = set(_revealed_points(digest))
    inside = {p.text for e in catalog.episodes if 5 <= e.number <= 9 for p in e.recap}
    assert points == inside  # short enough to show every point of 5-9, and nothing else
    text = str(digest)
    for episode in catalog.episodes:
        if not 5 <= episode.number <= 9:
            assert not any(p.text[:60] in text for p in episode.recap), episode.number


async def test_to_stops_the_digest_there(h, staff, catalog):
    await _line(h, staff, 9)
    await set_progress(h, 4)
    digest = await _open_digest(h, to=6)
    assert list(_fields(digest)) == ["Episode 5", "Episode 6"]
    assert custom_ids(digest) == ["runon:catchup:mark:2000:6"]


async def test_a_member_at_or_past_the_line_is_told_so(h, staff):
    await _line(h, staff, 9)
    for progress in (9, 12):
        await set_progress(h, progress)
        await h.invoke("catchup")
        answer = data(h)
        assert answer["flags"] & EPHEMERAL
        assert answer["content"] == (
            f"You're already caught up: you've watched up to episode {progress}, and the server's spoiler line is "
            "at episode 9."
        )
        assert not custom_ids(answer)
    await h.invoke("catchup", to=3)
    assert (
        data(h)["content"] == "You're already caught up: you've watched up to episode 12, so episode 3 is behind you."
    )


async def test_a_line_at_0_and_a_dm_without_to_explain_what_to_do(h):
    await h.invoke("catchup")
    assert "spoiler line is at episode 0" in data(h)["content"]
    await h.invoke("catchup", guild_id=None)
    assert "give `to:`" in data(h)["content"]


async def test_the_line_follows_the_servers_rewatch(h, staff, clock):
    import datetime as dt
    from zoneinfo import ZoneInfo

    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    clock.now = dt.datetime(2026, 12, 3, 22, tzinfo=ZoneInfo("Asia/Seoul"))  # episodes 1-4 have aired
    digest = await _open_digest(h)
    assert list(_fields(digest)) == [f"Episode {n}" for n in range(1, 5)]


async def test_mark_as_watched_moves_progress_to_the_end_once_and_only_for_its_owner(h, staff):
    await _line(h, staff, 9)
    await set_progress(h, 4)
    await _open_digest(h)
    stranger = h.member(3001, name="stranger")
    await h.click("runon:catchup:mark:2000:9", user=stranger, ephemeral_message=True)
    assert data(h)["content"] == "This catch-up belongs to someone else's answer. Run `/catchup` yourself."
    await h.invoke("progress show")
    assert data(h)["content"] == "You've watched up to episode 4."
    await h.click("runon:catchup:mark:2000:9", ephemeral_message=True)
    assert data(h)["content"] == "✅ Marked: you've watched up to episode 9."
    assert data(h)["components"] == []
    await h.invoke("progress show")
    assert data(h)["content"] == "You've watched up to episode 9."
    await set_progress(h, 12)
    await h.click("runon:catchup:mark:2000:9", ephemeral_message=True)  # an old button never moves progress back
    assert data(h)["content"] == "You had already marked episode 12 as watched, so nothing changed."
    await h.invoke("progress show")
    assert data(h)["content"] == "You've watched up to episode 12."


async def test_forged_buttons_are_out_of_date(h):
    await h.click("runon:catchup:show:2000:9:3", ephemeral_message=True)
    assert data(h)["content"] == "This button is out of date. Run the command again for a fresh one."
    await h.click("runon:catchup:mark:2000:40", ephemeral_message=True)
    assert data(h)["content"] == "This button is out of date. Run the command again for a fresh one."
