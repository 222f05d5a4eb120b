import re

from bot.standin import assertions

from .conftest import (
    COMPONENTS_V2,
    EPHEMERAL,
    NO_MENTIONS,
    card_fields,
    custom_ids,
    data,
    labels,
    set_progress,
    spoiler_blocks,
    text_of,
    visible,
)


async def test_lookup_by_misspelling_shows_card_with_later_notes_hidden(h, catalog):
    await set_progress(h, 2)
    await h.invoke("cast lookup", name="Im Shi Hwan")
    card = data(h)
    assert card["flags"] == EPHEMERAL | COMPONENTS_V2
    fields = card_fields(card)
    assert fields["title"] == "Ki Seon-gyeom (기선겸)"
    assert fields["Played by"] == "Im Si-wan (임시완)"
    assert fields["Role"] == "Main cast"
    assert "sprinter" in fields["about"]
    assert "||" not in text_of(card)
    assert spoiler_blocks(card) == []  # withheld, not blurred: later notes are only counted
    assert fields["Hidden"].startswith("You've watched up to episode 2, so later story notes are locked.")
    notes = fields["Story notes"]
    assert notes[:2] == [f"• {arc.text}" for arc in catalog.person("ki-seon-gyeom").arcs[:2]]  # episodes 1-2
    assert notes[2:5] == [
        "🔒 Episode 3: a story note (hidden)", "🔒 Episode 4: a story note (hidden)",
        "🔒 Episode 5: a story note (hidden)",
    ]  # fmt: skip
    assert notes[-1] == "🔒 Episode 16: 3 story notes (hidden)"
    assert custom_ids(card) == ["runon:cast:ki-seon-gyeom:reveal", "runon:share:cast:ki-seon-gyeom"]

    await h.click("runon:cast:ki-seon-gyeom:reveal")
    revealed = data(h)
    assert revealed["flags"] == EPHEMERAL | COMPONENTS_V2
    tags = {arc.text: arc.reveals for arc in catalog.person("ki-seon-gyeom").arcs}
    assert [tags[line[2:]] for line in card_fields(revealed)["Story notes"]] == [1, 2]  # watched: shown plainly
    blocks = spoiler_blocks(revealed)
    labels = [label for label, _ in blocks]
    assert labels[0] == "**Spoilers: episode 3**"
    assert labels[-1] == "**Spoilers: episode 16**"
    blurred_notes = []
    for label, body in blocks:
        episode = int(re.fullmatch(r"\*\*Spoilers: episode (\d+)\*\*", label)[1])  # one block per episode
        for line in body.splitlines():
            assert tags[line[2:]] == episode
            blurred_notes.append(line[2:])
    assert sorted(blurred_notes) == sorted(text for text, episode in tags.items() if episode > 2)  # nothing cut


async def test_lookup_by_hangul_and_japanese(h):
    await set_progress(h, 16)
    await h.invoke("cast lookup", name="오미주")
    assert card_fields(data(h))["title"] == "Oh Mi-joo (오미주)"
    await h.invoke("cast lookup", name="ソ・ダナ")
    assert card_fields(data(h))["title"].startswith("Seo Dan-ah")


async def test_full_horizon_shows_everything_plainly(h):
    await set_progress(h, 16)
    await h.invoke("cast lookup", name="Chairman Seo")
    card = data(h)
    assert "||" not in text_of(card)
    assert spoiler_blocks(card) == []
    assert custom_ids(card) == ["runon:share:cast:seo-myeong-pil"]


async def test_a_newcomer_learns_who_plays_whom_and_only_later_notes_are_locked(h, catalog):
    await h.invoke("cast lookup", name="Shin Se-kyung")  # has watched nothing
    card = data(h)
    fields = card_fields(card)
    assert fields["title"] == "Oh Mi-joo (오미주)"
    assert fields["Played by"] == "Shin Se-kyung (신세경)"
    assert fields["about"] == catalog.person("oh-mi-joo").description.text  # episode 1: always shown
    assert "This is from episode" not in text_of(card)  # no gate in place of the card
    assert "||" not in text_of(card)
    assert spoiler_blocks(card) == []
    notes = fields["Story notes"]
    episodes = sorted({arc.reveals for arc in catalog.person("oh-mi-joo").arcs})
    assert [int(re.match(r"🔒 Episode (\d+):", line)[1]) for line in notes] == episodes  # each its own episode
    assert notes[0] == "🔒 Episode 1: a story note (hidden)"
    assert fields["Hidden"].startswith("You haven't marked any episode as watched, so later story notes are locked.")
    assert custom_ids(card) == ["runon:cast:oh-mi-joo:reveal", "runon:share:cast:oh-mi-joo"]


async def test_the_description_is_plain_in_public_even_at_line_0(h, catalog):
    await h.invoke("cast lookup", name="Woo-sik", public=True)  # no rewatch, no fixed line: line 0
    card = data(h)
    assert card_fields(card)["about"] == catalog.person("kim-woo-sik").description.text
    assert card_fields(card)["Story notes"] == []  # every note is beyond line 0: each episode's blurred
    assert [label for label, _ in spoiler_blocks(card)] == [f"**Spoilers: episode {n}**" for n in (2, 3, 4, 11)]


async def test_public_card_tags_arcs_for_the_channel(h):
    await set_progress(h, 16)
    await h.invoke("cast lookup", name="Seo Myeong-pil", public=True)
    card = data(h)
    assert not card.get("flags", 0) & EPHEMERAL
    blocks = dict(spoiler_blocks(card))
    assert "dies" in blocks["**Spoilers: episode 16**"]
    assert "dies" not in visible(card)  # the death is only ever inside the blur
    assert card_fields(card)["Story notes"] == []


