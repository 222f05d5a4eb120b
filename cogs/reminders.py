"""The scheduler's loop: every few seconds, deliver what is due. The loop body is
``Scheduler.tick(now)``, tested directly; the loop only calls it."""

from __future__ import annotations

import logging

from discord.ext import commands, tasks

from bot.client import RunOnBot
from bot.services import Services

log = logging.getLogger(__name__)
TICK_SECONDS = 10


class Reminders(commands.Cog):
    def __init__(self, bot: RunOnBot, services: Services) -> None:
        self.bot = bot
        self.services = services

    async def cog_load(self) -> None:
        if self.bot.background_tasks:
            self.loop.start()

    async def cog_unload(self) -> None:
        self.loop.cancel()

    @tasks.loop(seconds=TICK_SECONDS)
    async def loop(self) -> None:
        try:
            report = await self.services.scheduler.tick(self.services.clock())
        except Exception:  # the loop must survive anything: the next tick retries
            log.exception("scheduler tick failed")
            return
        if report.claimed:
            log.info(
                "reminders: %d claimed, %d sent, %d skipped, %d failed, %d retried",
                report.claimed, report.sent, report.skipped, report.failed, report.retried,
            )  # fmt: skip

    @loop.before_loop
    async def before_loop(self) -> None:
        await self.bot.wait_until_ready()


async def setup(bot: RunOnBot) -> None:
    await bot.add_cog(Reminders(bot, bot.services))
