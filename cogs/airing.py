"""/airing info and /airing remind-me; the airing posts the scheduler delivers."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Literal, Protocol

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import RunOnBot
from bot.errors import UserError
from bot.services import Services
from bot.services.rewatch import AIRING_KIND
from bot.services.scheduler import Failed, Outcome, Sent
from bot.store import ReminderRow

from .common import BRAND, PUBLIC_DESCRIBE, Interaction, send, ts
from .delivery import dm_copies, post, tell_staff

log = logging.getLogger(__name__)


async def airing_embed(services: Services, guild_id: int | None) -> discord.Embed:
    catalog = services.catalog
    show = catalog.show
    now = services.clock()
    zone = show.timezone
    embed = discord.Embed(title=f"When {show.title} airs", colour=BRAND)
    embed.description = (
        f"On **{show.network}** in Korea, streaming on **{show.streaming}** the same day.\n{show.streaming_note}"
    )
    slots = []
    for slot, moment in services.airing.next_slots(now):
        local = (
            f"{slot.weekday_name}s {slot.time:%H:%M} KST"
            if zone.key == "Asia/Seoul"
            else (f"{slot.weekday_name}s {slot.time:%H:%M} ({zone.key})")
        )
        slots.append(f"{local} \N{EM DASH} next such slot {ts(moment, 'F')}")
    embed.add_field(name="Weekly slots", value="\n".join(slots), inline=False)
    first, last = catalog.episodes[0], catalog.episodes[-1]
    embed.add_field(
        name="Run",
        value=(
            f"{catalog.episode_count} episodes, {ts(first.airs_at, 'D')} to {ts(last.airs_at, 'D')}\n"
            f"Special: *{catalog.special.title}*, {ts(catalog.special.airs_at, 'D')} (not a numbered episode)"
        ),
        inline=False,
    )
    status = services.airing.status(now)
    if status.finished:
        value = f"Finished: all {catalog.episode_count} episodes have aired; the finale aired {ts(last.airs_at, 'D')}."
    else:
        nxt = status.next_episode
        assert nxt is not None
        value = f"Next: **episode {nxt.number}**, {ts(nxt.airs_at, 'F')} ({ts(nxt.airs_at, 'R')})"
        if status.aired_count:
            value += f"\n{status.aired_count} of {catalog.episode_count} episodes have aired."
    embed.add_field(name="Status", value=value, inline=False)
    if guild_id is not None:
        found = await services.rewatch.progress(guild_id, now)
        if found is not None:
            row, _, at = found
            if row.status == "paused":
                text = f"Paused after episode {at.last_aired}."
            elif at.next is None:
                text = "The rewatch is finished: every episode has aired."
            else:
                text = f"Next: **episode {at.next.episode}**, {ts(at.next.airs_at, 'F')} ({ts(at.next.airs_at, 'R')})"
            embed.add_field(
                name="This server's rewatch", value=f"{text}\n`/rewatch show` for the schedule", inline=False
            )
    if show.slot_note:
        embed.set_footer(text=show.slot_note[:300])
    return embed


def airing_text(
    services: Services, episode: int, airs_at: dt.datetime, offset: int, *, rewatch: bool, thread: str
) -> str:
    """The airing post. It names the episode number only: nothing in it spoils episode N."""
    show = services.catalog.show
    where = f"on {show.streaming}" if rewatch else f"on {show.network}, and on {show.streaming} the same day"
    label = "Rewatch: episode" if rewatch else "Episode"
    if offset == 0:
        return f"\N{TELEVISION} **{label} {episode} is on now** {where}! {thread}".strip()
    return f"\N{ALARM CLOCK} **{label} {episode}** airs {ts(airs_at, 'R')} ({ts(airs_at, 'F')}), {where}."


class ThreadOpener(Protocol):
    async def __call__(self, guild: discord.Guild, episode: int) -> discord.Thread | None: ...


class AiringDelivery:
    """Delivers airing reminders for the scheduler: the post (pinging the role), and DMs to subscribers."""

    def __init__(self, bot: RunOnBot) -> None:
        self.bot = bot

    @property
    def services(self) -> Services:
        return self.bot.services

    async def deliver(self, reminder: ReminderRow, *, nonce: str, now: dt.datetime, late: bool) -> Outcome:
        slot = await self.services.rewatch.slot(reminder.ref_id)
        config = await self.services.guilds.get(reminder.guild_id)
        if slot is None or config.airing_channel_id is None:
            return Failed("other", "the episode left the schedule or airing posts were turned off")
        rewatch, _ = await self.services.rewatch.current(reminder.guild_id)
        airs_at = dt.datetime.fromtimestamp(slot.airs_at, dt.UTC)
        thread = ""
        if reminder.offset_seconds == 0:
            thread = await self._thread_link(reminder.guild_id, slot.episode)
        text = airing_text(self.services, slot.episode, airs_at, reminder.offset_seconds,
                           rewatch=rewatch is not None, thread=thread)  # fmt: skip
        role = f"<@&{config.airing_role_id}> " if config.airing_role_id else ""
        sent = await post(
            self.bot,
            reminder.guild_id,
            config.airing_channel_id,
            f"{role}{text}",
            nonce=nonce,
            allowed_mentions=discord.AllowedMentions(
                everyone=False,
                users=False,
                roles=[discord.Object(config.airing_role_id)] if config.airing_role_id else False,
            ),
        )
        if not isinstance(sent, discord.Message):
            return sent
        subscribers = await self.services.rewatch.subscribers(reminder.guild_id)
        return Sent(sent.id, await dm_copies(self.bot, subscribers, text, nonce))

    async def _thread_link(self, guild_id: int, episode: int) -> str:
        guild = self.bot.get_guild(guild_id)
        # By name, not isinstance: each extension is executed as its own module object by load_extension,
        # so a class imported here is not the one the loaded cog was made from.
        opener: ThreadOpener | None = getattr(self.bot.get_cog("Discussion"), "ensure_thread", None)
        if guild is not None and opener is not None:
            thread = await opener(guild, episode)
            if thread is not None:
                return f"Talk about it in {thread.mention} (spoilers for episode {episode} there)."
        return f"Talk about it with `/discuss episode:{episode}`."

    async def report_problem(self, guild_id: int, failure: Failed) -> None:
        await tell_staff(self.bot, guild_id, "an airing reminder", failure)


# /airing info works in DMs; /airing remind-me is about one server and says so in a DM.
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
class Airing(commands.GroupCog, group_name="airing", group_description="When Run On airs, and airing reminders"):
    def __init__(self, bot: RunOnBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        super().__init__()

    async def cog_load(self) -> None:
        self.services.scheduler.register(AIRING_KIND, AiringDelivery(self.bot))

    @app_commands.command(name="info", description="When and where Run On airs, and what's next")
    @app_commands.describe(public=PUBLIC_DESCRIBE)
    async def info(self, interaction: Interaction, public: bool = False) -> None:
        await send(interaction, public=public, embed=await airing_embed(self.services, interaction.guild_id))

    @app_commands.command(name="remind-me", description="Get this server's airing reminders by DM")
    @app_commands.describe(setting="on: DM me before each episode airs; off: stop")
    async def remind_me(self, interaction: Interaction, setting: Literal["on", "off"]) -> None:
        if interaction.guild_id is None:
            raise UserError(
                "Airing reminders belong to a server: run `/airing remind-me` in the server whose reminders you want."
            )
        await self.services.rewatch.subscribe(interaction.guild_id, interaction.user.id, setting == "on")
        config = await self.services.guilds.get(interaction.guild_id)
        if setting == "off":
            text = "No more airing DMs from this server."
        elif config.airing_channel_id is None:
            text = "Noted. This server has no airing posts set up yet, so DMs start once staff run `/setup airing`."
        else:
            text = "You'll get a DM before each episode airs here (keep DMs from server members open)."
        await send(interaction, content=text)


async def setup(bot: RunOnBot) -> None:
    await bot.add_cog(Airing(bot, bot.services))
