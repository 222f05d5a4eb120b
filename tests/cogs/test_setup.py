import discord
import pytest

from bot.standin import CommandUnavailable

from .conftest import EPHEMERAL, custom_ids, data, labels, set_progress, text_of

STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)


@pytest.fixture
def staff(h):
    return h.member(4000, name="mod", permissions=STAFF)


@pytest.fixture
def forum(h):
    return h.add_channel(700, name="episodes", type=15)


@pytest.fixture
def threads_channel(h):
    return h.add_channel(701, name="episode-talk", type=0)


async def test_setup_is_hidden_from_and_refused_to_members_without_manage_server(h):
    with pytest.raises(CommandUnavailable):  # Discord hides it (default_permissions)
        await h.invoke("setup show")
    h.enforce_discord_rules = False  # an admin overrode that in Integrations: the bot still refuses
    await h.invoke("setup spoilers", line=5)
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    assert answer["content"] == "You need the Manage Server permission to do that."
    config = await h.bot.services.guilds.get(h.guild_id)
    assert config.fixed_line is None


async def test_setup_show_defaults(h, staff):
    await h.invoke("setup show", user=staff)
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    fields = {f["name"]: f["value"] for f in answer["embeds"][0]["fields"]}
    assert fields["Discussion channel"].startswith("⚠️ not set")
    assert fields["Spoiler line for public posts"].startswith("automatic: episode 0")
    assert fields["Spoiler-free channels"] == "none"
    report = fields["What I can do, feature by feature"].splitlines()
    assert report == [
        "✅ Watch parties: I can post their cards and reminders in <#600>.",
        "✅ Watch-party events: I can add parties to the server's Events (a voice-channel party also needs "
        "View Channel and Connect in that channel).",
        '✅ "Spoiler-tag this" works in <#600>.',
    ]


async def test_setup_show_reports_each_feature_with_what_is_missing_where(h, staff):
    # What a fresh invite grants: no Manage Messages, no Attach Files, and (an old invite) Manage Events only.
    h.set_bot_permissions(
        discord.Permissions(view_channel=True, send_messages=True, read_message_history=True, manage_events=True)
    )
    h.set_overwrite(600, deny=discord.Permissions(embed_links=True))
    airing = h.add_channel(902, name="airing")
    h.set_overwrite(902, deny=discord.Permissions(send_messages=True))
    await h.bot.services.guilds.set_airing(h.guild_id, 902, None, None, h.bot.services.clock())
    await h.invoke("setup show", user=staff)
    report = {f["name"]: f["value"] for f in data(h)["embeds"][0]["fields"]}["What I can do, feature by feature"]
    assert report.splitlines() == [
        "⚠️ Watch parties: I can't post their cards and reminders in <#600>: I need Embed Links.",
        "⚠️ Watch-party events: I need the Create Events permission to add parties to the server's Events "
        "(Server Settings > Roles > my role). Since February 2026, Manage Events alone is not enough.",
        f"⚠️ Airing posts: I can't post in <#{airing.id}>: I need Send Messages and Create Posts there.",
        '➖ "Spoiler-tag this" is off in <#600> (optional): to turn it on there, give me Manage Messages in that '
        "channel.",
    ]


async def test_discussion_channel_reports_missing_permissions(h, staff, threads_channel):
    h.set_overwrite(701, deny=discord.Permissions(create_public_threads=True, send_messages_in_threads=True))
    await h.invoke("setup discussion", user=staff, channel=threads_channel)
    content = data(h)["content"]
    assert content.startswith("Discussion channel set to <#701>.")
    needs = "Create Public Threads, Send Messages in Threads and Posts"
    assert f"cannot create threads in <#701>: I need {needs} there." in content
    await h.invoke("setup show", user=staff)
    fields = {f["name"]: f["value"] for f in data(h)["embeds"][0]["fields"]}
    assert "cannot create threads in <#701>" in fields["Discussion channel"]


async def test_forum_discussion_channel_explains_tags(h, staff, forum):
    await h.invoke("setup discussion", user=staff, channel=forum)
    content = data(h)["content"]
    assert "<#700> (forum)" in content
    assert "✅ I can create and reopen episode threads there." in content
    assert 'can\'t create "Episode N" tags there (needs Manage Channels)' in content


async def test_spoiler_line_is_confirmed_and_applied_to_public_posts(h, staff):
    await h.invoke("setup spoilers", user=staff, line=5)
    assert data(h)["content"].startswith("Spoiler line set: fixed at episode 5")
    await set_progress(h, 16)
    await h.invoke("recap", episode=3, public=True)
    assert "||" not in text_of(data(h))  # at or below the line: plain
    await h.invoke("recap", episode=9, public=True)
    assert labels(data(h)) == ["Spoilers: episode 9"]  # beyond the line: blurred, under its label


async def test_spoiler_free_channel_overrides_the_line(h, staff):
    await h.invoke("setup spoilers", user=staff, line=16)
    await h.invoke("setup spoiler-free", user=staff)
    picker = data(h)
    assert custom_ids(picker) == ["runon:setup:spoiler-free"]
    await h.select("runon:setup:spoiler-free", ["600"], user=staff)
    assert h.last_response()["type"] == 7
    assert data(h)["content"] == "Saved. Spoiler-free channels: <#600>"

    await h.invoke("recap", episode=1, public=True)  # in #general (600): spoiler-free
    assert labels(data(h)) == ["Spoilers: episode 1"]
    other = h.add_channel(702, name="seen-it-all")
    await h.invoke("recap", episode=1, public=True, channel_id=other.id)
    assert labels(data(h)) == []
    assert "||" not in text_of(data(h))


async def test_spoiler_free_picker_refuses_non_staff(h, staff):
    await h.invoke("setup spoiler-free", user=staff)
    await h.select("runon:setup:spoiler-free", ["600"], user=h.member(4001, name="fan"))
    assert data(h)["content"] == "You need the Manage Server permission to do that."
    assert (await h.bot.services.guilds.get(h.guild_id)).spoiler_free_channel_ids == frozenset()


async def test_reset_puts_settings_back(h, staff, threads_channel):
    await h.invoke("setup spoilers", user=staff, line=7)
    await h.invoke("setup discussion", user=staff, channel=threads_channel)
    await h.invoke("setup reset", user=staff, setting="spoiler line")
    assert data(h)["content"] == (
        "Reset. spoiler line: automatic: episode 0 (nothing assumed seen; every plot point in public posts "
        "is spoiler-tagged)."
    )
    config = await h.bot.services.guilds.get(h.guild_id)
    assert (config.fixed_line, config.discussion_channel_id) == (None, 701)
    await h.invoke("setup reset", user=staff, setting="everything")
    config = await h.bot.services.guilds.get(h.guild_id)
    assert (config.fixed_line, config.discussion_channel_id, config.spoiler_free_channel_ids) == (
        None,
        None,
        frozenset(),
    )


async def test_setup_is_server_only(h, staff):
    h.enforce_discord_rules = False
    await h.invoke("setup show", user=staff, guild_id=None)
    assert data(h)["content"] == "That only works inside a server."
