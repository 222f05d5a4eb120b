"""/airing: when and where Run On airs, and where the run stands now."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import RunOnBot
from bot.services import Services

from .common import BRAND, PUBLIC_DESCRIBE, Interaction, send, ts


def airing_embed(services: Services) -> discord.Embed:
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
    if show.slot_note:
        embed.set_footer(text=show.slot_note[:300])
    return embed


class Airing(commands.Cog):
    def __init__(self, services: Services) -> None:
        self.services = services

    @app_commands.command(name="airing", description="When and where Run On airs, and what's next")
    @app_commands.describe(public=PUBLIC_DESCRIBE)
    async def airing(self, interaction: Interaction, public: bool = False) -> None:
        await send(interaction, public=public, embed=airing_embed(self.services))


async def setup(bot: RunOnBot) -> None:
    await bot.add_cog(Airing(bot.services))
