"""Runs the reminder package inside the bot: Discord as the sender's transport, the deliveries (watch
parties, airing posts, members' own DMs, episode polls), and the loop, started once the bot is connected
and stopped gracefully."""

from __future__ import annotations

import asyncio
import logging

from discord.ext import commands

from bot.client import RunOnBot
from bot.locale import Msg, msg
from bot.permissions import LABELS, label
from bot.reminders import Failed
from bot.reminders.airing import KIND as AIRING
from bot.reminders.airing import WHAT as AIRING_WHAT
from bot.reminders.airing import AiringReminders
from bot.reminders.party import KIND as PARTY
from bot.reminders.party import WHAT as PARTY_WHAT
from bot.reminders.party import PartyReminders
from bot.reminders.personal import AIRING_DM_KIND, PARTY_DM_KIND, PersonalAiringReminders, PersonalPartyReminders
from bot.reminders.pulse import KIND as PULSE
from bot.reminders.pulse import WHAT as PULSE_WHAT
from bot.reminders.pulse import PulseReminders
from bot.reminders.transport import DiscordTransport
from bot.services import Services

log = logging.getLogger(__name__)
STOP_GRACE_SECONDS = 5.0  # sends in flight may finish; the rest goes back to the queue
WHAT: dict[str, Msg] = {
    PARTY_WHAT: msg("a watch-party reminder"),
    AIRING_WHAT: msg("an airing reminder"),
    PULSE_WHAT: msg("an episode poll (polls also need the {permission} permission)", permission=LABELS["send_polls"]),
}
PROBLEMS: dict[str, Msg] = {
    "missing_access": msg("I can't see that channel"),
    "missing_permissions": msg("I'm missing a permission there"),
    "unknown_channel": msg("the channel no longer exists"),
}


class Reminders(commands.Cog):
    def __init__(self, bot: RunOnBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        self._starter: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        services = self.services
        services.sender.attach(DiscordTransport(self.bot))
        sender, personal, language = services.sender, services.personal, services.language
        services.reminders.register(
            PARTY, PartyReminders(services.parties, services.members, sender, language, personal)
        )
        services.reminders.register(
            AIRING,
            AiringReminders(
                services.catalog, services.guilds, services.rewatch, services.discussion, sender, language, personal
            ),
        )
        services.reminders.register(PARTY_DM_KIND, PersonalPartyReminders(personal, services.parties, sender, language))
        services.reminders.register(
            AIRING_DM_KIND,
            PersonalAiringReminders(services.catalog, personal, services.guilds, services.rewatch, sender, language),
        )
        services.reminders.register(
            PULSE,
            PulseReminders(services.guilds, services.rewatch, services.discussion, services.pulse, sender, language),
        )
        services.reminders.staff_report = self.staff_report
        if self.bot.background_tasks:
            self._starter = asyncio.create_task(self._start_when_ready(), name="reminders-start")

    async def staff_report(self, guild_id: int, failure: Failed) -> str:
        """The report to a server's staff about a reminder that could not be posted, in the server's language."""
        tr = await self.services.language.server(guild_id)
        what = WHAT.get(failure.what)
        problem = PROBLEMS.get(failure.problem)
        return "\N{WARNING SIGN}\N{VARIATION SELECTOR-16} " + tr(
            "I couldn't post {what} in <#{channel}>: {problem}. Check that I can {view} and {send} there "
            "(`/setup show`).",
            what=tr.render(what) if what else failure.what,
            channel=failure.channel_id,
            problem=tr.render(problem) if problem else failure.detail,
            view=label(tr, "view_channel"),
            send=label(tr, "send_messages"),
        )

    async def _start_when_ready(self) -> None:
        await self.bot.wait_until_ready()
        await self.services.reminders.start()
        log.info("reminders: running as instance %s", self.services.reminders.instance_id)

    async def cog_unload(self) -> None:
        if self._starter is not None:
            self._starter.cancel()
        await self.services.reminders.stop(STOP_GRACE_SECONDS)
        await self.services.sender.close(STOP_GRACE_SECONDS)


async def setup(bot: RunOnBot) -> None:
    await bot.add_cog(Reminders(bot, bot.services))
