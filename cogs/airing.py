"""/airing info and /airing remind-me; the airing posts the scheduler delivers."""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Services
from bot.client import RunOnBot
from bot.errors import UserError
from bot.services.personal import MAX_PERSONAL_REMINDERS

from .common import (
    BRAND,
    EMBED_FOOTER_LIMIT,
    PUBLIC_DESCRIBE,
    Interaction,
    Texts,
    answer_texts,
    clip_sentences,
    dm_refusal_notice,
    member_texts,
    send,
    ts,
)
from .episodes import show_title
from .timeinput import unreadable_times_notice

log = logging.getLogger(__name__)

#: /airing remind-me re-plans the member's DMs for every coming episode: a few changes a minute, as
#: /watchparty remind-me.
REMIND_ME_RATE, REMIND_ME_PER = 3, 60.0


async def airing_embed(tr: Texts, services: Services, guild_id: int | None) -> discord.Embed:
    catalog = services.catalog
    show = catalog.show
    now = services.clock()
    zone = show.timezone
    embed = discord.Embed(title=tr("When {show} airs", show=show_title(tr, catalog)), colour=BRAND)
    embed.description = (
        tr(
            "On **{network}** in Korea, streaming on **{service}** the same day.",
            network=show.network,
            service=tr.pack(show.streaming),
        )
        + f"\n{tr.pack(show.streaming_note)}"
    )
    slots = []
    for slot, moment in services.airing.next_slots(now):
        where = "KST" if zone.key == "Asia/Seoul" else f"({zone.key})"
        slots.append(
            tr(
                "{days} {time} {zone} \N{EM DASH} next such slot {when}",
                days=tr.every(slot.weekday),
                time=slot.time.strftime("%H:%M"),
                zone=where,
                when=ts(moment, "F"),
            )
        )
    embed.add_field(name=tr("Weekly slots"), value="\n".join(slots), inline=False)
    first, last = catalog.episodes[0], catalog.episodes[-1]
    embed.add_field(
        name=tr("Run"),
        value=(
            tr(
                "{count} episodes, {first} to {last}",
                count=catalog.episode_count,
                first=ts(first.airs_at, "D"),
                last=ts(last.airs_at, "D"),
            )
            + "\n"
            + tr(
                "Special: *{title}*, {when} (not a numbered episode)",
                title=catalog.special.title,
                when=ts(catalog.special.airs_at, "D"),
            )
        ),
        inline=False,
    )
    status = services.airing.status(now)
    if status.finished:
        value = tr(
            "Finished: all {count} episodes have aired; the finale aired {when}.",
            count=catalog.episode_count,
            when=ts(last.airs_at, "D"),
        )
    else:
        nxt = status.next_episode
        assert nxt is not None
        value = tr(
            "Next: **episode {n}**, {when} ({relative})",
            n=nxt.number,
            when=ts(nxt.airs_at, "F"),
            relative=ts(nxt.airs_at, "R"),
        )
        if status.aired_count:
            value += "\n" + tr(
                "{aired} of {count} episodes have aired.", aired=status.aired_count, count=catalog.episode_count
            )
    embed.add_field(name=tr("Status"), value=value, inline=False)
    if guild_id is not None:
        found = await services.rewatch.progress(guild_id, now)
        if found is not None:
            row, _, at = found
            if row.paused:
                text = tr("Paused after episode {n}.", n=at.last_aired)
            elif at.next is None:
                text = tr("The rewatch is finished: every episode has aired.")
            else:
                text = tr(
                    "Next: **episode {n}**, {when} ({relative})",
                    n=at.next.episode,
                    when=ts(at.next.airs_at, "F"),
                    relative=ts(at.next.airs_at, "R"),
                )
            embed.add_field(
                name=tr("This server's rewatch"),
                value=f"{text}\n" + tr("`/rewatch show` for the schedule"),
                inline=False,
            )
    if show.slot_note:
        embed.set_footer(text=clip_sentences(tr.pack(show.slot_note), EMBED_FOOTER_LIMIT))
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
        tr = await answer_texts(interaction, public=public)
        await send(interaction, public=public, embed=await airing_embed(tr, self.services, interaction.guild_id))

    @app_commands.command(
        name="remind-me", description="Get this server's airing reminders by DM, or at your own times"
    )
    @app_commands.checks.cooldown(REMIND_ME_RATE, REMIND_ME_PER, key=lambda i: i.user.id)
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
        tr = member_texts(interaction)
        if setting == "off" and offsets is not None:
            raise UserError("`offsets` go with `on`: `/airing remind-me setting:on offsets:1d, 30m`. Nothing changed.")
        own = await self.services.personal.set_airing(
            interaction.guild_id, interaction.user.id, setting == "on", offsets, self.services.clock()
        )
        config = await self.services.guilds.get(interaction.guild_id)
        if setting == "off":
            text = tr("No more airing DMs from this server.")
        elif config.airing_channel_id is None:
            text = tr("Noted. This server has no airing posts set up yet, so DMs start once staff run `/setup airing`.")
        elif own.offsets is not None:
            text = tr(
                "You'll get a DM {times} before each episode airs here, at your own times (keep DMs from server "
                "members open).",
                times=", ".join(tr.offset(o) for o in own.offsets),
            )
        else:
            text = tr("You'll get a DM before each episode airs here (keep DMs from server members open).")
        text += unreadable_times_notice(tr, own.replaced)
        if own.capped:
            text += "\n" + tr(
                "You now have {limit} reminder DMs waiting, the most I keep for one member: the soonest are planned, "
                "later ones are not. Choose fewer times, or turn off reminder DMs you don't need.",
                limit=MAX_PERSONAL_REMINDERS,
            )
        if setting == "on":
            text += await dm_refusal_notice(self.services, interaction.user.id, tr)
        await send(interaction, content=text)


async def setup(bot: RunOnBot) -> None:
    await bot.add_cog(Airing(bot, bot.services))
