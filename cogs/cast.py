"""/cast lookup and /cast list."""

from __future__ import annotations

import re
from collections import Counter

import discord
from discord import app_commands
from discord.ext import commands

from bot.catalog import Person
from bot.client import RunOnBot
from bot.services import Services, spoilers

from .common import (
    BRAND,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_LIMIT,
    PUBLIC_DESCRIBE,
    Interaction,
    SafeButton,
    clip,
    join_clipped,
    public_line,
    send,
    services_of,
    view_of,
)

BILLING = {"main": "Main cast", "supporting": "Supporting cast", "cameo": "Cameo"}


def _hangul(text: str, verified: bool) -> str:
    if not text:
        return ""
    return f" ({text})" if verified else f" ({text}, Hangul unverified)"


def card(person: Person, line: int, *, withhold: bool = False) -> discord.Embed:
    """The cast card for a reader whose safe line is ``line``.

    Who plays whom, the Hangul names and the description (what the sheet says from episode 1 on) are always
    shown: they are not spoilers. Story notes up to ``line`` are plain. Later ones are, with ``withhold`` (a
    member's private card), replaced by a locked line naming their episode; otherwise (a revealed or public
    card) wrapped in spoiler tags under a "Spoilers: episode N" label.
    """
    embed = discord.Embed(
        title=f"{person.character}{_hangul(person.character_hangul, person.character_hangul_verified)}",
        colour=BRAND,
    )
    actor = person.actor or "Actor not identified in our sources"
    embed.add_field(name="Played by", value=actor + _hangul(person.actor_hangul, person.actor_hangul_verified))
    embed.add_field(name="Role", value=BILLING[person.billing])
    about = clip(person.description.text, EMBED_FIELD_LIMIT)
    if withhold:
        split = spoilers.split(person.arcs, line)
        notes = spoilers.render(split.shown, line)
        hidden = Counter(arc.reveals for arc in split.withheld)
        notes += [_locked(episode, count) for episode, count in sorted(hidden.items())]
    else:
        notes = spoilers.render(person.arcs, line)
    lines = [about, "", "**Story notes**", *notes] if notes else [about]
    embed.description = join_clipped(lines, EMBED_DESCRIPTION_LIMIT)
    if withhold and any(arc.reveals > line for arc in person.arcs):
        watched = f"You've watched up to episode {line}" if line else "You haven't marked any episode as watched"
        embed.add_field(
            name="Hidden",
            value=f"{watched}, so later story notes are locked. The button shows them behind spoiler tags; "
            "`/progress set` unlocks them for good.",
            inline=False,
        )
    aliases = ", ".join((*person.character_aliases[:6], *person.actor_aliases[:4]))
    if aliases:
        embed.set_footer(text=clip(f"Also written: {aliases}", 300))
    return embed


def _locked(episode: int, count: int) -> str:
    notes = "a story note" if count == 1 else f"{count} story notes"
    return f"\N{LOCK} Episode {episode}: {notes} (hidden)"


class RevealCast(SafeButton, template=r"runon:cast:(?P<key>[a-z0-9-]{1,60}):reveal"):
    def __init__(self, key: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Show hidden notes (spoiler-tagged)",
                style=discord.ButtonStyle.danger,
                custom_id=f"runon:cast:{key}:reveal",
            )
        )
        self.key = key

    @classmethod
    def from_match(cls, match: re.Match[str]) -> RevealCast:
        return cls(match["key"])

    async def handle(self, interaction: Interaction) -> None:
        services = services_of(interaction)
        person = services.catalog.person(self.key)
        horizon = await services.progress.horizon(interaction.user.id)
        await interaction.response.send_message(embed=card(person, horizon), ephemeral=True)


class ShareCast(SafeButton, template=r"runon:share:cast:(?P<key>[a-z0-9-]{1,60})"):
    """Post the card in the channel for everyone, tagged against the server's spoiler line."""

    def __init__(self, key: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Share here", style=discord.ButtonStyle.secondary, custom_id=f"runon:share:cast:{key}"
            )
        )
        self.key = key

    @classmethod
    def from_match(cls, match: re.Match[str]) -> ShareCast:
        return cls(match["key"])

    async def handle(self, interaction: Interaction) -> None:
        person = services_of(interaction).catalog.person(self.key)
        embed = card(person, await public_line(interaction))
        await interaction.response.send_message(content=f"Shared by {interaction.user.mention}", embed=embed)


@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
class Cast(commands.GroupCog, group_name="cast", group_description="Run On cast and characters"):
    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    @app_commands.command(name="lookup", description="An actor or character: any spelling, Hangul or nickname")
    @app_commands.describe(name="Actor or character, e.g. Im Siwan, Seon-gyeom, 오미주, Dana", public=PUBLIC_DESCRIBE)
    async def lookup(
        self, interaction: Interaction, name: app_commands.Range[str, 1, 100], public: bool = False
    ) -> None:
        person = self.services.cast.resolve(name)
        if public:
            await send(interaction, public=True, embed=card(person, await public_line(interaction)))
            return
        horizon = await self.services.progress.horizon(interaction.user.id)
        share = ShareCast(person.key)
        if any(arc.reveals > horizon for arc in person.arcs):
            embed = card(person, horizon, withhold=True)
            await send(interaction, embed=embed, view=view_of(RevealCast(person.key), share))
        else:
            await send(interaction, embed=card(person, horizon), view=view_of(share))

    @lookup.autocomplete("name")
    async def lookup_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=clip(self._choice_name(m.person, m.matched), 100), value=m.person.key)
            for m in self.services.cast.search(current, limit=25)
        ]

    @staticmethod
    def _choice_name(person: Person, matched: str) -> str:
        actor = person.actor or "actor unknown"
        base = f"{person.character} \N{EM DASH} {actor}"
        if matched not in (person.character, person.actor):
            base += f" (matched {matched})"
        return base

    @app_commands.command(name="list", description="Everyone in the cast, main and supporting")
    @app_commands.describe(public=PUBLIC_DESCRIBE)
    async def list_(self, interaction: Interaction, public: bool = False) -> None:
        embed = discord.Embed(title=f"{self.services.catalog.show.title} cast", colour=BRAND)
        for billing, heading in BILLING.items():
            lines = [
                f"**{p.character}** \N{EM DASH} {p.actor or 'actor not identified'}"
                for p in self.services.catalog.people
                if p.billing == billing
            ]
            if lines:
                embed.add_field(name=heading, value=join_clipped(lines, EMBED_FIELD_LIMIT), inline=False)
        embed.set_footer(text="Look anyone up with /cast lookup")
        await send(interaction, public=public, embed=embed)


async def setup(bot: RunOnBot) -> None:
    bot.add_dynamic_items(RevealCast, ShareCast)
    await bot.add_cog(Cast(bot.services))
