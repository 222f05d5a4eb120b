"""/cast lookup and /cast list."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands
from msgspec import Struct

from bot.app import Services
from bot.catalog import Person
from bot.client import RunOnBot
from bot.locale import msg

from .common import (
    BRAND,
    EMBED_FIELD_LIMIT,
    PUBLIC_DESCRIBE,
    Interaction,
    Kept,
    SafeButton,
    Texts,
    actor,
    answer_texts,
    character,
    clip,
    join_clipped,
    member_texts,
    public_line,
    send,
    services_of,
    texts_for,
)
from .layouts import MAX_COMPONENTS, Layout, Run, blur_runs, split_lines

BILLING = {
    "main": msg("Main cast"),
    "supporting": msg("Supporting cast"),
    "cameo": msg("Cameo"),
}


def _name(tr: Texts, latin: str, hangul: str, verified: bool) -> str:
    """A name as the card shows it: Hangul first for Korean readers when verified (기선겸 (Ki Seon-gyeom)); an
    unverified Hangul spelling is marked so, after the romanization."""
    if not hangul:
        return latin
    if verified:
        return tr.names(latin, hangul)
    return tr("{name} ({hangul}, Hangul unverified)", name=latin, hangul=hangul)


class Card(Struct, frozen=True):
    """A cast card's words for one reader: the safe part, the blurred runs beyond the reader's line, the footer."""

    head: tuple[str, ...]
    runs: tuple[Run, ...]
    footer: str


#: Cards made, by texts, person, line and withholding (a card depends on nothing else): the same few are asked for
#: again and again, and making one is most of the bot's own work in /cast lookup. Used as they are, never changed.
_CARDS: Kept[Card] = Kept()
#: The private answers of ``/cast lookup``, whole (see :func:`private_card`).
_PRIVATE: Kept[discord.ui.LayoutView] = Kept()
#: Components a card keeps free for its own texts and buttons: a "Shared by" line, the footer, a row of two buttons.
CARD_RESERVED = 1 + 2 + 1 + 3


def card(
    tr: Texts,
    person: Person,
    line: int,
    *,
    withhold: bool = False,
    top: str = "",
    buttons: tuple[discord.ui.Item[Any], ...] = (),
) -> discord.ui.LayoutView:
    """The cast card for a reader whose safe line is ``line`` (see :func:`make_card`), as a layout: ``top`` is a line
    above it, ``buttons`` a row under it."""
    made = _CARDS.get((tr, person), (line, withhold), lambda: make_card(tr, person, line, withhold=withhold))
    return Layout().text(top).card(*made.head).runs(tr, made.runs).footer(made.footer).buttons(*buttons).done()


def private_card(tr: Texts, person: Person, line: int) -> discord.ui.LayoutView:
    """A member's own ``/cast lookup`` answer: the card with what lies past ``line`` withheld, a button that shows it
    blurred, and one that shares the card. It depends on the language, the person and the line alone, so it is made
    once and sent as it is: both buttons are persistent, so the view is finished at once (``Layout.done``) and
    sending it does not change it."""

    def make() -> discord.ui.LayoutView:
        share = ShareCast(person.key, tr)
        if any(arc.reveals > line for arc in person.arcs):
            buttons: tuple[discord.ui.Item[Any], ...] = (RevealCast(person.key, tr), share)
            return card(tr, person, line, withhold=True, buttons=buttons)
        return card(tr, person, line, buttons=(share,))

    return _PRIVATE.get((tr, person), (line,), make)


def make_card(tr: Texts, person: Person, line: int, *, withhold: bool = False) -> Card:
    """The cast card for a reader whose safe line is ``line``.

    Who plays whom, the Hangul names and the description (what the sheet says from episode 1 on) are always
    shown: they are not spoilers. Story notes up to ``line`` are plain. Later ones are, with ``withhold`` (a
    member's private card), replaced by a locked line naming their episode; otherwise (a revealed or public
    card) each episode's notes are blurred (a spoiler container) under a "Spoilers: episode N" label.
    """
    title = _name(tr, person.character, person.character_hangul, person.character_hangul_verified)
    if person.actor:
        played = _name(tr, person.actor, person.actor_hangul, person.actor_hangul_verified)
    else:
        played = tr("Actor not identified in our sources")
    played_by, role = tr("Played by"), tr("Role")
    facts = f"**{played_by}**: {played}\n**{role}**: {tr.render(BILLING[person.billing])}"
    about = clip(tr.pack(person.description.text), EMBED_FIELD_LIMIT)
    plain, runs = split_lines(person.arcs, line, tr)
    hidden: Counter[int] = Counter()
    if withhold:
        hidden = Counter(arc.reveals for arc in person.arcs if arc.reveals > line)
        plain += [_locked(tr, episode, count) for episode, count in sorted(hidden.items())]
        runs = []
    heading = tr("Story notes")
    head = [f"## {title}", facts, about]
    if plain or runs:
        head.append(f"**{heading}**" + ("\n" + "\n".join(plain) if plain else ""))
    if hidden:
        if line:
            hidden_text = tr(
                "You've watched up to episode {n}, so later story notes are locked. The button shows them "
                "blurred; `/progress set` unlocks them for good.",
                n=line,
            )
        else:
            hidden_text = tr(
                "You haven't marked any episode as watched, so later story notes are locked. The button shows them "
                "blurred; `/progress set` unlocks them for good."
            )
        hidden_heading = tr("Hidden")
        head.append(f"**{hidden_heading}**\n{hidden_text}")
    aliases = ", ".join((*person.character_aliases[:6], *person.actor_aliases[:4]))
    footer = clip(tr("Also written: {names}", names=aliases), 300) if aliases else ""
    room = (MAX_COMPONENTS - CARD_RESERVED - 2) // 3  # the card's container and text come first
    return Card(tuple(head), tuple(blur_runs(tr, runs, room)), footer)


def _locked(tr: Texts, episode: int, count: int) -> str:
    notes = tr.plural("a story note", "{count} story notes", count, count=count)
    return "\N{LOCK} " + tr("Episode {n}: {notes} (hidden)", n=episode, notes=notes)


class RevealCast(SafeButton, template=r"runon:cast:(?P<key>[a-z0-9-]{1,60}):reveal"):
    def __init__(self, key: str, tr: Texts | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=tr("Show hidden notes (blurred)") if tr else "show",
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
        await interaction.response.send_message(view=card(member_texts(interaction), person, horizon), ephemeral=True)


class ShareCast(SafeButton, template=r"runon:share:cast:(?P<key>[a-z0-9-]{1,60})"):
    """Post the card in the channel for everyone, tagged against the server's spoiler line, in its language."""

    def __init__(self, key: str, tr: Texts | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=tr("Share here") if tr else "share",
                style=discord.ButtonStyle.secondary,
                custom_id=f"runon:share:cast:{key}",
            )
        )
        self.key = key

    @classmethod
    def from_match(cls, match: re.Match[str]) -> ShareCast:
        return cls(match["key"])

    async def handle(self, interaction: Interaction) -> None:
        person = services_of(interaction).catalog.person(self.key)
        tr = await texts_for(interaction, public=True)
        shared = tr("Shared by {member}", member=interaction.user.mention)
        await interaction.response.send_message(view=card(tr, person, await public_line(interaction), top=shared))


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
        tr = await answer_texts(interaction, public=public)
        if public:
            await send(interaction, public=True, view=card(tr, person, await public_line(interaction)))
            return
        horizon = await self.services.progress.horizon(interaction.user.id)
        await send(interaction, view=private_card(tr, person, horizon))

    @lookup.autocomplete("name")
    async def lookup_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        tr = member_texts(interaction)
        return [
            app_commands.Choice(name=clip(self._choice_name(tr, m.person, m.matched), 100), value=m.person.key)
            for m in self.services.cast.search(current, limit=25)
        ]

    @staticmethod
    def _choice_name(tr: Texts, person: Person, matched: str) -> str:
        played = actor(tr, person) or tr("actor unknown")
        base = f"{character(tr, person)} \N{EM DASH} {played}"
        shown = (
            person.character,
            person.actor,
            person.character_hangul if tr.native_first else "",
            person.actor_hangul if tr.native_first else "",
        )
        if matched not in shown:
            base += " " + tr("(matched {name})", name=matched)
        return base

    @app_commands.command(name="list", description="Everyone in the cast, main and supporting")
    @app_commands.describe(public=PUBLIC_DESCRIBE)
    async def list_(self, interaction: Interaction, public: bool = False) -> None:
        tr = await answer_texts(interaction, public=public)
        show = self.services.catalog.show
        title = show.title_for(tr)
        embed = discord.Embed(title=tr("{show} cast", show=title), colour=BRAND)
        for billing, heading in BILLING.items():
            unknown = tr("actor not identified")
            lines = [
                f"**{character(tr, p)}** \N{EM DASH} {actor(tr, p) or unknown}"
                for p in self.services.catalog.people
                if p.billing == billing
            ]
            if lines:
                embed.add_field(name=tr.render(heading), value=join_clipped(lines, EMBED_FIELD_LIMIT, tr), inline=False)
        embed.set_footer(text=tr("Look anyone up with /cast lookup"))
        await send(interaction, public=public, embed=embed)


async def setup(bot: RunOnBot) -> None:
    bot.add_dynamic_items(RevealCast, ShareCast)
    await bot.add_cog(Cast(bot.services))
