"""What a member can do that they should not (issue 16, section 3): each test fails on the code before it."""

import datetime as dt
import re
import sys

import discord
import pytest

from bot.standin import BOT_USER_ID, DEFAULT_MEMBER_PERMISSIONS
from bot.store import personal as store_personal
from tests.conftest import both_backends

from .conftest import COMPONENTS_V2, EPHEMERAL, NOW, data, labels, text_of

backend = both_backends()  # the limits and the prune are queries: SQLite and PostgreSQL

OUT_OF_DATE = "This button is out of date. Run the command again for a fresh one."
STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)
EVENTS_STAFF = discord.Permissions(manage_events=True, send_messages=True, view_channel=True)
NO_SEND = discord.Permissions(send_messages=True)
ANNOUNCEMENTS = 700


def _posts(h, channel: int) -> list:
    return [c for c in h.recorder.calls if c.method == "POST" and c.path == f"/channels/{channel}/messages"]


def _public(h, channel_id: int) -> list:
    """What everyone sees in the channel now (a party's card is the command's public answer or a post there)."""
    return [m for m in h.messages_in(channel_id) if not int(m.get("flags") or 0) & EPHEMERAL]


def _events(h) -> list:
    return [c for c in h.recorder.calls if c.method == "POST" and c.path.endswith("/scheduled-events")]


async def _create(h, user=None, **options):
    options.setdefault("episodes", "3")
    options.setdefault("when", "2026-12-02 20:30")
    options.setdefault("timezone", "Asia/Seoul")
    await h.invoke("watchparty create", user=user, **options)
    return data(h)


def _read_only(h, channel_id: int = ANNOUNCEMENTS, name: str = "announcements"):
    """A channel everyone can read but only staff can post in (as #announcements usually is)."""
    channel = h.add_channel(channel_id, name=name)
    h.set_overwrite(channel_id, h.guild.default_role.id, deny=NO_SEND, role=True)
    h.set_overwrite(channel_id, BOT_USER_ID, allow=NO_SEND)  # the bot may post there
    return channel


# -- /watchparty create channel: ---------------------------------------------------------------------


async def test_a_member_cannot_make_the_bot_announce_a_party_where_they_cannot_post(h):
    announcements = _read_only(h)
    reply = await _create(h, channel=announcements)
    assert reply["flags"] == EPHEMERAL
    assert reply["content"] == (
        "You can't post in <#700> yourself, so I won't announce a watch party there for you (you need View Channel "
        "and Send Messages and Create Posts there). Pick a channel where you can post, or ask staff to plan it."
    )
    assert not _posts(h, ANNOUNCEMENTS)
    assert not _events(h)
    assert await h.bot.services.parties.get_row(1) is None


async def test_running_create_inside_a_channel_the_member_cannot_post_in_is_refused_too(h):
    _read_only(h)
    muted = h.member(2000, permissions=DEFAULT_MEMBER_PERMISSIONS & ~NO_SEND)  # what Discord resolves there
    await h.invoke(
        "watchparty create", episodes="3", when="2026-12-02 20:30", timezone="Asia/Seoul", user=muted,
        channel_id=ANNOUNCEMENTS,
    )  # fmt: skip
    assert data(h)["content"].startswith("You can't post in <#700> yourself")
    assert not _posts(h, ANNOUNCEMENTS)


async def test_a_member_cannot_host_a_party_in_a_voice_channel_they_cannot_join(h):
    voice = h.add_channel(800, name="vip-room", type=2)
    h.set_overwrite(800, h.guild.default_role.id, deny=discord.Permissions(connect=True), role=True)
    h.set_overwrite(800, BOT_USER_ID, allow=discord.Permissions(connect=True))
    reply = await _create(h, channel=voice)
    assert reply["content"] == (
        "You can't join <#800> yourself, so I won't host a watch party there for you (you need View Channel and "
        "Connect there). Pick a voice channel you can join."
    )
    assert not _events(h)
    assert not _public(h, 600)


@pytest.mark.parametrize("permissions", [STAFF, EVENTS_STAFF])
async def test_staff_may_announce_a_party_anywhere(h, permissions):
    announcements = _read_only(h)
    await _create(h, user=h.member(4000, name="mod", permissions=permissions), channel=announcements)
    assert len(_posts(h, ANNOUNCEMENTS)) == 1
    assert text_of(data(h)).startswith("Watch party #1 (episode 3) is on for")


async def test_a_member_who_may_post_there_can_still_pick_the_channel(h):
    general = h.add_channel(701, name="parties")
    await _create(h, channel=general)
    assert len(_posts(h, 701)) == 1


# -- edit and cancel: the server-wide Manage Events ------------------------------------------------


