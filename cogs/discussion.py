"""/discuss: one spoiler-marked discussion thread per episode, created on first ask."""

from __future__ import annotations

from typing import Final

import discord
from bot.client import RunOnBot
from bot.errors import UserError
from bot.permissions import FEATURE_PERMISSIONS, OPTIONAL_PERMISSIONS, humanize
from bot.services import Services
from bot.services.discussion import FORUM_TAG_LIMIT, ThreadLink, ThreadRecord, opening_post, tag_name, thread_name
from discord import app_commands
from discord.ext import commands

from .common import EpisodeOption, Interaction, missing

ARCHIVE_AFTER_MINUTES: Final = 10080  # a week: episode threads stay open through a rewatch week


class Discussion(commands.Cog):
    def __init__(self, bot: RunOnBot, services: Services) -> None:
        self.bot = bot
        self.services = services

    async def cog_load(self) -> None:
        self.services.discussion.opener = self.open_for  # airing posts link the episode's thread through it

    async def cog_unload(self) -> None:
        self.services.discussion.opener = None

    async def open_for(self, guild_id: int, episode: int) -> ThreadLink:
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return ThreadLink(None, "I'm not in that server any more")
        thread = await self.ensure_thread(guild, episode)
        return ThreadLink(thread.id if thread else None, None if thread else "no usable discussion channel")

    @app_commands.command(name="discuss", description="Open the discussion thread for an episode")
    @app_commands.describe(episode="The episode to discuss; the thread contains its spoilers")
    @app_commands.guild_only()
    async def discuss(self, interaction: Interaction, episode: EpisodeOption) -> None:
        guild = interaction.guild
        assert guild is not None
        config = await self.services.guilds.get(guild.id)
        if config.discussion_channel_id is None:
            raise UserError(
                "This server has no discussion channel yet. Someone with Manage Server can pick one with "
                "`/setup discussion`."
            )
        parent = guild.get_channel(config.discussion_channel_id)
        if not isinstance(parent, discord.TextChannel | discord.ForumChannel):
            raise UserError("The discussion channel is gone. Ask staff to pick a new one with `/setup discussion`.")
        lacking = missing(parent.permissions_for(guild.me), FEATURE_PERMISSIONS["discussion threads"])
        if lacking:
            raise UserError(f"I can't create threads in {parent.mention}: I need {', '.join(lacking)} there.")
        ready = await self._open_cached(guild, parent, episode)
        if ready is not None:  # the common case answers at once, without a deferral round trip
            await interaction.response.send_message(self._reply(ready, episode, created=False), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.services.discussion.locks((guild.id, episode)):
            try:
                thread, created = await self._thread_for(guild, parent, episode)
            except discord.Forbidden:
                needed = ", ".join(sorted(humanize(p) for p in FEATURE_PERMISSIONS["discussion threads"]))
                raise UserError(
                    f"Discord refused to open the thread in {parent.mention}. Please ask staff to check that I have "
                    f"{needed} there."
                ) from None
        await interaction.followup.send(self._reply(thread, episode, created=created), ephemeral=True)

    async def ensure_thread(self, guild: discord.Guild, episode: int) -> discord.Thread | None:
        """The episode's thread, opened or created, for other features (airing posts); None when the server
        has no usable discussion channel or Discord refuses."""
        config = await self.services.guilds.get(guild.id)
        parent = guild.get_channel(config.discussion_channel_id) if config.discussion_channel_id else None
        if not isinstance(parent, discord.TextChannel | discord.ForumChannel):
            return None
        if missing(parent.permissions_for(guild.me), FEATURE_PERMISSIONS["discussion threads"]):
            return None
        async with self.services.discussion.locks((guild.id, episode)):
            try:
                thread, _created = await self._thread_for(guild, parent, episode)
            except (discord.HTTPException, UserError):
                return None
        return thread

    @staticmethod
    def _reply(thread: discord.Thread, episode: int, *, created: bool) -> str:
        verb = "Opened a new" if created else "Here's the"
        return (
            f"{verb} episode {episode} discussion thread: {thread.mention} "
            f"(it contains spoilers for episode {episode})."
        )

    async def _open_cached(
        self, guild: discord.Guild, parent: discord.abc.GuildChannel, episode: int
    ) -> discord.Thread | None:
        """The episode's thread if it is known, in the gateway cache and open; else None."""
        row = await self.services.discussion.thread(guild.id, episode)
        if row is None or row.parent_id != parent.id:
            return None
        thread = guild.get_thread(row.thread_id)
        return thread if thread is not None and not thread.archived else None

    async def _existing(self, guild: discord.Guild, row: ThreadRecord) -> discord.Thread | None:
        thread = guild.get_thread(row.thread_id)
        if thread is None:
            try:
                fetched = await guild.fetch_channel(row.thread_id)
            except (discord.NotFound, discord.Forbidden):
                return None
            thread = fetched if isinstance(fetched, discord.Thread) else None
        if thread is not None and thread.archived:
            try:
                thread = await thread.edit(archived=False)
            except discord.Forbidden:
                raise UserError(
                    f"The episode thread {thread.mention} is archived and locked; ask staff to reopen it."
                ) from None
        return thread

    async def _thread_for(
        self, guild: discord.Guild, parent: discord.TextChannel | discord.ForumChannel, episode: int
    ) -> tuple[discord.Thread, bool]:
        row = await self.services.discussion.thread(guild.id, episode)
        if row is not None and row.parent_id == parent.id:
            existing = await self._existing(guild, row)
            if existing is not None:
                return existing, False
        catalog = self.services.catalog
        name = thread_name(catalog, episode)
        if isinstance(parent, discord.ForumChannel):
            tag = await self._episode_tag(guild, parent, episode)
            made = await parent.create_thread(
                name=name,
                content=opening_post(catalog, episode),
                applied_tags=[tag] if tag else [],
                auto_archive_duration=ARCHIVE_AFTER_MINUTES,
                allowed_mentions=discord.AllowedMentions.none(),
            )
            thread = made.thread
        else:
            thread = await parent.create_thread(
                name=name, type=discord.ChannelType.public_thread, auto_archive_duration=ARCHIVE_AFTER_MINUTES
            )
            await thread.send(opening_post(catalog, episode), allowed_mentions=discord.AllowedMentions.none())
        await self.services.discussion.record(guild.id, episode, thread.id, parent.id, self.services.clock())
        return thread, True

    async def _episode_tag(
        self, guild: discord.Guild, forum: discord.ForumChannel, episode: int
    ) -> discord.ForumTag | None:
        wanted = tag_name(episode).casefold()
        for tag in forum.available_tags:
            if tag.name.casefold() == wanted:
                return tag
        can_manage = not missing(forum.permissions_for(guild.me), OPTIONAL_PERMISSIONS["forum episode tags"])
        if not can_manage or len(forum.available_tags) >= FORUM_TAG_LIMIT:
            return None
        return await forum.create_tag(name=tag_name(episode))


async def setup(bot: RunOnBot) -> None:
    await bot.add_cog(Discussion(bot, bot.services))
