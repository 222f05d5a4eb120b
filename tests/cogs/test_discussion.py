import asyncio

import discord
import pytest

from .conftest import EPHEMERAL, data

STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)


async def _configure(h, channel):
    await h.invoke("setup discussion", user=h.member(4000, name="mod", permissions=STAFF), channel=channel)


def _thread_creations(h):
    return [c for c in h.recorder.calls if c.method == "POST" and c.path.endswith("/threads")]


@pytest.fixture
async def text_channel(h):
    channel = h.add_channel(701, name="episode-talk")
    await _configure(h, channel)
    return channel


async def test_discuss_without_a_channel_tells_how_to_fix(h):
    await h.invoke("discuss", episode=3)
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    assert "`/setup discussion`" in answer["content"]
    assert not _thread_creations(h)


async def test_discuss_creates_a_spoiler_marked_thread_once(h, text_channel):
    await h.invoke("discuss", episode=5)
    [create] = _thread_creations(h)
    assert create.path == "/channels/701/threads"
    assert create.json["name"] == "Episode 5 discussion — spoilers for ep 5"
    assert create.json["type"] == 11  # public thread
    thread_id = int(h.recorder.calls[h.recorder.calls.index(create)].result["id"])
    [opening] = h.channel_messages(thread_id)
    assert "`/episode info episode:5`" in opening["content"]
    assert "spoiler tags" in opening["content"]
    assert opening["allowed_mentions"] == {"parse": []}
    reply = data(h)
    assert reply["flags"] == EPHEMERAL
    assert reply["content"].startswith(f"Opened a new episode 5 discussion thread: <#{thread_id}>")

    await h.invoke("discuss", episode=5, user=h.member(2001, name="other"))
    assert len(_thread_creations(h)) == 1
    assert data(h)["content"].startswith(f"Here's the episode 5 discussion thread: <#{thread_id}>")


async def test_concurrent_requests_create_exactly_one_thread(h, text_channel):
    await asyncio.gather(
        h.invoke("discuss", episode=7, user=h.member(2001, name="a")),
        h.invoke("discuss", episode=7, user=h.member(2002, name="b")),
        h.invoke("discuss", episode=7, user=h.member(2003, name="c")),
    )
    assert len(_thread_creations(h)) == 1
    row = await h.bot.services.discussion.thread(h.guild_id, 7)
    # each member gets the one thread (a late one may find it ready and be answered without a deferral)
    replies = [r.get("content") or r.get("data", {}).get("content") or "" for r in h.responses()]
    replies = [text for text in replies if "discussion thread" in text]
    assert len(replies) == 3
    assert all(f"<#{row.thread_id}>" in text for text in replies)


async def test_deleted_thread_is_recreated_not_duplicated(h, text_channel):
    await h.invoke("discuss", episode=2)
    first = (await h.bot.services.discussion.thread(h.guild_id, 2)).thread_id
    h.remove_channel(first)
    await h.invoke("discuss", episode=2)
    second = (await h.bot.services.discussion.thread(h.guild_id, 2)).thread_id
    assert second != first
    assert len(_thread_creations(h)) == 2
    assert await h.bot.services.discussion.count(h.guild_id) == 1


async def test_archived_thread_is_reopened(h, text_channel):
    await h.invoke("discuss", episode=4)
    thread_id = (await h.bot.services.discussion.thread(h.guild_id, 4)).thread_id
    h.archive_thread(thread_id)
    await h.invoke("discuss", episode=4)
    patches = [c for c in h.recorder.calls if c.method == "PATCH" and c.path == f"/channels/{thread_id}"]
    assert [p.json for p in patches] == [{"archived": False}]
    assert len(_thread_creations(h)) == 1
    assert data(h)["content"].startswith(f"Here's the episode 4 discussion thread: <#{thread_id}>")


async def test_bot_without_thread_permission_is_told_which(h, text_channel):
    h.set_overwrite(701, deny=discord.Permissions(create_public_threads=True))
    await h.invoke("discuss", episode=1)
    assert data(h)["content"] == "I can't create threads in <#701>: I need Create Public Threads there."
    assert not _thread_creations(h)


async def test_discord_refusing_the_thread_gets_a_clear_answer(h, text_channel):
    h.recorder.fail("POST", r"/channels/\d+/threads")
    await h.invoke("discuss", episode=1)
    assert [c.status for c in _thread_creations(h)] == [403]
    answer = h.responses()[-1]
    assert answer["flags"] == EPHEMERAL
    assert answer["content"].startswith("Discord refused to open the thread in <#701>. Please ask staff to check")
    assert "Create Public Threads" in answer["content"]
    assert await h.bot.services.discussion.thread(h.guild_id, 1) is None