async def test_a_channel_overwrite_granting_manage_events_does_not_let_a_member_cancel_others_parties(h):
    await _create(h)
    # Discord resolves the interaction's permissions in the channel: an overwrite there grants Manage Events, but the
    # member's roles do not.
    stranger = h.member(3005, name="stranger")
    stranger["permissions"] = str((DEFAULT_MEMBER_PERMISSIONS | discord.Permissions(manage_events=True)).value)
    await h.invoke("watchparty cancel", party=1, user=stranger)
    assert data(h)["content"] == "Only the host (<@2000>) or members with Manage Events can change that."
    await h.invoke("watchparty edit", party=1, note="mine now", user=stranger)
    assert data(h)["content"] == "Only the host (<@2000>) or members with Manage Events can change that."
    row = await h.bot.services.parties.get_row(1)
    assert row is not None
    assert (row.status, row.note) == ("scheduled", "")


async def test_members_with_manage_events_on_their_roles_still_manage_any_party(h):
    await _create(h)
    await h.invoke("watchparty cancel", party=1, user=h.member(4000, name="mod", permissions=EVENTS_STAFF))
    assert data(h)["content"].startswith("Cancelled watch party #1")


# -- buttons and menus the bot does not recognise ---------------------------------------------------


@pytest.mark.parametrize(
    "custom_id",
    [
        "runon:recap:987654:reveal",
        "runon:share:recap:987654",
        "runon:parties:page:" + "9" * 90,
        "runon:nothing:like:this",
        "runon:party:1:maybe-not",
    ],
)
async def test_a_runon_button_nobody_recognises_is_answered_out_of_date(h, custom_id):
    await h.click(custom_id)
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    assert answer["content"] == OUT_OF_DATE
    assert not h.logged_errors


async def test_an_unrecognised_menu_is_answered_in_the_members_language(h):
    await h.select("runon:retag:not-a-token!", ["3"], locale="ko")
    assert data(h)["flags"] == EPHEMERAL
    assert data(h)["content"] != OUT_OF_DATE  # the Korean catalogue's sentence
    assert not h.logged_errors


async def test_a_recognised_button_gets_exactly_one_answer(h):
    await _create(h)
    h.recorder.clear()
    await h.click("runon:party:1:maybe", user=h.member(3001))
    callbacks = [c for c in h.recorder.calls if c.path.endswith("/callback")]
    assert len(callbacks) == 1
    assert callbacks[0].json["type"] == 7  # the card is updated, nothing else answered the click


async def test_other_bots_components_are_left_alone(h):
    await h.click("someone-else:button")
    assert not [c for c in h.recorder.calls if c.path.endswith("/callback")]


# -- /spoiler, Share buttons and public: answers post only where the member may post ----------------

NO_POSTING = DEFAULT_MEMBER_PERMISSIONS & ~discord.Permissions(send_messages=True, send_messages_in_threads=True)
NO_FILES = DEFAULT_MEMBER_PERMISSIONS & ~discord.Permissions(attach_files=True)
IMAGE = {"filename": "ep16-X-dies.png", "content_type": "image/png", "description": "X dies in the finale"}


def _public_answers(h) -> list:
    answers = [r.get("data", r) for r in h.responses() if r.get("type") != 5]
    return [a for a in answers if not (a.get("flags") or 0) & EPHEMERAL]


async def test_spoiler_is_refused_where_the_member_cannot_send(h):
    await h.invoke("spoiler", episode=16, text="she wins", user=h.member(permissions=NO_POSTING))
    assert data(h)["flags"] == EPHEMERAL
    assert data(h)["content"] == (
        "You can't send messages in this channel, so I won't post a spoiler here for you. Use `/spoiler` where you "
        "can write."
    )
    assert not _public_answers(h)


async def test_spoiler_image_is_refused_where_the_member_cannot_attach_files(h):
    await h.invoke("spoiler", episode=16, text="look", image=IMAGE, user=h.member(permissions=NO_FILES))
    assert data(h)["content"].startswith("You can't attach files in this channel, so I won't post your image here.")
    assert not [c for c in h.recorder.calls if c.path.startswith("https://")]  # nothing downloaded
    assert not _public_answers(h)


async def test_a_spoiler_image_is_renamed_and_loses_its_alt_text(h):
    await h.invoke("spoiler", episode=16, text="look", image=IMAGE)
    upload = next(c for c in h.recorder.calls if c.method == "POST" and c.path.startswith("/webhooks/") and c.files)
    assert upload.files == ["SPOILER_episode16.png"]
    assert [a.get("description") for a in upload.json["attachments"]] == [None]
    assert "X dies" not in str(upload.json)


