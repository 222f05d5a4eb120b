import datetime as dt
import logging

from .conftest import EPHEMERAL, NO_MENTIONS, custom_ids, data, set_progress, text_of


async def test_airing_for_the_finished_run(h):
    await h.invoke("airing info")
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    embed = answer["embeds"][0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "**JTBC**" in embed["description"]
    assert "**Netflix**" in embed["description"]
    # the injected clock is Sat 2026-11-21 12:00 UTC: next slots are Wed 25 / Thu 26 Nov, 21:00 KST
    assert fields["Weekly slots"].splitlines() == [
        "Wednesdays 21:00 KST — next such slot <t:1795608000:F>",
        "Thursdays 21:00 KST — next such slot <t:1795694400:F>",
    ]
    assert "16 episodes, <t:1608120000:D> to <t:1612440000:D>" in fields["Run"]
    assert "Run On: Warming Up" in fields["Run"]
    assert fields["Status"].startswith("Finished: all 16 episodes have aired")


async def test_airing_counts_down_to_the_next_episode_of_a_future_run(future_h, clock):
    await future_h.invoke("airing info", public=True)
    answer = data(future_h)
    assert not answer.get("flags", 0) & EPHEMERAL
    status = {f["name"]: f["value"] for f in answer["embeds"][0]["fields"]}["Status"]
    premiere = int(dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC).timestamp())
    assert status == f"Next: **episode 1**, <t:{premiere}:F> (<t:{premiere}:R>)"

    clock.now = dt.datetime(2026, 12, 3, 13, tzinfo=dt.UTC)  # after episode 2 aired
    await future_h.invoke("airing info")
    status = {f["name"]: f["value"] for f in data(future_h)["embeds"][0]["fields"]}["Status"]
    assert status.startswith("Next: **episode 3**")
    assert "2 of 16 episodes have aired." in status


async def test_progress_set_show_and_bounds(h):
    await h.invoke("progress show")
    assert data(h)["content"].startswith("You haven't marked any episode as watched. Set it with `/progress set`")
    await h.invoke("progress set", episode=6)
    assert data(h)["content"] == "Noted: you've watched up to episode 6. Anything from episode 7 on stays hidden."
    assert data(h)["flags"] == EPHEMERAL
    await h.invoke("progress show")
    assert data(h)["content"] == "You've watched up to episode 6."
    h.enforce_discord_rules = False
    await h.invoke("progress set", episode=20)
    assert data(h)["flags"] == EPHEMERAL
    await h.invoke("progress show")
    assert data(h)["content"] == "You've watched up to episode 6."  # nothing changed


async def test_progress_is_per_member(h):
    await set_progress(h, 16, user=h.member(3001, name="binger"))
    await h.invoke("progress show")
    assert data(h)["content"].startswith("You haven't marked any episode")


async def test_progress_forget_needs_the_owners_confirmation(h, clock):
    owner = h.member(2000)
    await set_progress(h, 8, user=owner)
    await h.invoke("progress forget", user=owner)
    prompt = data(h)
    assert prompt["flags"] == EPHEMERAL
    assert custom_ids(prompt) == ["runon:forget:2000"]

    stranger = h.member(3002, name="stranger")
    await h.click("runon:forget:2000", user=stranger)
    assert data(h)["content"] == "Only the member who asked can confirm deleting their own data."
    await h.invoke("progress show", user=owner)
    assert data(h)["content"] == "You've watched up to episode 8."

    await h.click("runon:forget:2000", user=owner)
    assert h.last_response()["type"] == 7
    # their progress, and the language of their last interaction (remembered for reminder DMs)
    assert data(h)["content"].startswith("Done: deleted 2 records.")
    assert data(h)["components"] == []
    await h.invoke("progress show", user=owner)
    assert data(h)["content"].startswith("You haven't marked any episode")


async def test_progress_autocomplete(h):
    choices = await h.autocomplete("progress set", "episode", "1")
    assert [c["value"] for c in choices] == [1, 10, 11, 12, 13, 14, 15, 16]
    assert (await h.autocomplete("progress set", "episode", ""))[0] == {"name": "0 · nothing yet", "value": 0}


async def test_about_credits_and_ost(h):
    await h.invoke("about")
    shown = text_of(data(h))
    assert "Lee Jae-hoon (이재훈)" in shown
    assert "Park Si-hyun" in shown
    assert "Ride or Die" in shown
    assert "(one source)" in shown  # single-source credits and tracks are marked


async def test_unexpected_failure_gets_an_error_id_and_is_logged(h, caplog):
    await h.db.close()  # the database vanishes under the bot
    with caplog.at_level(logging.ERROR, logger="bot.client"):
        await h.invoke("progress set", episode=3)
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    assert answer["allowed_mentions"] == NO_MENTIONS
    assert answer["content"].startswith("Something went wrong on my side (error id `")
    error_id = answer["content"].split("`")[1]
    record = next(r for r in caplog.records if error_id in r.getMessage())
    assert record.exc_info is not None  # traceback logged
    assert "Traceback" not in answer["content"]


def _embed_size(embed: dict) -> int:
    """What Discord counts towards its 6,000-character limit for an embed."""
    fields = sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    return (
        len(embed.get("title", ""))
        + len(embed.get("description", ""))
        + fields
        + len(embed.get("footer", {}).get("text", ""))
    )


async def test_about_lists_every_soundtrack_song(h, catalog):
    await h.invoke("about")
    embed = data(h)["embeds"][0]
    soundtrack = [f for f in embed["fields"] if f["name"].startswith("Soundtrack")]
    lines = [line for f in soundtrack for line in f["value"].splitlines()]
    assert len(catalog.ost) == 12
    assert [line.split(".", 1)[0] for line in lines] == [str(t.position) for t in catalog.ost]
    for track, line in zip(catalog.ost, lines, strict=True):
        assert track.title in line
        assert line.endswith(track.note)  # nothing cut
    assert [f["name"] for f in soundtrack] == ["Soundtrack (1-7 of 12)", "Soundtrack (8-12 of 12)"]
    assert all(len(f["value"]) <= 1024 for f in embed["fields"])
    assert "more" not in " ".join(f["value"].splitlines()[-1] for f in soundtrack)
    assert _embed_size(embed) <= 6000


async def test_airing_footer_is_never_cut_mid_sentence(h, catalog):
    await h.invoke("airing info")
    embed = data(h)["embeds"][0]
    assert embed["footer"]["text"] == catalog.show.slot_note
    assert embed["footer"]["text"].endswith("took over on 2021-02-17.")
    assert _embed_size(embed) <= 6000


def test_clip_sentences_keeps_whole_sentences():
    from cogs.common import clip_sentences

    assert clip_sentences("One two. Three four. Five.", 100) == "One two. Three four. Five."
    assert clip_sentences("One two. Three four. Five.", 21) == "One two. Three four."
    assert clip_sentences("Onetwothreefour", 5) == "Onet…"  # no sentence fits: cut, visibly


async def test_about_answers_each_member_in_their_language_every_time(h):
    # The card is made once per language and kept: a Korean member between two English ones gets the Korean card,
    # and asking again gives the same card, not a growing pile of copies.
    for locale in ("en-US", "ko", "en-US", "ko", "en-GB"):
        await h.invoke("about", locale=locale)
    english, korean, english_again, korean_again, british = (text_of(r["data"]) for r in h.responses())
    assert "Credits" in english
    assert "Credits" not in korean
    assert english == english_again == british
    assert korean == korean_again
    assert len(h.bot.get_cog("About")._cards) == 2