async def test_unknown_name_gets_clear_ephemeral_answer_without_pings(h):
    await h.invoke("cast lookup", name="@everyone Running Man")
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    assert answer["content"].startswith("No one in the cast matches '@everyone Running Man'")
    assert answer["allowed_mentions"] == NO_MENTIONS


async def test_autocomplete_ranks_best_match_first(h):
    choices = await h.autocomplete("cast lookup", "name", "sun kyum")
    assert choices[0]["value"] == "ki-seon-gyeom"
    assert choices[0]["name"].startswith("Ki Seon-gyeom — Im Si-wan")
    choices = await h.autocomplete("cast lookup", "name", "Sooyoung")
    assert choices[0]["value"] == "seo-dan-ah"
    assert len(await h.autocomplete("cast lookup", "name", "")) == 24
    assert all(len(c["name"]) <= 100 for c in choices)


async def test_cast_list(h):
    await h.invoke("cast list")
    embed = data(h)["embeds"][0]
    names = [f["name"] for f in embed["fields"]]
    assert names == ["Main cast", "Supporting cast", "Cameo"]
    assert "**Ki Seon-gyeom** — Im Si-wan" in embed["fields"][0]["value"]


async def test_seo_tae_woong_is_dan_ahs_half_brother(h):
    await h.invoke("cast lookup", name="Tae-woong")
    description = text_of(data(h))
    assert "Seo Dan-ah's younger half-brother" in description
    assert "younger brother" not in description


async def test_private_cards_with_buttons_leave_nothing_waiting_and_their_buttons_still_work(h):
    """A private answer's buttons are answered by their ids (they work after a restart too): the bot keeps no copy of
    each answer's buttons for 15 minutes, with a task waiting on it, as discord.py does for an ephemeral view."""
    import asyncio

    await set_progress(h, 2)
    for _ in range(3):
        await h.invoke("cast lookup", name="ki-seon-gyeom")
        assert custom_ids(data(h)) == ["runon:cast:ki-seon-gyeom:reveal", "runon:share:cast:ki-seon-gyeom"]
    waiting = [t for t in asyncio.all_tasks() if "timeout_task_impl" in repr(t.get_coro())]
    assert waiting == []
    assert h.bot._connection._view_store.persistent_views == []

    await h.click("runon:cast:ki-seon-gyeom:reveal")
    assert spoiler_blocks(data(h))[0][0] == "**Spoilers: episode 3**"


async def test_a_card_asked_again_after_watching_more_unlocks_the_notes_now_watched(h):
    """Cards are made once and kept: one asked for again after /progress set is the new line's, not the old one."""
    await set_progress(h, 2)
    await h.invoke("cast lookup", name="ki-seon-gyeom")
    assert "🔒 Episode 3: a story note (hidden)" in card_fields(data(h))["Story notes"]
    await h.invoke("cast lookup", name="ki-seon-gyeom")
    assert "🔒 Episode 3: a story note (hidden)" in card_fields(data(h))["Story notes"]
    await set_progress(h, 4)
    await h.invoke("cast lookup", name="ki-seon-gyeom")
    later = card_fields(data(h))
    assert not any(line.startswith("🔒 Episode 3") for line in later["Story notes"])
    assert "🔒 Episode 5: a story note (hidden)" in later["Story notes"]
    assert later["Hidden"].startswith("You've watched up to episode 4")


async def test_members_reading_in_two_languages_each_get_their_own_card_of_the_same_person(h):
    """Private cards are made once per language, person and line: a Korean reader's card never answers an English
    one at the same line, nor the other way round, however they alternate."""
    korean = h.member(3101, name="reader")
    await set_progress(h, 2)
    await set_progress(h, 2, user=korean)
    for _ in range(2):
        await h.invoke("cast lookup", name="ki-seon-gyeom")
        english = card_fields(data(h))
        assert english["title"] == "Ki Seon-gyeom (기선겸)"
        assert english["Hidden"].startswith("You've watched up to episode 2")
        await h.invoke("cast lookup", name="ki-seon-gyeom", user=korean, locale="ko")
        card = data(h)
        assert "You've watched" not in text_of(card)
        assert "기선겸" in text_of(card).split("\n")[0]
        buttons = [c["label"] for c in assertions.components(card) if "custom_id" in c]
        assert buttons == ["숨긴 노트 보기 (스포일러 처리)", "여기에 공유"]


async def test_a_card_with_more_episodes_than_fit_shares_blocks_and_blurs_every_note(h, catalog):
    """Ki Seon-gyeom has notes from twelve episodes: at line 0, twelve blocks (label, container, text: 36
    components) would break Discord's 40 with the card, so neighbouring episodes share a block."""
    await h.invoke("cast lookup", name="ki-seon-gyeom", public=True)
    card = data(h)
    assert len(assertions.components(card)) <= 40
    found = labels(card)
    assert found[:2] == ["Spoilers: episodes 1-2", "Spoilers: episodes 3-4"]
    assert found[-1] == "Spoilers: episode 16"
    blurred_text = "\n".join(body for _, body in spoiler_blocks(card))
    assert "**Episode 1**" in blurred_text  # inside a shared block, each episode keeps its heading
    arcs = catalog.person("ki-seon-gyeom").arcs
    assert all(arc.text in blurred_text for arc in arcs)
    assert not any(arc.text in visible(card) for arc in arcs)
