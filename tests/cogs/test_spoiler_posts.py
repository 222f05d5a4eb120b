import discord
import pytest

from bot.standin import CommandUnavailable

from .conftest import COMPONENTS_V2, EPHEMERAL, NO_MENTIONS, custom_ids, data, spoiler_blocks, visible


def _gallery(post):
    """The media of the post's blurred container (attachment:// URLs)."""
    [container] = [c for c in post["components"] if c["type"] == 17]
    assert container["spoiler"] is True
    return [item["media"]["url"] for c in container["components"] if c["type"] == 12 for item in c["items"]] + [
        c["file"]["url"] for c in container["components"] if c["type"] == 13
    ]


MOD = discord.Permissions(manage_messages=True, send_messages=True, view_channel=True)
PING_ATTEMPT = "@everyone @here <@&123456789012345678> <@2000> she wins!"


async def test_spoiler_post_tags_text_credits_author_and_pings_nobody(h):
    await h.invoke("spoiler", episode=16, text=PING_ATTEMPT)
    post = data(h)
    assert post["flags"] == COMPONENTS_V2  # public, laid out: no content, no embeds
    assert not post.get("content")
    assert spoiler_blocks(post) == [("**Spoilers: episode 16** · from <@2000>", PING_ATTEMPT)]
    assert "she wins" not in visible(post)  # the label and the author are all a reader sees before clicking
    assert post["allowed_mentions"] == NO_MENTIONS


async def test_spoiler_post_answers_first_then_downloads_and_reuploads_the_image_as_spoiler(h):
    await h.invoke(
        "spoiler", episode=4, text="look at this", image={"filename": "scene.png", "content_type": "image/png"}
    )
    calls = h.recorder.calls
    defer = next(i for i, c in enumerate(calls) if c.path.endswith("/callback"))
    download = next(i for i, c in enumerate(calls) if c.path.startswith("https://cdn.discordapp.com/"))
    assert defer < download  # answered before the download: a big file can't miss Discord's 3 seconds
    assert calls[defer].json["type"] == 5
    assert calls[defer].json["data"]["flags"] == EPHEMERAL  # the wait, and any problem, are private
    [post] = [r for r in h.responses() if r["kind"] == "followup"]
    assert post["flags"] == COMPONENTS_V2  # the post itself is public
    assert spoiler_blocks(post) == [("**Spoilers: episode 4** · from <@2000>", "look at this")]
    assert _gallery(post) == ["attachment://SPOILER_episode4.png"]  # the image is inside the blur too
    assert post["allowed_mentions"] == NO_MENTIONS
    upload = next(c for c in calls if c.method == "POST" and c.path.startswith("/webhooks/") and c.files)
    assert upload.files == ["SPOILER_episode4.png"]
    stored = h.discord.messages[int(h.last_response()["content"].rsplit("/", 1)[1])]
    assert [a["filename"] for a in stored["attachments"]] == ["SPOILER_episode4.png"]
    assert h.last_response()["kind"] == "edit_original"
    assert h.last_response()["content"].startswith("Posted your spoiler for episode 4: https://discord.com/channels/")


async def test_an_image_that_cannot_be_downloaded_gets_a_clear_private_answer(h):
    h.recorder.fail("GET", r"https://cdn\.discordapp\.com/.*", status=404, code=0, message="asset not found")
    await h.invoke("spoiler", episode=4, text="look", image={"filename": "scene.png", "content_type": "image/png"})
    answer = h.last_response()
    assert answer["flags"] == EPHEMERAL
    assert answer["content"] == (
        "I couldn't download 'scene.png' from Discord, so nothing was posted. Attach it again and retry in a moment."
    )
    assert not [r for r in h.responses() if "Spoilers" in str(r)]
    assert not h.errors or "error id" not in answer["content"]


async def test_an_image_too_large_to_repost_is_refused_before_any_download(h):
    image = {"filename": "huge.png", "content_type": "image/png", "size": 20 * 1024 * 1024}
    await h.invoke("spoiler", episode=4, text="look", image=image)
    assert data(h)["content"] == "'huge.png' is 20.0 MB; I can re-post at most 10.0 MB here. Attach a smaller image."
    assert data(h)["flags"] == EPHEMERAL
    assert not [c for c in h.recorder.calls if c.path.startswith("https://")]


async def test_spoiler_post_refuses_non_images(h):
    await h.invoke("spoiler", episode=4, text="x", image={"filename": "notes.pdf", "content_type": "application/pdf"})
    assert data(h)["content"] == "'notes.pdf' isn't an image. Attach a PNG, JPEG, GIF or WebP file."
    assert data(h)["flags"] == EPHEMERAL


async def test_spoiler_text_length_limit(h):
    h.enforce_discord_rules = False  # Discord enforces max_length; the bot checks again
    await h.invoke("spoiler", episode=2, text="a" * 1801)
    assert data(h)["flags"] == EPHEMERAL
    assert data(h)["content"] == "That's 1801 characters; the limit is 1800. Split it into two posts."


async def test_spoiler_cooldown_per_member(h):
    await h.invoke("spoiler", episode=2, text="first")
    await h.invoke("spoiler", episode=2, text="second")
    assert data(h)["flags"] == EPHEMERAL
    assert data(h)["content"].startswith("Slow down a little: try again in")
    await h.invoke("spoiler", episode=2, text="someone else", user=h.member(2001, name="other"))
    assert spoiler_blocks(data(h)) == [("**Spoilers: episode 2** · from <@2001>", "someone else")]


@pytest.fixture
def original(h):
    return h.message_payload(PING_ATTEMPT, author=h.member(2500, name="leaker"), attachments=["finale.png"])


