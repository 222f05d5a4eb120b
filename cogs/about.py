"""/about: credits and OST."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.catalog import Catalog
from bot.client import RunOnBot
from bot.services import Services

from .common import BRAND, EMBED_FIELD_LIMIT, PUBLIC_DESCRIBE, Interaction, clip, join_clipped, send

SURE = {"multi": "", "single": " (one source)", "derived": " (derived)", "unsourced": " (unsourced)"}


def about_embed(catalog: Catalog) -> discord.Embed:
    show = catalog.show
    embed = discord.Embed(
        title=f"{show.title} ({show.title_korean})",
        description=f"{show.premise}\n\nJapanese Netflix title: {show.title_japanese}",
        colour=BRAND,
    )
    credits = []
    for c in show.credits:
        hangul = f" ({c.hangul})" if c.hangul else ""
        note = f" \N{EM DASH} {c.note}" if c.note else ""
        credits.append(f"**{c.role}:** {c.name}{hangul}{SURE[c.confidence]}{note}")
    embed.add_field(name="Credits", value=join_clipped(credits, EMBED_FIELD_LIMIT), inline=False)
    tracks = []
    for t in catalog.ost:
        released = f", released {t.released}" if t.released else ""
        note = f" \N{EM DASH} {t.note}" if t.note else ""
        tracks.append(
            (t.position, f"{t.position}. {t.artist} \N{EM DASH} {t.title}{released}{SURE[t.confidence]}{note}")
        )
    groups = _packed(tracks, EMBED_FIELD_LIMIT)
    for group in groups:  # every song, in as many fields as it takes
        span = f" ({group[0][0]}-{group[-1][0]} of {len(tracks)})" if len(groups) > 1 else ""
        embed.add_field(name=f"Soundtrack{span}", value="\n".join(line for _, line in group), inline=False)
    if show.genres:
        embed.add_field(name="Genres", value=", ".join(show.genres), inline=False)
    embed.set_footer(text="Facts come from a sourced fact sheet; uncertain items are marked.")
    return embed


def _packed(lines: list[tuple[int, str]], limit: int) -> list[list[tuple[int, str]]]:
    """Consecutive lines grouped so that each group's text fits in ``limit`` characters (no line is cut)."""
    groups: list[list[tuple[int, str]]] = []
    size = limit + 1
    for position, line in lines:
        line = clip(line, limit)
        if size + 1 + len(line) > limit:
            groups.append([])
            size = -1
        groups[-1].append((position, line))
        size += 1 + len(line)
    return groups


class About(commands.Cog):
    def __init__(self, services: Services) -> None:
        self.services = services

    @app_commands.command(name="about", description="Credits and soundtrack of Run On")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.describe(public=PUBLIC_DESCRIBE)
    async def about(self, interaction: Interaction, public: bool = False) -> None:
        await send(interaction, public=public, embed=about_embed(self.services.catalog))


async def setup(bot: RunOnBot) -> None:
    await bot.add_cog(About(bot.services))
