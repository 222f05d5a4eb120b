"""Shared Discord glue for cogs: services access, persistent buttons, spoiler-aware embeds."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar

import discord
from discord import app_commands

from bot.catalog import NotInPack, Revealing
from bot.client import RunOnBot, report_error
from bot.errors import UserError
from bot.permissions import humanize
from bot.services import Services, spoilers
from bot.services.zones import search_zones

Interaction = discord.Interaction[RunOnBot]
T = TypeVar("T")

BRAND = discord.Colour.from_rgb(232, 93, 74)
EMBED_FIELD_LIMIT = 1024
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
PUBLIC_DESCRIBE = "Post the answer in the channel for everyone (spoilers are tagged)"


class OutOfDate(UserError):
    """A button or menu whose id names something that no longer exists (or never did: a forged id)."""

    def __init__(self) -> None:
        super().__init__("This button is out of date. Run the command again for a fresh one.")


#: The largest id SQLite can store (ids in custom ids are checked against it before any query).
MAX_ROW_ID = 2**63 - 1


def services_of(interaction: Interaction) -> Services:
    return interaction.client.services


def ts(moment: dt.datetime, style: str = "F") -> str:
    """A Discord timestamp: each member sees it in their own zone."""
    return discord.utils.format_dt(moment, style)  # type: ignore[arg-type]


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"


def clip_sentences(text: str, limit: int) -> str:
    """``text`` if it fits, else as many whole sentences as fit (never cut mid-sentence)."""
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > limit:
            break
        kept = candidate
    return kept or clip(text, limit)


def join_clipped(lines: Sequence[str], limit: int) -> str:
    """Join lines, dropping whole lines that would break the limit (never cutting a spoiler tag)."""
    out: list[str] = []
    size = 0
    for index, line in enumerate(lines):
        extra = len(line) + (1 if out else 0)
        if size + extra > limit - 40:
            out.append(f"\N{HORIZONTAL ELLIPSIS} and {len(lines) - index} more")
            break
        out.append(line)
        size += extra
    return "\n".join(out)


def render_items(items: Sequence[Revealing], line: int) -> str:
    return join_clipped(spoilers.render(items, line), EMBED_DESCRIPTION_LIMIT)


def missing(permissions: discord.Permissions, needed: frozenset[str]) -> list[str]:
    """The human names of the permissions in ``needed`` that ``permissions`` lacks, sorted."""
    return sorted(humanize(name) for name in needed if not getattr(permissions, name))


async def public_line(interaction: Interaction) -> int:
    """The spoiler line for a public post in the interaction's channel (0 in DMs and spoiler-free channels)."""
    channel = interaction.channel
    parent_id = channel.parent_id if isinstance(channel, discord.Thread) else None
    services = services_of(interaction)
    return await services.spoiler_line.public_line(
        interaction.guild_id, interaction.channel_id, parent_id, services.clock()
    )


async def dm_refusal_notice(services: Services, user_id: int) -> str:
    """When Discord refused the member's last reminder DM, how they can fix it (staff cannot)."""
    member = await services.members.get(user_id)
    if member.dm_refused_at is None:
        return ""
    when = ts(dt.datetime.fromtimestamp(member.dm_refused_at, dt.UTC), "R")
    return (
        f"\n\N{WARNING SIGN}\N{VARIATION SELECTOR-16} My last reminder DM to you ({when}) didn't arrive: Discord "
        "refused it because your DMs are closed to me. To get DM copies, allow *Direct Messages* from this server "
        "(click the server name > *Privacy Settings*)."
    )


def staff_only() -> Callable[[T], T]:
    """A check that runs before the options are read: a member without Manage Server is told so first."""

    def predicate(interaction: discord.Interaction[Any]) -> bool:
        require_manage_guild(interaction)
        return True

    return app_commands.check(predicate)


def require_manage_guild(interaction: discord.Interaction[Any]) -> None:
    """Enforce Manage Server in the bot too: admins can override Discord's default_permissions."""
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage()
    if not interaction.permissions.manage_guild:
        raise app_commands.MissingPermissions(["manage_guild"])


def zone_choices(current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for an IANA time-zone option (city search)."""
    return [app_commands.Choice(name=z, value=z) for z in search_zones(current, 25)]


def watched_text(horizon: int) -> str:
    return f"You've watched up to episode {horizon}." if horizon else "You haven't marked any episode as watched."


async def send(interaction: Interaction, *, public: bool = False, **kwargs: Any) -> None:
    """Answer the interaction: ephemeral unless public. Mentions stay denied (the bot's default)."""
    await interaction.response.send_message(ephemeral=not public, **kwargs)


class SafeButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=r"runon:base:unused"):
    """A persistent button (works after a restart) whose errors take the bot's one error path.

    Subclasses set a ``template`` and implement :meth:`from_match` and :meth:`handle`.
    """

    owner_id: int | None = None  # when set, only this member may press the button
    refusal: ClassVar[str] = "That button belongs to someone else's answer. Run the command yourself."

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> SafeButton:
        return cls.from_match(match)

    @classmethod
    def from_match(cls, match: re.Match[str]) -> SafeButton:
        raise NotImplementedError

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if self.owner_id is not None and interaction.user.id != self.owner_id:
            await interaction.response.send_message(self.refusal, ephemeral=True)
            return False
        return True

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await self.handle(interaction)
        except NotInPack:  # an episode or person the button names is not in the pack: stale or forged
            await report_error(interaction, OutOfDate())
        except Exception as error:
            await report_error(interaction, error)

    async def handle(self, interaction: Interaction) -> None:
        raise NotImplementedError


def view_of(*items: discord.ui.Item[Any]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


class EpisodeTransformer(app_commands.Transformer[RunOnBot]):
    """An episode number with autocomplete that shows air dates and marks what the member watched."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.integer

    @property
    def min_value(self) -> int:
        return 1

    @property
    def max_value(self) -> int:
        return 16

    async def transform(self, interaction: Interaction, value: Any) -> int:
        catalog = services_of(interaction).catalog
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if not 1 <= number <= catalog.episode_count:
            raise UserError(f"There is no episode {value}; Run On has episodes 1 to {catalog.episode_count}.")
        return number

    async def autocomplete(  # type: ignore[override]
        self, interaction: Interaction, value: int | float | str
    ) -> list[app_commands.Choice[int]]:
        services = services_of(interaction)
        horizon = await services.progress.horizon(interaction.user.id)
        typed = str(value).strip()
        choices = []
        for episode in services.catalog.episodes:
            if typed and not str(episode.number).startswith(typed):
                continue
            day = episode.airs_at.astimezone(services.catalog.show.timezone)
            mark = " \N{CHECK MARK}" if episode.number <= horizon else ""
            choices.append(
                app_commands.Choice(
                    name=f"Episode {episode.number} \N{MIDDLE DOT} {day:%a %d %b %Y}{mark}",
                    value=episode.number,
                )
            )
        return choices[:25]


EpisodeOption = app_commands.Transform[int, EpisodeTransformer]
