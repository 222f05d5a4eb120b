"""/airing info and /airing remind-me; the airing posts the scheduler delivers."""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import RunOnBot
from bot.errors import UserError
from bot.services import Services
from bot.services.guild_config import format_offset

from .common import BRAND, EMBED_FOOTER_LIMIT, PUBLIC_DESCRIBE, Interaction, clip_sentences, dm_refusal_notice, send, ts

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
        embed.set_footer(text=clip_sentences(show.slot_note, EMBED_FOOTER_LIMIT))
    return embed


# /airing info works in DMs; /airing remind-me is about one server and says so in a DM.
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
class Airing(commands.GroupCog, group_name="airing", group_description="When Run On airs, and airing reminders"):
    def __init__(self, bot: RunOnBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        super().__init__()

    @app_commands.command(name="info", description="When and where Run On airs, and what's next")
    @app_commands.describe(public=PUBLIC_DESCRIBE)
    async def info(self, interaction: Interaction, public: bool = False) -> None:
        await send(interaction, public=public, embed=await airing_embed(self.services, interaction.guild_id))

    @app_commands.command(
        name="remind-me", description="Get this server's airing reminders by DM, or at your own times"
    )
    @app_commands.describe(
        setting="on: DM me before each episode airs; off: stop",
        offsets="Your own times before airtime, up to 3, e.g. 1d, 30m (default: the server's times)",
    )
    async def remind_me(
        self,
        interaction: Interaction,
        setting: Literal["on", "off"],
        offsets: app_commands.Range[str, 1, 60] | None = None,
    ) -> None:
        if interaction.guild_id is None:
            raise UserError(
                "Airing reminders belong to a server: run `/airing remind-me` in the server whose reminders you want."
            )
        if setting == "off" and offsets is not None:
            raise UserError("`offsets` go with `on`: `/airing remind-me setting:on offsets:1d, 30m`. Nothing changed.")
        own = await self.services.personal.set_airing(
            interaction.guild_id, interaction.user.id, setting == "on", offsets, self.services.clock()
        )
        config = await self.services.guilds.get(interaction.guild_id)
        if setting == "off":
            text = "No more airing DMs from this server."
        elif config.airing_channel_id is None:
            text = "Noted. This server has no airing posts set up yet, so DMs start once staff run `/setup airing`."
        elif own.offsets is not None:
            times = ", ".join(format_offset(o) for o in own.offsets)
            text = (
                f"You'll get a DM {times} before each episode airs here, at your own times (keep DMs from server "
                "members open)."
            )
        else:
            text = "You'll get a DM before each episode airs here (keep DMs from server members open)."
        if setting == "on":
            text += await dm_refusal_notice(self.services, interaction.user.id)
        await send(interaction, content=text)


async def setup(bot: RunOnBot) -> None:
    await bot.add_cog(Airing(bot, bot.services))