async def test_share_button_is_refused_where_the_member_cannot_send(h):
    await h.invoke("recap", episode=1)
    await h.click("runon:share:recap:1", user=h.member(permissions=NO_POSTING))
    assert data(h)["flags"] == EPHEMERAL
    assert data(h)["content"] == (
        "You can't post in this channel, so I didn't share it here. The answer stays private to you."
    )
    assert not _public_answers(h)


async def test_a_public_answer_comes_privately_where_the_member_cannot_send(h):
    await h.invoke("about", public=True, user=h.member(permissions=NO_POSTING))
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    assert answer["content"] == "You can't post in this channel, so I'm showing you the answer privately instead."
    assert answer["embeds"]  # the answer itself, for the member alone


async def test_a_public_layout_answer_comes_privately_with_the_note_on_top(h):
    await h.invoke("recap", episode=9, public=True, user=h.member(permissions=NO_POSTING))
    answer = data(h)
    assert answer["flags"] == EPHEMERAL | COMPONENTS_V2
    assert not answer.get("content")  # a layout has none: the note is its first text display
    assert answer["components"][0] == {
        "type": 10,
        "content": "You can't post in this channel, so I'm showing you the answer privately instead.",
    }
    assert labels(answer) == ["Spoilers: episode 9"]  # the answer itself, still blurred against line 0
    assert not _public_answers(h)


async def test_a_public_chart_needs_attach_files(h):
    await h.invoke("setup spoilers", user=h.member(4000, name="mod", permissions=STAFF), line=16)
    await h.bot.services.pulse.record(h.guild_id, 1, 600, 123456, NOW)
    await h.invoke("pulse", public=True, user=h.member(permissions=NO_FILES))
    assert data(h).get("flags") == EPHEMERAL
    assert data(h)["content"].startswith("You can't post in this channel, so I'm showing you the answer privately")


HANGUL = re.compile(r"[\uac00-\ud7a3]")


async def test_a_public_answer_that_comes_privately_speaks_the_members_language(h):
    await h.invoke("about", public=True, user=h.member(permissions=NO_POSTING), locale="ko")
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    assert answer["content"] == "이 채널에서는 메시지를 보내실 수 없어서, 답변을 본인만 볼 수 있게 보여 드릴게요."
    [private] = answer["embeds"]
    await h.invoke("about", locale="ko")
    [korean] = data(h)["embeds"]
    await h.invoke("about", public=True, locale="ko")  # where they may post, it speaks the server's language
    [public] = data(h)["embeds"]
    assert private == korean != public  # the answer too, not the server's English


async def test_a_public_chart_that_comes_privately_speaks_the_members_language(h):
    await h.invoke("setup spoilers", user=h.member(4000, name="mod", permissions=STAFF), line=16)
    await h.bot.services.pulse.record(h.guild_id, 1, 600, 123456, NOW)
    await h.invoke("pulse", public=True, user=h.member(permissions=NO_FILES), locale="ko")
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    note, text = answer["content"].split("\n", 1)
    assert note == "이 채널에서는 메시지를 보내실 수 없어서, 답변을 본인만 볼 수 있게 보여 드릴게요."
    assert HANGUL.search(text)
    assert "How this server rated" not in text


async def test_public_answers_still_post_for_members_who_may_post(h):
    await h.invoke("about", public=True)
    assert not data(h).get("flags", 0) & EPHEMERAL


# -- "Spoiler-tag this": the server's upload limit, download errors, names and alt text -----------

MOD = discord.Permissions(manage_messages=True, send_messages=True, view_channel=True)


def _original(h, size: int = 1000):
    message = h.message_payload("look", author=h.member(2500, name="leaker"), attachments=["ep16-X-dies.png"])
    message["attachments"][0].update(size=size, description="X dies in the finale")
    return message


async def _retag(h, message, episode: str = "16"):
    mod = h.member(4100, name="mod", permissions=MOD)
    await h.invoke_message_menu("Spoiler-tag this", message, user=mod)
    ids = [c["custom_id"] for row in data(h).get("components") or [] for c in row["components"]]
    if ids:
        await h.select(ids[0], [episode], user=mod)


async def test_retag_refuses_an_attachment_above_the_servers_upload_limit_before_downloading(h):
    await _retag(h, _original(h, size=500 * 1024 * 1024))  # a Nitro upload
    assert data(h)["flags"] == EPHEMERAL
    assert data(h)["content"] == (
        "'ep16-X-dies.png' is 500.0 MB; this server lets me upload at most 10.0 MB per file, so I can't re-post "
        "that message. Delete it instead, or ask the author to post a smaller file."
    )
    assert not [c for c in h.recorder.calls if c.path.startswith("https://")]
    assert not [c for c in h.recorder.calls if c.method in ("POST", "DELETE") and "/channels/600/" in c.path]


