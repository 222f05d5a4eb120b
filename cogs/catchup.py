"""/catchup: a private digest of the episodes between a member's progress and where the server is."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Services
from bot.catalog import RecapStatus
from bot.client import RunOnBot
from bot.locale import msg
from bot.services.catchup import CatchupPlan, Digest, DigestEpisode, Nothing, digest

from .common import (
    EpisodeOption,
    Interaction,
    OutOfDate,
    SafeButton,
    Texts,
    member_texts,
    send,
    services_of,
    spoiler_label,
    view_of,
)
from .layouts import MAX_COMPONENTS, MAX_TEXT, Layout, item_text

OWNERS_ONLY = msg("This catch-up belongs to someone else's answer. Run `/catchup` yourself.")


def _reading(tr: Texts, minutes: int) -> str:
    return tr.plural("about {n} minute's read", "about {n} minutes' read", minutes, n=minutes)


def _block(tr: Texts, episode: DigestEpisode) -> tuple[str, str, str]:
    """One episode of the digest: the label shown outside the blur, what follows it there, and what the blur holds
    ("" when the episode has no recap: then there is nothing to hide, and the label says so)."""
    if not episode.points:
        name = tr("Episode {n}", n=episode.number)
        return (
            f"**{name}**\n"
            + tr("No recap: no reliable source describes this episode, so I say nothing about what happens in it."),
            "",
            "",
        )
    aside = tr("thin sources") if episode.recap_status == RecapStatus.PARTIAL else ""
    lines = [f"\N{BULLET} {item_text(tr, p)}" for p in episode.points]
    if episode.left_out:
        lines.append(tr("*More in `/recap episode:{n}`.*", n=episode.number))
    return spoiler_label(tr, episode.number), aside, "\n".join(lines)


#: Components a digest page keeps for itself: its card (a container and its text), the footer, a row of three buttons.
PAGE_RESERVED = 2 + 1 + 4
#: Characters a page keeps for its card and footer (the rest is for the episodes).
PAGE_TEXT_RESERVED = 900


def digest_pages(tr: Texts, found: Digest) -> list[list[tuple[str, str, str]]]:
    """The digest's episodes in pages that each fit one message (Discord's 40 components and 4,000 characters):
    whole episodes, in order, never cut."""
    pages: list[list[tuple[str, str, str]]] = [[]]
    components = characters = 0
    for episode in found.episodes:
        block = _block(tr, episode)
        size = 3 if block[2] else 1
        length = sum(map(len, block)) + 7  # the bold label and the dot before its aside
        if pages[-1] and (
            components + size > MAX_COMPONENTS - PAGE_RESERVED or characters + length > MAX_TEXT - PAGE_TEXT_RESERVED
        ):
            pages.append([])
            components = characters = 0
        pages[-1].append(block)
        components += size
        characters += length
    return pages


def digest_layout(tr: Texts, found: Digest, user_id: int, page: int = 0) -> discord.ui.LayoutView:
    """One page of the digest: each episode's highlights blurred (a spoiler container) under a "Spoilers: episode N"
    label outside the blur; Previous/Next when it takes more than one page, and "Mark as watched"."""
    pages = digest_pages(tr, found)
    page = min(max(page, 0), len(pages) - 1)
    span = tr.episodes(found.first, found.last)
    intro = tr(
        "The highlights of {episodes}, {reading}. Each episode is blurred: click it to read it.",
        episodes=span,
        reading=_reading(tr, found.minutes),
    )
    layout = Layout().card("## " + tr("Catch-up: {episodes}", episodes=span), intro)
    for label, aside, body in pages[page]:
        if body:  # the label outside the blur, the points inside
            layout.blurred(label, body, aside=aside)
        else:
            layout.text(label)
    footer = tr("From the show pack's recaps only. Nothing after the last episode named here is included.")
    if len(pages) > 1:
        footer = tr("Page {page}/{pages}", page=page + 1, pages=len(pages)) + " \N{MIDDLE DOT} " + footer
    layout.footer(footer)
    buttons: list[discord.ui.Item[Any]] = []
    if len(pages) > 1:
        buttons += [
            DigestPage(user_id, found.first, found.last, page - 1, "prev", tr, disabled=page == 0),
            DigestPage(user_id, found.first, found.last, page + 1, "next", tr, disabled=page >= len(pages) - 1),
        ]
    buttons.append(MarkWatched(user_id, found.last, tr))
    return layout.buttons(*buttons).done()


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
        view = digest_layout(member_texts(interaction), found, interaction.user.id)
        # The gate was an embed. Upgrading a message to a layout, Discord wants its content and embeds cleared in the
        # same edit (it refuses them next to layout components).
        await interaction.response.edit_message(content=None, embed=None, view=view)


class DigestPage(
    SafeButton,
    template=r"runon:catchup:page:(?P<user>\d{1,21}):(?P<first>\d{1,2}):(?P<last>\d{1,2}):(?P<page>\d{1,2}):(?P<tag>[a-z]+)",
):
    """Previous / Next through a digest of several pages. Only its member may page it: the digest is their private
    answer (another member runs `/catchup` for their own)."""

    refusal = OWNERS_ONLY

    def __init__(
        self,
        user_id: int,
        first: int,
        last: int,
        page: int,
        tag: str,
        tr: Texts | None = None,
        *,
        disabled: bool = False,
    ) -> None:
        if tr is None:
            label = tag
        elif tag == "prev":
            label = tr("\N{LEFTWARDS ARROW} Previous")
        else:
            label = tr("Next \N{RIGHTWARDS ARROW}")
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"runon:catchup:page:{user_id}:{first}:{last}:{max(page, 0)}:{tag}",
                disabled=disabled,
            )
        )
        self.owner_id = user_id
        self.first, self.last, self.page = first, last, max(page, 0)

    @classmethod
    def from_match(cls, match: re.Match[str]) -> DigestPage:
        return cls(int(match["user"]), int(match["first"]), int(match["last"]), int(match["page"]), match["tag"])

    async def handle(self, interaction: Interaction) -> None:
        services = services_of(interaction)
        if not 1 <= self.first <= self.last <= services.catalog.episode_count:
            raise OutOfDate()
        found = digest(services.catalog, self.first, self.last)
        view = digest_layout(member_texts(interaction), found, interaction.user.id, self.page)
        await interaction.response.edit_message(view=view)


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
        # The digest is a layout message, which stays one: the answer replaces it with a text display.
        await interaction.response.edit_message(view=Layout().text(text).done())


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
    bot.add_dynamic_items(ShowCatchup, DigestPage, MarkWatched)
    await bot.add_cog(Catchup(bot.services))
