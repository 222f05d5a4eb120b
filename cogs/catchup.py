"""/catchup: a private digest of the episodes between a member's progress and where the server is."""

from __future__ import annotations

import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Services
from bot.catalog import RecapStatus, Revealing
from bot.client import RunOnBot
from bot.locale import msg
from bot.services.catchup import CatchupPlan, Digest, Nothing, digest
from bot.services.spoilers import spoiler

from .common import (
    BRAND,
    EMBED_FIELD_LIMIT,
    EpisodeOption,
    Interaction,
    OutOfDate,
    SafeButton,
    Texts,
    join_clipped,
    marker,
    member_texts,
    send,
    services_of,
    view_of,
)

OWNERS_ONLY = msg("This catch-up belongs to someone else's answer. Run `/catchup` yourself.")


def _reading(tr: Texts, minutes: int) -> str:
    return tr.plural("about {n} minute's read", "about {n} minutes' read", minutes, n=minutes)


def _point(tr: Texts, item: Revealing) -> str:
    return f"\N{BULLET} {spoiler(tr.pack(item.text) + marker(tr, item.confidence))}"


def digest_embed(tr: Texts, found: Digest) -> discord.Embed:
    """The highlights, each point behind a spoiler tag, with the episode numbers."""
    span = tr.episodes(found.first, found.last)
    embed = discord.Embed(title=tr("Catch-up: {episodes}", episodes=span), colour=BRAND)
    embed.description = tr(
        "The highlights of {episodes}, {reading}. Each line is hidden behind a spoiler tag: tap it to read it.",
        episodes=span,
        reading=_reading(tr, found.minutes),
    )
    for episode in found.episodes:
        name = tr("Episode {n}", n=episode.number)
        if episode.recap_status == RecapStatus.PARTIAL:
            name += " \N{MIDDLE DOT} " + tr("thin sources")
        if not episode.points:
            value = tr(
                "No recap: no reliable source describes this episode, so I say nothing about what happens in it."
            )
        else:
            more = tr("*More in `/recap episode:{n}`.*", n=episode.number) if episode.left_out else ""
            lines = [_point(tr, p) for p in episode.points]
            value = join_clipped(lines, EMBED_FIELD_LIMIT - len(more) - 1, tr)
            value = f"{value}\n{more}" if more else value
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(
        text=tr("From the show pack's recaps only. Nothing after the last episode named here is included.")
    )
    return embed


def gate_embed(tr: Texts, plan: CatchupPlan) -> discord.Embed:
    assert plan.digest is not None
    found = plan.digest
    span = tr.episodes(found.first, found.last)
    if plan.horizon:
        watched = tr("You've watched up to episode {n}", n=plan.horizon)
    else:
        watched = tr("You haven't marked any episode as watched")
    if plan.line == plan.end:
        target = tr("the server's spoiler line is at episode {n}", n=plan.end)
    else:
        target = tr("you asked to catch up to episode {n}", n=plan.end)
    embed = discord.Embed(title=tr("Catch-up: {episodes}", episodes=span), colour=discord.Colour.dark_grey())
    embed.description = tr(
        "{watched}, and {target}. This digest tells what happens in {episodes} ({reading}), so it spoils them.",
        watched=watched,
        target=target,
        episodes=span,
        reading=_reading(tr, found.minutes),
    )
    embed.description += "\n" + tr("Press the button to see it here, privately.")
    return embed


class ShowCatchup(SafeButton, template=r"runon:catchup:show:(?P<user>\d{1,21}):(?P<first>\d{1,2}):(?P<last>\d{1,2})"):
    refusal = OWNERS_ONLY

    def __init__(self, user_id: int, first: int, last: int, tr: Texts | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=tr("Show the catch-up") if tr else "show",
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
        tr = member_texts(interaction)
        await interaction.response.edit_message(
            embed=digest_embed(tr, found), view=view_of(MarkWatched(interaction.user.id, self.last, tr))
        )


class MarkWatched(SafeButton, template=r"runon:catchup:mark:(?P<user>\d{1,21}):(?P<last>\d{1,2})"):
    refusal = OWNERS_ONLY

    def __init__(self, user_id: int, last: int, tr: Texts | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=tr("Mark as watched (up to episode {n})", n=last) if tr else "mark",
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
        tr = member_texts(interaction)
        if after == before:
            text = tr("You had already marked episode {n} as watched, so nothing changed.", n=before)
        else:
            text = "\N{WHITE HEAVY CHECK MARK} " + tr("Marked: you've watched up to episode {n}.", n=after)
        await interaction.response.edit_message(content=text, view=None)


def nothing_text(tr: Texts, plan: CatchupPlan) -> str:
    if plan.nothing is Nothing.NO_LINE_HERE:
        return tr(
            "Outside a server there is no spoiler line to catch up to: give `to:` (the last episode to cover), "
            "or run `/catchup` in your server."
        )
    if plan.nothing is Nothing.LINE_AT_ZERO:
        return tr(
            "This server's spoiler line is at episode 0 (nobody is assumed to have seen anything yet), so there's "
            "nothing to catch up to. Give `to:` to catch up to an episode of your choice."
        )
    if plan.line is not None and plan.end == plan.line:
        return tr(
            "You're already caught up: you've watched up to episode {horizon}, and the server's spoiler line "
            "is at episode {line}.",
            horizon=plan.horizon,
            line=plan.line,
        )
    return tr(
        "You're already caught up: you've watched up to episode {horizon}, so episode {end} is behind you.",
        horizon=plan.horizon,
        end=plan.end,
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
        tr = member_texts(interaction)
        if plan.digest is None:
            await send(interaction, content=nothing_text(tr, plan))
            return
        button = ShowCatchup(interaction.user.id, plan.digest.first, plan.digest.last, tr)
        await send(interaction, embed=gate_embed(tr, plan), view=view_of(button))


async def setup(bot: RunOnBot) -> None:
    bot.add_dynamic_items(ShowCatchup, MarkWatched)
    await bot.add_cog(Catchup(bot.services))