async def test_retag_refuses_files_that_together_exceed_the_upload_limit_before_downloading(h):
    names = [f"clip{n}.mp4" for n in range(10)]
    message = h.message_payload("look", author=h.member(2500, name="leaker"), attachments=names)
    for attachment in message["attachments"]:
        attachment["size"] = 10 * 1024 * 1024  # each at the limit, a hundred megabytes together
    await _retag(h, message)
    assert data(h)["flags"] == EPHEMERAL
    assert data(h)["content"] == (
        "That message's 10 files come to 100.0 MB; this server lets me upload at most 10.0 MB in one message, so I "
        "can't re-post it. Delete it instead, or ask the author to post the files in fewer at a time."
    )
    assert not [c for c in h.recorder.calls if c.path.startswith("https://")]
    assert not [c for c in h.recorder.calls if c.method in ("POST", "DELETE") and "/channels/600/" in c.path]


async def test_retag_reposts_several_files_within_the_limit_together(h):
    message = h.message_payload("look", author=h.member(2500), attachments=["a.png", "b.png", "c.png"])
    for attachment in message["attachments"]:
        attachment["size"] = 3 * 1024 * 1024  # 9 MB together, under the 10 MB of an unboosted server
    await _retag(h, message)
    assert data(h)["content"] == "Re-posted as spoilers for episode 16 and deleted the original."


async def test_retag_follows_the_servers_boost_tier(h):
    h.update_guild(premium_tier=2)  # 50 MB
    await _retag(h, _original(h, size=40 * 1024 * 1024))
    assert data(h)["content"] == "Re-posted as spoilers for episode 16 and deleted the original."


async def test_retag_download_errors_are_told_and_nothing_changes(h, monkeypatch):
    import aiohttp

    async def broken(url: str) -> bytes:
        raise aiohttp.ClientPayloadError("connection lost mid-download")

    monkeypatch.setattr(h.bot.http, "get_from_cdn", broken)
    await _retag(h, _original(h))
    assert data(h)["content"] == "I couldn't download the attachments, so nothing was changed. Try again."
    assert not h.logged_errors
    assert not [c for c in h.recorder.calls if c.method in ("POST", "DELETE") and "/channels/600/" in c.path]


async def test_retag_renames_the_files_and_drops_their_alt_text(h):
    message = h.message_payload("look", author=h.member(2500), attachments=["ep16-X-dies.PNG", "clip.mp4"])
    message["attachments"][0]["description"] = "X dies in the finale"
    await _retag(h, message, "16")
    [post] = [c for c in h.recorder.calls if c.method == "POST" and c.path == "/channels/600/messages"]
    assert post.files == ["SPOILER_episode16.png", "SPOILER_episode16_2.mp4"]
    assert "X dies" not in str(post.json)


# -- poll votes: only the bot's polls take the writer ------------------------------------------------


def _count_transactions(h, monkeypatch) -> list[int]:
    opened: list[int] = []
    real = h.db.transaction

    def counting(*args, **kwargs):
        opened.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(h.db, "transaction", counting)
    return opened


async def test_votes_on_members_own_polls_write_nothing(h, monkeypatch):
    opened = _count_transactions(h, monkeypatch)
    for answer in (1, 2, 3):
        payload = {"user_id": "3001", "channel_id": "600", "guild_id": str(h.guild_id), "message_id": "424242",
                   "answer_id": answer}  # fmt: skip
        await h.gateway("MESSAGE_POLL_VOTE_ADD", payload)
        await h.gateway("MESSAGE_POLL_VOTE_REMOVE", payload)
    assert opened == []
    assert not h.logged_errors


async def test_votes_on_the_bots_open_poll_are_still_counted(h, monkeypatch):
    await h.bot.services.pulse.record(h.guild_id, 1, 600, 515151, NOW)
    opened = _count_transactions(h, monkeypatch)
    payload = {"user_id": "3001", "channel_id": "600", "guild_id": str(h.guild_id), "message_id": "515151",
               "answer_id": 5}  # fmt: skip
    await h.gateway("MESSAGE_POLL_VOTE_ADD", payload)
    assert opened == [1]
    assert (await h.bot.services.pulse.episode(h.guild_id, 1)).counts == (0, 0, 0, 0, 1)


# -- parties announced in a private channel -----------------------------------------------------------

PRIVATE = 710
MOD_ROLE = 8800


async def _private_party(h):
    """Staff plan a party in #staff-only, which members cannot see (party #1), and one in the open (#2)."""
    h.add_channel(PRIVATE, name="staff-only")
    h.set_overwrite(PRIVATE, h.guild.default_role.id, deny=discord.Permissions(view_channel=True), role=True)
    h.set_overwrite(PRIVATE, BOT_USER_ID, allow=discord.Permissions(view_channel=True))
    h.add_role(MOD_ROLE, name="mods")
    h.set_overwrite(PRIVATE, MOD_ROLE, allow=discord.Permissions(view_channel=True), role=True)
    mod = h.member(4000, name="mod", permissions=STAFF, roles=[MOD_ROLE])
    await _create(h, user=mod, channel=h.guild.get_channel(PRIVATE), episodes="1")
    assert text_of(data(h)).startswith("Watch party #1")
    await _create(h, user=mod, episodes="2", when="2026-12-03 20:30")
    return mod


