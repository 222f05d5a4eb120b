"""/catchup: a private digest of the episodes between a member's progress and where the server is."""

from __future__ import annotations

import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.catalog import Revealing
from bot.client import RunOnBot
from bot.services import Services
from bot.services.catchup import CatchupPlan, Digest, Nothing, digest
from bot.services.spoilers import spoiler

from .common import (
    BRAND,
    EMBED_FIELD_LIMIT,
    EpisodeOption,
    Interaction,
    OutOfDate,
    SafeButton,
    join_clipped,
    send,
    services_of,
    view_of,
)

OWNERS_ONLY = "This catch-up belongs to someone else's answer. Run `/catchup` yourself."


def episodes_text(first: int, last: int) -> str:
    return f"episode {first}" if first == last else f"episodes {first}-{last}"


def _point(item: Revealing) -> str:
    text = item.text
    if item.confidence == "derived":
        text += " *(inferred, not directly sourced)*"
    elif item.confidence == "unsourced":
        text += " *(unsourced)*"
    return f"\N{BULLET} {spoiler(text)}"


def digest_embed(found: Digest) -> discord.Embed:
    """The highlights, each point behind a spoiler tag, with the episode numbers."""
    span = episodes_text(found.first, found.last)
    embed = discord.Embed(title=f"Catch-up: {span}", colour=BRAND)
    embed.description = (
        f"The highlights of {span}, about {found.minutes} minute{'s' if found.minutes > 1 else ''}' read. "
        "Each line is hidden behind a spoiler tag: tap it to read it."
    )
    for episode in found.episodes:
        name = f"Episode {episode.number}"
        if episode.recap_status == "partial":
            name += " \N{MIDDLE DOT} thin sources"
        if not episode.points:
            value = "No recap: no reliable source describes this episode, so I say nothing about what happens in it."
        else:
            more = f"*More in `/recap episode:{episode.number}`.*" if episode.left_out else ""
            lines = [_point(p) for p in episode.points]
            value = join_clipped(lines, EMBED_FIELD_LIMIT - len(more) - 1)
            value = f"{value}\n{more}" if more else value
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text="From the show pack's recaps only. Nothing after the last episode named here is included.")
    return embed


def gate_embed(plan: CatchupPlan) -> discord.Embed:
    assert plan.digest is not None
    found = plan.digest
    span = episodes_text(found.first, found.last)
    watched = (
        f"You've watched up to episode {plan.horizon}" if plan.horizon else "You haven't marked any episode as watched"
    )
    target = (
        f"the server's spoiler line is at episode {plan.end}"
        if plan.line == plan.end
        else f"you asked to catch up to episode {plan.end}"
    )
    embed = discord.Embed(title=f"Catch-up: {span}", colour=discord.Colour.dark_grey())
    embed.description = (
        f"{watched}, and {target}. This digest tells what happens in {span} (about {found.minutes} "
        f"minute{'s' if found.minutes > 1 else ''}' read), so it spoils them.\n"
        "Press the button to see it here, privately."
    )
    return embed


class ShowCatchup(SafeButton, template=r"runon:catchup:show:(?P<user>\d{1,21}):(?P<first>\d{1,2}):(?P<last>\d{1,2})"):
    refusal = OWNERS_ONLY

    def __init__(self, user_id: int, first: int, last: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Show the catch-up",
                style=discord.ButtonStyle.danger,
                custom_id=f"runon:catchup:show:{user_id}:{first}:{last}",
            )
        )
        self.owner_id = user_id
        self.first, self.last = first, last

    @classmethod
    def from_match(cls, match: re.Match[str]) -> ShowCatchup:
        return cls(int(match["user"]), int(match["first"]), int(match["last"]))

    async def handle(self, interaction: Interaction) -> None:
        services = services_of(interaction)
        if not 1 <= self.first <= self.last <= services.catalog.episode_count:
            raise OutOfDate()
        found = digest(services.catalog, self.first, self.last)
        await interaction.response.edit_message(
            embed=digest_embed(found), view=view_of(MarkWatched(interaction.user.id, self.last))
        )


class MarkWatched(SafeButton, template=r"runon:catchup:mark:(?P<user>\d{1,21}):(?P<last>\d{1,2})"):
    refusal = OWNERS_ONLY

    def __init__(self, user_id: int, last: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"Mark as watched (up to episode {last})",
                style=discord.ButtonStyle.success,
                custom_id=f"runon:catchup:mark:{user_id}:{last}",
            )
        )
        self.owner_id = user_id
        self.last = last

    @classmethod
    def from_match(cls, match: re.Match[str]) -> MarkWatched:
        return cls(int(match["user"]), int(match["last"]))

    async def handle(self, interaction: Interaction) -> None:
        services = services_of(interaction)
        if not 1 <= self.last <= services.catalog.episode_count:
            raise OutOfDate()
        before, after = await services.catchup.mark_watched(interaction.user.id, self.last, services.clock())
        if after == before:
            text = f"You had already marked episode {before} as watched, so nothing changed."
        else:
            text = f"\N{WHITE HEAVY CHECK MARK} Marked: you've watched up to episode {after}."
        await interaction.response.edit_message(content=text, view=None)


def nothing_text(plan: CatchupPlan) -> str:
    if plan.nothing is Nothing.NO_LINE_HERE:
        return (
            "Outside a server there is no spoiler line to catch up to: give `to:` (the last episode to cover), "
            "or run `/catchup` in your server."
        )
    if plan.nothing is Nothing.LINE_AT_ZERO:
        return (
            "This server's spoiler line is at episode 0 (nobody is assumed to have seen anything yet), so there's "
            "nothing to catch up to. Give `to:` to catch up to an episode of your choice."
        )
    if plan.line is not None and plan.end == plan.line:
        return (
            f"You're already caught up: you've watched up to episode {plan.horizon}, and the server's spoiler line "
            f"is at episode {plan.line}."
        )
    return (
        f"You're already caught up: you've watched up to episode {plan.horizon}, so episode {plan.end} is behind you."
    )


class Catchup(commands.Cog):
    def __init__(self, services: Services) -> None:
        self.services = services

    @app_commands.command(name="catchup", description="Catch up to where the server is: the episodes you haven't seen")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.describe(to="The last episode to cover (default: the server's spoiler line)")
    async def catchup(self, interaction: Interaction, to: EpisodeOption | None = None) -> None:
        services = self.services
        plan = await services.catchup.plan(interaction.user.id, interaction.guild_id, to, services.clock())
        if plan.digest is None:
            await send(interaction, content=nothing_text(plan))
            return
        button = ShowCatchup(interaction.user.id, plan.digest.first, plan.digest.last)
        await send(interaction, embed=gate_embed(plan), view=view_of(button))


async def setup(bot: RunOnBot) -> None:
    bot.add_dynamic_items(ShowCatchup, MarkWatched)
    await bot.add_cog(Catchup(bot.services))
