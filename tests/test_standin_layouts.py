"""The stand-in knows Discord's layout messages (Components V2): it keeps them as Discord does, refuses what Discord
refuses (400 Invalid Form Body, with Discord's per-field errors), and its readers count the text inside containers
and tell whether it is blurred (a container sent with ``spoiler: true``)."""

from __future__ import annotations

import io
from typing import Any

import discord
import pytest

from bot.standin import DEFAULT_CHANNEL_ID, Harness, assertions, close, start

from .test_standin import make_bot

V2, MAX_COMPONENTS, MAX_TEXT_LENGTH = assertions.COMPONENTS_V2, assertions.MAX_COMPONENTS, assertions.MAX_TEXT_LENGTH
MESSAGES = discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=DEFAULT_CHANNEL_ID)


@pytest.fixture
async def h():
    harness = await start(make_bot())
    yield harness
    await close(harness)


def channel(h: Harness) -> discord.TextChannel:
    found = h.bot.get_channel(DEFAULT_CHANNEL_ID)
    assert isinstance(found, discord.TextChannel)
    return found


def blurred_layout(secret: str = "Ki Seon-gyeom retires") -> discord.ui.LayoutView:
    view = discord.ui.LayoutView()
    view.add_item(discord.ui.TextDisplay("**Spoilers: episode 16**"))
    view.add_item(discord.ui.Container(discord.ui.TextDisplay(secret), spoiler=True))
    return view


def texts(count: int, size: int = 1) -> list[dict[str, Any]]:
    return [{"type": 10, "content": "x" * size} for _ in range(count)]


async def refused(h: Harness, payload: dict[str, Any]) -> discord.HTTPException:
    with pytest.raises(discord.HTTPException) as caught:
        await h.bot.http.request(MESSAGES, json=payload)
    assert (caught.value.status, caught.value.code) == (400, 50035)
    return caught.value


async def test_a_layout_is_kept_flagged_and_read_with_its_blur(h: Harness) -> None:
    message = await channel(h).send(view=blurred_layout())
    stored = h.recorder.messages[message.id]
    assert stored["flags"] & V2  # discord.py set the flag; Discord keeps it
    assert message.flags.components_v2
    assert "Ki Seon-gyeom retires" in assertions.message_text(stored)  # text inside containers counts
    assert assertions.message_parts(stored) == [("**Spoilers: episode 16**", False), ("Ki Seon-gyeom retires", True)]
    assert assertions.visible_text(stored) == "**Spoilers: episode 16**"  # the blurred block is not in plain view
    assert assertions.blurred_text(stored) == "Ki Seon-gyeom retires"


async def test_visible_text_also_takes_out_spoiler_tags_and_counts_plain_containers(h: Harness) -> None:
    view = discord.ui.LayoutView()
    view.add_item(discord.ui.Container(discord.ui.TextDisplay("plain ||tagged||"), spoiler=False))
    message = await channel(h).send(view=view)
    shown = assertions.visible_text(h.recorder.messages[message.id])
    assert "plain" in shown  # a container that is not a spoiler is in plain view
    assert "tagged" not in shown


async def test_content_or_embeds_next_to_a_layout_are_refused_like_discord(h: Harness) -> None:
    with pytest.raises(discord.HTTPException) as content:
        await channel(h).send("hello", view=blurred_layout())
    assert (content.value.status, content.value.code) == (400, 50035)
    assert (
        "In content: The 'content' field cannot be used when using MessageFlags.IS_COMPONENTS_V2" in content.value.text
    )
    with pytest.raises(discord.HTTPException):
        await channel(h).send(embed=discord.Embed(title="x"), view=blurred_layout())
    assert h.channel_messages() == []  # nothing was posted


async def test_at_most_40_components_counting_nested_ones(h: Harness) -> None:
    flagged = {"flags": V2}
    await h.bot.http.request(MESSAGES, json=flagged | {"components": texts(MAX_COMPONENTS)})  # the limit itself
    nested = [{"type": 17, "components": texts(MAX_COMPONENTS - 1)}, {"type": 10, "content": "one more"}]
    error = await refused(h, flagged | {"components": nested})  # 41 with the container
    assert "Must be 40 or fewer in length" in error.text


async def test_text_displays_hold_4000_characters_together(h: Harness) -> None:
    flagged = {"flags": V2}
    await h.bot.http.request(MESSAGES, json=flagged | {"components": texts(4, MAX_TEXT_LENGTH // 4)})
    inside = [{"type": 17, "spoiler": True, "components": texts(1, 2001)}, *texts(1, 2000)]
    error = await refused(h, flagged | {"components": inside})
    assert "4000 or fewer characters (got 4001)" in error.text


async def test_layout_components_need_the_flag_and_their_place(h: Harness) -> None:
    await refused(h, {"components": [{"type": 17, "components": texts(1)}]})  # no IS_COMPONENTS_V2
    nested = {"type": 17, "components": [{"type": 17, "components": texts(1)}]}
    await refused(h, {"flags": V2, "components": [nested]})  # no container in a container
    await refused(h, {"flags": V2, "components": [{"type": 17, "components": []}]})  # an empty one
    await refused(h, {"flags": V2, "components": []})


async def test_a_media_gallery_holds_1_to_10_of_the_messages_own_files(h: Harness) -> None:
    file = discord.File(io.BytesIO(b"png"), filename="episode16.png", spoiler=True)
    view = discord.ui.LayoutView()
    gallery = discord.ui.MediaGallery(discord.MediaGalleryItem(f"attachment://{file.filename}"))
    view.add_item(discord.ui.Container(gallery, spoiler=True))
    message = await channel(h).send(view=view, file=file)
    stored = h.recorder.messages[message.id]
    assert [a["filename"] for a in stored["attachments"]] == ["SPOILER_episode16.png"]
    missing = {"type": 12, "items": [{"media": {"url": "attachment://other.png"}}]}
    error = await refused(h, {"flags": V2, "components": [missing]})
    assert "In components.0.items.0.media.url: No attachment of the message has that name." in error.text
    eleven = {"type": 12, "items": [{"media": {"url": "https://cdn.example/x.png"}}] * 11}
    await refused(h, {"flags": V2, "components": [eleven]})


async def test_a_layout_message_stays_one_when_edited(h: Harness) -> None:
    message = await channel(h).send(view=blurred_layout())
    with pytest.raises(discord.HTTPException) as edited:
        await message.edit(content="now plain text")
    assert edited.value.code == 50035
    stored = h.recorder.messages[message.id]
    assert stored["content"] == ""  # a refused edit changes nothing
    assert assertions.blurred_text(stored) == "Ki Seon-gyeom retires"
    await message.edit(view=blurred_layout("Oh Mi-joo's film"))
    assert h.recorder.messages[message.id]["flags"] & V2
    assert assertions.blurred_text(h.recorder.messages[message.id]) == "Oh Mi-joo's film"


def test_message_errors_is_empty_for_plain_messages_and_discord_shaped_otherwise() -> None:
    assert assertions.message_errors({"content": "hi", "components": [{"type": 1, "components": [{"type": 2}]}]}) == {}
    errors = assertions.message_errors({"flags": V2, "content": "hi", "components": texts(1)})
    assert errors == {
        "content": {
            "_errors": [
                {
                    "code": "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    "message": "The 'content' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
                }
            ]
        }
    }
