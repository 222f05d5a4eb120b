"""Time options, parsed once at the edge: ``when`` (an instant) and ``from`` (a day).

Each is an :class:`app_commands.Transformer` (as RoboDanny's time transformer): the command receives the parsed
value, and the option's autocomplete shows what the same parser makes of the text as it is typed, in the same
zone. So the preview and the command cannot disagree, and a refusal reads the same in both places (the preview
line is its short form).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from msgspec import Struct

from bot.app import Services
from bot.client import RunOnBot
from bot.errors import UserError
from bot.services.guild_config import read_stored_zone
from bot.services.rewatch import occurrences, parse_slots
from bot.services.zones import resolve_zone

from .common import Interaction, Texts, clip, member_texts, services_of

if TYPE_CHECKING:
    from bot.services.timeparse import Preview

# The time grammars (bot.services.timeparse, 3.5 MiB and 70-110 ms of the start-up) are imported when a time is first
# typed, not when the commands are defined: the options' limits are the grammar's own, repeated here (a test checks).
#: The longest time text the grammar reads, and so an option takes (also Discord's limit on a choice's value).
MAX_LENGTH = 100
#: The longest preview line (Discord's limit on a choice's name).
PREVIEW_LENGTH = 100


def _zone_key(zone: dt.tzinfo) -> str:
    return zone.key if isinstance(zone, ZoneInfo) else str(zone)


def preview_line(tr: Texts, shown: Preview) -> str:
    """The autocomplete line for a typed time, in the member's language (at most 100 characters): the instant
    with the zone and how far ahead it is, or why the command will refuse it."""
    if shown.hint is not None:
        line = tr.render(shown.hint)
    elif shown.refusal is not None:
        line = tr.render(shown.refusal.short)
    elif shown.day is not None:
        line = f"{tr.day(shown.day)} ({_zone_key(shown.zone)})"
    else:
        assert shown.instant is not None
        local = shown.instant.astimezone(shown.zone)
        line = tr(
            "{day}, {time} ({zone}) \N{MIDDLE DOT} {relative}",
            day=tr.day(local.date()),
            time=f"{local:%H:%M}",
            zone=_zone_key(shown.zone),
            relative=tr.relative(shown.instant - shown.now),
        )
    return clip(line, PREVIEW_LENGTH)


async def member_zone(services: Services, user_id: int, guild_id: int | None, typed: str | None) -> ZoneInfo:
    """The zone a member's typed time means: the option, their own default, the server's, else UTC. A stored
    zone that no longer names one (``read_stored_zone``) is passed over, never an error."""
    if typed:
        return resolve_zone(typed)
    member = await services.members.get(user_id)
    own = read_stored_zone(member.timezone, "member time zone")
    if own:
        return ZoneInfo(own)
    if guild_id is not None:
        config = await services.guilds.get(guild_id)
        if config.timezone:
            return ZoneInfo(config.timezone)
    return ZoneInfo("UTC")


def unreadable_times_notice(tr: Texts, replaced: str | None) -> str:
    """For ``remind-me``: the member's earlier times were stored in a form that no longer reads (they got the
    server's copies meanwhile), and this setting replaced them."""
    if replaced is None:
        return ""
    return "\n\N{WARNING SIGN}\N{VARIATION SELECTOR-16} " + tr(
        "Your earlier times (`{times}`) couldn't be read, so you were getting copies of the server's reminders "
        "instead. This setting replaces them.",
        times=clip(replaced.replace("`", "'"), 40),
    )


def _typed(interaction: Interaction, name: str) -> Any:
    return getattr(interaction.namespace, name, None)


def _zone_choice(interaction: Interaction, error: UserError, text: str) -> list[app_commands.Choice[str]]:
    """The preview when the ``timezone`` option is wrong: what the command will say, in at most 100 characters."""
    tr = member_texts(interaction)
    message = tr.render(error.message)
    if len(message) > 100:  # keep the advice (the last sentence), say which option it is about
        advice = message.rstrip(".").rsplit(". ", 1)[-1]
        message = tr(
            'timezone "{typed}": {advice}', typed=clip(str(_typed(interaction, "timezone")), 20), advice=advice
        )
    return [app_commands.Choice(name=clip(message, 100), value=text[:MAX_LENGTH])]


class When(Struct, frozen=True):
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
        from bot.services.timeparse import parse_when

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
        from bot.services.timeparse import preview

        now = services_of(interaction).clock()
        shown = preview(text, zone, now)
        tr = member_texts(interaction)
        choices = [app_commands.Choice(name=preview_line(tr, shown), value=text[:MAX_LENGTH])]
        # A refusal that asks (morning or evening? Saturday or Sunday? which IST?) offers each answer as a choice,
        # with the time it gives: picking one is typing the suggestion back.
        for suggestion in shown.refusal.suggestions if shown.refusal is not None else ():
            offered = preview(suggestion, zone, now)
            if offered.instant is not None and len(suggestion) <= MAX_LENGTH:
                name = f"{suggestion} → {preview_line(tr, offered)}"
                choices.append(app_commands.Choice(name=clip(name, 100), value=suggestion))
        return choices


WhenOption = app_commands.Transform[When, WhenTransformer]


class StartDay(Struct, frozen=True):
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
        from bot.services.timeparse import parse_day

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
        from bot.services.timeparse import preview_day

        shown = preview_day(text, zone, services.clock())
        tr = member_texts(interaction)
        line = preview_line(tr, shown)
        if shown.instant is not None:  # where the first episode lands, as /rewatch start will place it
            try:
                typed_slots = _typed(interaction, "slots")
                slots = parse_slots(str(typed_slots)) if typed_slots else services.catalog.show.slots
            except UserError:
                pass
            else:
                first = next(occurrences(slots, zone, shown.instant)).astimezone(zone)
                episode = _typed(interaction, "episode") or 1
                line = tr(
                    "{day}: episode {n} at {time} ({zone})",
                    day=tr.day(first.date()),
                    n=episode,
                    time=f"{first:%H:%M}",
                    zone=zone.key,
                )
        return [app_commands.Choice(name=clip(line, 100), value=text[:MAX_LENGTH])]


StartDayOption = app_commands.Transform[StartDay, StartDayTransformer]
