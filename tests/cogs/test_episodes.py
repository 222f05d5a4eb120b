import pytest

from .conftest import (
    COMPONENTS_V2,
    EPHEMERAL,
    NO_MENTIONS,
    custom_ids,
    data,
    set_progress,
    spoiler_blocks,
    text_of,
    visible,
)


async def test_recap_above_horizon_asks_first_and_reveals_it_blurred(h, catalog):
    await set_progress(h, 6)
    await h.invoke("recap", episode=9)
    gate = data(h)
    assert gate["flags"] == EPHEMERAL
    assert gate["allowed_mentions"] == NO_MENTIONS
    shown = text_of(gate)
    assert "This is from episode 9; you've watched up to episode 6." in shown
    assert "||" not in shown
    assert custom_ids(gate) == ["runon:recap:9:reveal", "runon:share:recap:9"]

    await h.click("runon:recap:9:reveal")
    revealed = data(h)
    assert h.last_response()["type"] == 4
    assert revealed["flags"] == EPHEMERAL | COMPONENTS_V2
    assert "content" not in revealed or not revealed["content"]
    assert not revealed.get("embeds")
    [(label, body)] = spoiler_blocks(revealed)
    assert label == "**Spoilers: episode 9**"  # outside the blur: the reader knows what a click spoils
    points = [line for line in body.splitlines() if line.startswith("• ")]
    assert len(points) == len(catalog.episode(9).recap)
    assert "Episode 9 recap" in visible(revealed)
    assert not any(item.text in visible(revealed) for item in catalog.episode(9).recap)


async def test_recap_within_horizon_is_plain(h):
    await set_progress(h, 9)
    await h.invoke("recap", episode=9)
    answer = data(h)
    assert answer["flags"] == EPHEMERAL | COMPONENTS_V2
    assert spoiler_blocks(answer) == []  # watched: nothing blurred
    assert "||" not in text_of(answer)
    assert "Episode 9 recap" in text_of(answer)
    assert custom_ids(answer) == ["runon:share:recap:9"]


async def test_recap_with_unknown_progress_is_gated(h):
    await h.invoke("recap", episode=1)
    assert "you haven't marked any episode as watched" in text_of(data(h))


async def test_public_recap_tags_every_plot_point(h):
    await set_progress(h, 16)  # the poster has seen it all; the channel has not
    await h.invoke("recap", episode=3, public=True)
    answer = data(h)
    assert not answer["flags"] & EPHEMERAL
    assert answer["allowed_mentions"] == NO_MENTIONS
    [(label, body)] = spoiler_blocks(answer)
    assert label == "**Spoilers: episode 3**"
    assert all(line.startswith("• ") for line in body.splitlines())


async def test_unsourced_episode_has_no_recap(h):
    await set_progress(h, 16)
    await h.invoke("recap", episode=10)
    assert "No recap yet" in text_of(data(h))


async def test_inferred_points_say_so(h):
    await set_progress(h, 16)
    await h.invoke("recap", episode=6)
    assert "(inferred, not directly sourced)" in text_of(data(h))


async def test_episode_info_is_spoiler_free_and_marks_derived_dates(h):
    await h.invoke("episode info", episode=6)
    answer = data(h)
    shown = text_of(answer)
    assert answer["flags"] == EPHEMERAL
    assert "<t:1609416000:F>" in shown  # 2020-12-31 21:00 KST
    assert "worked out from the Wednesday/Thursday pattern" in shown
    assert "||" not in shown
    await h.invoke("episode info", episode=8, public=True)
    shown = text_of(data(h))
    assert "3.772% nationwide" in shown
    assert "Nielsen" in shown


async def test_out_of_range_episode_is_a_clear_error(h):
    h.enforce_discord_rules = False  # Discord would stop this client-side; the bot must too
    await h.invoke("recap", episode=17)
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    assert answer["content"] == "There is no episode 17; Run On has episodes 1 to 16."


async def test_episode_list_pages_and_marks_progress(h):
    await set_progress(h, 3)
    await h.invoke("episode list")
    first = data(h)
    lines = first["embeds"][0]["description"].splitlines()
    assert len(lines) == 8
    assert [line.split(" ")[0] for line in lines[:5]] == ["✅", "✅", "✅", "▶️", "⬜"]
    assert "Page 1/2" in first["embeds"][0]["footer"]["text"]
    assert custom_ids(first) == ["runon:episodes:page:0:prev", "runon:episodes:page:1:next"]
    assert first["components"][0]["components"][0]["disabled"] is True

    await h.click("runon:episodes:page:1:next", ephemeral_message=True)
    assert h.last_response()["type"] == 7  # the same message is updated in place
    second = data(h)
    assert second["embeds"][0]["description"].splitlines()[0].startswith("⬜ **9**")
    assert "Page 2/2" in second["embeds"][0]["footer"]["text"]


async def test_episode_autocomplete_marks_watched(h):
    await set_progress(h, 2)
    choices = await h.autocomplete("recap", "episode", "1")
    assert [c["value"] for c in choices] == [1, 10, 11, 12, 13, 14, 15, 16]
    assert choices[0]["name"] == "Episode 1 · Wed 16 Dec 2020 ✓"
    assert not choices[1]["name"].endswith("✓")
    assert len(await h.autocomplete("recap", "episode", "")) == 16


@pytest.mark.parametrize(("episode", "shown"), [(4, "3.0%"), (1, "2.145%"), (8, "3.772%"), (16, "3.6%")])
async def test_ratings_keep_the_sources_precision(h, episode, shown):
    await h.invoke("episode info", episode=episode)
    rating = {f["name"]: f["value"] for f in data(h)["embeds"][0]["fields"]}["Rating"]
    assert rating.startswith(f"{shown} nationwide, Nielsen Korea")
