"""/episode info, /episode list and /recap."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Services
from bot.catalog import Catalog, Confidence, Episode, RecapStatus
from bot.client import RunOnBot
from bot.services import spoilers

from .common import (
    BRAND,
    PUBLIC_DESCRIBE,
    EpisodeOption,
    Interaction,
    SafeButton,
    Texts,
    answer_texts,
    gate_message,
    member_texts,
    public_line,
    send,
    services_of,
    texts_for,
    ts,
    view_of,
    watched_text,
)
from .layouts import Layout, blur_runs, room_for_runs, split_lines

PAGE_SIZE = 8


def show_title(tr: Texts, catalog: Catalog) -> str:
    """``Run On``; for Korean readers ``런 온 (Run On)``."""
    return catalog.show.title_for(tr)


def _air_line(tr: Texts, catalog: Catalog, episode: Episode) -> str:
    line = tr("{when} on {network}", when=ts(episode.airs_at, "F"), network=catalog.show.network)
    if episode.date_is_derived:
        line += "\n" + tr("*Date worked out from the Wednesday/Thursday pattern, not read in a source.*")
    return line


def _rating_line(tr: Texts, episode: Episode) -> str:
    parts = []
    if episode.rating:
        r = episode.rating
        single = tr(" (one source)") if r.confidence == Confidence.SINGLE else ""
        parts.append(f"{r.percent:g}% {tr.pack(r.scope)}, {tr.pack(r.source)}{single}")
    if episode.rating_note:
        parts.append(tr.pack(episode.rating_note))
    return "\n".join(parts) or tr("No nationwide figure was found.")


def info_embed(tr: Texts, catalog: Catalog, episode: Episode) -> discord.Embed:
    """Episode facts. Spoiler-free: the logline reveals nothing beyond the premise."""
    title = tr("{show} \N{EM DASH} Episode {n}", show=show_title(tr, catalog), n=episode.number)
    embed = discord.Embed(title=title, colour=BRAND)
    embed.description = tr.pack(episode.logline)
    embed.add_field(name=tr("Aired"), value=_air_line(tr, catalog, episode), inline=False)
    embed.add_field(name=tr("Rating"), value=_rating_line(tr, episode), inline=False)
    if episode.recap_status == RecapStatus.FULL:
        recap = tr("Available: `/recap episode:{n}`", n=episode.number)
    elif episode.recap_status == RecapStatus.PARTIAL:
        recap = tr("Partial (thin sources): `/recap episode:{n}`", n=episode.number)
    else:
        recap = tr("No sourced recap yet.")
    embed.add_field(name=tr("Recap"), value=recap, inline=False)
    embed.set_footer(text=tr("Streaming on {service}", service=tr.pack(catalog.show.streaming)))
    return embed


def recap_layout(
    tr: Texts,
    catalog: Catalog,
    episode: Episode,
    line: int,
    *,
    top: str = "",
    buttons: tuple[discord.ui.Item[Any], ...] = (),
) -> discord.ui.LayoutView:
    """The recap for a reader whose safe line is ``line``: a card with what is safe, then what lies beyond the line
    in a blurred container under "Spoilers: episode N" (outside the blur); ``top`` is a line above it all."""
    layout = Layout().text(top)
    plain, runs = split_lines(episode.recap, line, tr)
    parts = ["## " + tr("Episode {n} recap", n=episode.number)]
    if episode.recap_note:
        parts.append(f"*{tr.pack(episode.recap_note)}*")
    if plain:
        parts.append("\n".join(plain))
    elif not episode.recap and episode.recap_status == RecapStatus.NONE:
        parts.append(tr("No recap yet: no reliable source describes this episode, so the bot says nothing about it."))
    layout.card(*parts)
    aired = episode.airs_at.astimezone(catalog.show.timezone).date()
    reserved = 2 + 1 + len(buttons)  # the footer, the row of buttons
    layout.runs(tr, blur_runs(tr, runs, room_for_runs(layout, reserved)))
    layout.footer(tr("Aired {date} (KST)", date=aired.isoformat()))
    return layout.buttons(*buttons).done()


def gate_embed(tr: Texts, title: str, latest: int, horizon: int) -> discord.Embed:
    embed = discord.Embed(title=title, colour=discord.Colour.dark_grey())
    embed.description = f"{gate_message(tr, latest, horizon)}\n" + tr(
        "Press the button to see it here, blurred until you click it, or mark your progress with `/progress set`."
    )
    return embed


class RevealRecap(SafeButton, template=r"runon:recap:(?P<episode>\d{1,2}):reveal"):
    def __init__(self, episode: int, tr: Texts | None = None) -> None:
        label = tr("Show episode {n} anyway", n=episode) if tr else str(episode)
        super().__init__(
            discord.ui.Button(label=label, style=discord.ButtonStyle.danger, custom_id=f"runon:recap:{episode}:reveal")
        )
        self.episode = episode

    @classmethod
    def from_match(cls, match: re.Match[str]) -> RevealRecap:
        return cls(int(match["episode"]))

    async def handle(self, interaction: Interaction) -> None:
        services = services_of(interaction)
        episode = services.catalog.episode(self.episode)
        horizon = await services.progress.horizon(interaction.user.id)
        view = recap_layout(member_texts(interaction), services.catalog, episode, horizon)
        await interaction.response.send_message(view=view, ephemeral=True)


class ShareRecap(SafeButton, template=r"runon:share:recap:(?P<episode>\d{1,2})"):
    """Post the recap in the channel for everyone, tagged against the server's spoiler line, in its language."""

    def __init__(self, episode: int, tr: Texts | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=tr("Share here") if tr else "share",
                style=discord.ButtonStyle.secondary,
                custom_id=f"runon:share:recap:{episode}",
            )
        )
        self.episode = episode

    @classmethod
    def from_match(cls, match: re.Match[str]) -> ShareRecap:
        return cls(int(match["episode"]))

    async def handle(self, interaction: Interaction) -> None:
        catalog = services_of(interaction).catalog
        tr = await texts_for(interaction, public=True)
        shared = tr("Shared by {member}", member=interaction.user.mention)
        view = recap_layout(tr, catalog, catalog.episode(self.episode), await public_line(interaction), top=shared)
        await interaction.response.send_message(view=view)