async def test_a_party_in_a_private_channel_is_hidden_from_members_who_cannot_see_it(h):
    await _private_party(h)
    await h.invoke("watchparty list")
    fields = data(h)["embeds"][0]["fields"]
    assert [f["name"] for f in fields] == ["#2 · episode 2"]
    assert data(h)["embeds"][0]["footer"]["text"] == "Page 1/1 · 1 upcoming"
    await h.invoke("watchparty info", party=1)
    assert data(h)["content"] == "There is no watch party #1 in this server. `/watchparty list` shows them."
    assert [c["value"] for c in await h.autocomplete("watchparty info", "party", "")] == [2]
    await h.invoke("calendar server")
    [upload] = [c for c in h.recorder.calls if c.files and c.path.endswith("/callback")][-1:]
    ics = upload.blobs[upload.files[0]].decode()
    assert "watch party #2" in ics
    assert "watch party #1" not in ics


async def test_members_who_can_see_the_private_channel_see_its_party(h):
    mod = await _private_party(h)
    insider = h.member(3100, name="insider", roles=[MOD_ROLE])
    for user in (mod, insider):
        await h.invoke("watchparty list", user=user)
        assert [f["name"] for f in data(h)["embeds"][0]["fields"]] == ["#1 · episode 1", "#2 · episode 2"]
        assert [c["value"] for c in await h.autocomplete("watchparty info", "party", "", user=user)] == [1, 2]


# -- parties whose channel the bot no longer has in its cache ------------------------------------------

WATCH_HERE, THREAD = 720, 721


async def _party_in_thread(h, *, private: bool = False):
    """A party planned inside a thread of #watch-here (party #1); with ``private``, #watch-here is hidden from
    members."""
    h.add_channel(WATCH_HERE, name="watch-here")
    if private:
        h.set_overwrite(WATCH_HERE, h.guild.default_role.id, deny=discord.Permissions(view_channel=True), role=True)
        h.set_overwrite(WATCH_HERE, BOT_USER_ID, allow=discord.Permissions(view_channel=True))
    h.add_channel(THREAD, name="ep1-party", type=11, parent_id=WATCH_HERE)
    mod = h.member(4000, name="mod", permissions=STAFF)
    await h.invoke("watchparty create", episodes="1", when="2026-12-02 20:30", timezone="Asia/Seoul", user=mod,
                   channel_id=THREAD)  # fmt: skip
    assert text_of(data(h)).startswith("Watch party #1")
    archived = dict(
        h.discord.channels[THREAD], thread_metadata=dict(h.discord.channels[THREAD]["thread_metadata"], archived=True)
    )
    await h.gateway("THREAD_UPDATE", archived)  # a week of quiet: Discord archives it, discord.py forgets it
    assert h.guild.get_thread(THREAD) is None


async def test_a_party_in_an_archived_thread_is_seen_by_whoever_sees_its_channel(h):
    await _party_in_thread(h)
    fan = h.member(3001, name="fan")
    await h.invoke("watchparty list", user=fan)
    assert [f["name"] for f in data(h)["embeds"][0]["fields"]] == ["#1 · episode 1"]
    await h.invoke("watchparty info", party=1, user=fan)
    assert data(h)["embeds"][0]["title"].startswith("Watch party #1")
    assert [c["value"] for c in await h.autocomplete("watchparty info", "party", "", user=fan)] == [1]


async def test_a_party_in_an_archived_thread_of_a_private_channel_stays_hidden(h):
    await _party_in_thread(h, private=True)
    await h.invoke("watchparty list", user=h.member(3001, name="fan"))
    assert not data(h)["embeds"][0].get("fields")
    await h.invoke("watchparty info", party=1, user=h.member(3001, name="fan"))
    assert data(h)["content"] == "There is no watch party #1 in this server. `/watchparty list` shows them."


