"""/about: credits and OST."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Services
from bot.catalog import Catalog, Confidence
from bot.client import RunOnBot

from .common import (
    BRAND,
    EMBED_FIELD_LIMIT,
    PUBLIC_DESCRIBE,
    Interaction,
    Kept,
    Texts,
    answer_texts,
    clip,
    join_clipped,
    send,
)


def sure(tr: Texts, confidence: Confidence) -> str:
    """How sure a credit or a track is, when not several sources agree."""
    if confidence == Confidence.SINGLE:
        return tr(" (one source)")
    if confidence == Confidence.DERIVED:
        return tr(" (derived)")
    if confidence == Confidence.UNSOURCED:
        return tr(" (unsourced)")
    return ""


def about_embed(tr: Texts, catalog: Catalog) -> discord.Embed:
    show = catalog.show
    title = tr.names(show.title, show.title_korean)
    embed = discord.Embed(
        title=title,
        description=tr.pack(show.premise) + "\n\n" + tr("Japanese Netflix title: {title}", title=show.title_japanese),
        colour=BRAND,
    )
    credits = []
    for c in show.credits:
        name = tr.names(c.name, c.hangul)
        note = f" \N{EM DASH} {tr.pack(c.note)}" if c.note else ""
        credits.append(f"**{tr.pack(c.role)}:** {name}{sure(tr, c.confidence)}{note}")
    embed.add_field(name=tr("Credits"), value=join_clipped(credits, EMBED_FIELD_LIMIT, tr), inline=False)
    tracks = []
    for t in catalog.ost:
        released = tr(", released {date}", date=t.released) if t.released else ""
        note = f" \N{EM DASH} {tr.pack(t.note)}" if t.note else ""
        line = (
            f"{t.position}. {tr.pack(t.artist)} \N{EM DASH} {tr.pack(t.title)}{released}{sure(tr, t.confidence)}{note}"
        )
        tracks.append((t.position, line))
    groups = _packed(tracks, EMBED_FIELD_LIMIT)
    for group in groups:  # every song, in as many fields as it takes
        if len(groups) > 1 and len(group) == 1:
            name = tr("Soundtrack ({position} of {count})", position=group[0][0], count=len(tracks))
        elif len(groups) > 1:
            name = tr("Soundtrack ({first}-{last} of {count})", first=group[0][0], last=group[-1][0], count=len(tracks))
        else:
            name = tr("Soundtrack")
        embed.add_field(name=name, value="\n".join(line for _, line in group), inline=False)
    if show.genres:
        embed.add_field(name=tr("Genres"), value=", ".join(tr.pack(g) for g in show.genres), inline=False)
    embed.set_footer(text=tr("Facts come from a sourced fact sheet; uncertain items are marked."))
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
        # The card depends on the language alone (the show pack does not change while the bot runs): made once per
        # language's texts, then sent as it is (sending an embed does not change it).
        self._cards: Kept[discord.Embed] = Kept()

    def card(self, tr: Texts) -> discord.Embed:
        return self._cards.get((tr,), (), lambda: about_embed(tr, self.services.catalog))

    @app_commands.command(name="about", description="Credits and soundtrack of Run On")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.describe(public=PUBLIC_DESCRIBE)
    async def about(self, interaction: Interaction, public: bool = False) -> None:
        tr = await answer_texts(interaction, public=public)
        await send(interaction, public=public, embed=self.card(tr))


async def setup(bot: RunOnBot) -> None:
    await bot.add_cog(About(bot.services))
