"""/catchup through the real tree: bounds at progress 0, mid-season and at the line; the gate; Mark as watched."""

import re

import discord
import pytest

from bot.services.catchup import BUDGET_WORDS, WORDS_PER_MINUTE
from bot.standin import assertions

from .conftest import COMPONENTS_V2, EPHEMERAL, custom_ids, data, set_progress, text_of, visible

STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)
LABEL = re.compile(r"\*\*(?:Spoilers: episode|Episode) (\d+)\*\*")


@pytest.fixture
def staff(h):
    return h.member(4000, name="mod", permissions=STAFF)


async def _line(h, staff, line):
    await h.invoke("setup spoilers", user=staff, line=line)


def _fields(*pages):
    """``{"Episode N": (label outside the blur, the blurred text or None)}`` over the digest's pages."""
    out = {}
    for answer in pages:
        assert answer["flags"] & COMPONENTS_V2
        top = answer["components"]
        for index, component in enumerate(top):
            found = LABEL.match(component.get("content", "")) if component["type"] == 10 else None
            if found is None:
                continue
            after = top[index + 1] if index + 1 < len(top) else {}
            body = None
            if after.get("type") == 17 and after.get("spoiler"):
                body = "\n".join(c["content"] for c in after["components"] if c["type"] == 10)
            out[f"Episode {found[1]}"] = (component["content"], body)
    return out


def _revealed_points(*pages):
    """Every blurred point of the digest, without the bot's own markers."""
    return [
        line.removeprefix("• ").replace(" *(inferred, not directly sourced)*", "")
        for _, body in _fields(*pages).values()
        for line in (body or "").splitlines()
        if line.startswith("• ")
    ]


async def _pages(h, first, user=None):
    """Every page of a digest, from its first, by pressing Next until it greys out."""
    pages = [first]
    while (ids := [c for c in custom_ids(pages[-1]) if c.endswith(":next")]) and not _disabled(pages[-1], ids[0]):
        await h.click(ids[0], user=user, ephemeral_message=True)
        assert h.last_response()["type"] == 7  # the same message turns the page
        pages.append(data(h))
    return pages


def _disabled(answer, custom_id):
    return bool(assertions.component(answer, custom_id).get("disabled"))


async def _open_digest(h, user=None, **options):
    await h.invoke("catchup", user=user, **options)
    gate = data(h)
    assert gate["flags"] & EPHEMERAL
    [show] = [c for c in custom_ids(gate) if c.startswith("runon:catchup:show:")]
    assert "||" not in str(gate["embeds"])
    assert not gate["flags"] & COMPONENTS_V2
    await h.click(show, user=user, ephemeral_message=True)
    assert h.last_response()["type"] == 7  # the gate turns into the digest, privately
    edit = data(h)
    assert (edit["content"], edit["embeds"]) == (None, [])  # upgrading to a layout clears them in the same edit
    return edit


async def test_from_progress_0_to_a_line_at_16_covers_every_episode_in_about_two_minutes(h, staff, catalog):
    await _line(h, staff, 16)
    first = await _open_digest(h)
    pages = await _pages(h, first)
    assert len(pages) == 2  # sixteen episodes do not fit one message: the digest pages, nothing is cut
    assert "Page 1/2" in text_of(pages[0])
    assert "Page 2/2" in text_of(pages[1])
    fields = _fields(*pages)
    assert list(fields) == [f"Episode {n}" for n in range(1, 17)]
    assert "No recap" in fields["Episode 10"][0]
    assert fields["Episode 10"][1] is None  # nothing to blur
    assert all(
        label.startswith(f"**Spoilers: episode {name.split()[1]}**") for name, (label, body) in fields.items() if body
    )
    points = _revealed_points(*pages)
    pack = {p.text: e.number for e in catalog.episodes for p in e.recap}
    assert all(point in pack for point in points)  # only the pack's facts
    assert {pack[p] for p in points} == set(range(1, 17)) - {10}  # every recapped episode has a highlight
    words = sum(len(p.split()) for p in points)
    assert words <= BUDGET_WORDS + 40  # about two minutes (each episode keeps at least one point)
    assert round(words / WORDS_PER_MINUTE) == 2
    assert "about 2 minutes' read" in visible(first)
    assert "*(inferred, not directly sourced)*" in fields["Episode 6"][1]  # ep 6 rests on inference: said so
    assert "/recap episode:1" in fields["Episode 1"][1]  # left-out points are one command away
    assert not any(point in visible(page) for page in pages for point in points)  # every point is blurred
    assert custom_ids(first) == [
        "runon:catchup:page:2000:1:16:0:prev",
        "runon:catchup:page:2000:1:16:1:next",
        "runon:catchup:mark:2000:16",
    ]
    assert _disabled(first, "runon:catchup:page:2000:1:16:0:prev")
    await h.click("runon:catchup:page:2000:1:16:0:prev", ephemeral_message=True)  # back from page 2
    assert _fields(data(h)) == _fields(first)


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
    assert custom_ids(digest) == ["runon:catchup:mark:2000:6"]  # one page: no paging buttons


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
    assert text_of(data(h)) == "✅ Marked: you've watched up to episode 9."
    assert custom_ids(data(h)) == []
    await h.invoke("progress show")
    assert data(h)["content"] == "You've watched up to episode 9."
    await set_progress(h, 12)
    await h.click("runon:catchup:mark:2000:9", ephemeral_message=True)  # an old button never moves progress back
    assert text_of(data(h)) == "You had already marked episode 12 as watched, so nothing changed."
    await h.invoke("progress show")
    assert data(h)["content"] == "You've watched up to episode 12."


async def test_only_its_member_pages_a_digest(h, staff):
    await _line(h, staff, 16)
    await _open_digest(h)
    stranger = h.member(3001, name="stranger")
    await h.click("runon:catchup:page:2000:1:16:1:next", user=stranger, ephemeral_message=True)
    assert data(h)["content"] == "This catch-up belongs to someone else's answer. Run `/catchup` yourself."
    assert data(h)["flags"] == EPHEMERAL


async def test_a_korean_digest_pages_and_blurs_each_episode(h, staff, catalog):
    await _line(h, staff, 16)
    await h.invoke("catchup", locale="ko")
    [show] = [c for c in custom_ids(data(h)) if c.startswith("runon:catchup:show:")]
    await h.click(show, ephemeral_message=True, locale="ko")
    first = data(h)
    await h.click("runon:catchup:page:2000:1:16:1:next", ephemeral_message=True, locale="ko")
    second = data(h)
    labels = [c["content"] for page in (first, second) for c in page["components"] if c["type"] == 10]
    assert "**스포일러: 9화**" in labels
    assert "1/2" in text_of(first)
    shown = visible(first) + visible(second)
    assert not any(catalog.translations["ko"].get(p.text, p.text) in shown for e in catalog.episodes for p in e.recap)


async def test_forged_buttons_are_out_of_date(h):
    await h.click("runon:catchup:show:2000:9:3", ephemeral_message=True)
    assert data(h)["content"] == "This button is out of date. Run the command again for a fresh one."
    await h.click("runon:catchup:mark:2000:40", ephemeral_message=True)
    assert data(h)["content"] == "This button is out of date. Run the command again for a fresh one."