async def test_a_deleted_channels_party_is_cancelled_for_everyone_with_its_event(h):
    h.add_channel(WATCH_HERE, name="watch-here")
    await _create(h, channel=h.guild.get_channel(WATCH_HERE))
    row = await h.bot.services.parties.get_row(1)
    assert row is not None
    assert row.event_id is not None
    h.recorder.clear()
    await h.gateway("CHANNEL_DELETE", h.discord.channels[WATCH_HERE])
    row = await h.bot.services.parties.get_row(1)
    assert row is not None
    assert row.status == "cancelled"
    assert [c for c in h.recorder.calls if c.method == "PATCH" and c.path.endswith(f"/scheduled-events/{row.event_id}")]
    for user in (h.member(3001, name="fan"), h.member(4000, name="mod", permissions=STAFF)):
        await h.invoke("watchparty list", user=user)
        assert not data(h)["embeds"][0].get("fields")  # nothing left that only staff could see
    await _create(h, episodes="2")  # and it no longer counts against its host's upcoming parties
    assert text_of(data(h)).startswith("Watch party #2")
    assert not h.logged_errors


async def test_a_deleted_archived_threads_party_is_cancelled_with_its_channel(h):
    await _party_in_thread(h)
    await h.gateway("CHANNEL_DELETE", h.discord.channels[WATCH_HERE])
    row = await h.bot.services.parties.get_row(1)
    assert row is not None
    assert row.status == "cancelled"


# -- /progress forget: the notes a member wrote as host ---------------------------------------------


async def test_forget_clears_the_hosts_note_from_the_party_its_card_and_its_event(h):
    await _create(h, note="Meet at Mi-ju's place, 3F, ring twice")
    h.recorder.clear()
    await h.invoke("progress forget")
    await h.click("runon:forget:2000")
    row = await h.bot.services.parties.get_row(1)
    assert row is not None
    assert row.note == ""
    [card] = [c for c in h.recorder.calls if c.method == "PATCH" and c.path.startswith("/channels/600/messages/")]
    assert "Mi-ju's place" not in str(card.json)
    [event] = [c for c in h.recorder.calls if c.method == "PATCH" and "/scheduled-events/" in c.path]
    assert event.json["description"] == "Watching Run On together."
    await h.invoke("watchparty info", party=1, user=h.member(3005))
    assert "Mi-ju's place" not in str(data(h))


# -- limits: per-host cap, creation rate, cooldowns, personal reminder cap --------------------------

SLOW_DOWN = "Slow down a little: try again in"


async def _parties_by(h, clock, count: int, user=None, *, spacing=dt.timedelta(minutes=11)):
    """``count`` parties planned by one member, far enough apart not to meet the creation rate."""
    for n in range(count):
        await _create(h, user=user, episodes=str(n + 1), when=f"2026-12-{n + 2:02d} 20:30")
        clock.now += spacing


async def test_one_member_cannot_take_every_upcoming_party_place(h, clock):
    await _parties_by(h, clock, 5)
    assert text_of(data(h)).startswith("Watch party #5")
    await _create(h, episodes="6", when="2026-12-20 20:30")
    assert data(h)["flags"] == EPHEMERAL
    assert data(h)["content"] == (
        "You already host 5 upcoming watch parties in this server, the most one member can. Cancel one with "
        "`/watchparty cancel`, or ask staff to plan more."
    )
    assert await h.bot.services.parties.get_row(6) is None
    await _create(h, user=h.member(3001, name="other"), episodes="6", when="2026-12-20 20:30")
    assert text_of(data(h)).startswith("Watch party #6")  # other members still can


async def test_staff_are_not_held_to_the_per_member_limits(h, clock):
    mod = h.member(4000, name="mod", permissions=EVENTS_STAFF)
    await _parties_by(h, clock, 8, user=mod, spacing=dt.timedelta(seconds=1))
    assert text_of(data(h)).startswith("Watch party #8")


async def test_create_and_cancel_cannot_be_looped_to_spam_cards_and_events(h, clock):
    for n in range(3):
        await _create(h, episodes=str(n + 1))
        await h.invoke("watchparty cancel", party=n + 1)
        clock.now += dt.timedelta(minutes=1)
    shown_before = len(_public(h, 600))
    await _create(h, episodes="4")
    assert data(h)["content"] == (
        "You've planned 3 watch parties in the last 10 minutes, the most for one member. Try again in 420 seconds."
    )
    assert len(_public(h, 600)) == shown_before  # no card
    clock.now += dt.timedelta(seconds=420)
    await _create(h, episodes="4")
    assert text_of(data(h)).startswith("Watch party #4")


async def test_a_typo_does_not_count_against_the_creation_rate(h):
    for _ in range(4):
        await _create(h, when="someday soon")
    await _create(h)
    assert text_of(data(h)).startswith("Watch party #1")


