"""/discuss: one spoiler-marked discussion thread per episode, created on first ask (through the Discord side of
discussion threads, :mod:`bot.threads`, which the airing posts use too)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Services
from bot.client import RunOnBot
from bot.errors import UserError
from bot.services.discussion import NoThread
from bot.threads import Refused

from .common import EpisodeOption, Interaction, Texts, member_texts


class Discussion(commands.Cog):
    def __init__(self, bot: RunOnBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        self.threads = services.threads

    @app_commands.command(name="discuss", description="Open the discussion thread for an episode")
    @app_commands.describe(episode="The episode to discuss; the thread contains its spoilers")
    @app_commands.guild_only()
    async def discuss(self, interaction: Interaction, episode: EpisodeOption) -> None:
        guild = interaction.guild
        assert guild is not None
        parent = await self.threads.parent(guild)
        if isinstance(parent, NoThread):
            raise UserError(parent.reason)
        tr = member_texts(interaction)
        ready = await self.threads.open_cached(guild, parent, episode)
        if ready is not None:  # the common case answers at once, without a deferral round trip
            await interaction.response.send_message(self._reply(tr, ready, episode, created=False), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.services.discussion.locks((guild.id, episode)):
            try:
                thread, created, note = await self.threads.thread_for(guild, parent, episode)
            except Refused as refused:
                raise UserError(refused.why.reason) from None
        note_text = " " + tr.render(note) if note is not None else ""
        await interaction.followup.send(self._reply(tr, thread, episode, created=created) + note_text, ephemeral=True)

    @staticmethod
    def _reply(tr: Texts, thread: discord.Thread, episode: int, *, created: bool) -> str:
        if created:
            return tr(
                "Opened a new episode {n} discussion thread: {thread} (it contains spoilers for episode {n}).",
                n=episode,
                thread=thread.mention,
            )
        return tr(
            "Here's the episode {n} discussion thread: {thread} (it contains spoilers for episode {n}).",
            n=episode,
            thread=thread.mention,
        )


async def setup(bot: RunOnBot) -> None:
    await bot.add_cog(Discussion(bot, bot.services))
