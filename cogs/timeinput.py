"""Time options, parsed once at the edge: ``when`` (an instant) and ``from`` (a day).

Each is an :class:`app_commands.Transformer` (as RoboDanny's time transformer): the command receives the parsed
value, and the option's autocomplete shows what the same parser makes of the text as it is typed, in the same
zone. So the preview and the command cannot disagree, and a refusal reads the same in both places (the preview
line is its short form).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands

from bot.client import RunOnBot
from bot.errors import UserError
from bot.services import Services
from bot.services.rewatch import occurrences, parse_slots
from bot.services.timeparse import MAX_LENGTH, format_day, format_instant, parse_day, parse_when, preview, preview_day
from bot.services.zones import resolve_zone

from .common import Interaction, clip, services_of


async def member_zone(services: Services, user_id: int, guild_id: int | None, typed: str | None) -> ZoneInfo:
    """The zone a member's typed time means: the option, their own default, the server's, else UTC."""
    if typed:
        return resolve_zone(typed)
    member = await services.members.get(user_id)
    if member.timezone:
        return ZoneInfo(member.timezone)
    if guild_id is not None:
        config = await services.guilds.get(guild_id)
        if config.timezone:
            return ZoneInfo(config.timezone)
    return ZoneInfo("UTC")


def _typed(interaction: Interaction, name: str) -> Any:
    return getattr(interaction.namespace, name, None)


def _zone_choice(interaction: Interaction, error: UserError, text: str) -> list[app_commands.Choice[str]]:
    """The preview when the ``timezone`` option is wrong: what the command will say, in at most 100 characters."""
    message = str(error)
    if len(message) > 100:  # keep the advice (the last sentence), say which option it is about
        advice = message.rstrip(".").rsplit(". ", 1)[-1]
        message = f'timezone "{clip(str(_typed(interaction, "timezone")), 20)}": {advice}'
    return [app_commands.Choice(name=clip(message, 100), value=text[:MAX_LENGTH])]


@dataclass(frozen=True, slots=True)
class When:
    """A time the member typed: the instant (aware UTC) and the zone it was read in."""

    instant: dt.datetime
    zone: ZoneInfo


class _TextOption(app_commands.Transformer[RunOnBot]):
    max_length = MAX_LENGTH

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    @property
    def min_value(self) -> int:
        return 1

    @property
    def max_value(self) -> int:
        return self.max_length


class WhenTransformer(_TextOption):
    """``when``: read in the zone of the command's ``timezone`` option, else the member's, else the server's."""

    async def zone(self, interaction: Interaction) -> ZoneInfo:
        services = services_of(interaction)
        return await member_zone(services, interaction.user.id, interaction.guild_id, _typed(interaction, "timezone"))

    async def transform(self, interaction: Interaction, value: Any) -> When:
        zone = await self.zone(interaction)
        return When(parse_when(str(value), zone, services_of(interaction).clock()), zone)

    async def autocomplete(  # type: ignore[override]
        self, interaction: Interaction, value: int | float | str
    ) -> list[app_commands.Choice[str]]:
        text = str(value)
        if not text.strip():
            return []
        try:
            zone = await self.zone(interaction)
        except UserError as error:  # the timezone option does not name a zone: say so, as the command would
            return _zone_choice(interaction, error, text)
        shown = preview(text, zone, services_of(interaction).clock())
        return [app_commands.Choice(name=shown.line, value=text[:MAX_LENGTH])]


WhenOption = app_commands.Transform[When, WhenTransformer]


@dataclass(frozen=True, slots=True)
class StartDay:
    """A day the member typed for a schedule, and the zone of the schedule's slots."""

    day: dt.date
    zone: ZoneInfo


class StartDayTransformer(_TextOption):
    """``from`` of ``/rewatch start``: a day in the zone of the ``timezone`` option, else the broadcast's."""

    max_length = 40

    def zone(self, interaction: Interaction) -> ZoneInfo:
        typed = _typed(interaction, "timezone")
        return resolve_zone(typed) if typed else services_of(interaction).catalog.show.timezone

    async def transform(self, interaction: Interaction, value: Any) -> StartDay:
        zone = self.zone(interaction)
        return StartDay(parse_day(str(value), zone, services_of(interaction).clock()), zone)

    async def autocomplete(  # type: ignore[override]
        self, interaction: Interaction, value: int | float | str
    ) -> list[app_commands.Choice[str]]:
        text = str(value)
        if not text.strip():
            return []
        services = services_of(interaction)
        try:
            zone = self.zone(interaction)
        except UserError as error:
            return _zone_choice(interaction, error, text)
        shown = preview_day(text, zone, services.clock())
        line = shown.line
        if shown.instant is not None:  # where the first episode lands, as /rewatch start will place it
            try:
                typed_slots = _typed(interaction, "slots")
                slots = parse_slots(str(typed_slots)) if typed_slots else services.catalog.show.slots
            except UserError:
                pass
            else:
                first = next(occurrences(slots, zone, shown.instant))
                episode = _typed(interaction, "episode") or 1
                line = (
                    f"{format_day(first.astimezone(zone).date())}: episode {episode} at "
                    f"{format_instant(first, zone)[-5:]} ({zone.key})"
                )
        return [app_commands.Choice(name=clip(line, 100), value=text[:MAX_LENGTH])]


StartDayOption = app_commands.Transform[StartDay, StartDayTransformer]