@pytest.mark.parametrize(
    ("command", "options", "allowed"),
    [
        ("watchparty remind-me", {"setting": "on"}, 3),
        ("airing remind-me", {"setting": "on"}, 3),
        ("pulse", {}, 4),
        ("calendar server", {}, 2),
        ("calendar mine", {}, 2),
    ],
)
async def test_repeated_commands_are_answered_try_again_in_n_seconds(h, command, options, allowed):
    for _ in range(allowed):
        await h.invoke(command, **options)
        assert not (data(h).get("content") or "").startswith(SLOW_DOWN)
    await h.invoke(command, **options)
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    assert re.fullmatch(r"Slow down a little: try again in \d+ seconds\.", answer["content"])
    await h.invoke(command, user=h.member(3001, name="other"), **options)  # one member's cooldown is theirs
    assert not (data(h).get("content") or "").startswith(SLOW_DOWN)


async def test_a_host_cannot_loop_edit_to_ping_the_attendees_over_and_over(h, clock):
    await _create(h)
    for _ in range(4):  # typos are not counted
        await h.invoke("watchparty edit", party=1, when="someday soon", timezone="Asia/Seoul")
        assert data(h)["content"].startswith("I couldn't read")
    for n in range(3):
        await h.click("runon:party:1:going", user=h.member(3001 + n, name=f"fan{n}"))
    for day in (3, 4, 5):
        await h.invoke("watchparty edit", party=1, when=f"2026-12-{day:02d} 20:30", timezone="Asia/Seoul")
        assert data(h)["content"].startswith("Updated watch party #1")
    posts = len(_posts(h, 600))
    await h.invoke("watchparty edit", party=1, when="2026-12-06 20:30", timezone="Asia/Seoul")
    assert data(h)["flags"] == EPHEMERAL
    assert re.fullmatch(r"Slow down a little: try again in \d+ seconds\.", data(h)["content"])
    assert len(_posts(h, 600)) == posts  # nobody pinged again
    await h.invoke("watchparty edit", party=1, note="Bring snacks")  # nobody is pinged: still allowed
    assert data(h)["content"].startswith("Updated watch party #1")
    mod = h.member(4000, name="mod", permissions=EVENTS_STAFF)
    for day in (6, 7, 8, 9):  # staff are not held to it
        await h.invoke("watchparty edit", party=1, when=f"2026-12-{day:02d} 20:30", timezone="Asia/Seoul", user=mod)
        assert data(h)["content"].startswith("Updated watch party #1")


async def test_a_members_reminder_dms_are_capped(h, clock, monkeypatch):
    from bot.services import personal

    monkeypatch.setattr(personal, "MAX_PERSONAL_REMINDERS", 4)
    monkeypatch.setattr(sys.modules["cogs.watch_parties"], "MAX_PERSONAL_REMINDERS", 4)
    fan = h.member(3001, name="fan")
    await _parties_by(h, clock, 2)
    for party in (1, 2):
        await h.click(f"runon:party:{party}:going", user=fan)
    await h.invoke("watchparty remind-me", setting="on", offsets="1d, 2h, 30m", user=fan)  # 2 parties x 3 times
    assert "You now have 4 reminder DMs waiting, the most I keep for one member" in data(h)["content"]
    async with h.db.read() as conn:
        assert await store_personal.pending_counts(conn, [3001]) == {3001: 4}
    rows = await _personal_dm_rows(h, 1) + await _personal_dm_rows(h, 2)
    dues = sorted(r.due_at for r in rows)
    party_one = int(dt.datetime(2026, 12, 2, 11, 30, tzinfo=dt.UTC).timestamp())
    assert dues[:3] == [party_one - 86400, party_one - 7200, party_one - 1800]  # the soonest are the ones kept


async def test_a_members_airing_dms_are_capped_and_told(h, clock, monkeypatch):
    from bot.services import personal

    monkeypatch.setattr(personal, "MAX_PERSONAL_REMINDERS", 5)
    monkeypatch.setattr(sys.modules["cogs.airing"], "MAX_PERSONAL_REMINDERS", 5)
    staff = h.member(4000, name="mod", permissions=STAFF)
    await h.invoke("setup airing", user=staff, channel=h.add_channel(950, name="airing"))
    await h.invoke("rewatch start", user=staff, from_="2026-11-25")
    fan = h.member(3001, name="fan")
    await h.invoke("airing remind-me", setting="on", offsets="1d, 2h, 30m", user=fan)  # 16 episodes x 3 times
    assert "You now have 5 reminder DMs waiting, the most I keep for one member" in data(h)["content"]
    async with h.db.read() as conn:
        assert await store_personal.pending_counts(conn, [3001]) == {3001: 5}


async def test_changing_own_times_over_and_over_leaves_no_rows_behind(h, clock):
    fan = h.member(3001, name="fan")
    await _parties_by(h, clock, 1)
    await h.click("runon:party:1:going", user=fan)
    for minutes in range(1, 4):  # three changes a minute through the command
        await h.invoke("watchparty remind-me", setting="on", offsets=f"{minutes}m, {minutes + 10}m", user=fan)
    assert sorted((r.offset_seconds, r.state) for r in await _personal_dm_rows(h, 1)) == [
        (3 * 60, "pending"), (13 * 60, "pending"),
    ]  # fmt: skip
    for minutes in range(4, 59):  # and a patient member, over hours
        await h.bot.services.personal.set_party(3001, True, f"{minutes}m", clock.now)
    assert [(r.offset_seconds, r.state) for r in await _personal_dm_rows(h, 1)] == [(58 * 60, "pending")]


