"""Proves bot/standin/inprocess.py drives the real discord.py machinery offline."""

from __future__ import annotations

import asyncio
import io
import re
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.standin import (
    BOT_USER_ID,
    DEFAULT_CHANNEL_ID,
    DEFAULT_GUILD_ID,
    DM,
    CommandUnavailable,
    Harness,
    close,
    start,
)

# --------------------------------------------------------------------------------------------------
# A tiny self-contained bot
# --------------------------------------------------------------------------------------------------


class Counter(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"counter:(?P<count>\d+)"):
    def __init__(self, count: int) -> None:
        super().__init__(
            discord.ui.Button(label=f"Count {count}", style=discord.ButtonStyle.primary, custom_id=f"counter:{count}")
        )
        self.count = count

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> Counter:
        return cls(int(match["count"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        self.count += 1
        self.item.label = f"Count {self.count}"
        self.custom_id = f"counter:{self.count}"
        await interaction.response.edit_message(view=self.view)


class CardView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=180)
        self.add_item(Counter(0))

    @discord.ui.button(label="More", custom_id="card:more")
    async def more(self, interaction: discord.Interaction, button: discord.ui.Button[CardView]) -> None:
        await interaction.response.send_message(f"more for {interaction.user.id}", ephemeral=True)

    @discord.ui.select(custom_id="card:pick", options=[discord.SelectOption(label=x, value=x) for x in "abc"])
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[CardView]) -> None:
        await interaction.response.send_message(f"picked {','.join(select.values)}", ephemeral=True)


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    text: discord.ui.TextInput[FeedbackModal] = discord.ui.TextInput(label="Your thoughts", custom_id="fb:text")

    def __init__(self, seen: dict[str, Any]) -> None:
        super().__init__(custom_id="fb:modal")
        self.seen = seen

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.seen["modal"] = self.text.value
        await interaction.response.send_message(f"thanks: {self.text.value}", ephemeral=True)


class Extras(commands.Cog):
    def __init__(self) -> None:
        self.completed: list[str] = []

    @app_commands.command(description="Ping")
    async def ping(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", delete_after=60)

    @app_commands.command(description="Start a discussion thread")
    async def discuss(self, interaction: discord.Interaction, topic: str) -> None:
        assert isinstance(interaction.channel, discord.TextChannel)
        thread = await interaction.channel.create_thread(name=topic, type=discord.ChannelType.public_thread)
        await thread.send("Discuss!", file=discord.File(io.BytesIO(b"notes"), filename="notes.txt"))
        await interaction.response.send_message(thread.mention, ephemeral=True)

    @commands.Cog.listener()
    async def on_app_command_completion(
        self, interaction: discord.Interaction, command: app_commands.Command[Any, ..., Any]
    ) -> None:
        await asyncio.sleep(0)
        self.completed.append(command.qualified_name)


class TinyBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(command_prefix=commands.when_mentioned, intents=discord.Intents.default())
        self.seen: dict[str, Any] = {}

    async def setup_hook(self) -> None:
        self.add_dynamic_items(Counter)
        await self.add_cog(Extras())
        self.seen["setup_hook"] = True
        await self.tree.sync()


def make_bot() -> TinyBot:
    bot = TinyBot()
    tree = bot.tree
    seen = bot.seen

    episode = app_commands.Group(name="episode", description="Episodes")
    admin = app_commands.Group(name="admin", description="Admin", parent=episode)

    async def comment_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        words = ["great", "green", "grim", "sad"]
        return [app_commands.Choice(name=w.title(), value=w) for w in words if w.startswith(current)]

    @episode.command(name="rate", description="Rate an episode")
    @app_commands.autocomplete(comment=comment_autocomplete)
    async def rate(
        interaction: discord.Interaction, number: app_commands.Range[int, 1, 16], comment: str, spoilers: bool = False
    ) -> None:
        seen["rate"] = (number, comment, spoilers)
        await interaction.response.send_message(f"ep {number}: {comment}", ephemeral=not spoilers)

    @admin.command(name="reset", description="Reset")
    async def reset(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("reset", ephemeral=True)

    tree.add_command(episode)

    @tree.command(description="A card")
    async def card(interaction: discord.Interaction) -> None:
        embed = discord.Embed(title="Run On", description="Episode 1")
        await interaction.response.send_message(
            embed=embed,
            view=CardView(),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @tree.command(description="Announce in the channel")
    async def announce(interaction: discord.Interaction, text: str) -> None:
        assert isinstance(interaction.channel, discord.TextChannel)
        message = await interaction.channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        seen["announce_id"] = message.id
        await interaction.response.send_message("posted", ephemeral=True)

    @tree.command(description="Raises")
    async def boom(interaction: discord.Interaction) -> None:
        raise RuntimeError("kaboom")

    @tree.command(description="Opens a modal")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal(seen))

    @tree.command(description="Who is that")
    @app_commands.guild_only()
    async def whois(interaction: discord.Interaction, user: discord.Member, role: discord.Role | None = None) -> None:
        seen["whois"] = (user, role, interaction.guild, interaction.channel)
        await interaction.response.send_message(f"{user.display_name}", ephemeral=True)

    @tree.command(description="Mods only")
    @app_commands.default_permissions(manage_guild=True)
    async def config(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("configured", ephemeral=True)

    @tree.command(description="Checked at runtime")
    @app_commands.checks.has_permissions(manage_messages=True)
    async def purge(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("purged", ephemeral=True)

    @tree.command(description="Slow")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        await interaction.followup.send("done", ephemeral=True)
        await interaction.followup.send("second")

    @tree.command(description="Where am I")
    async def where(interaction: discord.Interaction) -> None:
        seen["where"] = interaction
        await interaction.response.send_message("here")

    return bot


@pytest.fixture
async def h():
    harness = await start(make_bot())
    yield harness
    await close(harness)


def seen(h: Harness) -> dict[str, Any]:
    return h.bot.seen  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------------


async def test_start_sets_identity_and_runs_setup_hook(h: Harness) -> None:
    assert seen(h)["setup_hook"] is True
    assert h.bot.user is not None
    assert h.bot.user.id == BOT_USER_ID
    assert h.bot.user.name == "runon-bot"
    assert h.bot.application_id == BOT_USER_ID
    assert h.bot.is_ready()
    sync = h.recorder.calls[0]
    assert (sync.method, sync.path) == ("PUT", f"/applications/{BOT_USER_ID}/commands")
    assert {c["name"] for c in sync.json} >= {"episode", "card", "announce"}
    guild = h.bot.get_guild(DEFAULT_GUILD_ID)
    assert guild is not None
    assert isinstance(guild.get_channel(DEFAULT_CHANNEL_ID), discord.TextChannel)
    assert guild.me.guild_permissions.manage_threads


async def test_subcommand_typed_options(h: Harness) -> None:
    interaction = await h.invoke("episode rate", number=3, comment="great", spoilers=True)
    assert seen(h)["rate"] == (3, "great", True)
    data = interaction.data
    assert data is not None
    sub = data["options"][0]  # type: ignore[typeddict-item]
    assert (sub["type"], sub["name"]) == (1, "rate")
    assert [(o["name"], o["value"]) for o in sub["options"]] == [
        ("number", 3),
        ("comment", "great"),
        ("spoilers", True),
    ]
    body = h.last_response()
    assert body["kind"] == "callback"
    assert body["type"] == 4
    assert body["data"]["content"] == "ep 3: great"
    assert not body["data"].get("flags", 0) & 64


async def test_subcommand_group_nesting(h: Harness) -> None:
    interaction = await h.invoke("episode admin reset")
    group = interaction.data["options"][0]  # type: ignore[index]
    assert (group["type"], group["name"]) == (2, "admin")
    assert (group["options"][0]["type"], group["options"][0]["name"]) == (1, "reset")
    assert h.last_response()["data"]["content"] == "reset"


async def test_discord_side_validation(h: Harness) -> None:
    with pytest.raises(CommandUnavailable):
        await h.invoke("episode rate", number=99, comment="x")  # Range[int, 1, 16]
    with pytest.raises(CommandUnavailable):
        await h.invoke("episode rate", number=1)  # required option missing
    with pytest.raises(TypeError):
        await h.invoke("episode rate", number=1, comment="x", nope=1)
    with pytest.raises(CommandUnavailable):
        await h.invoke("nosuchcommand")


async def test_autocomplete(h: Harness) -> None:
    choices = await h.autocomplete("episode rate", "comment", "gr", number=2)
    assert choices == [
        {"name": "Great", "value": "great"},
        {"name": "Green", "value": "green"},
        {"name": "Grim", "value": "grim"},
    ]
    callback = h.recorder.calls[-1]
    assert callback.json["type"] == 8


async def test_ephemeral_embed_and_components(h: Harness) -> None:
    interaction = await h.invoke("card")
    assert interaction.response.is_done()
    body = h.last_response()
    data = body["data"]
    assert body["type"] == 4
    assert data["flags"] & 64
    assert data["embeds"][0]["title"] == "Run On"
    assert data["embeds"][0]["description"] == "Episode 1"
    custom_ids = [c["custom_id"] for row in data["components"] for c in row["components"]]
    assert sorted(custom_ids) == ["card:more", "card:pick", "counter:0"]
    assert data["allowed_mentions"] == {"parse": []}


async def test_click_regular_button_routes_via_message_id(h: Harness) -> None:
    await h.invoke("card")
    interaction = await h.click("card:more")
    assert interaction.message is not None
    assert interaction.message.flags.ephemeral
    body = h.last_response()
    assert body["type"] == 4
    assert body["data"]["content"] == f"more for {interaction.user.id}"


async def test_select(h: Harness) -> None:
    await h.invoke("card")
    await h.select("card:pick", ["a", "c"])
    assert h.last_response()["data"]["content"] == "picked a,c"


async def test_dynamic_item_click_updates_message(h: Harness) -> None:
    await h.invoke("card")
    await h.click("counter:0")
    body = h.last_response()
    assert body["type"] == 7
    ids = [c["custom_id"] for row in body["data"]["components"] for c in row["components"]]
    assert "counter:1" in ids
    # the fake Discord applied the edit, so the new custom_id is clickable next
    await h.click("counter:1")
    ids = [c["custom_id"] for row in h.last_response()["data"]["components"] for c in row["components"]]
    assert "counter:2" in ids


async def test_dynamic_item_is_persistent_without_prior_message(h: Harness) -> None:
    # e.g. after a restart: the message is not known, the harness synthesises one with the button
    interaction = await h.click("counter:41")
    assert interaction.message is not None
    body = h.last_response()
    assert body["type"] == 7
    assert body["data"]["components"][0]["components"][0]["custom_id"] == "counter:42"


async def test_channel_send(h: Harness) -> None:
    await h.invoke("announce", text="hello @everyone")
    [sent] = h.channel_messages(DEFAULT_CHANNEL_ID)
    assert sent["content"] == "hello @everyone"
    assert sent["allowed_mentions"] == {"parse": []}
    assert h.channel_messages(DEFAULT_CHANNEL_ID + 1) == []
    message_id = seen(h)["announce_id"]
    assert h.recorder.messages[message_id]["author"]["id"] == str(BOT_USER_ID)
    assert h.last_response()["data"]["content"] == "posted"


async def test_forbidden_channel_send(h: Harness) -> None:
    h.recorder.fail("POST", r"/channels/\d+/messages")
    interaction = await h.invoke("announce", text="hi")
    assert interaction.command_failed
    assert len(h.errors) == 1
    error = h.errors[0]
    assert isinstance(error, app_commands.CommandInvokeError)
    assert isinstance(error.original, discord.Forbidden)
    assert error.original.code == 50013
    assert h.channel_messages() == []
    assert h.recorder.calls[-1].status == 403
    # the failure was one-shot
    await h.invoke("announce", text="again")
    assert len(h.channel_messages()) == 1


async def test_raising_command(h: Harness) -> None:
    interaction = await h.invoke("boom")
    assert interaction.command_failed
    assert isinstance(h.errors[-1], app_commands.CommandInvokeError)
    assert isinstance(h.errors[-1].original, RuntimeError)
    assert h.responses() == []


async def test_modal_submit_reaches_on_submit(h: Harness) -> None:
    await h.invoke("feedback")
    body = h.last_response()
    assert body["type"] == 9
    assert body["data"]["custom_id"] == "fb:modal"
    await h.submit_modal("fb:modal", {"fb:text": "loved it"})
    assert seen(h)["modal"] == "loved it"
    assert h.last_response()["data"]["content"] == "thanks: loved it"


async def test_resolved_user_and_role_options(h: Harness) -> None:
    other = h.member(3000, name="other")
    mod = h.add_role(777, name="mods")
    # an option named like a harness keyword is passed with a trailing underscore
    await h.invoke("whois", user_=other, role=777)
    user, role, guild, channel = seen(h)["whois"]
    assert isinstance(user, discord.Member)
    assert user.id == 3000
    assert role == mod
    assert guild is h.guild
    assert channel is h.guild.get_channel(DEFAULT_CHANNEL_ID)
    with pytest.raises(CommandUnavailable):
        await h.invoke("whois", user_=other, guild_id=DM)


async def test_default_permissions_and_runtime_checks(h: Harness) -> None:
    with pytest.raises(CommandUnavailable):
        await h.invoke("config")
    await h.invoke("config", user=h.member(3001, permissions=discord.Permissions(manage_guild=True)))
    assert h.last_response()["data"]["content"] == "configured"

    await h.invoke("purge")
    assert isinstance(h.errors[-1], app_commands.MissingPermissions)
    mod = h.member(3002, permissions=discord.Permissions(manage_messages=True, send_messages=True))
    interaction = await h.invoke("purge", user=mod)
    assert interaction.permissions.manage_messages
    assert isinstance(interaction.user, discord.Member)
    assert interaction.user.guild_permissions.manage_messages
    assert h.last_response()["data"]["content"] == "purged"


async def test_defer_then_followups(h: Harness) -> None:
    await h.invoke("slow")
    kinds = [(r["kind"], r.get("type")) for r in h.responses()]
    assert kinds == [("callback", 5), ("followup", None), ("followup", None)]
    assert h.responses()[0]["data"]["flags"] & 64
    assert h.last_response()["content"] == "second"


async def test_interaction_context_objects(h: Harness) -> None:
    interaction = await h.invoke("where", locale="ko")
    assert interaction.guild is h.guild
    assert isinstance(interaction.channel, discord.TextChannel)
    assert interaction.channel.id == DEFAULT_CHANNEL_ID
    assert interaction.locale is discord.Locale.korean
    assert interaction.client.user is not None
    assert interaction.client.user.id == BOT_USER_ID
    assert interaction.app_permissions.create_events
    assert not interaction.app_permissions.administrator
    original = await interaction.original_response()
    assert original.content == "here"
    assert original.author.id == BOT_USER_ID


async def test_dm_invocation(h: Harness) -> None:
    interaction = await h.invoke("where", guild_id=DM)
    assert interaction.guild is None
    assert isinstance(interaction.channel, discord.DMChannel)
    assert isinstance(interaction.user, discord.User)
    assert h.last_response()["data"]["content"] == "here"


async def test_respond_and_clear(h: Harness) -> None:
    h.recorder.respond("GET", r"/users/42", {"id": "42", "username": "canned", "discriminator": "0", "avatar": None})
    user = await h.bot.fetch_user(42)
    assert user.name == "canned"
    h.recorder.clear()
    assert h.recorder.calls == []
    user = await h.bot.fetch_user(42)
    assert user.name == "user42"


async def test_cog_command_listener_and_delete_after(h: Harness) -> None:
    cog = h.bot.get_cog("Extras")
    assert isinstance(cog, Extras)
    await h.invoke("ping")  # delete_after=60 must not make invoke wait a minute
    assert h.last_response()["data"]["content"] == "pong"
    assert cog.completed == ["ping"]  # events dispatched by the command were awaited too


async def test_thread_creation_and_file_upload(h: Harness) -> None:
    await h.invoke("discuss", topic="Episode 5")
    create = next(c for c in h.recorder.calls if c.path == f"/channels/{DEFAULT_CHANNEL_ID}/threads")
    assert create.json["name"] == "Episode 5"
    thread_id = int(create.result["id"])
    [sent] = h.channel_messages(thread_id)
    assert sent["content"] == "Discuss!"
    upload = h.recorder.calls[-2]
    assert upload.files == ["notes.txt"]
    assert h.last_response()["data"]["content"] == f"<#{thread_id}>"
    assert isinstance(h.guild.get_thread(thread_id), discord.Thread)


async def test_concurrent_invocations(h: Harness) -> None:
    a, b = await asyncio.gather(h.invoke("where"), h.invoke("episode rate", number=1, comment="ok"))
    assert a.response.is_done()
    assert b.response.is_done()
    assert sorted(r["data"]["content"] for r in h.responses()) == ["ep 1: ok", "here"]


async def test_expired_interaction_and_explicit_message(h: Harness) -> None:
    h.recorder.fail("POST", r"/interactions/\d+/[^/]+/callback", status=404, code=10062, message="Unknown interaction")
    interaction = await h.invoke("where")
    assert isinstance(h.errors[-1], app_commands.CommandInvokeError)
    assert isinstance(h.errors[-1].original, discord.NotFound)
    assert not interaction.response.is_done()
    assert h.responses() == []  # failed requests are recorded in calls but not in the readers
    assert h.recorder.calls[-1].status == 404

    message = {
        "id": "123",
        "channel_id": str(DEFAULT_CHANNEL_ID),
        "components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "c", "custom_id": "counter:7"}]}],
    }
    clicked = await h.click("counter:7", message=message, ephemeral_message=True)
    assert clicked.message is not None
    assert clicked.message.id == 123
    assert clicked.message.flags.ephemeral
    assert h.recorder.messages[123]["components"][0]["components"][0]["custom_id"] == "counter:8"


async def test_forum_that_requires_tags_refuses_untagged_posts_like_discord(h: Harness) -> None:
    h.add_channel(700, name="forum", type=15)
    [tag_id] = h.set_forum(700, require_tag=True, tags=["Episode 1"])
    forum = h.bot.get_channel(700)
    assert isinstance(forum, discord.ForumChannel)
    assert forum.flags.require_tag
    with pytest.raises(discord.HTTPException) as refused:
        await forum.create_thread(name="untagged", content="hi")
    assert (refused.value.status, refused.value.code) == (400, 40067)
    with pytest.raises(discord.HTTPException) as unknown:
        await forum.create_thread(name="bad tag", content="hi", applied_tags=[discord.Object(1)])  # type: ignore[list-item]
    assert unknown.value.code == 50035
    made = await forum.create_thread(name="tagged", content="hi", applied_tags=[forum.available_tags[0]])
    assert made.thread.parent_id == 700
    assert forum.available_tags[0].id == tag_id
    h.set_forum(700, require_tag=False)
    await forum.create_thread(name="untagged again", content="hi")


async def test_cdn_downloads_can_fail_like_discord(h: Harness) -> None:
    message = h.message_payload("pic", attachments=["a.png"])
    url = message["attachments"][0]["url"]
    cdn = h.bot.http.get_from_cdn  # what discord.Attachment.read() calls
    assert await cdn(url) == b"fake-bytes:a.png"
    h.recorder.fail("GET", re.escape(url), status=404, code=0, message="asset not found")
    with pytest.raises(discord.NotFound):
        await cdn(url)
    assert [c.status for c in h.recorder.calls if c.path == url] == [200, 404]
    assert await cdn(url) == b"fake-bytes:a.png"  # the failure was used up