async def test_forum_post_uses_existing_episode_tag(h):
    forum = h.add_channel(700, name="episodes", type=15)
    await _configure(h, forum)
    h.set_overwrite(700, allow=discord.Permissions(manage_channels=True))
    await h.invoke("discuss", episode=12)  # no tag yet: the bot creates "Episode 12"
    [tag_edit] = [c for c in h.recorder.calls if c.method == "PATCH" and c.path == "/channels/700"]
    assert [t["name"] for t in tag_edit.json["available_tags"]] == ["Episode 12"]
    [post] = _thread_creations(h)
    assert post.path == "/channels/700/threads"
    tag_id = h.bot.get_channel(700).available_tags[0].id
    assert post.json["applied_tags"] == [str(tag_id)]
    assert "Episode 12 discussion" in post.json["name"]
    assert "`/recap episode:12`" in post.json["message"]["content"]


async def test_forum_post_without_manage_channels_is_untagged(h):
    forum = h.add_channel(700, name="episodes", type=15)
    await _configure(h, forum)
    await h.invoke("discuss", episode=12)
    [post] = _thread_creations(h)
    assert post.json.get("applied_tags", []) == []
    assert not [c for c in h.recorder.calls if c.method == "PATCH"]


# -- forums with *Require tags* on: Discord refuses an untagged post (400, code 40067) --------------------------


@pytest.fixture
async def forum(h):
    forum = h.add_channel(700, name="episodes", type=15)
    await _configure(h, forum)
    return forum


def _post_tags(h):
    [post] = [c for c in _thread_creations(h) if c.status < 300]
    return post.json.get("applied_tags", [])


async def test_required_tags_the_bot_creates_episode_tag_when_it_may(h, forum):
    h.set_forum(700, require_tag=True, tags=["Memes"])
    h.set_overwrite(700, allow=discord.Permissions(manage_channels=True))
    await h.invoke("discuss", episode=5)
    episode_tag = next(t for t in h.bot.get_channel(700).available_tags if t.name == "Episode 5")
    assert _post_tags(h) == [str(episode_tag.id)]
    assert data(h)["content"].startswith("Opened a new episode 5 discussion thread")


async def test_required_tags_an_existing_episode_tag_is_used(h, forum):
    _memes, episode = h.set_forum(700, require_tag=True, tags=["Memes", "episode 5"])
    await h.invoke("discuss", episode=5)
    assert _post_tags(h) == [str(episode)]


async def test_required_tags_fall_back_to_a_discussion_tag_and_say_so(h, forum):
    _memes, discussion = h.set_forum(700, require_tag=True, tags=["Memes", "Discussion"])
    await h.invoke("discuss", episode=5)
    assert _post_tags(h) == [str(discussion)]
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    assert 'I tagged it "Discussion": staff can add an "Episode 5" tag' in answer["content"]


async def test_required_tags_none_usable_one_ephemeral_line_no_error_id(h, forum):
    h.set_forum(700, require_tag=True, tags=[{"name": "Mods only", "moderated": True}])
    h.set_bot_permissions(discord.Permissions(  # no Manage Threads: a moderated tag is not the bot's to apply
        view_channel=True, send_messages=True, create_public_threads=True, send_messages_in_threads=True,
        read_message_history=True, embed_links=True,
    ))  # fmt: skip
    await h.invoke("discuss", episode=5)
    answer = h.last_response()
    assert answer["flags"] == EPHEMERAL
    assert answer["content"] == (
        '<#700> requires a tag on every post and I can\'t add one: ask staff to create an "Episode 5" tag there, '
        "or to give me Manage Channels in it so I can."
    )
    assert "\n" not in answer["content"]
    assert not [c for c in _thread_creations(h) if c.status < 300]
    assert not h.errors or all("error id" not in str(e) for e in h.errors)
    assert await h.bot.services.discussion.thread(h.guild_id, 5) is None


async def test_discords_40067_is_understood_even_when_the_cache_did_not_know(h, forum):
    h.set_forum(700, require_tag=True, gateway=False)  # the bot has not seen the change yet
    await h.invoke("discuss", episode=5)
    [refused] = _thread_creations(h)
    assert refused.status == 400
    assert h.last_response()["content"].startswith("<#700> requires a tag on every post and I can't add one")
    assert "error id" not in h.last_response()["content"]


async def test_discord_failing_to_reopen_a_thread_is_a_clear_answer(h, text_channel):
    await h.invoke("discuss", episode=4)
    thread_id = (await h.bot.services.discussion.thread(h.guild_id, 4)).thread_id
    h.archive_thread(thread_id)
    h.recorder.fail("PATCH", rf"/channels/{thread_id}", status=503, code=0, message="Service Unavailable")
    await h.invoke("discuss", episode=4)
    answer = h.last_response()
    assert answer["flags"] == EPHEMERAL
    assert answer["content"].startswith("Discord refused to open the thread in <#701> (503")
    assert "error id" not in answer["content"]
