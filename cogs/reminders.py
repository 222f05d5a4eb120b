"""Runs the reminder loop inside the bot: started once the bot is connected, stopped gracefully with it.

Everything else about reminders (the Discord transport, the deliveries, the staff report) is wired at the
composition root (:mod:`bot.app`)."""

from __future__ import annotations

import asyncio
import logging

from discord.ext import commands

from bot.client import RunOnBot
from bot.reminders import PacedSender, ReminderScheduler

log = logging.getLogger(__name__)
STOP_GRACE_SECONDS = 5.0  # sends in flight may finish; the rest goes back to the queue


class Reminders(commands.Cog):
    def __init__(self, bot: RunOnBot, scheduler: ReminderScheduler, sender: PacedSender) -> None:
        self.bot = bot
        self.scheduler = scheduler
        self.sender = sender
        self._starter: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        if self.bot.background_tasks:
            self._starter = asyncio.create_task(self._start_when_ready(), name="reminders-start")

    async def _start_when_ready(self) -> None:
        await self.bot.wait_until_ready()
        await self.scheduler.start()
        log.info("reminders: running as instance %s", self.scheduler.instance_id)

    async def cog_unload(self) -> None:
        if self._starter is not None:
            self._starter.cancel()
        await self.scheduler.stop(STOP_GRACE_SECONDS)
        await self.sender.close(STOP_GRACE_SECONDS)


async def setup(bot: RunOnBot) -> None:
    await bot.add_cog(Reminders(bot, bot.services.reminders, bot.services.sender))
