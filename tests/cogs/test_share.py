import discord

from .conftest import EPHEMERAL, NO_MENTIONS, data, set_progress, spoiler_blocks, text_of, visible

STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)


async def test_share_recap_posts_publicly_tagged_against_the_server_line(h):
    await h.invoke("setup spoilers", user=h.member(4000, name="mod", permissions=STAFF), line=8)
    await set_progress(h, 16)
    await h.invoke("recap", episode=12)
    await h.click("runon:share:recap:12")
    shared = data(h)
    assert not shared.get("flags", 0) & EPHEMERAL
    assert shared["components"][0] == {"type": 10, "content": "Shared by <@2000>"}  # first, above the card
    assert shared["allowed_mentions"] == NO_MENTIONS
    assert [label for label, _ in spoiler_blocks(shared)] == ["**Spoilers: episode 12**"]

    await h.invoke("recap", episode=8)
    await h.click("runon:share:recap:8")
    assert spoiler_blocks(data(h)) == []  # at the line: plain
    assert "||" not in text_of(data(h))


async def test_share_from_a_gated_answer_never_reveals_to_the_channel(h):
    await h.invoke("recap", episode=16)  # horizon 0: gated privately
    await h.click("runon:share:recap:16")
    [(label, body)] = spoiler_blocks(data(h))
    assert label == "**Spoilers: episode 16**"
    assert all(line.startswith("• ") for line in body.splitlines())
    assert not any(line[2:] in visible(data(h)) for line in body.splitlines())


async def test_share_cast_card_in_a_dm_tags_everything(h):
    await set_progress(h, 16)
    await h.invoke("cast lookup", name="Seo Myeong-pil", guild_id=None)
    interaction = await h.click("runon:share:cast:seo-myeong-pil")
    assert interaction.guild_id is None
    shared = data(h)
    assert not shared.get("flags", 0) & EPHEMERAL
    assert "**Spoilers: episode 16**" in [label for label, _ in spoiler_blocks(shared)]
