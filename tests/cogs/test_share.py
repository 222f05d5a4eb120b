import discord

from .conftest import EPHEMERAL, NO_MENTIONS, data, set_progress

STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)


async def test_share_recap_posts_publicly_tagged_against_the_server_line(h):
    await h.invoke("setup spoilers", user=h.member(4000, name="mod", permissions=STAFF), line=8)
    await set_progress(h, 16)
    await h.invoke("recap", episode=12)
    await h.click("runon:share:recap:12")
    shared = data(h)
    assert not shared.get("flags", 0) & EPHEMERAL
    assert shared["content"] == "Shared by <@2000>"
    assert shared["allowed_mentions"] == NO_MENTIONS
    assert "**Spoilers: episode 12**" in shared["embeds"][0]["description"]

    await h.invoke("recap", episode=8)
    await h.click("runon:share:recap:8")
    assert "||" not in data(h)["embeds"][0]["description"]  # at the line: plain


async def test_share_from_a_gated_answer_never_reveals_to_the_channel(h):
    await h.invoke("recap", episode=16)  # horizon 0: gated privately
    await h.click("runon:share:recap:16")
    body = data(h)["embeds"][0]["description"]
    assert body.startswith("**Spoilers: episode 16**")
    assert all(line.startswith("• ||") for line in body.splitlines()[1:])


async def test_share_cast_card_in_a_dm_tags_everything(h):
    await set_progress(h, 16)
    await h.invoke("cast lookup", name="Seo Myeong-pil", guild_id=None)
    interaction = await h.click("runon:share:cast:seo-myeong-pil")
    assert interaction.guild_id is None
    shared = data(h)
    assert not shared.get("flags", 0) & EPHEMERAL
    assert "**Spoilers: episode 16**" in shared["embeds"][0]["description"]