async def _personal_dm_rows(h, party_id: int):
    async with h.db.read() as conn:
        ids = [row.id for row in await store_personal.for_target(conn, "party-dm", party_id)]
        return await store_personal.reminder_rows(conn, "party-dm", ids)


# -- retention: what is deleted, and when ------------------------------------------------------------


async def _all_rows(h, table):
    async with h.db.read() as conn:
        return (await conn.execute(f"SELECT * FROM {table.name}")).rows


async def test_a_cancelled_party_is_deleted_an_hour_after_with_everything_about_it(h, clock):
    from bot.store.schema import personal_reminders, reminders, rsvps

    fan = h.member(3001, name="fan")
    await h.invoke("watchparty remind-me", setting="on", offsets="30m", user=fan)
    await _create(h)
    await h.click("runon:party:1:going", user=fan)
    await h.invoke("watchparty cancel", party=1)
    retention = h.bot.services.retention
    await retention.prune(clock.now + dt.timedelta(minutes=30))
    assert await h.bot.services.parties.get_row(1) is not None  # still counted against its host's creation rate
    report = await retention.prune(clock.now + dt.timedelta(hours=1, seconds=1))
    assert report.parties == 1
    assert await h.bot.services.parties.get_row(1) is None
    assert await _all_rows(h, rsvps) == []
    assert await _all_rows(h, reminders) == []
    assert await _all_rows(h, personal_reminders) == []
    await h.click("runon:party:1:going", user=fan)  # an old card's button
    assert data(h)["content"] == OUT_OF_DATE


async def test_an_ended_party_is_kept_30_days_then_deleted(h, clock):
    from bot.store.schema import reminders

    await _create(h)
    row = await h.bot.services.parties.get_row(1)
    assert row is not None
    ended = dt.datetime.fromtimestamp(row.ends_at, dt.UTC)
    retention = h.bot.services.retention
    await retention.prune(ended + dt.timedelta(days=29))
    assert await h.bot.services.parties.get_row(1) is not None
    await retention.prune(ended + dt.timedelta(days=30, minutes=1))
    assert await h.bot.services.parties.get_row(1) is None
    assert await _all_rows(h, reminders) == []


async def test_cancelled_reminders_go_and_sent_ones_stay_30_days(h, clock):
    from bot.store import reminders as queue

    async with h.db.transaction() as tx:
        event = int(NOW.timestamp())
        await queue.schedule(tx.conn, "airing", h.guild_id, 1, event, (3600, 0))
        await queue.cancel(tx.conn, "airing", 1, "rewatch paused")
        await queue.schedule(tx.conn, "airing", h.guild_id, 2, event, (0,))
        await tx.conn.execute("UPDATE reminders SET state = ?, sent_at = ? WHERE ref_id = 2", ("sent", event))
    await h.bot.services.retention.prune(NOW + dt.timedelta(days=1))
    async with h.db.read() as conn:
        assert await queue.for_ref(conn, "airing", 1) == []
        assert [r.state for r in await queue.for_ref(conn, "airing", 2)] == ["sent"]
    await h.bot.services.retention.prune(NOW + dt.timedelta(days=31))
    async with h.db.read() as conn:
        assert await queue.for_ref(conn, "airing", 2) == []


async def test_each_episodes_latest_poll_result_stays_and_replaced_ones_go(h):
    pulse = h.bot.services.pulse
    earlier, later = NOW - dt.timedelta(days=90), NOW - dt.timedelta(days=60)
    await pulse.record(h.guild_id, 1, 600, 111, earlier)
    await pulse.record(h.guild_id, 1, 600, 222, later)  # a later rewatch's poll of the same episode
    await pulse.record(h.guild_id, 2, 600, 333, earlier)
    for message, at in ((111, earlier), (222, later), (333, earlier)):
        [row] = [r for r in await pulse.open_polls() if r.message_id == message]
        await pulse.close(row.id, (0, 0, 1, 2, 3), at + dt.timedelta(days=1), "Discord's final count")
    report = await h.bot.services.retention.prune(NOW)
    assert report.polls == 1
    season = await pulse.season(h.guild_id)
    assert (season[1].message_id, season[2].message_id) == (222, 333)
    await h.invoke("progress set", episode=16)
    await h.invoke("pulse", episode=1)
    assert "**Episode 1**: " in data(h)["content"]
