"""/progress set, /progress show, /progress forget."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Services
from bot.client import RunOnBot
from bot.locale import msg
from bot.services.retention import PRUNE_EVERY

from .common import Interaction, SafeButton, Texts, member_texts, send, services_of, view_of, watched_text
from .party_cards import forget_notes, refresh_after_changes

log = logging.getLogger(__name__)


class ConfirmForget(SafeButton, template=r"runon:forget:(?P<user>\d{1,21})"):
    refusal = msg("Only the member who asked can confirm deleting their own data.")

    def __init__(self, user_id: int, tr: Texts | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=tr("Delete everything") if tr else "delete",
                style=discord.ButtonStyle.danger,
                custom_id=f"runon:forget:{user_id}",
            )
        )
        self.owner_id = user_id

    @classmethod
    def from_match(cls, match: re.Match[str]) -> ConfirmForget:
        return cls(int(match["user"]))

    async def handle(self, interaction: Interaction) -> None:
        services = services_of(interaction)
        tr = member_texts(interaction)
        await services.language.forgetting(interaction.user.id, interaction.id)  # not remembered again meanwhile
        forgotten = await services.progress.forget(interaction.user.id, services.clock())
        text = (
            tr.plural(
                "Done: deleted {count} record. The bot now treats you as having watched nothing.",
                "Done: deleted {count} records. The bot now treats you as having watched nothing.",
                forgotten.removed,
                count=forgotten.removed,
            )
            if forgotten.removed
            else tr("There was nothing stored about you.")
        )
        await interaction.response.edit_message(content=text, view=None)
        # Places the member held at watch parties went to the wait list: cards and promotions follow. Parties they
        # host lost the note they wrote: their cards and Discord events no longer show it.
        await refresh_after_changes(interaction.client, services, forgotten.parties)
        refreshed = frozenset(row.id for row, _ in forgotten.parties)
        await forget_notes(interaction.client, services, forgotten.hosted, refreshed=refreshed)


@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
class Progress(
    commands.GroupCog, group_name="progress", group_description="How far you've watched (for spoiler safety)"
):
    """Also runs the hourly prune of what the bot stores about past events (see README "Limits and retention"):
    this feature answers for what the bot keeps."""

    def __init__(self, services: Services, *, background_tasks: bool = False) -> None:
        self.services = services
        self._background_tasks = background_tasks
        self._pruner: asyncio.Task[None] | None = None
        super().__init__()

    async def cog_load(self) -> None:
        if self._background_tasks:
            self._pruner = asyncio.create_task(self._prune_hourly(), name="retention-prune")

    async def cog_unload(self) -> None:
        if self._pruner is not None:
            self._pruner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pruner

    async def _prune_hourly(self) -> None:
        while True:
            try:
                report = await self.services.retention.prune(self.services.clock())
                if report.total:
                    log.info("retention: pruned %s", report)
            except Exception:  # the loop must survive anything: the next hour retries
                log.exception("pruning old rows failed")
            await asyncio.sleep(PRUNE_EVERY.total_seconds())

    @app_commands.command(name="set", description="Mark the last episode you've watched (0 = none yet)")
    @app_commands.describe(episode="The last episode you've finished, 0-16")
    async def set_(self, interaction: Interaction, episode: app_commands.Range[int, 0, 16]) -> None:
        episode = await self.services.progress.set(interaction.user.id, episode, self.services.clock())
        total = self.services.catalog.episode_count
        tr = member_texts(interaction)
        if episode == 0:
            text = tr("Noted: you haven't watched any episode yet. Answers will hide all plot points.")
        elif episode == total:
            text = tr("Noted: you've finished all {total} episodes. Nothing will be hidden from you.", total=total)
        else:
            text = tr(
                "Noted: you've watched up to episode {n}. Anything from episode {next} on stays hidden.",
                n=episode,
                next=episode + 1,
            )
        await send(interaction, content=text)

    @set_.autocomplete("episode")
    async def set_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
        typed = str(current).strip()
        zone = self.services.catalog.show.timezone
        tr = member_texts(interaction)
        choices = [app_commands.Choice(name=tr("0 \N{MIDDLE DOT} nothing yet"), value=0)]
        choices += [
            app_commands.Choice(
                name=tr("{n} \N{MIDDLE DOT} aired {day}", n=e.number, day=tr.day(e.airs_at.astimezone(zone).date())),
                value=e.number,
            )
            for e in self.services.catalog.episodes
        ]
        return [c for c in choices if not typed or str(c.value).startswith(typed)][:25]

    @app_commands.command(name="show", description="See how far the bot thinks you've watched")
    async def show(self, interaction: Interaction) -> None:
        horizon = await self.services.progress.horizon(interaction.user.id)
        known = await self.services.progress.known(interaction.user.id)
        tr = member_texts(interaction)
        hint = "" if known else " " + tr("Set it with `/progress set` so answers can show you more.")
        await send(interaction, content=watched_text(tr, horizon) + hint)

    @app_commands.command(name="forget", description="Delete everything the bot stores about you")
    async def forget(self, interaction: Interaction) -> None:
        tr = member_texts(interaction)
        await send(
            interaction,
            content=tr("This deletes your watch progress and anything else the bot stores about you. Sure?"),
            view=view_of(ConfirmForget(interaction.user.id, tr)),
        )


async def setup(bot: RunOnBot) -> None:
    bot.add_dynamic_items(ConfirmForget)
    await bot.add_cog(Progress(bot.services, background_tasks=bot.background_tasks))