async def _open_menu(h, original, **kwargs):
    await h.invoke_message_menu(
        "Spoiler-tag this", original, user=h.member(4100, name="mod", permissions=MOD), **kwargs
    )
    return data(h)


async def test_retag_reposts_tagged_then_deletes_the_original(h, original):
    menu = await _open_menu(h, original)
    assert menu["flags"] == EPHEMERAL
    assert menu["content"].startswith("Re-post <@2500>'s message blurred as a spoiler")
    [token_id] = custom_ids(menu)
    await h.select(token_id, ["16"], user=h.member(4100, name="mod", permissions=MOD))

    posts = [c for c in h.recorder.calls if c.method == "POST" and c.path == "/channels/600/messages"]
    assert len(posts) == 1
    post = posts[0].json
    assert post["flags"] == COMPONENTS_V2
    assert spoiler_blocks(post) == [("**Spoilers: episode 16** · originally posted by <@2500>", PING_ATTEMPT)]
    assert _gallery(post) == ["attachment://SPOILER_episode16.png"]
    assert post["allowed_mentions"] == NO_MENTIONS
    assert posts[0].files == ["SPOILER_episode16.png"]
    deletes = [c for c in h.recorder.calls if c.method == "DELETE"]
    assert [c.path for c in deletes] == [f"/channels/600/messages/{original['id']}"]
    order = [c.method for c in h.recorder.calls if c.method in ("POST", "DELETE") and "/channels/600/" in c.path]
    assert order == ["POST", "DELETE"]  # deleted only after the re-post succeeded
    assert data(h)["content"] == "Re-posted as spoilers for episode 16 and deleted the original."


async def test_retag_is_refused_to_members_without_manage_messages(h, original):
    with pytest.raises(CommandUnavailable):
        await h.invoke_message_menu("Spoiler-tag this", original)
    h.enforce_discord_rules = False
    await h.invoke_message_menu("Spoiler-tag this", original)
    assert data(h)["content"] == "You need the Manage Messages permission to do that."
    assert not [c for c in h.recorder.calls if c.method in ("DELETE",) or c.path == "/channels/600/messages"]


async def test_retag_names_the_permission_the_bot_lacks_and_touches_nothing(h, original):
    lacking = discord.Permissions(view_channel=True, send_messages=True, read_message_history=True)
    menu = await _open_menu(h, original, app_permissions=lacking.value)
    assert menu["flags"] == EPHEMERAL
    assert menu["content"] == (
        "I can't re-post and remove messages here: I need Attach Files, Manage Messages in this channel."
    )
    assert not [c for c in h.recorder.calls if c.method == "DELETE" or c.path == "/channels/600/messages"]


async def test_failed_repost_deletes_nothing(h, original):
    [token_id] = custom_ids(await _open_menu(h, original))
    h.recorder.fail("POST", r"/channels/\d+/messages")
    await h.select(token_id, ["3"], user=h.member(4100, name="mod", permissions=MOD))
    assert [c.status for c in h.recorder.calls if c.path == "/channels/600/messages"] == [403]
    assert not [c for c in h.recorder.calls if c.method == "DELETE"]
    assert data(h)["content"] == (
        "Discord refused the re-post (I need Send Messages and Create Posts, and Attach Files here). "
        "Nothing was deleted."
    )
    assert data(h)["flags"] == EPHEMERAL


async def test_failed_delete_is_reported(h, original):
    [token_id] = custom_ids(await _open_menu(h, original))
    h.recorder.fail("DELETE", r"/channels/\d+/messages/\d+")
    await h.select(token_id, ["3"], user=h.member(4100, name="mod", permissions=MOD))
    assert data(h)["content"] == (
        "Re-posted as spoilers for episode 3 but I couldn't delete the original: I need Manage Messages here."
    )


async def test_expired_menu_says_so(h, original):
    [token_id] = custom_ids(await _open_menu(h, original))
    h.bot.get_cog("SpoilerPosts").pending.clear()  # as after a restart
    await h.select(token_id, ["3"], user=h.member(4100, name="mod", permissions=MOD))
    assert data(h)["content"] == 'This menu has expired. Use "Spoiler-tag this" on the message again.'
    assert not [c for c in h.recorder.calls if c.method == "DELETE" or c.path == "/channels/600/messages"]


async def test_only_the_moderator_who_opened_the_menu_may_finish_it(h, original):
    [token_id] = custom_ids(await _open_menu(h, original))
    await h.select(token_id, ["3"], user=h.member(4200, name="other-mod", permissions=MOD))
    assert data(h)["content"] == "Only the moderator who opened this menu can use it."
    assert not [c for c in h.recorder.calls if c.method == "DELETE"]


async def test_retag_puts_images_in_a_gallery_and_other_files_as_files_all_inside_the_blur(h):
    mixed = h.message_payload("look", author=h.member(2500, name="leaker"), attachments=["shot.png", "script.pdf"])
    menu = await _open_menu(h, mixed)
    [token_id] = custom_ids(menu)
    await h.select(token_id, ["12"], user=h.member(4100, name="mod", permissions=MOD))
    [post] = [c for c in h.recorder.calls if c.method == "POST" and c.path == "/channels/600/messages"]
    assert post.files == ["SPOILER_episode12.png", "SPOILER_episode12_2.pdf"]
    assert spoiler_blocks(post.json) == [("**Spoilers: episode 12** · originally posted by <@2500>", "look")]
    assert _gallery(post.json) == ["attachment://SPOILER_episode12.png", "attachment://SPOILER_episode12_2.pdf"]
    [gallery] = [c for c in post.json["components"][1]["components"] if c["type"] == 12]
    assert len(gallery["items"]) == 1  # the image; the PDF is a file component beside it