class EpisodePage(SafeButton, template=r"runon:episodes:page:(?P<page>\d+)(?::(?P<tag>[a-z]+))?"):
    def __init__(self, page: int, label: str, *, disabled: bool = False, tag: str = "") -> None:
        custom_id = f"runon:episodes:page:{page}" + (f":{tag}" if tag else "")
        super().__init__(discord.ui.Button(label=label, custom_id=custom_id, disabled=disabled))
        self.page = page

    @classmethod
    def from_match(cls, match: re.Match[str]) -> EpisodePage:
        return cls(int(match["page"]), "")

    async def handle(self, interaction: Interaction) -> None:
        tr = member_texts(interaction)
        embed, view = await episode_page(tr, services_of(interaction), interaction.user.id, self.page)
        await interaction.response.edit_message(embed=embed, view=view)


async def episode_page(tr: Texts, services: Services, user_id: int, page: int) -> tuple[discord.Embed, discord.ui.View]:
    catalog = services.catalog
    pages = max(1, -(-catalog.episode_count // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    horizon = await services.progress.horizon(user_id)
    lines = []
    for episode in catalog.episodes[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        if episode.number <= horizon:
            mark = "\N{WHITE HEAVY CHECK MARK}"
        elif episode.number == horizon + 1:
            mark = "\N{BLACK RIGHT-POINTING TRIANGLE}\N{VARIATION SELECTOR-16}"
        else:
            mark = "\N{WHITE LARGE SQUARE}"
        lines.append(
            f"{mark} **{episode.number}** \N{MIDDLE DOT} {ts(episode.airs_at, 'D')} \N{EM DASH} "
            f"{tr.pack(episode.logline)}"
        )
    title = tr("{show} episodes", show=show_title(tr, catalog))
    embed = discord.Embed(title=title, colour=BRAND, description="\n".join(lines))
    embed.set_footer(
        text=tr("Page {page}/{pages}", page=page + 1, pages=pages) + f" \N{MIDDLE DOT} {watched_text(tr, horizon)}"
    )
    view = view_of(
        EpisodePage(max(page - 1, 0), tr("\N{LEFTWARDS ARROW} Previous"), disabled=page == 0, tag="prev"),
        EpisodePage(page + 1, tr("Next \N{RIGHTWARDS ARROW}"), disabled=page >= pages - 1, tag="next"),
    )
    return embed, view


class Episodes(commands.Cog):
    # Catalogue commands work in DMs too, with the member's own progress (public answers there use line 0).
    episode = app_commands.Group(
        name="episode",
        description="Run On episode guide",
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=False),
    )

    def __init__(self, services: Services) -> None:
        self.services = services

    @episode.command(name="info", description="Air date, rating and a spoiler-free logline for one episode")
    @app_commands.describe(episode="Episode number, 1-16", public=PUBLIC_DESCRIBE)
    async def info(self, interaction: Interaction, episode: EpisodeOption, public: bool = False) -> None:
        tr = await answer_texts(interaction, public=public)
        await send(
            interaction,
            public=public,
            embed=info_embed(tr, self.services.catalog, self.services.catalog.episode(episode)),
        )

    @episode.command(name="list", description="Every episode with its air date; marks what you've watched")
    async def list_(self, interaction: Interaction) -> None:
        embed, view = await episode_page(member_texts(interaction), self.services, interaction.user.id, 0)
        await send(interaction, embed=embed, view=view)

    @app_commands.command(name="recap", description="What happens in an episode (spoiler-safe)")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.describe(episode="Episode number, 1-16", public=PUBLIC_DESCRIBE)
    async def recap(self, interaction: Interaction, episode: EpisodeOption, public: bool = False) -> None:
        catalog = self.services.catalog
        ep = catalog.episode(episode)
        tr = await answer_texts(interaction, public=public)
        if public:
            await send(interaction, public=True, view=recap_layout(tr, catalog, ep, await public_line(interaction)))
            return
        horizon = await self.services.progress.horizon(interaction.user.id)
        withheld = spoilers.split(ep.recap, horizon).withheld
        share = ShareRecap(ep.number, tr)
        if not withheld:
            await send(interaction, view=recap_layout(tr, catalog, ep, horizon, buttons=(share,)))
            return
        title = tr("Episode {n} recap", n=ep.number)
        embed = gate_embed(tr, title, max(i.reveals for i in withheld), horizon)
        await send(interaction, embed=embed, view=view_of(RevealRecap(ep.number, tr), share))


async def setup(bot: RunOnBot) -> None:
    bot.add_dynamic_items(RevealRecap, ShareRecap, EpisodePage)
    await bot.add_cog(Episodes(bot.services))
